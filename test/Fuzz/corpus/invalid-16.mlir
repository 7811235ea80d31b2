seqpar.grid @g(axes = ["a" = 2])
func.func @rank_zero(%x: tensor<f32>) {
  %0 = seqpar.exchange_lengths %x on @g["a"] dim 0 : tensor<f32> -> tensor<2xi64>
  return
}
