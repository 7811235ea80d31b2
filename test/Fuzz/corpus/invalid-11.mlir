seqpar.grid @g(axes = ["a" = 4, "b" = 2])
func.func @duplicate_axis(%x: tensor<8xf32>) {
  %0 = seqpar.split %x on @g["a", "b", "a"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return
}
