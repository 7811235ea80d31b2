// RUN: seqpar-opt %s --split-input-file --verify-diagnostics \
// RUN:   --seqpar-to-runtime="init-function="

seqpar.grid @cp(axes = ["ring" = 2, "u" = 2])

func.func @negative_axis_order(%x: tensor<4x8xf32>) -> tensor<16x2xf32> {
  // expected-error @+1 {{'seqpar.all_to_all' op lists its group axes as ["u", "ring"], not in the order of grid @cp; the runtime ranks a group by increasing grid axis, so list them as ["ring", "u"]}}
  %y = seqpar.all_to_all %x on @cp["u", "ring"] scatter 1 gather 0
      : tensor<4x8xf32> -> tensor<16x2xf32>
  return %y : tensor<16x2xf32>
}

// -----

seqpar.grid @a(axes = ["u" = 2])
seqpar.grid @b(axes = ["u" = 4])

func.func @negative_two_grids(%x: tensor<8xf32>) -> (tensor<4xf32>, tensor<2xf32>) {
  %y = seqpar.split %x on @a["u"] dim 0 : tensor<8xf32> -> tensor<4xf32>
  // expected-error @+1 {{'seqpar.split' op runs on grid @b of shape [4] but other collectives of the module run on grid @a of shape [2]; the runtime runs one grid}}
  %z = seqpar.split %x on @b["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y, %z : tensor<4xf32>, tensor<2xf32>
}

// -----

seqpar.grid @cp(axes = ["u" = 4])

func.func @negative_wrong_form(%x: tensor<10xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'seqpar.split' op cannot be lowered in the "equal" form recorded in 'seqpar.lowering': its static shapes give the "per_peer" form}}
  %y = seqpar.split %x on @cp["u"] dim 0 {seqpar.lowering = "equal"}
      : tensor<10xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

seqpar.grid @cp(axes = ["u" = 4])

// expected-error @+1 {{'func.func' op is named like the runtime function 'seqpar_rt_split' but has type '(i32) -> ()' instead of '(memref<*xi8>, memref<*xi8>, i32, i64, i64, memref<*xi64>, i32) -> i32'}}
func.func private @seqpar_rt_split(i32)

func.func @negative_clashing_declaration(%x: tensor<8xf32>) -> tensor<2xf32> {
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

seqpar.grid @cp(axes = ["u" = 4])

// expected-error @+1 {{'memref.global' op is named like the runtime function 'fputs' but is not a function}}
memref.global "private" @fputs : memref<1xi32>

func.func @negative_clashing_symbol(%x: tensor<8xf32>) -> tensor<2xf32> {
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

seqpar.grid @cp(axes = ["u" = 4])

// expected-error @+1 {{'func.func' op is named like the C library's 'stderr' but is not an llvm.mlir.global}}
func.func private @stderr()

func.func @negative_clashing_stderr(%x: tensor<8xf32>) -> tensor<2xf32> {
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

seqpar.grid @cp(axes = ["u" = 4])

// A gather of a length known only at run time computes its pieces with
// seqpar_rt_split_size; a clashing declaration of it is reported, not used.
// expected-error @+1 {{'func.func' op is named like the runtime function 'seqpar_rt_split_size' but has type '(i32) -> ()' instead of '(i64, i64, i64) -> i64'}}
func.func private @seqpar_rt_split_size(i32)

func.func @negative_clashing_split_size(%x: tensor<?xf32>, %n: index)
    -> tensor<?xf32> {
  %y = seqpar.gather %x on @cp["u"] dim 0 gather_size %n
      : tensor<?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}
