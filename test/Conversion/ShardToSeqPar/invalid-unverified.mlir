// Inputs that upstream's own verifier cannot check (it reads the shape at
// the axes it is given, unchecked), fed to the pass unverified: the pass
// reports them instead of reading past the shape.
// RUN: seqpar-opt %s --split-input-file --verify-diagnostics \
// RUN:   --mlir-very-unsafe-disable-verifier-on-parsing --verify-each=false \
// RUN:   --convert-shard-to-seqpar

shard.grid @g(shape = 4)

func.func @negative_split_axis(%x: tensor<4x8xf32>) -> tensor<16x8xf32> {
  // expected-error @+1 {{'shard.all_to_all' op split_axis 5 is not a dim of 'tensor<4x8xf32>'}}
  %0 = shard.all_to_all %x on @g grid_axes = [0] split_axis = 5 concat_axis = 0
      : tensor<4x8xf32> -> tensor<16x8xf32>
  return %0 : tensor<16x8xf32>
}

// -----

shard.grid @g(shape = 4)

func.func @negative_slice_axis(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'shard.all_slice' op slice_axis -1 is not a dim of 'tensor<4x8xf32>'}}
  %0 = shard.all_slice %x on @g grid_axes = [0] slice_axis = -1
      : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

shard.grid @g(shape = 4)

func.func @negative_grid_axes(%x: tensor<4x8xf32>) -> tensor<16x8xf32> {
  // expected-error @+1 {{'shard.all_gather' op grid @g has no axis "3"}}
  %0 = shard.all_gather %x on @g grid_axes = [3] gather_axis = 0
      : tensor<4x8xf32> -> tensor<16x8xf32>
  return %0 : tensor<16x8xf32>
}

// -----

shard.grid @g(shape = 4)

func.func @negative_query_axis() -> index {
  // expected-error @+1 {{'shard.grid_shape' op axis 2 is not an axis of @g}}
  %0 = shard.grid_shape @g axes = [2] : index
  return %0 : index
}

// -----

func.func @negative_no_grid() -> index {
  // expected-error @+1 {{'shard.process_linear_index' op names @nowhere, which is not a grid}}
  %0 = shard.process_linear_index on @nowhere : index
  return %0 : index
}

// -----

shard.grid @g(shape = 4)

func.func @negative_results() -> index {
  // expected-error @+1 {{'shard.process_multi_index' op has 1 results for 2 axes}}
  %0 = shard.process_multi_index on @g axes = [0, 0] : index
  return %0 : index
}

// -----

shard.grid @g(shape = 4)

func.func @negative_result_type(%x: tensor<4x8xf32>) -> tensor<5x8xf32> {
  // expected-error @+1 {{'shard.all_gather' op has result type 'tensor<5x8xf32>' but seqpar computes 'tensor<16x8xf32>'}}
  %0 = shard.all_gather %x on @g grid_axes = [0] gather_axis = 0
      : tensor<4x8xf32> -> tensor<5x8xf32>
  return %0 : tensor<5x8xf32>
}
