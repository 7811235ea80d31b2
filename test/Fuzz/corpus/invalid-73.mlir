seqpar.grid @g(axes = ["a" = 4])
func.func @lowering_on_zigzag(%x: tensor<8xf32>) {
  %0 = seqpar.zigzag_split %x on @g["a"] dim 0
      {seqpar.lowering = #seqpar.lowering<equal>}
      : tensor<8xf32> -> tensor<2xf32>
  return
}
