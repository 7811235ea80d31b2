seqpar.grid @g(axes = ["a" = 4])
func.func @result_shape_scatter(%x: tensor<3x10xf32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0
      : tensor<3x10xf32> -> tensor<12x3xf32>
  return
}
