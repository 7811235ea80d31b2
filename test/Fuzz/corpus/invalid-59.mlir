seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_unknown_axis(%x: tensor<2x16xf32>) {
  %0 = seqpar.hybrid_split %x on @cp ring "ring" ulysses "sp" dim 1
      : tensor<2x16xf32> -> tensor<2x2xf32>
  return
}
