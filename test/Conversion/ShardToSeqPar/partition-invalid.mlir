// Partitioned IR that seqpar cannot run: the error names the upstream op.
// RUN: seqpar-opt %s --verify-diagnostics --pass-pipeline='builtin.module(func.func(sharding-propagation,shard-partition),convert-shard-to-seqpar)'


// A reduction over a split dim leaves a partial sum: upstream partitions it
// into an all_reduce (at the reduction's location), which seqpar cannot run.
shard.grid @r(shape = 2)

func.func @partial(%x: tensor<4x6xf32>) -> tensor<4xf32> {
  %s = shard.sharding @r split_axes = [[], [0]] : !shard.sharding
  %rep = shard.sharding @r split_axes = [[]] : !shard.sharding
  %a = shard.shard %x to %s annotate_for_users : tensor<4x6xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{seqpar has no lowering for 'shard.all_reduce'}}
  %r = linalg.reduce ins(%a : tensor<4x6xf32>) outs(%init : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %sum = arith.addf %in, %acc : f32
      linalg.yield %sum : f32
    }
  %b = shard.shard %r to %rep annotate_for_users : tensor<4xf32>
  return %b : tensor<4xf32>
}
