seqpar.grid @g(axes = ["a" = 4])
func.func @gather_result_shape(%x: tensor<2x3xf32>) {
  %0 = seqpar.gather %x on @g["a"] dim 1 : tensor<2x3xf32> -> tensor<2x?xf32>
  return
}
