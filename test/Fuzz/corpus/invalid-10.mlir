seqpar.grid @g(axes = ["a" = 4])
func.func @unknown_axis(%x: tensor<8xf32>) {
  %0 = seqpar.split %x on @g["b"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return
}
