seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_zigzag(%x: tensor<2x18xf32>) {
  %0 = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x18xf32> -> tensor<2x?xf32>
  return
}
