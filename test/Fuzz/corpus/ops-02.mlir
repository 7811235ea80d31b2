seqpar.grid @dpcp(axes = ["dp" = 2, "cp" = 2])
seqpar.grid @world(axes = ["w" = 4])
func.func @two_grids(%x: tensor<8xf32>) -> (tensor<4xf32>, tensor<2xf32>) {
  %y = seqpar.split %x on @dpcp["cp"] dim 0 : tensor<8xf32> -> tensor<4xf32>
  %z = seqpar.split %x on @world["w"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y, %z : tensor<4xf32>, tensor<2xf32>
}
