seqpar.grid @g(axes = ["a" = 2147483647])
func.func @duplicate_axis_of_large_grid(%x: tensor<8xf32>) {
  %0 = seqpar.split %x on @g["a", "a", "a"] dim 0 : tensor<8xf32> -> tensor<?xf32>
  return
}
