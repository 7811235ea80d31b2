seqpar.grid @cp(axes = ["u" = 4])

func.func @seed_style(%x: tensor<2x16x8x64xf32>) -> tensor<2x4x32x64xf32> {
  %e0 = tensor.empty() : tensor<2x8x16x64xf32>
  %a = linalg.transpose ins(%x : tensor<2x16x8x64xf32>)
      outs(%e0 : tensor<2x8x16x64xf32>) permutation = [0, 2, 1, 3]
  %b = seqpar.all_to_all %a on @cp["u"] scatter 2 gather 1
      : tensor<2x8x16x64xf32> -> tensor<2x32x4x64xf32>
  %e1 = tensor.empty() : tensor<2x4x32x64xf32>
  %c = linalg.transpose ins(%b : tensor<2x32x4x64xf32>)
      outs(%e1 : tensor<2x4x32x64xf32>) permutation = [0, 2, 1, 3]
  return %c : tensor<2x4x32x64xf32>
}

func.func @dynamic_seed_style(%x: tensor<2x16x?x64xf32>) -> tensor<2x4x?x64xf32> {
  %c2 = arith.constant 2 : index
  %n = tensor.dim %x, %c2 : tensor<2x16x?x64xf32>
  %e0 = tensor.empty(%n) : tensor<2x?x16x64xf32>
  %a = linalg.transpose ins(%x : tensor<2x16x?x64xf32>)
      outs(%e0 : tensor<2x?x16x64xf32>) permutation = [0, 2, 1, 3]
  %b = seqpar.all_to_all %a on @cp["u"] scatter 2 gather 1
      : tensor<2x?x16x64xf32> -> tensor<2x?x4x64xf32>
  %c4 = arith.constant 4 : index
  %m = arith.muli %n, %c4 : index
  %e1 = tensor.empty(%m) : tensor<2x4x?x64xf32>
  %c = linalg.transpose ins(%b : tensor<2x?x4x64xf32>)
      outs(%e1 : tensor<2x4x?x64xf32>) permutation = [0, 2, 1, 3]
  return %c : tensor<2x4x?x64xf32>
}

func.func @chain_to_identity(%x: tensor<4x8x2xf32>) -> tensor<4x32x2xf32> {
  %e0 = tensor.empty() : tensor<8x2x4xf32>
  %a = linalg.transpose ins(%x : tensor<4x8x2xf32>)
      outs(%e0 : tensor<8x2x4xf32>) permutation = [1, 2, 0]
  %e1 = tensor.empty() : tensor<4x8x2xf32>
  %b = linalg.transpose ins(%a : tensor<8x2x4xf32>)
      outs(%e1 : tensor<4x8x2xf32>) permutation = [2, 0, 1]
  %c = seqpar.all_to_all %b on @cp["u"] scatter 0 gather 1
      : tensor<4x8x2xf32> -> tensor<1x32x2xf32>
  %d = tensor.cast %c : tensor<1x32x2xf32> to tensor<?x32x2xf32>
  %r = tensor.cast %d : tensor<?x32x2xf32> to tensor<4x32x2xf32>
  return %r : tensor<4x32x2xf32>
}

func.func @generic_and_output_chain(%x: tensor<8x8xf32>) -> tensor<32x2xf32> {
  %e0 = tensor.empty() : tensor<8x8xf32>
  %a = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x8xf32>) outs(%e0 : tensor<8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x8xf32>
  %b = seqpar.all_to_all %a on @cp["u"] scatter 1 gather 0
      : tensor<8x8xf32> -> tensor<32x2xf32>
  %e1 = tensor.empty() : tensor<2x32xf32>
  %c = linalg.transpose ins(%b : tensor<32x2xf32>)
      outs(%e1 : tensor<2x32xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<32x2xf32>
  %d = linalg.transpose ins(%c : tensor<2x32xf32>)
      outs(%e2 : tensor<32x2xf32>) permutation = [1, 0]
  return %d : tensor<32x2xf32>
}

func.func @negative_shared_permutes(%x: tensor<8x8xf32>)
    -> (tensor<8x8xf32>, tensor<32x2xf32>, tensor<2x32xf32>) {
  %e0 = tensor.empty() : tensor<8x8xf32>
  %a = linalg.transpose ins(%x : tensor<8x8xf32>)
      outs(%e0 : tensor<8x8xf32>) permutation = [1, 0]
  %b = seqpar.all_to_all %a on @cp["u"] scatter 1 gather 0
      : tensor<8x8xf32> -> tensor<32x2xf32>
  %e1 = tensor.empty() : tensor<2x32xf32>
  %c = linalg.transpose ins(%b : tensor<32x2xf32>)
      outs(%e1 : tensor<2x32xf32>) permutation = [1, 0]
  return %a, %b, %c : tensor<8x8xf32>, tensor<32x2xf32>, tensor<2x32xf32>
}

func.func @negative_computing_generic(%x: tensor<8x8xf32>) -> tensor<32x2xf32> {
  %e0 = tensor.empty() : tensor<8x8xf32>
  %a = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x8xf32>) outs(%e0 : tensor<8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<8x8xf32>
  %b = seqpar.all_to_all %a on @cp["u"] scatter 1 gather 0
      : tensor<8x8xf32> -> tensor<32x2xf32>
  return %b : tensor<32x2xf32>
}
