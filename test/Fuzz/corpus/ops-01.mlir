seqpar.grid @cp(axes = ["ring" = 2, "u" = 2])

func.func @hybrid(%x: tensor<?xf64>) -> tensor<12xf64> {
  %a = seqpar.hybrid_split %x on @cp ring "ring" ulysses "u" dim 0
      : tensor<?xf64> -> tensor<?xf64>
  %b = seqpar.hybrid_gather %a on @cp ring "ring" ulysses "u" dim 0
      gather_size 12 : tensor<?xf64> -> tensor<12xf64>
  %c = seqpar.hybrid_packed_split %b on @cp ring "ring" ulysses "u" dim 0
      seq_lens [7, 5] : tensor<12xf64> -> tensor<?xf64>
  %d = seqpar.hybrid_packed_gather %c on @cp ring "ring" ulysses "u" dim 0
      seq_lens [7, 5] : tensor<?xf64> -> tensor<12xf64>
  return %d : tensor<12xf64>
}

func.func @group_queries() -> (index, index) {
  %r = seqpar.group_rank on @cp["u", "ring"]
  %p = seqpar.group_size on @cp["u"]
  return %r, %p : index, index
}

func.func @axis_order(%x: tensor<4x8xi64>) -> tensor<16x2xi64> {
  %y = seqpar.all_to_all %x on @cp["u", "ring"] scatter 1 gather 0
      : tensor<4x8xi64> -> tensor<16x2xi64>
  return %y : tensor<16x2xi64>
}
