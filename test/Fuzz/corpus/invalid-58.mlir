seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_same_axis(%x: tensor<2x16xf32>) {
  %0 = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ring" dim 1
      : tensor<2x16xf32> -> tensor<2x4xf32>
  return
}
