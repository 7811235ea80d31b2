seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @hybrid_split(%x: tensor<2x1024x64xf32>) -> tensor<2x128x64xf32> {
  %y = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x1024x64xf32> -> tensor<2x128x64xf32>
  return %y : tensor<2x128x64xf32>
}

func.func @hybrid_split_unaligned(%x: tensor<20xf32>) -> tensor<?xf32> {
  %y = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<20xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

func.func @hybrid_gather(%x: tensor<2x?x64xf32>) -> tensor<2x24x64xf32> {
  %y = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size 24 : tensor<2x?x64xf32> -> tensor<2x24x64xf32>
  return %y : tensor<2x24x64xf32>
}

func.func @negative_hybrid_gather_dynamic(%x: tensor<?xf32>, %n: index) -> tensor<?xf32> {
  %y = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 0
      gather_size %n : tensor<?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

func.func @hybrid_gather_default(%x: tensor<3xf32>) -> tensor<24xf32> {
  %y = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<3xf32> -> tensor<24xf32>
  return %y : tensor<24xf32>
}

func.func @hybrid_packed_split(%x: tensor<24x64xf32>) -> tensor<3x64xf32> {
  %y = seqpar.hybrid_packed_split %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<24x64xf32> -> tensor<3x64xf32>
  return %y : tensor<3x64xf32>
}

func.func @hybrid_packed_gather(%x: tensor<3x64xf32>) -> tensor<24x64xf32> {
  %y = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<3x64xf32> -> tensor<24x64xf32>
  return %y : tensor<24x64xf32>
}

func.func @hybrid_packed_gather_uneven_ring(%x: tensor<?x8xf32>) -> tensor<12x8xf32> {
  %y = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [3, 3, 3, 3] : tensor<?x8xf32> -> tensor<12x8xf32>
  return %y : tensor<12x8xf32>
}

func.func @hybrid_packed_gather_uneven(%x: tensor<?xf32>) -> tensor<5xf32> {
  %y = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [5] : tensor<?xf32> -> tensor<5xf32>
  return %y : tensor<5xf32>
}
