seqpar.grid @dpcp(axes = ["dp" = 2, "cp" = 2])
seqpar.grid @world(axes = ["w" = 4])
func.func @main(%x: tensor<8xf32>) -> (index, tensor<4xf32>) {
  %r = seqpar.group_rank on @world["w"]
  %y = seqpar.split %x on @dpcp["cp"] dim 0 : tensor<8xf32> -> tensor<4xf32>
  return %r, %y : index, tensor<4xf32>
}
