seqpar.grid @g(axes = ["a" = 2])
func.func @seq_lens_sum(%x: tensor<10x4xf32>) {
  %0 = seqpar.packed_split %x on @g["a"] dim 0 seq_lens [5, 4]
      : tensor<10x4xf32> -> tensor<?x4xf32>
  return
}
