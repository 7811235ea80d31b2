seqpar.grid @g(axes = ["a" = 4])
func.func @lowering_not_enum(%x: tensor<8xf32>) {
  %0 = seqpar.split %x on @g["a"] dim 0 {seqpar.lowering = "equal"}
      : tensor<8xf32> -> tensor<2xf32>
  return
}
