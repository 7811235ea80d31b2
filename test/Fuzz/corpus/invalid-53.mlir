seqpar.grid @g(axes = ["a" = 2])
func.func @packed_result_shape(%x: tensor<9x4xf32>) {
  %0 = seqpar.packed_split %x on @g["a"] dim 0 seq_lens [5, 4]
      : tensor<9x4xf32> -> tensor<5x4xf32>
  return
}
