seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_packed_gather_piece(%x: tensor<4x4xf32>) {
  %0 = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<4x4xf32> -> tensor<24x4xf32>
  return
}
