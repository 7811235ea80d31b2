// Every all-to-all form on 2 ranks: aligned, scatter-unaligned,
// gather-unaligned, both, dynamic shapes, with fused transposes, and the
// adjoint that restores the input. Rank r's input element (i, j) is
// 100 * r + 10 * i + j.
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
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %rank = func.call @rank() : () -> index
  // Rank 0 holds 2 rows, rank 1 holds 1 row: the pieces of 3.
  %rows3 = arith.subi %c2, %rank : index

  // Aligned.
  %a0 = func.call @fill(%c2, %c4) : (index, index) -> tensor<?x?xf32>
  %a = tensor.cast %a0 : tensor<?x?xf32> to tensor<2x4xf32>
  %ya = seqpar.all_to_all %a on @cp["u"] scatter 1 gather 0
      : tensor<2x4xf32> -> tensor<4x2xf32>
  %pa = tensor.cast %ya : tensor<4x2xf32> to tensor<?x?xf32>
  func.call @print(%pa) : (tensor<?x?xf32>) -> ()

  // Scatter dim 3 over 2 ranks.
  %b0 = func.call @fill(%c2, %c3) : (index, index) -> tensor<?x?xf32>
  %b = tensor.cast %b0 : tensor<?x?xf32> to tensor<2x3xf32>
  %yb = seqpar.all_to_all %b on @cp["u"] scatter 1 gather 0
      : tensor<2x3xf32> -> tensor<4x?xf32>
  %pb = tensor.cast %yb : tensor<4x?xf32> to tensor<?x?xf32>
  func.call @print(%pb) : (tensor<?x?xf32>) -> ()
  // Its adjoint gives the input back.
  %bb = seqpar.all_to_all %yb on @cp["u"] scatter 0 gather 1 gather_size 3
      : tensor<4x?xf32> -> tensor<2x3xf32>
  %pbb = tensor.cast %bb : tensor<2x3xf32> to tensor<?x?xf32>
  func.call @print(%pbb) : (tensor<?x?xf32>) -> ()

  // Gather dim 3 over 2 ranks.
  %c0 = func.call @fill(%rows3, %c4) : (index, index) -> tensor<?x?xf32>
  %c = tensor.cast %c0 : tensor<?x?xf32> to tensor<?x4xf32>
  %yc = seqpar.all_to_all %c on @cp["u"] scatter 1 gather 0 gather_size 3
      : tensor<?x4xf32> -> tensor<3x2xf32>
  %pc = tensor.cast %yc : tensor<3x2xf32> to tensor<?x?xf32>
  func.call @print(%pc) : (tensor<?x?xf32>) -> ()

  // Both unaligned.
  %d0 = func.call @fill(%rows3, %c3) : (index, index) -> tensor<?x?xf32>
  %d = tensor.cast %d0 : tensor<?x?xf32> to tensor<?x3xf32>
  %yd = seqpar.all_to_all %d on @cp["u"] scatter 1 gather 0 gather_size 3
      : tensor<?x3xf32> -> tensor<3x?xf32>
  %pd = tensor.cast %yd : tensor<3x?xf32> to tensor<?x?xf32>
  func.call @print(%pd) : (tensor<?x?xf32>) -> ()
  // And back.
  %dd = seqpar.all_to_all %yd on @cp["u"] scatter 0 gather 1 gather_size 3
      : tensor<3x?xf32> -> tensor<?x3xf32>
  %pdd = tensor.cast %dd : tensor<?x3xf32> to tensor<?x?xf32>
  func.call @print(%pdd) : (tensor<?x?xf32>) -> ()

  // Dynamic shapes: the runtime decides.
  %ye = seqpar.all_to_all %a0 on @cp["u"] scatter 1 gather 0
      : tensor<?x?xf32> -> tensor<?x?xf32>
  func.call @print(%ye) : (tensor<?x?xf32>) -> ()

  // Transposes before and after fuse into the call: same result as the
  // aligned case.
  %et = tensor.empty() : tensor<4x2xf32>
  %at = linalg.transpose ins(%a : tensor<2x4xf32>) outs(%et : tensor<4x2xf32>)
      permutation = [1, 0]
  %yt = seqpar.all_to_all %at on @cp["u"] scatter 0 gather 1
      : tensor<4x2xf32> -> tensor<2x4xf32>
  %yt2 = linalg.transpose ins(%yt : tensor<2x4xf32>) outs(%et : tensor<4x2xf32>)
      permutation = [1, 0]
  %pt = tensor.cast %yt2 : tensor<4x2xf32> to tensor<?x?xf32>
  func.call @print(%pt) : (tensor<?x?xf32>) -> ()
  return
}

// Aligned.
// CHECK:      R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// Scatter-unaligned: rank 0 keeps 2 columns.
// CHECK-NEXT: R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// CHECK-NEXT: R0 {{.*}} sizes = (2, 3)
// CHECK-NEXT: R0 ((0, 1, 2),
// CHECK-NEXT: R0 (10, 11, 12))
// Gather-unaligned.
// CHECK-NEXT: R0 {{.*}} sizes = (3, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101))
// Both.
// CHECK-NEXT: R0 {{.*}} sizes = (3, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101))
// CHECK-NEXT: R0 {{.*}} sizes = (2, 3)
// CHECK-NEXT: R0 ((0, 1, 2),
// CHECK-NEXT: R0 (10, 11, 12))
// Dynamic.
// CHECK-NEXT: R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// Fused transposes.
// CHECK-NEXT: R0 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))

// CHECK-NEXT: R1 {{.*}} sizes = (4, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK-NEXT: R1 (12, 13),
// CHECK-NEXT: R1 (102, 103),
// CHECK-NEXT: R1 (112, 113))
// CHECK-NEXT: R1 {{.*}} sizes = (4, 1)
// CHECK-NEXT: R1 ((2),
// CHECK-NEXT: R1 (12),
// CHECK-NEXT: R1 (102),
// CHECK-NEXT: R1 (112))
// CHECK-NEXT: R1 {{.*}} sizes = (2, 3)
// CHECK-NEXT: R1 ((100, 101, 102),
// CHECK-NEXT: R1 (110, 111, 112))
// CHECK-NEXT: R1 {{.*}} sizes = (3, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK-NEXT: R1 (12, 13),
// CHECK-NEXT: R1 (102, 103))
// CHECK-NEXT: R1 {{.*}} sizes = (3, 1)
// CHECK-NEXT: R1 ((2),
// CHECK-NEXT: R1 (12),
// CHECK-NEXT: R1 (102))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R1 ((100, 101, 102))
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
