// all_to_all with replicated blocks (GQA) on 4 ranks, lowered and run: 2 KV
// heads, each to 2 ranks (slots 4), and the adjoint that sums the 2 copies
// of each head (twice the input), with a static and a run-time gather_size;
// 3 heads over 4 slots (1, 2, 2, 1 heads per rank); 3 KV heads serving 6
// query heads (rank r's query heads use KV heads 0, 1, 2, 2). Rank r's input element (i, j) is 100 * r + 10 * i + j:
// row i of its 2 sequence rows, head j.
//
// RUN: seqpar-opt %s --seqpar-to-llvm -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s

seqpar.grid @sp(axes = ["u" = 4])

func.func private @printMemrefF32(memref<*xf32>)

func.func @fill(%cols: index) -> tensor<2x?xf32> {
  %rank = seqpar.group_rank on @sp["u"]
  %e = tensor.empty(%cols) : tensor<2x?xf32>
  %t = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]} outs(%e : tensor<2x?xf32>) {
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
  } -> tensor<2x?xf32>
  return %t : tensor<2x?xf32>
}

func.func @print(%t: tensor<?x?xf32>) {
  %m = bufferization.to_buffer %t : tensor<?x?xf32> to memref<?x?xf32>
  %u = memref.cast %m : memref<?x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index

  // 2 heads over 4 ranks: rank r gets head r / 2 of every rank's rows.
  %x0 = func.call @fill(%c2) : (index) -> tensor<2x?xf32>
  %x = tensor.cast %x0 : tensor<2x?xf32> to tensor<2x2xf32>
  %y = seqpar.all_to_all %x on @sp["u"] scatter 1 slots 4 gather 0
      : tensor<2x2xf32> -> tensor<8x1xf32>
  %py = tensor.cast %y : tensor<8x1xf32> to tensor<?x?xf32>
  func.call @print(%py) : (tensor<?x?xf32>) -> ()

  // Its adjoint: each head's 2 copies summed back.
  %g = seqpar.all_to_all %y on @sp["u"] scatter 0 gather 1 slots 4
      gather_size 2 : tensor<8x1xf32> -> tensor<2x2xf32>
  %pg = tensor.cast %g : tensor<2x2xf32> to tensor<?x?xf32>
  func.call @print(%pg) : (tensor<?x?xf32>) -> ()
  // The same with the gathered length known only at run time.
  %gd = seqpar.all_to_all %y on @sp["u"] scatter 0 gather 1 slots 4
      gather_size %c2 : tensor<8x1xf32> -> tensor<2x?xf32>
  %pgd = tensor.cast %gd : tensor<2x?xf32> to tensor<?x?xf32>
  func.call @print(%pgd) : (tensor<?x?xf32>) -> ()

  // 3 heads over 4 slots: heads [0], [0, 1], [1, 2], [2].
  %z0 = func.call @fill(%c3) : (index) -> tensor<2x?xf32>
  %z = tensor.cast %z0 : tensor<2x?xf32> to tensor<2x3xf32>
  %w = seqpar.all_to_all %z on @sp["u"] scatter 1 slots 4 gather 0
      : tensor<2x3xf32> -> tensor<8x?xf32>
  %pw = tensor.cast %w : tensor<8x?xf32> to tensor<?x?xf32>
  func.call @print(%pw) : (tensor<?x?xf32>) -> ()

  // 3 KV heads serving 6 query heads (2, 2, 1, 1 per rank).
  %q = seqpar.all_to_all %z on @sp["u"] scatter 1 slots 6 gather 0
      : tensor<2x3xf32> -> tensor<8x1xf32>
  %pq = tensor.cast %q : tensor<8x1xf32> to tensor<?x?xf32>
  func.call @print(%pq) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK: R0 {{.*}} sizes = (8, 1)
// CHECK-NEXT: R0 ((0),
// CHECK-NEXT: R0 (10),
// CHECK-NEXT: R0 (100),
// CHECK-NEXT: R0 (110),
// CHECK-NEXT: R0 (200),
// CHECK-NEXT: R0 (210),
// CHECK-NEXT: R0 (300),
// CHECK-NEXT: R0 (310))
// CHECK-NEXT: R0 {{.*}} sizes = (2, 2)
// CHECK-NEXT: R0 ((0, 2),
// CHECK-NEXT: R0 (20, 22))
// CHECK-NEXT: R0 {{.*}} sizes = (2, 2)
// CHECK-NEXT: R0 ((0, 2),
// CHECK-NEXT: R0 (20, 22))
// CHECK-NEXT: R0 {{.*}} sizes = (8, 1)
// CHECK-NEXT: R0 ((0),
// CHECK-NEXT: R0 (10),
// CHECK-NEXT: R0 (100),
// CHECK-NEXT: R0 (110),
// CHECK-NEXT: R0 (200),
// CHECK-NEXT: R0 (210),
// CHECK-NEXT: R0 (300),
// CHECK-NEXT: R0 (310))
// CHECK-NEXT: R0 {{.*}} sizes = (8, 1)
// CHECK-NEXT: R0 ((0),
// CHECK-NEXT: R0 (10),
// CHECK-NEXT: R0 (100),
// CHECK-NEXT: R0 (110),
// CHECK-NEXT: R0 (200),
// CHECK-NEXT: R0 (210),
// CHECK-NEXT: R0 (300),
// CHECK-NEXT: R0 (310))
// CHECK-NEXT: R1 {{.*}} sizes = (8, 1)
// CHECK-NEXT: R1 ((0),
// CHECK-NEXT: R1 (10),
// CHECK-NEXT: R1 (100),
// CHECK-NEXT: R1 (110),
// CHECK-NEXT: R1 (200),
// CHECK-NEXT: R1 (210),
// CHECK-NEXT: R1 (300),
// CHECK-NEXT: R1 (310))
// CHECK-NEXT: R1 {{.*}} sizes = (2, 2)
// CHECK-NEXT: R1 ((200, 202),
// CHECK-NEXT: R1 (220, 222))
// CHECK-NEXT: R1 {{.*}} sizes = (2, 2)
// CHECK-NEXT: R1 ((200, 202),
// CHECK-NEXT: R1 (220, 222))
// CHECK-NEXT: R1 {{.*}} sizes = (8, 2)
// CHECK-NEXT: R1 ((0, 1),
// CHECK-NEXT: R1 (10, 11),
// CHECK-NEXT: R1 (100, 101),
// CHECK-NEXT: R1 (110, 111),
// CHECK-NEXT: R1 (200, 201),
// CHECK-NEXT: R1 (210, 211),
// CHECK-NEXT: R1 (300, 301),
// CHECK-NEXT: R1 (310, 311))
// CHECK-NEXT: R1 {{.*}} sizes = (8, 1)
// CHECK-NEXT: R1 ((1),
// CHECK-NEXT: R1 (11),
// CHECK-NEXT: R1 (101),
// CHECK-NEXT: R1 (111),
// CHECK-NEXT: R1 (201),
// CHECK-NEXT: R1 (211),
// CHECK-NEXT: R1 (301),
// CHECK-NEXT: R1 (311))
// CHECK-NEXT: R2 {{.*}} sizes = (8, 1)
// CHECK-NEXT: R2 ((1),
// CHECK-NEXT: R2 (11),
// CHECK-NEXT: R2 (101),
// CHECK-NEXT: R2 (111),
// CHECK-NEXT: R2 (201),
// CHECK-NEXT: R2 (211),
// CHECK-NEXT: R2 (301),
// CHECK-NEXT: R2 (311))
// CHECK-NEXT: R2 {{.*}} sizes = (2, 2)
// CHECK-NEXT: R2 ((400, 402),
// CHECK-NEXT: R2 (420, 422))
// CHECK-NEXT: R2 {{.*}} sizes = (2, 2)
// CHECK-NEXT: R2 ((400, 402),
// CHECK-NEXT: R2 (420, 422))
// CHECK-NEXT: R2 {{.*}} sizes = (8, 2)
// CHECK-NEXT: R2 ((1, 2),
// CHECK-NEXT: R2 (11, 12),
// CHECK-NEXT: R2 (101, 102),
// CHECK-NEXT: R2 (111, 112),
// CHECK-NEXT: R2 (201, 202),
// CHECK-NEXT: R2 (211, 212),
// CHECK-NEXT: R2 (301, 302),
// CHECK-NEXT: R2 (311, 312))
// CHECK-NEXT: R2 {{.*}} sizes = (8, 1)
// CHECK-NEXT: R2 ((2),
// CHECK-NEXT: R2 (12),
// CHECK-NEXT: R2 (102),
// CHECK-NEXT: R2 (112),
// CHECK-NEXT: R2 (202),
// CHECK-NEXT: R2 (212),
// CHECK-NEXT: R2 (302),
// CHECK-NEXT: R2 (312))
// CHECK-NEXT: R3 {{.*}} sizes = (8, 1)
// CHECK-NEXT: R3 ((1),
// CHECK-NEXT: R3 (11),
// CHECK-NEXT: R3 (101),
// CHECK-NEXT: R3 (111),
// CHECK-NEXT: R3 (201),
// CHECK-NEXT: R3 (211),
// CHECK-NEXT: R3 (301),
// CHECK-NEXT: R3 (311))
// CHECK-NEXT: R3 {{.*}} sizes = (2, 2)
// CHECK-NEXT: R3 ((600, 602),
// CHECK-NEXT: R3 (620, 622))
// CHECK-NEXT: R3 {{.*}} sizes = (2, 2)
// CHECK-NEXT: R3 ((600, 602),
// CHECK-NEXT: R3 (620, 622))
// CHECK-NEXT: R3 {{.*}} sizes = (8, 1)
// CHECK-NEXT: R3 ((2),
// CHECK-NEXT: R3 (12),
// CHECK-NEXT: R3 (102),
// CHECK-NEXT: R3 (112),
// CHECK-NEXT: R3 (202),
// CHECK-NEXT: R3 (212),
// CHECK-NEXT: R3 (302),
// CHECK-NEXT: R3 (312))
// CHECK-NEXT: R3 {{.*}} sizes = (8, 1)
// CHECK-NEXT: R3 ((2),
// CHECK-NEXT: R3 (12),
// CHECK-NEXT: R3 (102),
// CHECK-NEXT: R3 (112),
// CHECK-NEXT: R3 (202),
// CHECK-NEXT: R3 (212),
// CHECK-NEXT: R3 (302),
// CHECK-NEXT: R3 (312))
