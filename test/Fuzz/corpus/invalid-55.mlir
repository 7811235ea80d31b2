seqpar.grid @g(axes = ["a" = 65536])
func.func @gather_overflow(%x: tensor<288230376151711744xf32>) {
  %0 = seqpar.gather %x on @g["a"] dim 0
      : tensor<288230376151711744xf32> -> tensor<?xf32>
  return
}
