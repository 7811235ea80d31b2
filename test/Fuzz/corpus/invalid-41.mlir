seqpar.grid @g(axes = ["a" = 4])
func.func @split_sizes_sum(%x: tensor<2x10xf32>) {
  %0 = seqpar.split %x on @g["a"] dim 1 sizes [3, 3, 3, 3]
      : tensor<2x10xf32> -> tensor<2x3xf32>
  return
}
