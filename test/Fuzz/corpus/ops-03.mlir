module @inner {
  seqpar.grid @cp(axes = ["u" = 2])
  func.func @nested(%x: tensor<8xf32>) -> tensor<4xf32> {
    %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}
