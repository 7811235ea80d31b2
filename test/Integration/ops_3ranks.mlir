// Three ranks, where nothing divides: 7 tokens ([3, 2, 2]) by 5 heads
// ([2, 2, 1]) through the all-to-all and back, and variable lengths (rank r
// holds r + 1 rows) exchanged once and used by both directions. Rank r's
// input element (i, j) is 100 * r + 10 * i + j.
//
// mpirun forwards stdin to rank 0 only: the lowered module goes to a file.
// RUN: cat %S/Inputs/reference.mlir %s | seqpar-opt --seqpar-to-llvm -o %t
// RUN: %mpirun 3 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s
// Without the dialect's simplifications every op reaches the runtime; the
// output is the same.
// RUN: cat %S/Inputs/reference.mlir %s | seqpar-opt --seqpar-to-llvm="simplify=false" -o %t
// RUN: %mpirun 3 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s

seqpar.grid @cp(axes = ["u" = 3])

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
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %rank = func.call @rank() : () -> index
  %rank_i = arith.index_cast %rank : index to i64
  %c7_i = arith.constant 7 : i64
  %c3_i = arith.constant 3 : i64
  // The split rule of the test reference (Inputs/reference.mlir).
  %rows_i = func.call @ref_split_size(%c7_i, %c3_i, %rank_i)
      : (i64, i64, i64) -> i64
  %rows = arith.index_cast %rows_i : i64 to index

  %x0 = func.call @fill(%rows, %c5) : (index, index) -> tensor<?x?xf32>
  %x = tensor.cast %x0 : tensor<?x?xf32> to tensor<?x5xf32>
  %y = seqpar.all_to_all %x on @cp["u"] scatter 1 gather 0 gather_size 7
      : tensor<?x5xf32> -> tensor<7x?xf32>
  %py = tensor.cast %y : tensor<7x?xf32> to tensor<?x?xf32>
  func.call @print(%py) : (tensor<?x?xf32>) -> ()
  %z = seqpar.all_to_all %y on @cp["u"] scatter 0 gather 1 gather_size 5
      : tensor<7x?xf32> -> tensor<?x5xf32>
  %pz = tensor.cast %z : tensor<?x5xf32> to tensor<?x?xf32>
  func.call @print(%pz) : (tensor<?x?xf32>) -> ()

  %vrows = arith.addi %rank, %c1 : index
  %w0 = func.call @fill(%vrows, %c4) : (index, index) -> tensor<?x?xf32>
  %w = tensor.cast %w0 : tensor<?x?xf32> to tensor<?x4xf32>
  %lens = seqpar.exchange_lengths %w on @cp["u"] dim 0
      : tensor<?x4xf32> -> tensor<3xi64>
  %va = seqpar.all_to_all %w on @cp["u"] scatter 1 gather 0
      gather_lengths(%lens : tensor<3xi64>) : tensor<?x4xf32> -> tensor<?x?xf32>
  func.call @print(%va) : (tensor<?x?xf32>) -> ()
  %vb = seqpar.all_to_all %va on @cp["u"] scatter 0 gather 1 gather_size 4
      scatter_lengths(%lens : tensor<3xi64>) : tensor<?x?xf32> -> tensor<?x4xf32>
  %pvb = tensor.cast %vb : tensor<?x4xf32> to tensor<?x?xf32>
  func.call @print(%pvb) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK:      R0 {{.*}} sizes = (7, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (20, 21),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111),
// CHECK-NEXT: R0 (200, 201),
// CHECK-NEXT: R0 (210, 211))
// CHECK-NEXT: R0 {{.*}} sizes = (3, 5)
// CHECK-NEXT: R0 ((0, 1, 2, 3, 4),
// CHECK-NEXT: R0 (10, 11, 12, 13, 14),
// CHECK-NEXT: R0 (20, 21, 22, 23, 24))
// CHECK-NEXT: R0 {{.*}} sizes = (6, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111),
// CHECK-NEXT: R0 (200, 201),
// CHECK-NEXT: R0 (210, 211),
// CHECK-NEXT: R0 (220, 221))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R0 ((0, 1, 2, 3))
// CHECK:      R1 {{.*}} sizes = (7, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK-NEXT: R1 (12, 13),
// CHECK-NEXT: R1 (22, 23),
// CHECK-NEXT: R1 (102, 103),
// CHECK-NEXT: R1 (112, 113),
// CHECK-NEXT: R1 (202, 203),
// CHECK-NEXT: R1 (212, 213))
// CHECK-NEXT: R1 {{.*}} sizes = (2, 5)
// CHECK-NEXT: R1 ((100, 101, 102, 103, 104),
// CHECK-NEXT: R1 (110, 111, 112, 113, 114))
// CHECK-NEXT: R1 {{.*}} sizes = (6, 1)
// CHECK-NEXT: R1 ((2),
// CHECK-NEXT: R1 (102),
// CHECK-NEXT: R1 (112),
// CHECK-NEXT: R1 (202),
// CHECK-NEXT: R1 (212),
// CHECK-NEXT: R1 (222))
// CHECK-NEXT: R1 {{.*}} sizes = (2, 4)
// CHECK-NEXT: R1 ((100, 101, 102, 103),
// CHECK-NEXT: R1 (110, 111, 112, 113))
// CHECK:      R2 {{.*}} sizes = (7, 1)
// CHECK-NEXT: R2 ((4),
// CHECK-NEXT: R2 (14),
// CHECK-NEXT: R2 (24),
// CHECK-NEXT: R2 (104),
// CHECK-NEXT: R2 (114),
// CHECK-NEXT: R2 (204),
// CHECK-NEXT: R2 (214))
// CHECK-NEXT: R2 {{.*}} sizes = (2, 5)
// CHECK-NEXT: R2 ((200, 201, 202, 203, 204),
// CHECK-NEXT: R2 (210, 211, 212, 213, 214))
// CHECK-NEXT: R2 {{.*}} sizes = (6, 1)
// CHECK-NEXT: R2 ((3),
// CHECK-NEXT: R2 (103),
// CHECK-NEXT: R2 (113),
// CHECK-NEXT: R2 (203),
// CHECK-NEXT: R2 (213),
// CHECK-NEXT: R2 (223))
// CHECK-NEXT: R2 {{.*}} sizes = (3, 4)
// CHECK-NEXT: R2 ((200, 201, 202, 203),
// CHECK-NEXT: R2 (210, 211, 212, 213),
// CHECK-NEXT: R2 (220, 221, 222, 223))
