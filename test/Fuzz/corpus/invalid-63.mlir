seqpar.grid @cp(axes = ["ring" = 3, "ulysses" = 1])
func.func @hybrid_gather_default_zigzag(%x: tensor<2x3xf32>) {
  %0 = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x3xf32> -> tensor<2x9xf32>
  return
}
