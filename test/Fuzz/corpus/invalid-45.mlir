seqpar.grid @g(axes = ["a" = 4])
func.func @gather_static_uneven(%x: tensor<2x3xf32>) {
  %0 = seqpar.gather %x on @g["a"] dim 1 sizes [3, 3, 2, 2]
      : tensor<2x3xf32> -> tensor<2x10xf32>
  return
}
