seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_gather_piece(%x: tensor<2x3xf32>) {
  %0 = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size 20 : tensor<2x3xf32> -> tensor<2x20xf32>
  return
}
