seqpar.grid @g(axes = ["a" = 2])
func.func @negative_dim(%x: tensor<4x4xf32>) {
  %0 = seqpar.hybrid_split %x on @g ring "a" ulysses "b" dim -1
      : tensor<4x4xf32> -> tensor<4x4xf32>
  return
}
