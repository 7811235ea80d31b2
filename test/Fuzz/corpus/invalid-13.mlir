seqpar.grid @g(axes = ["a" = 4])
func.func @no_axes(%x: tensor<8xf32>) {
  %0 = seqpar.split %x on @g[] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return
}
