// RUN: seqpar-opt %s --split-input-file --verify-diagnostics \
// RUN:   --seqpar-to-runtime="init-function="

seqpar.grid @a(axes = ["u" = 2])
seqpar.grid @b(axes = ["u" = 4])

// Grids of different shapes may share a module, but each spans every rank.
func.func @negative_grid_sizes(%x: tensor<8xf32>) -> (tensor<4xf32>, tensor<2xf32>) {
  // expected-note @+1 {{first collective}}
  %y = seqpar.split %x on @a["u"] dim 0 : tensor<8xf32> -> tensor<4xf32>
  // expected-error @+1 {{'seqpar.split' op runs on grid @b of 4 ranks but the module's first collective runs on grid @a of 2 ranks; every grid of a module spans all ranks}}
  %z = seqpar.split %x on @b["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y, %z : tensor<4xf32>, tensor<2xf32>
}

// -----

seqpar.grid @cp(axes = ["u" = 4])

// expected-error @+1 {{'func.func' op is named like the runtime function 'seqpar_rt_run' but has type '(i32) -> ()' instead of '(memref<*xi8>, memref<*xi8>, i32, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64) -> i32'}}
func.func private @seqpar_rt_run(i32)

func.func @negative_clashing_declaration(%x: tensor<8xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  // Reported once, however many ops would call it.
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  %z = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y, %z : tensor<2xf32>, tensor<2xf32>
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

// A result dim known only at run time comes from seqpar_rt_output_shape; a
// clashing declaration of it is reported, not used.
// expected-error @+1 {{'func.func' op is named like the runtime function 'seqpar_rt_output_shape' but has type '(i32) -> ()' instead of '(memref<*xi8>, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64, memref<*xi64>) -> i32'}}
func.func private @seqpar_rt_output_shape(i32)

func.func @negative_clashing_output_shape(%x: tensor<?xf32>, %n: index)
    -> tensor<?xf32> {
  %y = seqpar.gather %x on @cp["u"] dim 0 gather_size %n
      : tensor<?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

seqpar.grid @cp(axes = ["u" = 4])

// expected-error @+1 {{'func.func' op is named like the runtime function 'seqpar_rt_exchange_lengths' but has type '(i64) -> i32' instead of '(memref<*xi64>, i64, memref<*xi64>) -> i32'}}
func.func private @seqpar_rt_exchange_lengths(i64) -> i32

func.func @negative_clashing_exchange(%x: tensor<?xf32>) -> tensor<4xi64> {
  %l = seqpar.exchange_lengths %x on @cp["u"] dim 0
      : tensor<?xf32> -> tensor<4xi64>
  return %l : tensor<4xi64>
}

// -----

seqpar.grid @cp(axes = ["u" = 4])

// expected-error @+1 {{'func.func' op is named like the runtime function 'seqpar_rt_alloc' but has type '(i64) -> memref<?xf32>' instead of '(i64) -> memref<?xi8>'}}
func.func private @seqpar_rt_alloc(i64) -> memref<?xf32>

func.func @negative_clashing_allocator(%x: tensor<8xf32>) -> tensor<2xf32> {
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}
