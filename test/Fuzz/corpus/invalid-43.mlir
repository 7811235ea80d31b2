seqpar.grid @g(axes = ["a" = 4])
func.func @split_sizes_overflow(%x: tensor<2x?xf32>) {
  %0 = seqpar.split %x on @g["a"] dim 1 sizes [9223372036854775807, 1, 0, 0]
      : tensor<2x?xf32> -> tensor<2x?xf32>
  return
}
