// Hybrid context parallelism on 6 ranks (ring 2 x Ulysses 3) where the
// Ulysses split is uneven: 20 tokens, zigzag chunks of 5 over the ring, then
// 10 ring-local tokens split [4, 3, 3] over Ulysses; and back. Decomposed
// into primitives (first run) and lowered whole (second run). Rank w's
// element j is 100 * w + j.
//
// The split inputs differ between ranks, which the dialect's simplifications
// assume they do not, so they are off.
// mpirun forwards stdin to rank 0 only: the lowered module goes to a file.
// RUN: seqpar-opt %s --seqpar-to-llvm="simplify=false" -o %t
// RUN: %mpirun 6 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s
// RUN: seqpar-opt %s --seqpar-to-llvm="decompose=false simplify=false" -o %t
// RUN: %mpirun 6 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s

seqpar.grid @cp(axes = ["ring" = 2, "u" = 3])

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
  %c20 = arith.constant 20 : index
  %x0 = func.call @fill(%c1, %c20) : (index, index) -> tensor<?x?xf32>
  %x = tensor.cast %x0 : tensor<?x?xf32> to tensor<1x20xf32>
  %s = seqpar.hybrid_split %x on @cp ring "ring" ulysses "u" dim 1
      : tensor<1x20xf32> -> tensor<1x?xf32>
  %ps = tensor.cast %s : tensor<1x?xf32> to tensor<?x?xf32>
  func.call @print(%ps) : (tensor<?x?xf32>) -> ()
  %g = seqpar.hybrid_gather %s on @cp ring "ring" ulysses "u" dim 1
      gather_size 20 : tensor<1x?xf32> -> tensor<1x20xf32>
  %pg = tensor.cast %g : tensor<1x20xf32> to tensor<?x?xf32>
  func.call @print(%pg) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK:      R0 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R0 ((0, 1, 2, 3))
// CHECK-NEXT: R0 {{.*}} sizes = (1, 20)
// CHECK-NEXT: R0 ((0, 1, 2, 3, 104, 305, 306, 307, 308, 409, 410, 411, 512, 513, 514, 115, 116, 217, 218, 219))
// CHECK:      R1 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R1 ((104, 115, 116))
// CHECK-NEXT: R1 {{.*}} sizes = (1, 20)
// CHECK-NEXT: R1 ((0, 1, 2, 3, 104, 305, 306, 307, 308, 409, 410, 411, 512, 513, 514, 115, 116, 217, 218, 219))
// CHECK:      R2 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R2 ((217, 218, 219))
// CHECK-NEXT: R2 {{.*}} sizes = (1, 20)
// CHECK-NEXT: R2 ((0, 1, 2, 3, 104, 305, 306, 307, 308, 409, 410, 411, 512, 513, 514, 115, 116, 217, 218, 219))
// CHECK:      R3 {{.*}} sizes = (1, 4)
// CHECK-NEXT: R3 ((305, 306, 307, 308))
// CHECK-NEXT: R3 {{.*}} sizes = (1, 20)
// CHECK-NEXT: R3 ((0, 1, 2, 3, 104, 305, 306, 307, 308, 409, 410, 411, 512, 513, 514, 115, 116, 217, 218, 219))
// CHECK:      R4 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R4 ((409, 410, 411))
// CHECK-NEXT: R4 {{.*}} sizes = (1, 20)
// CHECK-NEXT: R4 ((0, 1, 2, 3, 104, 305, 306, 307, 308, 409, 410, 411, 512, 513, 514, 115, 116, 217, 218, 219))
// CHECK:      R5 {{.*}} sizes = (1, 3)
// CHECK-NEXT: R5 ((512, 513, 514))
// CHECK-NEXT: R5 {{.*}} sizes = (1, 20)
// CHECK-NEXT: R5 ((0, 1, 2, 3, 104, 305, 306, 307, 308, 409, 410, 411, 512, 513, 514, 115, 116, 217, 218, 219))
