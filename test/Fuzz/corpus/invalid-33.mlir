seqpar.grid @g(axes = ["a" = 4])
func.func @uneven_static_gather_piece(%x: tensor<3x8xf32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 gather_size 10
      : tensor<3x8xf32> -> tensor<10x2xf32>
  return
}
