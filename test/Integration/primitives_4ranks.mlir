// split, gather, zigzag and packed ops on 4 ranks, where the lengths do not
// divide: 10 over 4 ([3, 3, 2, 2]), explicit sizes [1, 2, 3, 4], 16 in
// zigzag chunks of 2, sequences [5, 3] ([2, 1, 1, 1] and [1, 1, 1, 0]).
// Rank r's element j is 100 * r + j. Split inputs differ between ranks,
// which the dialect's simplifications assume they do not: they are off.
//
// mpirun forwards stdin to rank 0 only: the lowered module goes to a file.
// RUN: cat %S/Inputs/reference.mlir %s | seqpar-opt --seqpar-to-llvm="simplify=false" -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s

seqpar.grid @cp(axes = ["u" = 4])

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
  %c8 = arith.constant 8 : index
  %c10 = arith.constant 10 : index
  %c16 = arith.constant 16 : index
  %rank = func.call @rank() : () -> index
  %rank_i = arith.index_cast %rank : index to i64

  %x10d = func.call @fill(%c1, %c10) : (index, index) -> tensor<?x?xf32>
  %x10 = tensor.cast %x10d : tensor<?x?xf32> to tensor<1x10xf32>
  %a = seqpar.split %x10 on @cp["u"] dim 1 : tensor<1x10xf32> -> tensor<1x?xf32>
  %pa = tensor.cast %a : tensor<1x?xf32> to tensor<?x?xf32>
  func.call @print(%pa) : (tensor<?x?xf32>) -> ()
  %b = seqpar.split %x10 on @cp["u"] dim 1 sizes [1, 2, 3, 4]
      : tensor<1x10xf32> -> tensor<1x?xf32>
  %pb = tensor.cast %b : tensor<1x?xf32> to tensor<?x?xf32>
  func.call @print(%pb) : (tensor<?x?xf32>) -> ()

  // Each rank's own piece of 10, gathered.
  %c10_i = arith.constant 10 : i64
  %c4_i = arith.constant 4 : i64
  // The split rule of the test reference (Inputs/reference.mlir).
  %n_i = func.call @ref_split_size(%c10_i, %c4_i, %rank_i)
      : (i64, i64, i64) -> i64
  %n = arith.index_cast %n_i : i64 to index
  %pieced = func.call @fill(%c1, %n) : (index, index) -> tensor<?x?xf32>
  %piece = tensor.cast %pieced : tensor<?x?xf32> to tensor<1x?xf32>
  %g = seqpar.gather %piece on @cp["u"] dim 1 gather_size 10
      : tensor<1x?xf32> -> tensor<1x10xf32>
  %pg = tensor.cast %g : tensor<1x10xf32> to tensor<?x?xf32>
  func.call @print(%pg) : (tensor<?x?xf32>) -> ()

  %x16d = func.call @fill(%c1, %c16) : (index, index) -> tensor<?x?xf32>
  %x16 = tensor.cast %x16d : tensor<?x?xf32> to tensor<1x16xf32>
  %z = seqpar.zigzag_split %x16 on @cp["u"] dim 1
      : tensor<1x16xf32> -> tensor<1x4xf32>
  %pz = tensor.cast %z : tensor<1x4xf32> to tensor<?x?xf32>
  func.call @print(%pz) : (tensor<?x?xf32>) -> ()
  %zg = seqpar.zigzag_gather %z on @cp["u"] dim 1
      : tensor<1x4xf32> -> tensor<1x16xf32>
  %pzg = tensor.cast %zg : tensor<1x16xf32> to tensor<?x?xf32>
  func.call @print(%pzg) : (tensor<?x?xf32>) -> ()

  %x8d = func.call @fill(%c1, %c8) : (index, index) -> tensor<?x?xf32>
  %x8 = tensor.cast %x8d : tensor<?x?xf32> to tensor<1x8xf32>
  %k = seqpar.packed_split %x8 on @cp["u"] dim 1 seq_lens [5, 3]
      : tensor<1x8xf32> -> tensor<1x?xf32>
  %pk = tensor.cast %k : tensor<1x?xf32> to tensor<?x?xf32>
  func.call @print(%pk) : (tensor<?x?xf32>) -> ()
  %kg = seqpar.packed_gather %k on @cp["u"] dim 1 seq_lens [5, 3]
      : tensor<1x?xf32> -> tensor<1x8xf32>
  %pkg = tensor.cast %kg : tensor<1x8xf32> to tensor<?x?xf32>
  func.call @print(%pkg) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK:      R0 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R0 ((0, 1, 2))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 1)
// CHECK-NEXT: R0 ((0))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 10)
// CHECK-NEXT: R0 ((0, 1, 2, 100, 101, 102, 200, 201, 300, 301))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R0 ((0, 1, 14, 15))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 16)
// CHECK-NEXT: R0 ((0, 1, 102, 103, 204, 205, 306, 307, 308, 309, 210, 211, 112, 113, 14, 15))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R0 ((0, 1, 5))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R0 ((0, 1, 102, 203, 304, 5, 106, 207))
// CHECK:      R1 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R1 ((103, 104, 105))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R1 ((101, 102))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 10)
// CHECK-NEXT: R1 ((0, 1, 2, 100, 101, 102, 200, 201, 300, 301))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R1 ((102, 103, 112, 113))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 16)
// CHECK-NEXT: R1 ((0, 1, 102, 103, 204, 205, 306, 307, 308, 309, 210, 211, 112, 113, 14, 15))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R1 ((102, 106))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R1 ((0, 1, 102, 203, 304, 5, 106, 207))
// CHECK:      R2 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R2 ((206, 207))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R2 ((203, 204, 205))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 10)
// CHECK-NEXT: R2 ((0, 1, 2, 100, 101, 102, 200, 201, 300, 301))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R2 ((204, 205, 210, 211))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 16)
// CHECK-NEXT: R2 ((0, 1, 102, 103, 204, 205, 306, 307, 308, 309, 210, 211, 112, 113, 14, 15))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R2 ((203, 207))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R2 ((0, 1, 102, 203, 304, 5, 106, 207))
// CHECK:      R3 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R3 ((308, 309))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R3 ((306, 307, 308, 309))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 10)
// CHECK-NEXT: R3 ((0, 1, 2, 100, 101, 102, 200, 201, 300, 301))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R3 ((306, 307, 308, 309))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 16)
// CHECK-NEXT: R3 ((0, 1, 102, 103, 204, 205, 306, 307, 308, 309, 210, 211, 112, 113, 14, 15))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 1)
// CHECK-NEXT: R3 ((304))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R3 ((0, 1, 102, 203, 304, 5, 106, 207))
