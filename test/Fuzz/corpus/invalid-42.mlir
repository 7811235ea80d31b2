seqpar.grid @g(axes = ["a" = 4])
func.func @split_sizes_negative(%x: tensor<2x?xf32>) {
  %0 = seqpar.split %x on @g["a"] dim 1 sizes [5, 5, -1, 1]
      : tensor<2x?xf32> -> tensor<2x?xf32>
  return
}
