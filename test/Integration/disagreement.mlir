// Ranks that disagree about a call, in the default mode: every rank prints
// an error that names the disagreement and the values on both sides, and
// exits with status 1; none waits in the collective and none gets data.
// The last rank passes other scatter lengths than the others (on 2 and on
// 3 ranks); mpirun is told not to end the job at the first failing rank, so
// that each rank's own message can be checked (it then exits with 0 itself;
// runtime_errors.mlir checks the exit status of a failing call).
// RUN: split-file %s %t.dir
// RUN: seqpar-opt %t.dir/np2.mlir --seqpar-to-llvm -o %t.np2
// RUN: %mpirun 2 --mca orte_abort_on_non_zero_status 0 --tag-output \
// RUN:     mlir-runner %t.np2 -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN:     2>&1 | FileCheck %s --check-prefix=NP2
// RUN: seqpar-opt %t.dir/np3.mlir --seqpar-to-llvm -o %t.np3
// RUN: %mpirun 3 --mca orte_abort_on_non_zero_status 0 --tag-output \
// RUN:     mlir-runner %t.np3 -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN:     2>&1 | FileCheck %s --check-prefix=NP3

// NP2-DAG: [1,0]<stderr>:all_to_all: ranks 0 and 1 disagree on the scatter sizes: [2, 2] vs [1, 3]
// NP2-DAG: [1,1]<stderr>:all_to_all: ranks 0 and 1 disagree on the scatter sizes: [2, 2] vs [1, 3]
// NP2-NOT: <stdout>

// NP3-DAG: [1,0]<stderr>:all_to_all: ranks 0 and 2 disagree on the scatter sizes: [2, 2, 2] vs [1, 2, 3]
// NP3-DAG: [1,1]<stderr>:all_to_all: ranks 0 and 2 disagree on the scatter sizes: [2, 2, 2] vs [1, 2, 3]
// NP3-DAG: [1,2]<stderr>:all_to_all: ranks 0 and 2 disagree on the scatter sizes: [2, 2, 2] vs [1, 2, 3]
// NP3-NOT: <stdout>
//
// The last rank splits where the others all-to-all (scf.if on its rank).
// RUN: seqpar-opt %t.dir/op2.mlir --seqpar-to-llvm -o %t.op2
// RUN: %mpirun 2 --mca orte_abort_on_non_zero_status 0 --tag-output \
// RUN:     mlir-runner %t.op2 -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN:     2>&1 | FileCheck %s --check-prefix=OP2
// RUN: seqpar-opt %t.dir/op3.mlir --seqpar-to-llvm -o %t.op3
// RUN: %mpirun 3 --mca orte_abort_on_non_zero_status 0 --tag-output \
// RUN:     mlir-runner %t.op3 -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN:     2>&1 | FileCheck %s --check-prefix=OP3

// OP2-DAG: [1,0]<stderr>:all_to_all: ranks 0 and 1 disagree on the op: all_to_all vs split
// OP2-DAG: [1,1]<stderr>:split: ranks 0 and 1 disagree on the op: all_to_all vs split
// OP2-NOT: <stdout>

// OP3-DAG: [1,0]<stderr>:all_to_all: ranks 0 and 2 disagree on the op: all_to_all vs split
// OP3-DAG: [1,1]<stderr>:all_to_all: ranks 0 and 2 disagree on the op: all_to_all vs split
// OP3-DAG: [1,2]<stderr>:split: ranks 0 and 2 disagree on the op: all_to_all vs split
// OP3-NOT: <stdout>
//
// The last rank's own lengths do not add up: its output_shape query fails
// before the collective, and it tells the others (seqpar_rt_share_failure)
// before it exits, so that they fail in the collective instead of waiting
// (without that they would wait forever: `timeout` turns it into a failure).
// RUN: seqpar-opt %t.dir/own2.mlir --seqpar-to-llvm -o %t.own2
// RUN: timeout 120 %mpirun 2 --mca orte_abort_on_non_zero_status 0 --tag-output \
// RUN:     mlir-runner %t.own2 -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN:     2>&1 | FileCheck %s --check-prefix=OWN2
// RUN: seqpar-opt %t.dir/own3.mlir --seqpar-to-llvm -o %t.own3
// RUN: timeout 120 %mpirun 3 --mca orte_abort_on_non_zero_status 0 --tag-output \
// RUN:     mlir-runner %t.own3 -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN:     2>&1 | FileCheck %s --check-prefix=OWN3

// OWN2-DAG: [1,0]<stderr>:all_to_all: rank 1 rejected its arguments (its own error says why)
// OWN2-DAG: [1,1]<stderr>:all_to_all: {{.*}}sum to 3 but the dim has size 4
// OWN2-NOT: <stdout>

// OWN3-DAG: [1,0]<stderr>:all_to_all: rank 2 rejected its arguments (its own error says why)
// OWN3-DAG: [1,1]<stderr>:all_to_all: rank 2 rejected its arguments (its own error says why)
// OWN3-DAG: [1,2]<stderr>:all_to_all: {{.*}}sum to 5 but the dim has size 6
// OWN3-NOT: <stdout>

//--- np2.mlir
seqpar.grid @g(axes = ["u" = 2])
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  %x = arith.constant dense<1.0> : tensor<2x4xf32>
  %good = arith.constant dense<[2, 2]> : tensor<2xi64>
  %bad = arith.constant dense<[1, 3]> : tensor<2xi64>
  %r = seqpar.group_rank on @g["u"]
  %c1 = arith.constant 1 : index
  %last = arith.cmpi eq, %r, %c1 : index
  %lens = arith.select %last, %bad, %good : tensor<2xi64>
  %y = seqpar.all_to_all %x on @g["u"] scatter 1 gather 0
      scatter_lengths(%lens : tensor<2xi64>) : tensor<2x4xf32> -> tensor<4x?xf32>
  %m = bufferization.to_buffer %y : tensor<4x?xf32> to memref<4x?xf32>
  %u = memref.cast %m : memref<4x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

//--- np3.mlir
seqpar.grid @g(axes = ["u" = 3])
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  %x = arith.constant dense<1.0> : tensor<2x6xf32>
  %good = arith.constant dense<[2, 2, 2]> : tensor<3xi64>
  %bad = arith.constant dense<[1, 2, 3]> : tensor<3xi64>
  %r = seqpar.group_rank on @g["u"]
  %c2 = arith.constant 2 : index
  %last = arith.cmpi eq, %r, %c2 : index
  %lens = arith.select %last, %bad, %good : tensor<3xi64>
  %y = seqpar.all_to_all %x on @g["u"] scatter 1 gather 0
      scatter_lengths(%lens : tensor<3xi64>) : tensor<2x6xf32> -> tensor<6x?xf32>
  %m = bufferization.to_buffer %y : tensor<6x?xf32> to memref<6x?xf32>
  %u = memref.cast %m : memref<6x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

//--- op2.mlir
seqpar.grid @g(axes = ["u" = 2])
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  %x = arith.constant dense<1.0> : tensor<4x4xf32>
  %r = seqpar.group_rank on @g["u"]
  %c = arith.constant 1 : index
  %last = arith.cmpi eq, %r, %c : index
  scf.if %last {
    %y = seqpar.split %x on @g["u"] dim 0 : tensor<4x4xf32> -> tensor<2x4xf32>
    %m = bufferization.to_buffer %y : tensor<2x4xf32> to memref<2x4xf32>
    %u = memref.cast %m : memref<2x4xf32> to memref<*xf32>
    func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  } else {
    %y = seqpar.all_to_all %x on @g["u"] scatter 0 gather 1
        : tensor<4x4xf32> -> tensor<2x8xf32>
    %m = bufferization.to_buffer %y : tensor<2x8xf32> to memref<2x8xf32>
    %u = memref.cast %m : memref<2x8xf32> to memref<*xf32>
    func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  }
  return
}

//--- op3.mlir
seqpar.grid @g(axes = ["u" = 3])
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  %x = arith.constant dense<1.0> : tensor<6x6xf32>
  %r = seqpar.group_rank on @g["u"]
  %c = arith.constant 2 : index
  %last = arith.cmpi eq, %r, %c : index
  scf.if %last {
    %y = seqpar.split %x on @g["u"] dim 0 : tensor<6x6xf32> -> tensor<2x6xf32>
    %m = bufferization.to_buffer %y : tensor<2x6xf32> to memref<2x6xf32>
    %u = memref.cast %m : memref<2x6xf32> to memref<*xf32>
    func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  } else {
    %y = seqpar.all_to_all %x on @g["u"] scatter 0 gather 1
        : tensor<6x6xf32> -> tensor<2x18xf32>
    %m = bufferization.to_buffer %y : tensor<2x18xf32> to memref<2x18xf32>
    %u = memref.cast %m : memref<2x18xf32> to memref<*xf32>
    func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  }
  return
}

//--- own2.mlir
seqpar.grid @g(axes = ["u" = 2])
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  %x = arith.constant dense<1.0> : tensor<2x4xf32>
  %good = arith.constant dense<[2, 2]> : tensor<2xi64>
  %bad = arith.constant dense<[2, 1]> : tensor<2xi64>
  %r = seqpar.group_rank on @g["u"]
  %c = arith.constant 1 : index
  %last = arith.cmpi eq, %r, %c : index
  %lens = arith.select %last, %bad, %good : tensor<2xi64>
  %y = seqpar.all_to_all %x on @g["u"] scatter 1 gather 0
      scatter_lengths(%lens : tensor<2xi64>) : tensor<2x4xf32> -> tensor<4x?xf32>
  %m = bufferization.to_buffer %y : tensor<4x?xf32> to memref<4x?xf32>
  %u = memref.cast %m : memref<4x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

//--- own3.mlir
seqpar.grid @g(axes = ["u" = 3])
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {
  %x = arith.constant dense<1.0> : tensor<2x6xf32>
  %good = arith.constant dense<[2, 2, 2]> : tensor<3xi64>
  %bad = arith.constant dense<[2, 2, 1]> : tensor<3xi64>
  %r = seqpar.group_rank on @g["u"]
  %c = arith.constant 2 : index
  %last = arith.cmpi eq, %r, %c : index
  %lens = arith.select %last, %bad, %good : tensor<3xi64>
  %y = seqpar.all_to_all %x on @g["u"] scatter 1 gather 0
      scatter_lengths(%lens : tensor<3xi64>) : tensor<2x6xf32> -> tensor<6x?xf32>
  %m = bufferization.to_buffer %y : tensor<6x?xf32> to memref<6x?xf32>
  %u = memref.cast %m : memref<6x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
