seqpar.grid @g(axes = ["a" = 2])
func.func @result_element_type(%x: tensor<4x4xf32>) {
  %0 = seqpar.gather %x on @g["a"] dim 0 : tensor<4x4xf32> -> tensor<8x4xf16>
  return
}
