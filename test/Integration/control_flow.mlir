// Collectives inside loops and branches, with loop-carried tensors: three
// round trips of the all-to-all and its adjoint leave every rank's input
// unchanged, and a split under scf.if runs on the ranks that take it
// (all of them here). Rank r's input element (i, j) is 100 * r + 10 * i + j.
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
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %x0 = func.call @fill(%c2, %c3) : (index, index) -> tensor<?x?xf32>
  %x = tensor.cast %x0 : tensor<?x?xf32> to tensor<2x3xf32>
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%t = %x) -> tensor<2x3xf32> {
    %y = seqpar.all_to_all %t on @cp["u"] scatter 1 gather 0
        : tensor<2x3xf32> -> tensor<4x?xf32>
    %z = seqpar.all_to_all %y on @cp["u"] scatter 0 gather 1 gather_size 3
        : tensor<4x?xf32> -> tensor<2x3xf32>
    scf.yield %z : tensor<2x3xf32>
  }
  %p = tensor.cast %r : tensor<2x3xf32> to tensor<?x?xf32>
  func.call @print(%p) : (tensor<?x?xf32>) -> ()
  %true = arith.constant true
  %s = scf.if %true -> tensor<2x?xf32> {
    %a = seqpar.split %r on @cp["u"] dim 1 : tensor<2x3xf32> -> tensor<2x?xf32>
    scf.yield %a : tensor<2x?xf32>
  } else {
    %b = tensor.cast %r : tensor<2x3xf32> to tensor<2x?xf32>
    scf.yield %b : tensor<2x?xf32>
  }
  %q = tensor.cast %s : tensor<2x?xf32> to tensor<?x?xf32>
  func.call @print(%q) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK:      R0 {{.*}} sizes = (2, 3)
// CHECK-NEXT: R0 ((0, 1, 2),
// CHECK-NEXT: R0 (10, 11, 12))
// CHECK-NEXT: R0 {{.*}} sizes = (2, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11))
// CHECK:      R1 {{.*}} sizes = (2, 3)
// CHECK-NEXT: R1 ((100, 101, 102),
// CHECK-NEXT: R1 (110, 111, 112))
// CHECK-NEXT: R1 {{.*}} sizes = (2, 1)
// CHECK-NEXT: R1 ((102),
// CHECK-NEXT: R1 (112))
