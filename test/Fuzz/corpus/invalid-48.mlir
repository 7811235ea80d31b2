seqpar.grid @g(axes = ["a" = 4])
func.func @zigzag_gather_odd(%x: tensor<2x3xf32>) {
  %0 = seqpar.zigzag_gather %x on @g["a"] dim 1 : tensor<2x3xf32> -> tensor<2x12xf32>
  return
}
