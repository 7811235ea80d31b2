// RUN: seqpar-opt %s --split-input-file --seqpar-to-runtime="init-function=" | FileCheck %s

seqpar.grid @cp(axes = ["u" = 4])

// Every collective calls seqpar_rt_run with its op descriptor (Codes.h), a
// constant global per distinct descriptor: magic, kind (0 all_to_all,
// 1 split, 2 gather), grad scale, the grid shape, the ordered group axes,
// then the scatter and the gather move, each `dim, distribution,
// inner axes, length, N, values[N]` (dim -1: no such move).
// CHECK-DAG: func.func private @seqpar_rt_run(memref<*xi8>, memref<*xi8>, i32, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64) -> i32 attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @seqpar_rt_output_shape(memref<*xi8>, memref<*xi64>, memref<*xi64>, memref<*xi64>, i64, memref<*xi64>) -> i32 attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @seqpar_rt_exchange_lengths(memref<*xi64>, i64, memref<*xi64>) -> i32 attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @seqpar_rt_alloc(i64) -> memref<?xi8> attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @seqpar_rt_free(memref<?xi8>) -> i32 attributes {llvm.emit_c_interface}
// CHECK-DAG: memref.global "private" constant @[[$EMPTY:.*]] : memref<0xi64> = dense<>
// @aligned: all_to_all over [0] of grid [4], scatter 2, gather 1.
// CHECK-DAG: memref.global "private" constant @[[$A2A:.*]] : memref<17xi64> = dense<[6003351290296401920, 0, 0, 1, 4, 1, 0, 2, 0, 0, -1, 0, 1, 0, 0, -1, 0]>
// @variable_lengths: the group [0] of grid [4], and a gather move whose
// sizes (distribution 1, no values) come with the call.
// CHECK-DAG: memref.global "private" constant @[[$GROUP:.*]] : memref<4xi64> = dense<[1, 4, 1, 0]>
// CHECK-DAG: memref.global "private" constant @[[$VAR:.*]] : memref<17xi64> = dense<[6003351290296401920, 0, 0, 1, 4, 1, 0, 2, 0, 0, -1, 0, 1, 1, 0, -1, 0]>
// @gather_dynamic: the length -2 comes with the call.
// CHECK-DAG: memref.global "private" constant @[[$DYN:.*]] : memref<17xi64> = dense<[6003351290296401920, 2, 0, 1, 4, 1, 0, -1, 0, 0, -1, 0, 0, 0, 0, -2, 0]>
// @grad_scale: a split by the split rule, unscaled (word 2 is 0).
// CHECK-DAG: memref.global "private" constant @[[$SPLIT:.*]] : memref<17xi64> = dense<[6003351290296401920, 1, 0, 1, 4, 1, 0, 0, 0, 0, -1, 0, -1, 0, 0, -1, 0]>
// @every_kind: explicit sizes (distribution 1), zigzag (2), packed (3).
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<21xi64> = dense<[6003351290296401920, 1, 0, 1, 4, 1, 0, 0, 1, 0, -1, 4, 1, 2, 3, 4, -1, 0, 0, -1, 0]>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<17xi64> = dense<[6003351290296401920, 1, 0, 1, 4, 1, 0, 0, 2, 0, -1, 0, -1, 0, 0, -1, 0]>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<19xi64> = dense<[6003351290296401920, 2, 0, 1, 4, 1, 0, -1, 0, 0, -1, 0, 0, 3, 0, -1, 2, 10, 6]>

// A static result: no shape query; no run-time lists (the empty table) and
// the default length -1. The element type travels as its dtype code (bf16: 3).
// CHECK-LABEL: func @aligned
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x16xbf16>)
// CHECK-DAG: %[[E:.*]] = memref.get_global @[[$EMPTY]] : memref<0xi64>
// CHECK-DAG: %[[EU:.*]] = memref.cast %[[E]] : memref<0xi64> to memref<*xi64>
// CHECK-DAG: %[[D:.*]] = memref.get_global @[[$A2A]] : memref<17xi64>
// CHECK-DAG: %[[DU:.*]] = memref.cast %[[D]] : memref<17xi64> to memref<*xi64>
// CHECK-DAG: %[[BF16:.*]] = arith.constant 3 : i32
// CHECK-DAG: %[[DEFAULT:.*]] = arith.constant -1 : i64
// CHECK: %[[IN:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<2x8x16xbf16> to memref<2x8x16xbf16, strided<[?, ?, ?], offset: ?>>
// CHECK: %[[INU:.*]] = memref.cast %[[IN]]
// CHECK: %[[INB:.*]] = builtin.unrealized_conversion_cast %[[INU]] : memref<*xbf16> to memref<*xi8>
// CHECK-NOT: seqpar_rt_output_shape
// CHECK: %[[OUT:.*]] = memref.alloc() {seqpar.output} : memref<2x32x4xbf16>
// CHECK: %[[OUTU:.*]] = memref.cast %[[OUT]]
// CHECK: %[[OUTB:.*]] = builtin.unrealized_conversion_cast %[[OUTU]] : memref<*xbf16> to memref<*xi8>
// CHECK: %[[ST:.*]] = call @seqpar_rt_run(%[[INB]], %[[OUTB]], %[[BF16]], %[[DU]], %[[EU]], %[[EU]], %[[DEFAULT]])
// CHECK: %[[BAD:.*]] = arith.cmpi ne, %[[ST]]
// CHECK: call @__seqpar_rt_check(%[[BAD]])
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK: return %[[T]]
func.func @aligned(%x: tensor<2x8x16xbf16>) -> tensor<2x32x4xbf16> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      : tensor<2x8x16xbf16> -> tensor<2x32x4xbf16>
  return %y : tensor<2x32x4xbf16>
}

// Rank-dependent dims come from one seqpar_rt_output_shape query into the
// function's shape buffer (allocated once, at its entry), with the same
// operands as the run.
// CHECK-LABEL: func @unaligned
// CHECK-DAG: %[[SHAPE:.*]] = memref.alloca() : memref<3xi64>
// CHECK-DAG: %[[SHAPEU:.*]] = memref.cast %[[SHAPE]] : memref<3xi64> to memref<*xi64>
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[IN:.*]] = builtin.unrealized_conversion_cast
// CHECK: %[[ST:.*]] = call @seqpar_rt_output_shape(%[[IN]], %[[D:.*]], %[[E:.*]], %[[E]], %[[L:.*]], %[[SHAPEU]])
// CHECK: call @__seqpar_rt_check
// CHECK: %[[N:.*]] = memref.load %[[SHAPE]][%[[C2]]]
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]] : i64 to index
// CHECK: %[[OUT:.*]] = memref.alloc(%[[NI]]) {seqpar.output} : memref<2x10x?xf32>
// CHECK: call @seqpar_rt_run(%[[IN]], %{{.*}}, %{{.*}}, %[[D]], %[[E]], %[[E]], %[[L]])
// CHECK-NOT: seqpar_rt_output_shape
// CHECK: return
func.func @unaligned(%x: tensor<2x?x6xf32>) -> tensor<2x10x?xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1 gather_size 10
      : tensor<2x?x6xf32> -> tensor<2x10x?xf32>
  return %y : tensor<2x10x?xf32>
}

// Several dynamic dims, one query.
// CHECK-LABEL: func @dynamic
// CHECK-COUNT-1: call @seqpar_rt_output_shape
// CHECK-COUNT-2: memref.load
// CHECK: memref.alloc(%{{.*}}, %{{.*}}) {seqpar.output} : memref<?x?xf32>
// CHECK: call @seqpar_rt_run
func.func @dynamic(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 1 gather 0
      : tensor<?x?xf32> -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// exchange_lengths passes its group descriptor; the exchanged lengths fill
// the all_to_all's run-time gather sizes.
// CHECK-LABEL: func @variable_lengths
// CHECK-SAME: (%[[X:.*]]: tensor<2x?x8xf32>)
// CHECK-DAG: %[[G:.*]] = memref.get_global @[[$GROUP]]
// CHECK-DAG: %[[GU:.*]] = memref.cast %[[G]]
// CHECK-DAG: %[[D:.*]] = memref.get_global @[[$VAR]]
// CHECK-DAG: %[[DU:.*]] = memref.cast %[[D]]
// CHECK: %[[LEN:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<2x?x8xf32>
// CHECK: %[[MINE:.*]] = arith.index_cast %[[LEN]] : index to i64
// CHECK: %[[LENS:.*]] = memref.alloc() {seqpar.output} : memref<4xi64>
// CHECK: %[[LENSU:.*]] = memref.cast %[[LENS]] : memref<4xi64> to memref<*xi64>
// CHECK: call @seqpar_rt_exchange_lengths(%[[GU]], %[[MINE]], %[[LENSU]])
// CHECK: %[[LT:.*]] = bufferization.to_tensor %[[LENS]]
// CHECK: %[[LB:.*]] = bufferization.to_buffer %[[LT]] read_only
// CHECK: %[[LU:.*]] = memref.cast %[[LB]] : memref<4xi64, strided<[?], offset: ?>> to memref<*xi64>
// CHECK: call @seqpar_rt_output_shape(%{{.*}}, %[[DU]], %{{.*}}, %[[LU]],
// CHECK: memref.alloc(%{{.*}}) {seqpar.output} : memref<2x?x2xf32>
// CHECK: call @seqpar_rt_run(%{{.*}}, %{{.*}}, %{{.*}}, %[[DU]], %{{.*}}, %[[LU]],
func.func @variable_lengths(%x: tensor<2x?x8xf32>) -> tensor<2x?x2xf32> {
  %lens = seqpar.exchange_lengths %x on @cp["u"] dim 1
      : tensor<2x?x8xf32> -> tensor<4xi64>
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      gather_lengths(%lens : tensor<4xi64>) : tensor<2x?x8xf32> -> tensor<2x?x2xf32>
  return %y : tensor<2x?x2xf32>
}

// A gather size known at run time is the call's length operand.
// CHECK-LABEL: func @gather_dynamic
// CHECK-SAME: (%{{.*}}: tensor<?xi8>, %[[N:.*]]: index)
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: call @seqpar_rt_output_shape({{.*}}, %[[NI]], %{{.*}})
// CHECK: call @seqpar_rt_run({{.*}}, %[[NI]])
func.func @gather_dynamic(%x: tensor<?xi8>, %n: index) -> tensor<?xi8> {
  %y = seqpar.gather %x on @cp["u"] dim 0 gather_size %n
      : tensor<?xi8> -> tensor<?xi8>
  return %y : tensor<?xi8>
}

// Every kind and distribution is the same call with its own descriptor;
// i32 is dtype 5 and i1 dtype 7.
// CHECK-LABEL: func @every_kind
// CHECK-DAG: %[[I32:.*]] = arith.constant 5 : i32
// CHECK-DAG: %[[I1:.*]] = arith.constant 7 : i32
// CHECK: call @seqpar_rt_run(%{{.*}}, %{{.*}}, %[[I32]],
// CHECK: call @seqpar_rt_run(%{{.*}}, %{{.*}}, %[[I32]],
// CHECK: call @seqpar_rt_run(%{{.*}}, %{{.*}}, %[[I1]],
// CHECK: call @seqpar_rt_run(%{{.*}}, %{{.*}}, %[[I1]],
// CHECK: call @seqpar_rt_run(%{{.*}}, %{{.*}}, %[[I1]],
// CHECK: call @seqpar_rt_run(%{{.*}}, %{{.*}}, %[[I1]],
func.func @every_kind(%x: tensor<10xi32>, %z: tensor<16xi1>)
    -> (tensor<10xi32>, tensor<16xi1>) {
  %a = seqpar.split %x on @cp["u"] dim 0 sizes [1, 2, 3, 4]
      : tensor<10xi32> -> tensor<?xi32>
  %b = seqpar.gather %a on @cp["u"] dim 0 sizes [1, 2, 3, 4]
      : tensor<?xi32> -> tensor<10xi32>
  %c = seqpar.zigzag_split %z on @cp["u"] dim 0 : tensor<16xi1> -> tensor<4xi1>
  %d = seqpar.zigzag_gather %c on @cp["u"] dim 0 : tensor<4xi1> -> tensor<16xi1>
  %e = seqpar.packed_split %d on @cp["u"] dim 0 seq_lens [10, 6]
      : tensor<16xi1> -> tensor<?xi1>
  %f = seqpar.packed_gather %e on @cp["u"] dim 0 seq_lens [10, 6]
      : tensor<?xi1> -> tensor<16xi1>
  return %b, %f : tensor<10xi32>, tensor<16xi1>
}

// An op's grad_scale is its adjoint's factor: the op itself runs unscaled
// (the runtime would scale the data of a descriptor with a scale).
// CHECK-LABEL: func @grad_scale
// CHECK: %[[D:.*]] = memref.get_global @[[$SPLIT]]
// CHECK: %[[DU:.*]] = memref.cast %[[D]]
// CHECK: call @seqpar_rt_run(%{{.*}}, %{{.*}}, %{{.*}}, %[[DU]],
func.func @grad_scale(%x: tensor<8xi32>) -> tensor<2xi32> {
  %y = seqpar.split %x on @cp["u"] dim 0 grad_scale down
      : tensor<8xi32> -> tensor<2xi32>
  return %y : tensor<2xi32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "u" = 2])

// The hybrid ops are ordinary two-axis groups: the same call, with a
// two-level distribution (inner axes 1) over the group [ring, u] = [0, 1].
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<19xi64> = dense<[6003351290296401920, 1, 0, 2, 2, 2, 2, 0, 1, 0, 2, 1, -1, 0, -1, 0, 0, -1, 0]>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<19xi64> = dense<[6003351290296401920, 2, 0, 2, 2, 2, 2, 0, 1, -1, 0, 0, -1, 0, 0, 2, 1, 12, 0]>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<21xi64> = dense<[6003351290296401920, 1, 0, 2, 2, 2, 2, 0, 1, 0, 3, 1, -1, 2, 7, 5, -1, 0, 0, -1, 0]>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<21xi64> = dense<[6003351290296401920, 2, 0, 2, 2, 2, 2, 0, 1, -1, 0, 0, -1, 0, 0, 3, 1, -1, 2, 7, 5]>
// @axis_order: a group lists its axes in any order; the descriptor keeps
// it ([u, ring] = [1, 0]).
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<19xi64> = dense<[6003351290296401920, 0, 0, 2, 2, 2, 2, 1, 0, 1, 0, 0, -1, 0, 0, 0, 0, -1, 0]>
// @group_queries: the group descriptor of [u, ring] = [1, 0] on grid [2, 2].
// CHECK-DAG: memref.global "private" constant @[[$UR:.*]] : memref<6xi64> = dense<[2, 2, 2, 2, 1, 0]>
// CHECK-DAG: func.func private @seqpar_rt_group_rank(memref<*xi64>) -> i64 attributes {llvm.emit_c_interface}
// CHECK-LABEL: func @hybrid
// CHECK-COUNT-4: call @seqpar_rt_run
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

// group_rank asks the runtime (which answers -1 on failure); group_size is a
// constant.
// CHECK-LABEL: func @group_queries
// CHECK-DAG: %[[D:.*]] = memref.get_global @[[$UR]]
// CHECK-DAG: %[[DU:.*]] = memref.cast %[[D]]
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK: %[[R:.*]] = call @seqpar_rt_group_rank(%[[DU]]) : (memref<*xi64>) -> i64
// CHECK: %[[BAD:.*]] = arith.cmpi slt, %[[R]], %[[ZERO]] : i64
// CHECK: call @__seqpar_rt_check(%[[BAD]])
// CHECK: %[[RI:.*]] = arith.index_cast %[[R]] : i64 to index
// CHECK: %[[P:.*]] = arith.constant 2 : index
// CHECK: return %[[RI]], %[[P]]
func.func @group_queries() -> (index, index) {
  %r = seqpar.group_rank on @cp["u", "ring"]
  %p = seqpar.group_size on @cp["u"]
  return %r, %p : index, index
}

// CHECK-LABEL: func @axis_order
// CHECK: call @seqpar_rt_run
// CHECK-NOT: seqpar.grid
func.func @axis_order(%x: tensor<4x8xi64>) -> tensor<16x2xi64> {
  %y = seqpar.all_to_all %x on @cp["u", "ring"] scatter 1 gather 0
      : tensor<4x8xi64> -> tensor<16x2xi64>
  return %y : tensor<16x2xi64>
}

// -----

// Several grids over the same ranks: each descriptor names its grid's shape.
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<18xi64> = dense<[6003351290296401920, 1, 0, 2, 2, 2, 1, 1, 0, 0, 0, -1, 0, -1, 0, 0, -1, 0]>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<17xi64> = dense<[6003351290296401920, 1, 0, 1, 4, 1, 0, 0, 0, 0, -1, 0, -1, 0, 0, -1, 0]>
// CHECK-LABEL: func @two_grids
// CHECK-COUNT-2: call @seqpar_rt_run
// CHECK-NOT: seqpar.grid
seqpar.grid @dpcp(axes = ["dp" = 2, "cp" = 2])
seqpar.grid @world(axes = ["w" = 4])
func.func @two_grids(%x: tensor<8xf32>) -> (tensor<4xf32>, tensor<2xf32>) {
  %y = seqpar.split %x on @dpcp["cp"] dim 0 : tensor<8xf32> -> tensor<4xf32>
  %z = seqpar.split %x on @world["w"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y, %z : tensor<4xf32>, tensor<2xf32>
}

// -----

// A nested module is lowered with its own declarations.
// CHECK-LABEL: module @inner
// CHECK: func.func private @seqpar_rt_run
// CHECK: func @nested
// CHECK: call @seqpar_rt_run
module @inner {
  seqpar.grid @cp(axes = ["u" = 2])
  func.func @nested(%x: tensor<8xf32>) -> tensor<4xf32> {
    %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}
