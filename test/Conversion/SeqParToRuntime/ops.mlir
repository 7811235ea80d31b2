// RUN: seqpar-opt %s --split-input-file --seqpar-select-lowering \
// RUN:   --seqpar-to-runtime="init-function=" | FileCheck %s

seqpar.grid @cp(axes = ["u" = 4])

// Tables (Layout's per-peer counts, and the empty "default" list) are
// module globals, read once per function.
// CHECK-DAG: memref.global "private" constant @[[$HEADS:.*]] : memref<4xi64> = dense<[2, 2, 1, 1]>
// CHECK-DAG: memref.global "private" constant @[[$TOKENS:.*]] : memref<4xi64> = dense<[3, 3, 2, 2]>
// CHECK-DAG: memref.global "private" constant @[[$EMPTY:.*]] : memref<0xi64> = dense<>
// CHECK-DAG: func.func private @seqpar_rt_all_to_all(memref<*xi8>, memref<*xi8>, i32, i64, i64, i64, i64, memref<*xi64>, memref<*xi64>) -> i32 attributes {llvm.emit_c_interface}

// The equal form: static output, no size tables, gather size -1 (the
// input's gather dim times P).
// CHECK-LABEL: func @aligned
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x16xbf16>)
// CHECK: %[[E:.*]] = memref.get_global @[[$EMPTY]] : memref<0xi64>
// CHECK: %[[EU:.*]] = memref.cast %[[E]] : memref<0xi64> to memref<*xi64>
// CHECK: %[[IN:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<2x8x16xbf16> to memref<2x8x16xbf16, strided<[?, ?, ?], offset: ?>>
// CHECK: %[[OUT:.*]] = memref.alloc() {seqpar.output} : memref<2x32x4xbf16>
// CHECK: %[[ST:.*]] = call @seqpar_rt_all_to_all(%{{.*}}, %{{.*}}, %c3_i32, %c1_i64{{.*}}, %c2_i64, %c1_i64{{.*}}, %c-1_i64, %[[EU]], %[[EU]])
// CHECK: %[[BAD:.*]] = arith.cmpi ne, %[[ST]]
// CHECK: call @__seqpar_rt_check(%[[BAD]])
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK: return %[[T]]
func.func @aligned(%x: tensor<2x8x16xbf16>) -> tensor<2x32x4xbf16> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      : tensor<2x8x16xbf16> -> tensor<2x32x4xbf16>
  return %y : tensor<2x32x4xbf16>
}

// The per-peer form: Layout's counts as constant tables, the local scatter
// size read from them at this rank.
// CHECK-LABEL: func @unaligned
// CHECK-DAG: %[[H:.*]] = memref.get_global @[[$HEADS]]
// CHECK-DAG: %[[T:.*]] = memref.get_global @[[$TOKENS]]
// CHECK-DAG: %[[HU:.*]] = memref.cast %[[H]]
// CHECK-DAG: %[[TU:.*]] = memref.cast %[[T]]
// CHECK: %[[R:.*]] = call @seqpar_rt_group_rank
// CHECK: %[[RI:.*]] = arith.index_cast %[[R]] : i64 to index
// CHECK: %[[N:.*]] = memref.load %[[H]][%[[RI]]]
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]] : i64 to index
// CHECK: memref.alloc(%[[NI]]) {seqpar.output} : memref<2x10x?xf32>
// CHECK: call @seqpar_rt_all_to_all({{.*}}, %[[HU]], %[[TU]])
func.func @unaligned(%x: tensor<2x?x6xf32>) -> tensor<2x10x?xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1 gather_size 10
      : tensor<2x?x6xf32> -> tensor<2x10x?xf32>
  return %y : tensor<2x10x?xf32>
}

// The runtime form: the split rule evaluated at run time.
// CHECK-LABEL: func @dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x?xf32>)
// CHECK: %[[IN:.*]] = bufferization.to_buffer %[[X]]
// CHECK: %[[R:.*]] = call @seqpar_rt_group_rank
// CHECK: %[[S:.*]] = memref.dim %[[IN]], %{{.*}}
// CHECK: call @seqpar_rt_split_size
// CHECK: memref.alloc(%{{.*}}) {seqpar.output} : memref<2x32x?xf32>
// CHECK: call @seqpar_rt_all_to_all
func.func @dynamic(%x: tensor<2x8x?xf32>) -> tensor<2x32x?xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      : tensor<2x8x?xf32> -> tensor<2x32x?xf32>
  return %y : tensor<2x32x?xf32>
}

// Exchanged lengths: output gather dim is their sum, the lengths are passed.
// CHECK-LABEL: func @variable_lengths
// CHECK: %[[LENS:.*]] = memref.alloc() {seqpar.output} : memref<4xi64>
// CHECK: call @seqpar_rt_exchange_lengths
// CHECK: %[[LT:.*]] = bufferization.to_tensor %[[LENS]]
// CHECK: %[[LB:.*]] = bufferization.to_buffer %[[LT]] read_only
// CHECK: scf.for
// CHECK: memref.load %[[LB]]
// CHECK: memref.alloc(%{{.*}}) {seqpar.output} : memref<2x?x2xf32>
// CHECK: %[[LU:.*]] = memref.cast %[[LB]]
// CHECK: call @seqpar_rt_all_to_all({{.*}}, %[[LU]])
func.func @variable_lengths(%x: tensor<2x?x8xf32>) -> tensor<2x?x2xf32> {
  %lens = seqpar.exchange_lengths %x on @cp["u"] dim 1
      : tensor<2x?x8xf32> -> tensor<4xi64>
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      gather_lengths(%lens : tensor<4xi64>) : tensor<2x?x8xf32> -> tensor<2x?x2xf32>
  return %y : tensor<2x?x2xf32>
}

// CHECK-LABEL: func @split_gather
// CHECK: memref.alloc(%{{.*}}) {seqpar.output} : memref<?xi32>
// CHECK: call @seqpar_rt_split
// CHECK: memref.alloc() {seqpar.output} : memref<10xi32>
// CHECK: call @seqpar_rt_gather
func.func @split_gather(%x: tensor<10xi32>) -> tensor<10xi32> {
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<10xi32> -> tensor<?xi32>
  %z = seqpar.gather %y on @cp["u"] dim 0 gather_size 10
      : tensor<?xi32> -> tensor<10xi32>
  return %z : tensor<10xi32>
}

// A dynamic gather size: the pieces are computed at run time.
// CHECK-LABEL: func @gather_dynamic
// CHECK: %[[P:.*]] = memref.alloca() : memref<4xi64>
// CHECK: scf.for
// CHECK: call @seqpar_rt_split_size
// CHECK: memref.store
// CHECK: %[[PU:.*]] = memref.cast %[[P]]
// CHECK: call @seqpar_rt_gather({{.*}}, %[[PU]], %{{.*}})
func.func @gather_dynamic(%x: tensor<?xi8>, %n: index) -> tensor<?xi8> {
  %y = seqpar.gather %x on @cp["u"] dim 0 gather_size %n
      : tensor<?xi8> -> tensor<?xi8>
  return %y : tensor<?xi8>
}

// CHECK-LABEL: func @zigzag_packed
// CHECK: call @seqpar_rt_zigzag_split
// CHECK: call @seqpar_rt_zigzag_gather
// CHECK: memref.load
// CHECK: call @seqpar_rt_packed_split
// CHECK: call @seqpar_rt_packed_gather
func.func @zigzag_packed(%x: tensor<16xi1>) -> tensor<16xi1> {
  %a = seqpar.zigzag_split %x on @cp["u"] dim 0 : tensor<16xi1> -> tensor<4xi1>
  %b = seqpar.zigzag_gather %a on @cp["u"] dim 0 : tensor<4xi1> -> tensor<16xi1>
  %c = seqpar.packed_split %b on @cp["u"] dim 0 seq_lens [10, 6]
      : tensor<16xi1> -> tensor<?xi1>
  %d = seqpar.packed_gather %c on @cp["u"] dim 0 seq_lens [10, 6]
      : tensor<?xi1> -> tensor<16xi1>
  return %d : tensor<16xi1>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "u" = 2])

// Composites not decomposed call the runtime's hybrid entry points with the
// ring and Ulysses axes.
// CHECK-LABEL: func @hybrid
// CHECK: call @seqpar_rt_local_length
// CHECK: call @seqpar_rt_hybrid_split(%{{.*}}, %{{.*}}, %c0_i32, %c0_i64{{.*}}, %c1_i64{{.*}}, %c0_i64
// CHECK: call @seqpar_rt_hybrid_gather
// CHECK: call @seqpar_rt_packed_hybrid_split
// CHECK: call @seqpar_rt_packed_hybrid_gather
func.func @hybrid(%x: tensor<?xf64>) -> tensor<12xf64> {
  %a = seqpar.hybrid_split %x on @cp ring "ring" ulysses "u" dim 0
      : tensor<?xf64> -> tensor<?xf64>
  %b = seqpar.hybrid_gather %a on @cp ring "ring" ulysses "u" dim 0
      gather_size 12 : tensor<?xf64> -> tensor<12xf64>
  %c = seqpar.hybrid_packed_split %b on @cp ring "ring" ulysses "u" dim 0
      seq_lens [7, 5] : tensor<12xf64> -> tensor<?xf64>
  %d = seqpar.hybrid_packed_gather %c on @cp ring "ring" ulysses "u" dim 0
      seq_lens [7, 5] : tensor<?xf64> -> tensor<12xf64>
  return %d : tensor<12xf64>
}

// A group over both axes, listed in grid order, is the axis mask 3.
// CHECK-LABEL: func @two_axes
// CHECK: %[[MASK:.*]] = arith.constant 3 : i64
// CHECK: call @seqpar_rt_all_to_all(%{{.*}}, %{{.*}}, %{{.*}}, %[[MASK]],
// CHECK-NOT: seqpar.grid
func.func @two_axes(%x: tensor<4x8xi64>) -> tensor<16x2xi64> {
  %y = seqpar.all_to_all %x on @cp["ring", "u"] scatter 1 gather 0
      : tensor<4x8xi64> -> tensor<16x2xi64>
  return %y : tensor<16x2xi64>
}

// -----

// A nested module is lowered with its own declarations.
// CHECK-LABEL: module @inner
// CHECK: func.func private @seqpar_rt_split
// CHECK: func @nested
// CHECK: call @seqpar_rt_split
module @inner {
  seqpar.grid @cp(axes = ["u" = 2])
  func.func @nested(%x: tensor<8xf32>) -> tensor<4xf32> {
    %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}
