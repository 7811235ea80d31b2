seqpar.grid @g(axes = ["a" = 2])
func.func @seq_lens_overflow(%x: tensor<?x4xf32>) {
  %0 = seqpar.packed_split %x on @g["a"] dim 0
      seq_lens [9223372036854775807, 9223372036854775807]
      : tensor<?x4xf32> -> tensor<?x4xf32>
  return
}
