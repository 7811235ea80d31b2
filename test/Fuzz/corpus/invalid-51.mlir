seqpar.grid @g(axes = ["a" = 2])
func.func @seq_lens_negative(%x: tensor<?x4xf32>) {
  %0 = seqpar.packed_gather %x on @g["a"] dim 0 seq_lens [5, -1]
      : tensor<?x4xf32> -> tensor<4x4xf32>
  return
}
