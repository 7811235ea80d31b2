shard.grid @g(shape = 2x3)

func.func @bridge(%x: tensor<4x6xf32>, %y: tensor<12x5xf32>, %z: tensor<12x4xf32>)
    -> (tensor<12x2xf32>, tensor<2x30xf32>, tensor<4x4xf32>, index) {
  %0 = shard.all_to_all %x on @g grid_axes = [1] split_axis = 1 concat_axis = 0
      : tensor<4x6xf32> -> tensor<12x2xf32>
  %1 = shard.all_to_all %y on @g grid_axes = [1, 0] split_axis = 0 concat_axis = 1
      : tensor<12x5xf32> -> tensor<2x30xf32>
  %2 = shard.all_slice %z on @g grid_axes = [1] slice_axis = 0
      : tensor<12x4xf32> -> tensor<4x4xf32>
  %3 = shard.process_linear_index on @g : index
  return %0, %1, %2, %3 : tensor<12x2xf32>, tensor<2x30xf32>, tensor<4x4xf32>, index
}
