seqpar.grid @g(axes = ["r" = 1, "u" = 1])

func.func @weird_shapes(%x: tensor<1x2x3x4x0x2xbf16>) -> tensor<1x2x3x4x0x2xbf16> {
  %y = seqpar.hybrid_split %x on @g ring "r" ulysses "u" dim 5
      : tensor<1x2x3x4x0x2xbf16> -> tensor<1x2x3x4x0x2xbf16>
  return %y : tensor<1x2x3x4x0x2xbf16>
}

func.func @dynamic_hybrid_split(%x: tensor<?xi1>) -> tensor<?xi1> {
  %y = seqpar.hybrid_split %x on @g ring "r" ulysses "u" dim 0
      : tensor<?xi1> -> tensor<?xi1>
  return %y : tensor<?xi1>
}
