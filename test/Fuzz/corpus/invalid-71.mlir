seqpar.grid @g(axes = ["a" = 4])
func.func @gather_size_syntax(%x: tensor<8x8xf32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 gather 1 gather_size "ten"
      : tensor<8x8xf32> -> tensor<2x32xf32>
  return
}
