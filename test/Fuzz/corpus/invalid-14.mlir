seqpar.grid @g(axes = ["a" = 512, "b" = 256])
func.func @group_too_large(%x: tensor<8xf32>) {
  %0 = seqpar.split %x on @g["a", "b"] dim 0 : tensor<8xf32> -> tensor<?xf32>
  return
}
