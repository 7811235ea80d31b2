seqpar.grid @g(axes = ["a" = 20])
func.func @uneven_static_gather_piece_large_group(%x: tensor<1x40xf32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 gather_size 21
      : tensor<1x40xf32> -> tensor<21x2xf32>
  return
}
