// A 1-rank grid, run without mpirun (MPI starts as a singleton): every op is
// the identity on the data, whatever the shapes.
//
// RUN: seqpar-opt %s --seqpar-to-llvm -o %t
// RUN: mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -e 's/\[/(/g' -e 's/\]/)/g' | FileCheck %s
// Without the dialect's simplifications every op reaches the runtime; the
// output is the same.
// RUN: seqpar-opt %s --seqpar-to-llvm="simplify=false" -o %t
// RUN: mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -e 's/\[/(/g' -e 's/\]/)/g' | FileCheck %s

seqpar.grid @one(axes = ["u" = 1])

func.func private @printMemrefF32(memref<*xf32>)

func.func @rank() -> index {
  %r = seqpar.group_rank on @one["u"]
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
  %c3 = arith.constant 3 : index
  %x0 = func.call @fill(%c2, %c3) : (index, index) -> tensor<?x?xf32>
  %x = tensor.cast %x0 : tensor<?x?xf32> to tensor<2x3xf32>
  %a = seqpar.all_to_all %x on @one["u"] scatter 1 gather 0
      : tensor<2x3xf32> -> tensor<2x3xf32>
  %b = seqpar.split %a on @one["u"] dim 1 : tensor<2x3xf32> -> tensor<2x3xf32>
  %c = seqpar.gather %b on @one["u"] dim 0 : tensor<2x3xf32> -> tensor<2x3xf32>
  %d = seqpar.zigzag_split %c on @one["u"] dim 0 : tensor<2x3xf32> -> tensor<2x3xf32>
  %e = seqpar.packed_split %d on @one["u"] dim 1 seq_lens [1, 2]
      : tensor<2x3xf32> -> tensor<2x3xf32>
  %p = tensor.cast %e : tensor<2x3xf32> to tensor<?x?xf32>
  func.call @print(%p) : (tensor<?x?xf32>) -> ()
  // Zero-size dims move nothing and do not fail.
  %c0 = arith.constant 0 : index
  %z0 = func.call @fill(%c0, %c3) : (index, index) -> tensor<?x?xf32>
  %z = seqpar.all_to_all %z0 on @one["u"] scatter 1 gather 0
      : tensor<?x?xf32> -> tensor<?x?xf32>
  func.call @print(%z) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK:      sizes = (2, 3)
// CHECK-NEXT: ((0, 1, 2),
// CHECK-NEXT: (10, 11, 12))
// CHECK:      sizes = (0, 3)
