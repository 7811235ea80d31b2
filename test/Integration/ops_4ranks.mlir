// On 4 ranks (a 2 x 2 ring x Ulysses grid): the all-to-all of 10 tokens and
// 6 heads over both axes and back, and the hybrid ops, decomposed into
// primitives and (second run) lowered whole. Rank w's input element (i, j)
// is 100 * w + 10 * i + j.
//
// The split inputs differ between ranks, which the dialect's simplifications
// assume they do not, so they are off.
// mpirun forwards stdin to rank 0 only: the lowered module goes to a file.
// RUN: cat %S/Inputs/reference.mlir %s | seqpar-opt --seqpar-to-llvm="simplify=false" -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s
// RUN: cat %S/Inputs/reference.mlir %s | seqpar-opt --seqpar-to-llvm="decompose=false simplify=false" -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s

seqpar.grid @cp(axes = ["ring" = 2, "u" = 2])

func.func private @printMemrefF32(memref<*xf32>)

func.func @rank() -> index {
  %r = seqpar.group_rank on @cp["ring", "u"]
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
  %c6 = arith.constant 6 : index
  %c8 = arith.constant 8 : index
  %c10 = arith.constant 10 : index
  %c4 = arith.constant 4 : index
  %rank = func.call @rank() : () -> index
  %rank_i = arith.index_cast %rank : index to i64
  %c4_i = arith.constant 4 : i64
  %c10_i = arith.constant 10 : i64
  // The split rule of the test reference (Inputs/reference.mlir).
  %tokens_i = func.call @ref_split_size(%c10_i, %c4_i, %rank_i)
      : (i64, i64, i64) -> i64
  %tokens = arith.index_cast %tokens_i : i64 to index

  // 10 tokens ([3, 3, 2, 2]) x 6 heads -> 10 tokens x [2, 2, 1, 1] heads.
  %x0 = func.call @fill(%tokens, %c6) : (index, index) -> tensor<?x?xf32>
  %x = tensor.cast %x0 : tensor<?x?xf32> to tensor<?x6xf32>
  %y = seqpar.all_to_all %x on @cp["ring", "u"] scatter 1 gather 0
      gather_size 10 : tensor<?x6xf32> -> tensor<10x?xf32>
  %py = tensor.cast %y : tensor<10x?xf32> to tensor<?x?xf32>
  func.call @print(%py) : (tensor<?x?xf32>) -> ()
  %xb = seqpar.all_to_all %y on @cp["ring", "u"] scatter 0 gather 1
      gather_size 6 : tensor<10x?xf32> -> tensor<?x6xf32>
  %pxb = tensor.cast %xb : tensor<?x6xf32> to tensor<?x?xf32>
  func.call @print(%pxb) : (tensor<?x?xf32>) -> ()

  // Hybrid: zigzag over the ring, then split over Ulysses, and back.
  %h0 = func.call @fill(%c1, %c8) : (index, index) -> tensor<?x?xf32>
  %h = tensor.cast %h0 : tensor<?x?xf32> to tensor<1x8xf32>
  %hs = seqpar.hybrid_split %h on @cp ring "ring" ulysses "u" dim 1
      : tensor<1x8xf32> -> tensor<1x2xf32>
  %phs = tensor.cast %hs : tensor<1x2xf32> to tensor<?x?xf32>
  func.call @print(%phs) : (tensor<?x?xf32>) -> ()
  %hg = seqpar.hybrid_gather %hs on @cp ring "ring" ulysses "u" dim 1
      gather_size 8 : tensor<1x2xf32> -> tensor<1x8xf32>
  %phg = tensor.cast %hg : tensor<1x8xf32> to tensor<?x?xf32>
  func.call @print(%phg) : (tensor<?x?xf32>) -> ()

  // Hybrid packed sequences [5, 3]: ring pieces of 5 and 3 elements.
  %ps = seqpar.hybrid_packed_split %h on @cp ring "ring" ulysses "u" dim 1
      seq_lens [5, 3] : tensor<1x8xf32> -> tensor<1x?xf32>
  %pps = tensor.cast %ps : tensor<1x?xf32> to tensor<?x?xf32>
  func.call @print(%pps) : (tensor<?x?xf32>) -> ()
  %pg = seqpar.hybrid_packed_gather %ps on @cp ring "ring" ulysses "u" dim 1
      seq_lens [5, 3] : tensor<1x?xf32> -> tensor<1x8xf32>
  %ppg = tensor.cast %pg : tensor<1x8xf32> to tensor<?x?xf32>
  func.call @print(%ppg) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK:      R0 {{.*}} sizes = (10, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (20, 21),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111),
// CHECK-NEXT: R0 (120, 121),
// CHECK-NEXT: R0 (200, 201),
// CHECK-NEXT: R0 (210, 211),
// CHECK-NEXT: R0 (300, 301),
// CHECK-NEXT: R0 (310, 311))
// CHECK-NEXT: R0 {{.*}} sizes = (3, 6)
// CHECK-NEXT: R0 ((0, 1, 2, 3, 4, 5),
// CHECK-NEXT: R0 (10, 11, 12, 13, 14, 15),
// CHECK-NEXT: R0 (20, 21, 22, 23, 24, 25))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R0 ((0, 1))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R0 ((0, 1, 202, 203, 304, 305, 106, 107))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R0 ((0, 1, 2))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R0 ((0, 1, 2, 203, 204, 105, 106, 307))

// CHECK:      R1 {{.*}} sizes = (10, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK:      R1 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R1 ((106, 107))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R1 ((0, 1, 202, 203, 304, 305, 106, 107))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R1 ((105, 106))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R1 ((0, 1, 2, 203, 204, 105, 106, 307))

// CHECK:      R2 {{.*}} sizes = (10, 1)
// CHECK-NEXT: R2 ((4),
// CHECK:      R2 {{.*}} sizes = (2, 6)
// CHECK-NEXT: R2 ((200, 201, 202, 203, 204, 205),
// CHECK-NEXT: R2 (210, 211, 212, 213, 214, 215))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R2 ((202, 203))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R2 ((0, 1, 202, 203, 304, 305, 106, 107))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R2 ((203, 204))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R2 ((0, 1, 2, 203, 204, 105, 106, 307))

// CHECK:      R3 {{.*}} sizes = (10, 1)
// CHECK-NEXT: R3 ((5),
// CHECK-NEXT: R3 (15),
// CHECK-NEXT: R3 (25),
// CHECK-NEXT: R3 (105),
// CHECK-NEXT: R3 (115),
// CHECK-NEXT: R3 (125),
// CHECK-NEXT: R3 (205),
// CHECK-NEXT: R3 (215),
// CHECK-NEXT: R3 (305),
// CHECK-NEXT: R3 (315))
// CHECK-NEXT: R3 {{.*}} sizes = (2, 6)
// CHECK-NEXT: R3 ((300, 301, 302, 303, 304, 305),
// CHECK-NEXT: R3 (310, 311, 312, 313, 314, 315))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R3 ((304, 305))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R3 ((0, 1, 202, 203, 304, 305, 106, 107))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 1)
// CHECK-NEXT: R3 ((307))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R3 ((0, 1, 2, 203, 204, 105, 106, 307))
