seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_split_result(%x: tensor<2x20xf32>) {
  %0 = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x20xf32> -> tensor<2x3xf32>
  return
}
