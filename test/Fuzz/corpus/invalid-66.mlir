seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_packed_sum(%x: tensor<25x4xf32>) {
  %0 = seqpar.hybrid_packed_split %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<25x4xf32> -> tensor<3x4xf32>
  return
}
