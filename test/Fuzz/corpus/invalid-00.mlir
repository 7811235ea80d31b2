seqpar.grid @a(axes = ["u" = 2])
seqpar.grid @b(axes = ["u" = 4])

func.func @negative_grid_sizes(%x: tensor<8xf32>) -> (tensor<4xf32>, tensor<2xf32>) {
  %y = seqpar.split %x on @a["u"] dim 0 : tensor<8xf32> -> tensor<4xf32>
  %z = seqpar.split %x on @b["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y, %z : tensor<4xf32>, tensor<2xf32>
}
