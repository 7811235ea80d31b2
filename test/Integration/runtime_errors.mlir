// A failing runtime call stops the program cleanly: the generated check
// prints the runtime's message (which names the op and the sizes) and exits
// with status 1, so that mpirun ends the job instead of hanging.
//
// A grid of 4 ranks run on 2: seqpar_rt_init fails at the entry of main.
// RUN: split-file %s %t.dir
// RUN: seqpar-opt %t.dir/grid.mlir --seqpar-to-llvm -o %t.grid
// RUN: not %mpirun 2 --tag-output mlir-runner %t.grid -e main \
// RUN:     -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN:     2>&1 | FileCheck %s --check-prefix=GRID
//
// Scatter lengths that do not add up to the scatter dim.
// RUN: seqpar-opt %t.dir/lengths.mlir --seqpar-to-llvm="simplify=false" -o %t.lengths
// RUN: not %mpirun 2 --tag-output mlir-runner %t.lengths -e main \
// RUN:     -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN:     2>&1 | FileCheck %s --check-prefix=LENGTHS

// GRID: <stderr>:init: grid [4] has 4 ranks but the mpi world has 2
// LENGTHS: <stderr>:all_to_all{{.*}}scatter dim 1{{.*}}[1, 1]

//--- grid.mlir
seqpar.grid @cp(axes = ["u" = 4])
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  %x = arith.constant dense<1.0> : tensor<8xf32>
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  %m = bufferization.to_buffer %y : tensor<2xf32> to memref<2xf32>
  %u = memref.cast %m : memref<2xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

//--- lengths.mlir
seqpar.grid @cp(axes = ["u" = 2])
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  %x = arith.constant dense<1.0> : tensor<2x3xf32>
  %lens = arith.constant dense<[1, 1]> : tensor<2xi64>
  %y = seqpar.all_to_all %x on @cp["u"] scatter 1 gather 0
      scatter_lengths(%lens : tensor<2xi64>) : tensor<2x3xf32> -> tensor<4x?xf32>
  %m = bufferization.to_buffer %y : tensor<4x?xf32> to memref<4x?xf32>
  %u = memref.cast %m : memref<4x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
