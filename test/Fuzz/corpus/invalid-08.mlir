func.func @unknown_grid(%x: tensor<8xf32>) {
  %0 = seqpar.split %x on @nope["a"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return
}
