seqpar.grid @cp(axes = ["u" = 4])

func.func private @stderr()

func.func @negative_clashing_stderr(%x: tensor<8xf32>) -> tensor<2xf32> {
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}
