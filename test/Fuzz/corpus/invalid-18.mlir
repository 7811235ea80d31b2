seqpar.grid @g(axes = ["a" = 2])
func.func @result_rank(%x: tensor<4x4xf32>) {
  %0 = seqpar.gather %x on @g["a"] dim 0 : tensor<4x4xf32> -> tensor<32xf32>
  return
}
