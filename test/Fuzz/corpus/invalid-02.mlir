seqpar.grid @cp(axes = ["u" = 4])

memref.global "private" @fputs : memref<1xi32>

func.func @negative_clashing_symbol(%x: tensor<8xf32>) -> tensor<2xf32> {
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}
