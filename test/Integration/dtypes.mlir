// The all-to-all of every element type the runtime takes (f64, f16, bf16,
// i64, i32, i8, i1) on 2 ranks: the aligned case of all_to_all.mlir, each
// value converted to the type and back. Rank r's input element (i, j) is
// 100 * r + 10 * i + j (i1: its parity).
//
// mpirun forwards stdin to rank 0 only: the lowered module goes to a file.
// RUN: seqpar-opt %s --seqpar-to-llvm -o %t
// RUN: %mpirun 2 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s
// Without the dialect's simplifications every op reaches the runtime; the
// output is the same.
// RUN: seqpar-opt %s --seqpar-to-llvm="simplify=false" -o %t
// RUN: %mpirun 2 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s

seqpar.grid @cp(axes = ["u" = 2])

func.func private @printMemrefF32(memref<*xf32>)

func.func @rank() -> index {
  %r = seqpar.group_rank on @cp["u"]
  return %r : index
}

func.func @fill(%rows: index, %cols: index) -> tensor<?x?xf32> {
  %rank = func.call @rank() : () -> index
  %e = tensor.empty(%rows, %cols) : tensor<?x?xf32>
  %t = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x?xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c10 = arith.constant 10 : index
    %c100 = arith.constant 100 : index
    %a = arith.muli %i, %c10 : index
    %b = arith.muli %rank, %c100 : index
    %s = arith.addi %a, %j : index
    %v = arith.addi %s, %b : index
    %vi = arith.index_cast %v : index to i64
    %vf = arith.sitofp %vi : i64 to f32
    linalg.yield %vf : f32
  } -> tensor<?x?xf32>
  return %t : tensor<?x?xf32>
}

func.func @print(%t: tensor<?x?xf32>) {
  %m = bufferization.to_buffer %t : tensor<?x?xf32> to memref<?x?xf32>
  %u = memref.cast %m : memref<?x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %x0 = func.call @fill(%c2, %c4) : (index, index) -> tensor<?x?xf32>
  %x = tensor.cast %x0 : tensor<?x?xf32> to tensor<2x4xf32>
  %f = tensor.empty() : tensor<4x2xf32>
  %e_f64 = tensor.empty() : tensor<2x4xf64>
  %e_f16 = tensor.empty() : tensor<2x4xf16>
  %e_bf16 = tensor.empty() : tensor<2x4xbf16>
  %e_i64 = tensor.empty() : tensor<2x4xi64>
  %e_i32 = tensor.empty() : tensor<2x4xi32>
  %e_i8 = tensor.empty() : tensor<2x4xi8>
  %e_i1 = tensor.empty() : tensor<2x4xi1>
  // f64
  %x_f64 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x4xf32>) outs(%e_f64 : tensor<2x4xf64>) {
  ^bb0(%a: f32, %o: f64):
    %c = arith.extf %a : f32 to f64
    linalg.yield %c : f64
  } -> tensor<2x4xf64>
  %y_f64 = seqpar.all_to_all %x_f64 on @cp["u"] scatter 1 gather 0
      : tensor<2x4xf64> -> tensor<4x2xf64>
  %b_f64 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%y_f64 : tensor<4x2xf64>) outs(%f : tensor<4x2xf32>) {
  ^bb0(%a: f64, %o: f32):
    %c = arith.truncf %a : f64 to f32
    linalg.yield %c : f32
  } -> tensor<4x2xf32>
  %p_f64 = tensor.cast %b_f64 : tensor<4x2xf32> to tensor<?x?xf32>
  func.call @print(%p_f64) : (tensor<?x?xf32>) -> ()
  // f16
  %x_f16 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x4xf32>) outs(%e_f16 : tensor<2x4xf16>) {
  ^bb0(%a: f32, %o: f16):
    %c = arith.truncf %a : f32 to f16
    linalg.yield %c : f16
  } -> tensor<2x4xf16>
  %y_f16 = seqpar.all_to_all %x_f16 on @cp["u"] scatter 1 gather 0
      : tensor<2x4xf16> -> tensor<4x2xf16>
  %b_f16 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%y_f16 : tensor<4x2xf16>) outs(%f : tensor<4x2xf32>) {
  ^bb0(%a: f16, %o: f32):
    %c = arith.extf %a : f16 to f32
    linalg.yield %c : f32
  } -> tensor<4x2xf32>
  %p_f16 = tensor.cast %b_f16 : tensor<4x2xf32> to tensor<?x?xf32>
  func.call @print(%p_f16) : (tensor<?x?xf32>) -> ()
  // bf16
  %x_bf16 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x4xf32>) outs(%e_bf16 : tensor<2x4xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.truncf %a : f32 to bf16
    linalg.yield %c : bf16
  } -> tensor<2x4xbf16>
  %y_bf16 = seqpar.all_to_all %x_bf16 on @cp["u"] scatter 1 gather 0
      : tensor<2x4xbf16> -> tensor<4x2xbf16>
  %b_bf16 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%y_bf16 : tensor<4x2xbf16>) outs(%f : tensor<4x2xf32>) {
  ^bb0(%a: bf16, %o: f32):
    %c = arith.extf %a : bf16 to f32
    linalg.yield %c : f32
  } -> tensor<4x2xf32>
  %p_bf16 = tensor.cast %b_bf16 : tensor<4x2xf32> to tensor<?x?xf32>
  func.call @print(%p_bf16) : (tensor<?x?xf32>) -> ()
  // i64
  %x_i64 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x4xf32>) outs(%e_i64 : tensor<2x4xi64>) {
  ^bb0(%a: f32, %o: i64):
    %c = arith.fptosi %a : f32 to i64
    linalg.yield %c : i64
  } -> tensor<2x4xi64>
  %y_i64 = seqpar.all_to_all %x_i64 on @cp["u"] scatter 1 gather 0
      : tensor<2x4xi64> -> tensor<4x2xi64>
  %b_i64 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%y_i64 : tensor<4x2xi64>) outs(%f : tensor<4x2xf32>) {
  ^bb0(%a: i64, %o: f32):
    %c = arith.sitofp %a : i64 to f32
    linalg.yield %c : f32
  } -> tensor<4x2xf32>
  %p_i64 = tensor.cast %b_i64 : tensor<4x2xf32> to tensor<?x?xf32>
  func.call @print(%p_i64) : (tensor<?x?xf32>) -> ()
  // i32
  %x_i32 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x4xf32>) outs(%e_i32 : tensor<2x4xi32>) {
  ^bb0(%a: f32, %o: i32):
    %c = arith.fptosi %a : f32 to i32
    linalg.yield %c : i32
  } -> tensor<2x4xi32>
  %y_i32 = seqpar.all_to_all %x_i32 on @cp["u"] scatter 1 gather 0
      : tensor<2x4xi32> -> tensor<4x2xi32>
  %b_i32 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%y_i32 : tensor<4x2xi32>) outs(%f : tensor<4x2xf32>) {
  ^bb0(%a: i32, %o: f32):
    %c = arith.sitofp %a : i32 to f32
    linalg.yield %c : f32
  } -> tensor<4x2xf32>
  %p_i32 = tensor.cast %b_i32 : tensor<4x2xf32> to tensor<?x?xf32>
  func.call @print(%p_i32) : (tensor<?x?xf32>) -> ()
  // i8
  %x_i8 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x4xf32>) outs(%e_i8 : tensor<2x4xi8>) {
  ^bb0(%a: f32, %o: i8):
    %c = arith.fptosi %a : f32 to i8
    linalg.yield %c : i8
  } -> tensor<2x4xi8>
  %y_i8 = seqpar.all_to_all %x_i8 on @cp["u"] scatter 1 gather 0
      : tensor<2x4xi8> -> tensor<4x2xi8>
  %b_i8 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%y_i8 : tensor<4x2xi8>) outs(%f : tensor<4x2xf32>) {
  ^bb0(%a: i8, %o: f32):
    %c = arith.sitofp %a : i8 to f32
    linalg.yield %c : f32
  } -> tensor<4x2xf32>
  %p_i8 = tensor.cast %b_i8 : tensor<4x2xf32> to tensor<?x?xf32>
  func.call @print(%p_i8) : (tensor<?x?xf32>) -> ()
  // i1: odd values are true.
  %x_i1 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x4xf32>) outs(%e_i1 : tensor<2x4xi1>) {
  ^bb0(%a: f32, %o: i1):
    %c = arith.fptosi %a : f32 to i32
    %t = arith.trunci %c : i32 to i1
    linalg.yield %t : i1
  } -> tensor<2x4xi1>
  %y_i1 = seqpar.all_to_all %x_i1 on @cp["u"] scatter 1 gather 0
      : tensor<2x4xi1> -> tensor<4x2xi1>
  %b_i1 = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%y_i1 : tensor<4x2xi1>) outs(%f : tensor<4x2xf32>) {
  ^bb0(%a: i1, %o: f32):
    %c = arith.uitofp %a : i1 to f32
    linalg.yield %c : f32
  } -> tensor<4x2xf32>
  %p_i1 = tensor.cast %b_i1 : tensor<4x2xf32> to tensor<?x?xf32>
  func.call @print(%p_i1) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK:      R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// CHECK-NEXT: R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// CHECK-NEXT: R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// CHECK-NEXT: R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// CHECK-NEXT: R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// CHECK-NEXT: R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// CHECK-NEXT: R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (0, 1),
// CHECK-NEXT: R0 (0, 1),
// CHECK-NEXT: R0 (0, 1))
// CHECK-NEXT: R1 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK-NEXT: R1 (12, 13),
// CHECK-NEXT: R1 (102, 103),
// CHECK-NEXT: R1 (112, 113))
// CHECK-NEXT: R1 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK-NEXT: R1 (12, 13),
// CHECK-NEXT: R1 (102, 103),
// CHECK-NEXT: R1 (112, 113))
// CHECK-NEXT: R1 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK-NEXT: R1 (12, 13),
// CHECK-NEXT: R1 (102, 103),
// CHECK-NEXT: R1 (112, 113))
// CHECK-NEXT: R1 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK-NEXT: R1 (12, 13),
// CHECK-NEXT: R1 (102, 103),
// CHECK-NEXT: R1 (112, 113))
// CHECK-NEXT: R1 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK-NEXT: R1 (12, 13),
// CHECK-NEXT: R1 (102, 103),
// CHECK-NEXT: R1 (112, 113))
// CHECK-NEXT: R1 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK-NEXT: R1 (12, 13),
// CHECK-NEXT: R1 (102, 103),
// CHECK-NEXT: R1 (112, 113))
// CHECK-NEXT: R1 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R1 ((0, 1),
// CHECK-NEXT: R1 (0, 1),
// CHECK-NEXT: R1 (0, 1),
// CHECK-NEXT: R1 (0, 1))
