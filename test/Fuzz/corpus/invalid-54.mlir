seqpar.grid @g(axes = ["a" = 2])
func.func @packed_gather_static_uneven(%x: tensor<5x4xf32>) {
  %0 = seqpar.packed_gather %x on @g["a"] dim 0 seq_lens [5, 4]
      : tensor<5x4xf32> -> tensor<9x4xf32>
  return
}
