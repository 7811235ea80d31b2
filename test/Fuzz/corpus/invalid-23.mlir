seqpar.grid @g(axes = ["a" = 4])
func.func @lengths_type(%x: tensor<?x8xf32>) {
  %0 = seqpar.exchange_lengths %x on @g["a"] dim 0 : tensor<?x8xf32> -> tensor<4xi32>
  return
}
