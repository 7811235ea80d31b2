// seqpar-lower-to-llvm: one descriptor per buffer and block, the structured
// lowerings where a function needs them, nothing but LLVM left.
// RUN: seqpar-opt %s --split-input-file --seqpar-lower-to-llvm | FileCheck %s

// The output of the first call is the input of the second (through a ranked
// cast): its descriptor is stored once and its two fields, extracted once,
// go to both calls. The argument's descriptor is the third store.
// CHECK-LABEL: llvm.func @chain
// CHECK: llvm.store
// CHECK: llvm.store
// CHECK: %[[A:[0-9]+]] = llvm.insertvalue %{{[0-9]+}}, %{{[0-9]+}}[1] : !llvm.struct<(i64, ptr)>
// CHECK-DAG: %[[A1:[0-9]+]] = llvm.extractvalue %[[A]][1]
// CHECK-DAG: %[[A0:[0-9]+]] = llvm.extractvalue %[[A]][0]
// CHECK: llvm.call @f(%{{[0-9]+}}, %{{[0-9]+}}, %[[A0]], %[[A1]])
// CHECK: llvm.store
// CHECK-NOT: llvm.store
// CHECK-NOT: llvm.extractvalue %[[A]]
// CHECK: llvm.call @f(%[[A0]], %[[A1]],
// CHECK-NOT: llvm.store
// CHECK-NOT: unrealized_conversion_cast
func.func private @f(memref<*xi8>, memref<*xi8>) -> i32
    attributes {llvm.emit_c_interface}
func.func @chain(%x: memref<4xf32>) -> memref<4xf32> {
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  %x0 = memref.cast %x : memref<4xf32> to memref<*xf32>
  %x1 = builtin.unrealized_conversion_cast %x0 : memref<*xf32> to memref<*xi8>
  %a0 = memref.cast %a : memref<4xf32> to memref<*xf32>
  %a1 = builtin.unrealized_conversion_cast %a0 : memref<*xf32> to memref<*xi8>
  %s0 = func.call @f(%x1, %a1) : (memref<*xi8>, memref<*xi8>) -> i32
  %as = memref.cast %a : memref<4xf32> to memref<4xf32, strided<[?], offset: ?>>
  %a2 = memref.cast %as : memref<4xf32, strided<[?], offset: ?>> to memref<*xf32>
  %a3 = builtin.unrealized_conversion_cast %a2 : memref<*xf32> to memref<*xi8>
  %b0 = memref.cast %b : memref<4xf32> to memref<*xf32>
  %b1 = builtin.unrealized_conversion_cast %b0 : memref<*xf32> to memref<*xi8>
  %s1 = func.call @f(%a3, %b1) : (memref<*xi8>, memref<*xi8>) -> i32
  memref.dealloc %a : memref<4xf32>
  return %b : memref<4xf32>
}

// -----

// A cast in another block is not shared: its descriptor would not dominate.
// CHECK-LABEL: llvm.func @other_block
// CHECK: llvm.store
// CHECK: llvm.call @g
// CHECK: llvm.cond_br
// CHECK: llvm.store
// CHECK: llvm.call @g
// CHECK-NOT: scf.
func.func private @g(memref<*xf32>)
func.func @other_block(%x: memref<4xf32>, %c: i1) {
  %x0 = memref.cast %x : memref<4xf32> to memref<*xf32>
  func.call @g(%x0) : (memref<*xf32>) -> ()
  scf.if %c {
    %x1 = memref.cast %x : memref<4xf32> to memref<*xf32>
    func.call @g(%x1) : (memref<*xf32>) -> ()
  }
  return
}

// -----

// Functions with linalg, affine, scf or memref views go through upstream's
// structured lowerings first; the others are left to the conversion alone.
// CHECK-LABEL: llvm.func @structured
// CHECK: llvm.br
// CHECK: llvm.cond_br
// CHECK: llvm.load
// CHECK: llvm.store
// CHECK-LABEL: llvm.func @transposed
// CHECK-NOT: memref.
// CHECK-NOT: linalg.
// CHECK-NOT: scf.
func.func @structured(%x: memref<4x3xf32>, %y: memref<3x4xf32>) {
  linalg.transpose ins(%x : memref<4x3xf32>) outs(%y : memref<3x4xf32>)
      permutation = [1, 0]
  return
}
func.func private @h(memref<*xf32>)
func.func @transposed(%x: memref<4x3xf32>) {
  %t = memref.transpose %x (i, j) -> (j, i)
      : memref<4x3xf32> to memref<3x4xf32, strided<[1, 3]>>
  %u = memref.cast %t : memref<3x4xf32, strided<[1, 3]>> to memref<*xf32>
  func.call @h(%u) : (memref<*xf32>) -> ()
  return
}

// -----

// Each allocation's lowering creates its constants; one of each is kept, at
// the function's entry.
// CHECK-LABEL: llvm.func @constants
// CHECK-DAG: llvm.mlir.constant(4 : index)
// CHECK-DAG: llvm.mlir.zero
// CHECK-NOT: llvm.mlir.constant(4 : index)
// CHECK-NOT: llvm.mlir.zero
// CHECK: llvm.call @malloc
// CHECK-NOT: llvm.mlir.constant(4 : index)
// CHECK-NOT: llvm.mlir.zero
// CHECK: llvm.call @malloc
// CHECK-NOT: llvm.mlir.constant(4 : index)
// CHECK-NOT: llvm.mlir.zero
// CHECK: llvm.return
func.func @constants() -> (memref<4xf32>, memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  return %a, %b : memref<4xf32>, memref<4xf32>
}
