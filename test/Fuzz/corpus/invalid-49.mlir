seqpar.grid @g(axes = ["a" = 4])
func.func @zigzag_result_shape(%x: tensor<2x16xf32>) {
  %0 = seqpar.zigzag_split %x on @g["a"] dim 1 : tensor<2x16xf32> -> tensor<2x?xf32>
  return
}
