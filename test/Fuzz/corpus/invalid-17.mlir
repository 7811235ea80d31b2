seqpar.grid @g(axes = ["a" = 2])
func.func @element_type(%x: tensor<4xf8E4M3FN>) {
  %0 = seqpar.zigzag_split %x on @g["a"] dim 0 : tensor<4xf8E4M3FN> -> tensor<2xf8E4M3FN>
  return
}
