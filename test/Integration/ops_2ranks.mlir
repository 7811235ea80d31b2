// split, gather, zigzag, packed and variable-length all-to-all on 2 ranks,
// forward and back. Rank r's input element (i, j) is 100 * r + 10 * i + j.
// The inputs of the splits differ between ranks, which the dialect's
// split-then-gather simplification assumes they do not (a split's input is
// replicated), so the pipeline runs without simplifications and every op
// reaches the runtime.
//
// mpirun forwards stdin to rank 0 only: the lowered module goes to a file.
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
  %c5 = arith.constant 5 : index
  %c8 = arith.constant 8 : index
  %rank = func.call @rank() : () -> index

  // split: aligned, unaligned, explicit sizes.
  %x4 = func.call @fill(%c1, %c4) : (index, index) -> tensor<?x?xf32>
  %s1 = seqpar.split %x4 on @cp["u"] dim 1 : tensor<?x?xf32> -> tensor<?x?xf32>
  func.call @print(%s1) : (tensor<?x?xf32>) -> ()
  %x3d = func.call @fill(%c1, %c3) : (index, index) -> tensor<?x?xf32>
  %x3 = tensor.cast %x3d : tensor<?x?xf32> to tensor<1x3xf32>
  %s2 = seqpar.split %x3 on @cp["u"] dim 1 : tensor<1x3xf32> -> tensor<1x?xf32>
  %p2 = tensor.cast %s2 : tensor<1x?xf32> to tensor<?x?xf32>
  func.call @print(%p2) : (tensor<?x?xf32>) -> ()
  %s3 = seqpar.split %x3 on @cp["u"] dim 1 sizes [1, 2]
      : tensor<1x3xf32> -> tensor<1x?xf32>
  %p3 = tensor.cast %s3 : tensor<1x?xf32> to tensor<?x?xf32>
  func.call @print(%p3) : (tensor<?x?xf32>) -> ()

  // gather: aligned, explicit sizes, a dynamic gather size.
  %x2d = func.call @fill(%c1, %c2) : (index, index) -> tensor<?x?xf32>
  %x2 = tensor.cast %x2d : tensor<?x?xf32> to tensor<1x2xf32>
  %g1 = seqpar.gather %x2 on @cp["u"] dim 1 : tensor<1x2xf32> -> tensor<1x4xf32>
  %q1 = tensor.cast %g1 : tensor<1x4xf32> to tensor<?x?xf32>
  func.call @print(%q1) : (tensor<?x?xf32>) -> ()
  %len = arith.subi %c2, %rank : index
  %xvd = func.call @fill(%c1, %len) : (index, index) -> tensor<?x?xf32>
  %xv = tensor.cast %xvd : tensor<?x?xf32> to tensor<1x?xf32>
  %g2 = seqpar.gather %xv on @cp["u"] dim 1 sizes [2, 1]
      : tensor<1x?xf32> -> tensor<1x3xf32>
  %q2 = tensor.cast %g2 : tensor<1x3xf32> to tensor<?x?xf32>
  func.call @print(%q2) : (tensor<?x?xf32>) -> ()
  %g3 = seqpar.gather %xv on @cp["u"] dim 1 gather_size %c3
      : tensor<1x?xf32> -> tensor<1x?xf32>
  %q3 = tensor.cast %g3 : tensor<1x?xf32> to tensor<?x?xf32>
  func.call @print(%q3) : (tensor<?x?xf32>) -> ()

  // zigzag: rank r keeps chunks r and 3 - r of 4; the gather restores them.
  %x8d = func.call @fill(%c1, %c8) : (index, index) -> tensor<?x?xf32>
  %x8 = tensor.cast %x8d : tensor<?x?xf32> to tensor<1x8xf32>
  %z = seqpar.zigzag_split %x8 on @cp["u"] dim 1
      : tensor<1x8xf32> -> tensor<1x4xf32>
  %pz = tensor.cast %z : tensor<1x4xf32> to tensor<?x?xf32>
  func.call @print(%pz) : (tensor<?x?xf32>) -> ()
  %zg = seqpar.zigzag_gather %z on @cp["u"] dim 1
      : tensor<1x4xf32> -> tensor<1x8xf32>
  %pzg = tensor.cast %zg : tensor<1x8xf32> to tensor<?x?xf32>
  func.call @print(%pzg) : (tensor<?x?xf32>) -> ()

  // packed sequences [3, 2].
  %x5d = func.call @fill(%c1, %c5) : (index, index) -> tensor<?x?xf32>
  %x5 = tensor.cast %x5d : tensor<?x?xf32> to tensor<1x5xf32>
  %k = seqpar.packed_split %x5 on @cp["u"] dim 1 seq_lens [3, 2]
      : tensor<1x5xf32> -> tensor<1x?xf32>
  %pk = tensor.cast %k : tensor<1x?xf32> to tensor<?x?xf32>
  func.call @print(%pk) : (tensor<?x?xf32>) -> ()
  %kg = seqpar.packed_gather %k on @cp["u"] dim 1 seq_lens [3, 2]
      : tensor<1x?xf32> -> tensor<1x5xf32>
  %pkg = tensor.cast %kg : tensor<1x5xf32> to tensor<?x?xf32>
  func.call @print(%pkg) : (tensor<?x?xf32>) -> ()

  // Variable lengths: rank r holds r + 1 rows, exchanged once and reused by
  // the reverse all-to-all.
  %rows = arith.addi %rank, %c1 : index
  %w0 = func.call @fill(%rows, %c4) : (index, index) -> tensor<?x?xf32>
  %w = tensor.cast %w0 : tensor<?x?xf32> to tensor<?x4xf32>
  %lens = seqpar.exchange_lengths %w on @cp["u"] dim 0
      : tensor<?x4xf32> -> tensor<2xi64>
  %va = seqpar.all_to_all %w on @cp["u"] scatter 1 gather 0
      gather_lengths(%lens : tensor<2xi64>) : tensor<?x4xf32> -> tensor<?x2xf32>
  %pva = tensor.cast %va : tensor<?x2xf32> to tensor<?x?xf32>
  func.call @print(%pva) : (tensor<?x?xf32>) -> ()
  %vb = seqpar.all_to_all %va on @cp["u"] scatter 0 gather 1
      scatter_lengths(%lens : tensor<2xi64>) : tensor<?x2xf32> -> tensor<?x4xf32>
  %pvb = tensor.cast %vb : tensor<?x4xf32> to tensor<?x?xf32>
  func.call @print(%pvb) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK:      R0 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R0 ((0, 1))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R0 ((0, 1))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 1)
// CHECK-NEXT: R0 ((0))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R0 ((0, 1, 100, 101))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R0 ((0, 1, 100))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R0 ((0, 1, 100))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R0 ((0, 1, 6, 7))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R0 ((0, 1, 102, 103, 104, 105, 6, 7))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R0 ((0, 1, 3))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 5)
// CHECK-NEXT: R0 ((0, 1, 102, 3, 104))
// CHECK-NEXT: R0 {{.*}} sizes = (3, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R0 ((0, 1, 2, 3))

// CHECK-NEXT: R1 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R1 ((102, 103))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 1)
// CHECK-NEXT: R1 ((102))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R1 ((101, 102))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R1 ((0, 1, 100, 101))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R1 ((0, 1, 100))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R1 ((0, 1, 100))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R1 ((102, 103, 104, 105))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 8)
// CHECK-NEXT: R1 ((0, 1, 102, 103, 104, 105, 6, 7))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 2)
// CHECK-NEXT: R1 ((102, 104))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 5)
// CHECK-NEXT: R1 ((0, 1, 102, 3, 104))
// CHECK-NEXT: R1 {{.*}} sizes = (3, 2)
// CHECK-NEXT: R1 ((2, 3),
// CHECK-NEXT: R1 (102, 103),
// CHECK-NEXT: R1 (112, 113))
// CHECK-NEXT: R1 {{.*}} sizes = (2, 4)
// CHECK-NEXT: R1 ((100, 101, 102, 103),
// CHECK-NEXT: R1 (110, 111, 112, 113))
