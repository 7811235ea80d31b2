// RUN: seqpar-opt %s --split-input-file --verify-diagnostics --convert-shard-to-seqpar

// expected-error @+1 {{'shard.grid' op grid @d has a dynamic size on axis 1; seqpar grids are static}}
shard.grid @d(shape = 2x?)

// -----

// expected-error @+1 {{'shard.grid' op grid @z is not a valid seqpar grid: grid [2, 0] has an axis of size 0}}
shard.grid @z(shape = 2x0)

// -----

shard.grid @g(shape = 4)

func.func @negative_all_reduce(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{seqpar has no lowering for 'shard.all_reduce'}}
  %0 = shard.all_reduce %x on @g grid_axes = [0] : tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

shard.grid @g(shape = 4)

func.func @negative_neighbors() -> (index, index) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{seqpar has no lowering for 'shard.neighbors_linear_indices'}}
  %0:2 = shard.neighbors_linear_indices on @g[%c0] split_axes = [0] : index, index
  return %0#0, %0#1 : index, index
}

// -----

shard.grid @g(shape = 4)

// A sharding annotation that shard-partition has not consumed; its
// shard.sharding is reported through it.
func.func @negative_annotation(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = shard.sharding @g split_axes = [[0]] : !shard.sharding
  // expected-error @+1 {{seqpar has no lowering for 'shard.shard' (a sharding annotation): run sharding-propagation and shard-partition before convert-shard-to-seqpar}}
  %0 = shard.shard %x to %s : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

shard.grid @g(shape = 4)

func.func @negative_element_type(%x: tensor<4x8xi16>) -> tensor<16x2xi16> {
  // expected-error @+1 {{'shard.all_to_all' op cannot be expressed in seqpar: 'seqpar.all_to_all' op element type 'i16' is not one of f64, f32, f16, bf16, i64, i32, i8, i1}}
  %0 = shard.all_to_all %x on @g grid_axes = [0] split_axis = 1 concat_axis = 0
      : tensor<4x8xi16> -> tensor<16x2xi16>
  return %0 : tensor<16x2xi16>
}

// -----

shard.grid @g(shape = 4)

func.func @negative_same_axis(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'shard.all_to_all' op cannot be expressed in seqpar: 'seqpar.all_to_all' op scatter dim and gather dim are both 1}}
  %0 = shard.all_to_all %x on @g grid_axes = [0] split_axis = 1 concat_axis = 1
      : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

shard.grid @g(shape = 4)

func.func @negative_rank(%x: tensor<1x1x1x1x1x1x8xf32>) -> tensor<1x1x1x1x1x1x32xf32> {
  // expected-error @+1 {{'shard.all_gather' op cannot be expressed in seqpar: 'seqpar.gather' op input rank 7 is outside 1..6}}
  %0 = shard.all_gather %x on @g grid_axes = [0] gather_axis = 6
      : tensor<1x1x1x1x1x1x8xf32> -> tensor<1x1x1x1x1x1x32xf32>
  return %0 : tensor<1x1x1x1x1x1x32xf32>
}

// -----

shard.grid @g(shape = 2x3)

// Over several axes, upstream's shard_shape places the remainder by the
// first axis's index alone: no layout to follow.
func.func @negative_uneven_two_axes(%x: tensor<4x10xf32>) -> tensor<24x?xf32> {
  // expected-error @+1 {{'shard.all_to_all' op split_axis 1 of size 10 does not divide into 6 equal pieces over 2 grid axes, where shard defines no layout for the remainder}}
  %0 = shard.all_to_all %x on @g grid_axes = [0, 1] split_axis = 1 concat_axis = 0
      : tensor<4x10xf32> -> tensor<24x?xf32>
  return %0 : tensor<24x?xf32>
}

// -----

// A valid shard grid, but a group larger than seqpar's.
shard.grid @g(shape = 131072)

func.func @negative_group_size(%x: tensor<2xf32>) -> tensor<262144xf32> {
  // expected-error @+1 {{'shard.all_gather' op invalid group of grid @g: group of 131072 ranks exceeds the supported maximum of 65536}}
  %0 = shard.all_gather %x on @g grid_axes = [0] gather_axis = 0
      : tensor<2xf32> -> tensor<262144xf32>
  return %0 : tensor<262144xf32>
}
