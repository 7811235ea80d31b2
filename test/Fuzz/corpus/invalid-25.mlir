seqpar.grid @g(axes = ["a" = 4])
func.func @gather_dim_range(%x: tensor<8x8xf32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 gather -1
      : tensor<8x8xf32> -> tensor<8x8xf32>
  return
}
