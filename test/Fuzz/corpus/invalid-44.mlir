seqpar.grid @g(axes = ["a" = 4])
func.func @gather_sizes_and_gather_size(%x: tensor<2x?xf32>) {
  %0 = seqpar.gather %x on @g["a"] dim 1 sizes [3, 3, 2, 2] gather_size 10
      : tensor<2x?xf32> -> tensor<2x10xf32>
  return
}
