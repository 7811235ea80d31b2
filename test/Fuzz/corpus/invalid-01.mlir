seqpar.grid @cp(axes = ["u" = 4])

func.func private @seqpar_rt_run(i32)

func.func @negative_clashing_declaration(%x: tensor<8xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  %z = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y, %z : tensor<2xf32>, tensor<2xf32>
}
