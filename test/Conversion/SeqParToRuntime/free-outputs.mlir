// RUN: seqpar-opt %s --split-input-file --seqpar-free-outputs | FileCheck %s

func.func private @seqpar_rt_run(memref<*xi8>, memref<*xi8>, i32, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64) -> i32
func.func private @user(memref<4xf32>)

// A buffer used by views, runtime calls, loads and a linalg op in its block
// is freed after its last use, and the marker is gone.
// CHECK-LABEL: func @freed
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NOT: seqpar.output
// CHECK: call @seqpar_rt_run
// CHECK: scf.for
// CHECK: memref.load %[[A]]
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[A]] : memref<4xf32>
// CHECK-NEXT: return
func.func @freed(%n: index, %d: memref<*xi64>) -> f32 {
  %a = memref.alloc() {seqpar.output} : memref<4xf32>
  %u = memref.cast %a : memref<4xf32> to memref<*xf32>
  %b = builtin.unrealized_conversion_cast %u : memref<*xf32> to memref<*xi8>
  %c1_i32 = arith.constant 1 : i32
  %c-1 = arith.constant -1 : i64
  %s = func.call @seqpar_rt_run(%b, %b, %c1_i32, %d, %d, %d, %c-1)
      : (memref<*xi8>, memref<*xi8>, i32, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64) -> i32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %a[%c0] : memref<4xf32>
    %w = arith.addf %acc, %v : f32
    scf.yield %w : f32
  }
  return %r : f32
}

// Returned, or passed to a user function: not freed.
// CHECK-LABEL: func @negative_escapes
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @negative_escapes() -> memref<4xf32> {
  %a = memref.alloc() {seqpar.output} : memref<4xf32>
  %b = memref.alloc() {seqpar.output} : memref<4xf32>
  func.call @user(%b) : (memref<4xf32>) -> ()
  return %a : memref<4xf32>
}

// An unmarked allocation is not this pass's.
// CHECK-LABEL: func @negative_unmarked
// CHECK-NOT: memref.dealloc
func.func @negative_unmarked() {
  %a = memref.alloc() : memref<4xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<4xf32>
  return
}

// -----

// With the runtime's allocator declared (seqpar-to-runtime declares it),
// output buffers come from it: the bytes of the static and dynamic dims,
// a view of them, and seqpar_rt_free after the last use.
func.func private @seqpar_rt_alloc(i64) -> memref<?xi8> attributes {llvm.emit_c_interface}
func.func private @seqpar_rt_free(memref<?xi8>) -> i32 attributes {llvm.emit_c_interface}
func.func private @user(memref<4xf32>)

// CHECK-LABEL: func @from_runtime
// CHECK-SAME: %[[N:.*]]: index
// CHECK-NOT: memref.alloc
// CHECK: %[[C:.*]] = arith.constant 6 : index
// CHECK: %[[B:.*]] = arith.muli %[[C]], %[[N]] : index
// CHECK: %[[I:.*]] = arith.index_cast %[[B]] : index to i64
// CHECK: %[[RAW:.*]] = call @seqpar_rt_alloc(%[[I]]) : (i64) -> memref<?xi8>
// CHECK: %[[V:.*]] = memref.view %[[RAW]][%{{.*}}][%[[N]]] : memref<?xi8> to memref<3x?xf16>
// CHECK: memref.load %[[V]]
// CHECK-NEXT: call @seqpar_rt_free(%[[RAW]]) : (memref<?xi8>) -> i32
// CHECK-NEXT: return
func.func @from_runtime(%n: index) -> f16 {
  %a = memref.alloc(%n) {seqpar.output} : memref<3x?xf16>
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0, %c0] : memref<3x?xf16>
  return %v : f16
}

// Passed to a user function: from the runtime, but not freed (the runtime
// frees it at finalize). Returned: a plain allocation, left alone.
// CHECK-LABEL: func @negative_kept
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[RAW:.*]] = call @seqpar_rt_alloc
// CHECK: %[[V:.*]] = memref.view %[[RAW]]
// CHECK: call @user(%[[V]])
// CHECK-NOT: seqpar_rt_free
// CHECK-NOT: memref.dealloc
// CHECK: return %[[A]]
func.func @negative_kept() -> memref<4xf32> {
  %a = memref.alloc() {seqpar.output} : memref<4xf32>
  %b = memref.alloc() {seqpar.output} : memref<4xf32>
  func.call @user(%b) : (memref<4xf32>) -> ()
  return %a : memref<4xf32>
}

// An output nobody reads is freed right after its view.
// CHECK-LABEL: func @unused
// CHECK: %[[RAW:.*]] = call @seqpar_rt_alloc
// CHECK: memref.view %[[RAW]]
// CHECK-NEXT: call @seqpar_rt_free(%[[RAW]])
// CHECK-NEXT: return
func.func @unused() {
  %a = memref.alloc() {seqpar.output} : memref<4xf32>
  return
}
