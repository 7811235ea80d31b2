seqpar.grid @g(axes = ["a" = 4])
func.func @wrong_static_gather_piece(%x: tensor<2x8xf32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 gather_size 12
      : tensor<2x8xf32> -> tensor<12x2xf32>
  return
}
