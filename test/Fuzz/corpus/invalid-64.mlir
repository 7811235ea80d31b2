seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_gather_negative(%x: tensor<2x?xf32>) {
  %0 = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size -8 : tensor<2x?xf32> -> tensor<2x?xf32>
  return
}
