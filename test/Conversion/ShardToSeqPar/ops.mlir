// RUN: seqpar-opt %s --split-input-file --allow-unregistered-dialect \
// RUN:   --convert-shard-to-seqpar | FileCheck %s

// Axis k of a shard grid is named "k".
// CHECK: seqpar.grid @g(axes = ["0" = 2, "1" = 3])
// CHECK-NOT: shard.
shard.grid @g(shape = 2x3)

// CHECK-LABEL: func.func @all_to_all
// CHECK-SAME: (%[[X:.*]]: tensor<4x6xf32>)
// CHECK: %[[Y:.*]] = seqpar.all_to_all %[[X]] on @g["1"] scatter 1 gather 0 : tensor<4x6xf32> -> tensor<12x2xf32>
// CHECK: return %[[Y]]
func.func @all_to_all(%x: tensor<4x6xf32>) -> tensor<12x2xf32> {
  %0 = shard.all_to_all %x on @g grid_axes = [1] split_axis = 1 concat_axis = 0
      : tensor<4x6xf32> -> tensor<12x2xf32>
  return %0 : tensor<12x2xf32>
}

// Both dialects number a group's processes row-major in the order its axes
// are listed: the axes carry over in order.
// CHECK-LABEL: func.func @all_to_all_two_axes
// CHECK: seqpar.all_to_all %{{.*}} on @g["1", "0"] scatter 0 gather 1 : tensor<12x5xf32> -> tensor<2x30xf32>
func.func @all_to_all_two_axes(%x: tensor<12x5xf32>) -> tensor<2x30xf32> {
  %0 = shard.all_to_all %x on @g grid_axes = [1, 0] split_axis = 0 concat_axis = 1
      : tensor<12x5xf32> -> tensor<2x30xf32>
  return %0 : tensor<2x30xf32>
}

// 10 over 3: shard gives the remainder to the last shard ([3, 3, 4]), the
// split rule to the first rank ([4, 3, 3]): the shard sizes are explicit.
// CHECK-LABEL: func.func @all_to_all_uneven
// CHECK: %[[LENS:.*]] = arith.constant dense<[3, 3, 4]> : tensor<3xi64>
// CHECK: %[[Y:.*]] = seqpar.all_to_all %{{.*}} on @g["1"] scatter 1 gather 0 scatter_lengths(%[[LENS]] : tensor<3xi64>) : tensor<2x10xf32> -> tensor<6x?xf32>
// CHECK: return %[[Y]]
func.func @all_to_all_uneven(%x: tensor<2x10xf32>) -> tensor<6x?xf32> {
  %0 = shard.all_to_all %x on @g grid_axes = [1] split_axis = 1 concat_axis = 0
      : tensor<2x10xf32> -> tensor<6x?xf32>
  return %0 : tensor<6x?xf32>
}

// A dynamic split dim must divide evenly, where the two rules agree.
// CHECK-LABEL: func.func @all_to_all_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<2x?xf32>)
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %[[C1]]
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[R:.*]] = arith.remui %[[N]], %[[C3]]
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[EVEN:.*]] = arith.cmpi eq, %[[R]], %[[C0]]
// CHECK: cf.assert %[[EVEN]], "'shard.all_to_all' split_axis 1: the dynamic size does not divide into 3 equal pieces (shard gives the remainder to the last shards)"
// CHECK: seqpar.all_to_all %[[X]] on @g["1"] scatter 1 gather 0 : tensor<2x?xf32> -> tensor<6x?xf32>
func.func @all_to_all_dynamic(%x: tensor<2x?xf32>) -> tensor<6x?xf32> {
  %0 = shard.all_to_all %x on @g grid_axes = [1] split_axis = 1 concat_axis = 0
      : tensor<2x?xf32> -> tensor<6x?xf32>
  return %0 : tensor<6x?xf32>
}

// Shard result types may be less static than seqpar's: a cast restores them.
// CHECK-LABEL: func.func @all_gather
// CHECK: %[[Y:.*]] = seqpar.gather %{{.*}} on @g["0", "1"] dim 1 : tensor<3x2xf32> -> tensor<3x12xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[Y]] : tensor<3x12xf32> to tensor<3x?xf32>
// CHECK: return %[[C]]
func.func @all_gather(%x: tensor<3x2xf32>) -> tensor<3x?xf32> {
  %0 = shard.all_gather %x on @g grid_axes = [0, 1] gather_axis = 1
      : tensor<3x2xf32> -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// CHECK-LABEL: func.func @all_slice
// CHECK: seqpar.split %{{.*}} on @g["0"] dim 0 : tensor<8x3xf32> -> tensor<4x3xf32>
// CHECK: seqpar.split %{{.*}} on @g["1", "0"] dim 1 : tensor<4x12xf32> -> tensor<4x2xf32>
func.func @all_slice(%x: tensor<8x3xf32>, %y: tensor<4x12xf32>) -> (tensor<4x3xf32>, tensor<4x2xf32>) {
  %0 = shard.all_slice %x on @g grid_axes = [0] slice_axis = 0
      : tensor<8x3xf32> -> tensor<4x3xf32>
  %1 = shard.all_slice %y on @g grid_axes = [1, 0] slice_axis = 1
      : tensor<4x12xf32> -> tensor<4x2xf32>
  return %0, %1 : tensor<4x3xf32>, tensor<4x2xf32>
}

// Upstream's lowering of all_slice asserts that a dynamic dim divides.
// CHECK-LABEL: func.func @all_slice_dynamic
// CHECK: cf.assert %{{.*}}, "'shard.all_slice' slice_axis 0: the dynamic size does not divide into 6 equal pieces (shard gives the remainder to the last shards)"
// CHECK: seqpar.split %{{.*}} on @g["0", "1"] dim 0 : tensor<?x4xf32> -> tensor<?x4xf32>
func.func @all_slice_dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = shard.all_slice %x on @g grid_axes = [0, 1] slice_axis = 0
      : tensor<?x4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// No grid axes: a group of one process, the identity.
// CHECK-LABEL: func.func @no_axes
// CHECK-SAME: (%[[X:.*]]: tensor<4x6xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @no_axes(%x: tensor<4x6xf32>) -> (tensor<4x6xf32>, tensor<4x6xf32>) {
  %0 = shard.all_gather %x on @g gather_axis = 0 : tensor<4x6xf32> -> tensor<4x6xf32>
  %1 = shard.all_to_all %x on @g split_axis = 0 concat_axis = 1 : tensor<4x6xf32> -> tensor<4x6xf32>
  return %0, %1 : tensor<4x6xf32>, tensor<4x6xf32>
}

// The linear index is row-major over every axis: the group rank of all of
// them; the multi-index is one group rank per axis, in the order asked;
// the grid shape is constant. An unused sharding vanishes.
// CHECK-LABEL: func.func @queries
// CHECK-DAG: %[[L:.*]] = seqpar.group_rank on @g["0", "1"]
// CHECK-DAG: %[[M1:.*]] = seqpar.group_rank on @g["1"]
// CHECK-DAG: %[[M0:.*]] = seqpar.group_rank on @g["0"]
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK: return %[[L]], %[[M1]], %[[M0]], %[[C3]], %[[C2]], %[[C3]]
func.func @queries() -> (index, index, index, index, index, index) {
  %l = shard.process_linear_index on @g : index
  %m:2 = shard.process_multi_index on @g axes = [1, 0] : index, index
  %s = shard.grid_shape @g axes = [1] : index
  %t:2 = shard.grid_shape @g : index, index
  %u = shard.sharding @g split_axes = [[0]] : !shard.sharding
  return %l, %m#0, %m#1, %s, %t#0, %t#1 : index, index, index, index, index, index
}

// -----

// CHECK: seqpar.grid @p(axes = ["0" = 2, "1" = 3])
shard.grid @p(shape = 2x3)

// A multi-index over every axis, in grid order.
// CHECK-LABEL: func.func @multi_index_all
// CHECK: %[[A:.*]] = seqpar.group_rank on @p["0"]
// CHECK: %[[B:.*]] = seqpar.group_rank on @p["1"]
// CHECK: return %[[A]], %[[B]]
func.func @multi_index_all() -> (index, index) {
  %m:2 = shard.process_multi_index on @p : index, index
  return %m#0, %m#1 : index, index
}

// -----

// Ops of unregistered dialects (no dialect object) are left alone.
// CHECK-LABEL: func.func @unregistered
// CHECK: "foo.bar"
// CHECK: seqpar.gather
shard.grid @u(shape = 2)

func.func @unregistered(%x: tensor<4xf32>) -> tensor<8xf32> {
  %y = "foo.bar"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %z = shard.all_gather %y on @u grid_axes = [0] gather_axis = 0
      : tensor<4xf32> -> tensor<8xf32>
  return %z : tensor<8xf32>
}
