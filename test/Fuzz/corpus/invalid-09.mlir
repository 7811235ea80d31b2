func.func @not_a_grid(%x: tensor<8xf32>) {
  %0 = seqpar.split %x on @not_a_grid["a"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return
}
