seqpar.grid @g(axes = ["a" = 2])
func.func @rank_too_high(%x: tensor<1x1x1x1x1x1x2xf32>) {
  %0 = seqpar.split %x on @g["a"] dim 6
      : tensor<1x1x1x1x1x1x2xf32> -> tensor<1x1x1x1x1x1x1xf32>
  return
}
