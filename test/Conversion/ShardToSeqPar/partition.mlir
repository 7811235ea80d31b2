// Annotated functions through upstream's sharding-propagation and
// shard-partition, then convert-shard-to-seqpar, in one seqpar-opt run.
// RUN: seqpar-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(sharding-propagation,shard-partition),convert-shard-to-seqpar)' | FileCheck %s

// Ulysses: sequence-sharded in, heads-sharded for the per-head work,
// sequence-sharded out; propagation shards the exp by its operand.
// CHECK: seqpar.grid @cp(axes = ["0" = 4])
// CHECK-LABEL: func.func @ulysses
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x8x4xf32>) -> tensor<2x4x8x4xf32>
// CHECK: %[[HEADS:.*]] = seqpar.all_to_all %[[Q]] on @cp["0"] scatter 2 gather 1 : tensor<2x4x8x4xf32> -> tensor<2x16x2x4xf32>
// CHECK: %[[E:.*]] = linalg.exp ins(%{{.*}} : tensor<2x16x2x4xf32>)
// CHECK: %[[SEQ:.*]] = seqpar.all_to_all %[[E]] on @cp["0"] scatter 1 gather 2 : tensor<2x16x2x4xf32> -> tensor<2x4x8x4xf32>
// CHECK-NOT: shard.
shard.grid @cp(shape = 4)

func.func @ulysses(%q: tensor<2x16x8x4xf32>) -> tensor<2x16x8x4xf32> {
  %seq = shard.sharding @cp split_axes = [[], [0]] : !shard.sharding
  %heads = shard.sharding @cp split_axes = [[], [], [0]] : !shard.sharding
  %a = shard.shard %q to %seq : tensor<2x16x8x4xf32>
  %b = shard.shard %a to %heads annotate_for_users : tensor<2x16x8x4xf32>
  %init = tensor.empty() : tensor<2x16x8x4xf32>
  %c = linalg.exp ins(%b : tensor<2x16x8x4xf32>)
      outs(%init : tensor<2x16x8x4xf32>) -> tensor<2x16x8x4xf32>
  %d = shard.shard %c to %seq annotate_for_users : tensor<2x16x8x4xf32>
  return %d : tensor<2x16x8x4xf32>
}

// -----

// On a 2 x 2 grid: slices from a replicated tensor, a gather, a move of a
// grid axis between dims, and a gather back to replicated.
// CHECK: seqpar.grid @g(axes = ["0" = 2, "1" = 2])
// CHECK-LABEL: func.func @grid
// CHECK-SAME: (%[[X:.*]]: tensor<8x12xf32>) -> tensor<8x12xf32>
// CHECK: %[[A:.*]] = seqpar.split %[[X]] on @g["0"] dim 0 : tensor<8x12xf32> -> tensor<4x12xf32>
// CHECK: %[[B:.*]] = seqpar.split %[[A]] on @g["1"] dim 1 : tensor<4x12xf32> -> tensor<4x6xf32>
// CHECK: %[[C:.*]] = seqpar.gather %[[B]] on @g["0"] dim 0 : tensor<4x6xf32> -> tensor<8x6xf32>
// CHECK: seqpar.all_to_all %{{.*}} on @g["1"] scatter 0 gather 1 : tensor<8x6xf32> -> tensor<4x12xf32>
// CHECK: seqpar.gather %{{.*}} on @g["1"] dim 0 : tensor<4x12xf32> -> tensor<8x12xf32>
// CHECK-NOT: shard.
shard.grid @g(shape = 2x2)

func.func @grid(%x: tensor<8x12xf32>) -> tensor<8x12xf32> {
  %rep = shard.sharding @g split_axes = [[]] : !shard.sharding
  %r0 = shard.sharding @g split_axes = [[0]] : !shard.sharding
  %r0c1 = shard.sharding @g split_axes = [[0], [1]] : !shard.sharding
  %c1 = shard.sharding @g split_axes = [[], [1]] : !shard.sharding
  %r1 = shard.sharding @g split_axes = [[1]] : !shard.sharding
  %a = shard.shard %x to %rep : tensor<8x12xf32>
  %b = shard.shard %a to %r0 annotate_for_users : tensor<8x12xf32>
  %c = shard.shard %b to %r0c1 annotate_for_users : tensor<8x12xf32>
  %d = shard.shard %c to %c1 annotate_for_users : tensor<8x12xf32>
  %e = shard.shard %d to %r1 annotate_for_users : tensor<8x12xf32>
  %f = shard.shard %e to %rep annotate_for_users : tensor<8x12xf32>
  return %f : tensor<8x12xf32>
}
