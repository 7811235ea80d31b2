seqpar.grid @u4(axes = ["ulysses" = 4])

func.func @all_to_all_slots(%k: tensor<2x3x2x8xbf16>, %v: tensor<3x5x4xf32>,
                            %g: tensor<2x12x1x8xbf16>, %n: index)
    -> (tensor<2x12x1x8xbf16>, tensor<12x?x4xf32>, tensor<2x3x2x8xbf16>,
        tensor<2x3x?x8xbf16>) {
  %a = seqpar.all_to_all %k on @u4["ulysses"] scatter 2 slots 4 gather 1
      : tensor<2x3x2x8xbf16> -> tensor<2x12x1x8xbf16>
  %b = seqpar.all_to_all %v on @u4["ulysses"] scatter 1 slots 10 gather 0
      : tensor<3x5x4xf32> -> tensor<12x?x4xf32>
  %c = seqpar.all_to_all %g on @u4["ulysses"] scatter 1 gather 2 slots 4
      gather_size 2 : tensor<2x12x1x8xbf16> -> tensor<2x3x2x8xbf16>
  %d = seqpar.all_to_all %g on @u4["ulysses"] scatter 1 gather 2 slots 4
      gather_size %n : tensor<2x12x1x8xbf16> -> tensor<2x3x?x8xbf16>
  %e = seqpar.all_to_all %a on @u4["ulysses"] scatter 1 gather 2 slots 4
      gather_size 2 : tensor<2x12x1x8xbf16> -> tensor<2x3x2x8xbf16>
  return %a, %b, %c, %d : tensor<2x12x1x8xbf16>, tensor<12x?x4xf32>,
      tensor<2x3x2x8xbf16>, tensor<2x3x?x8xbf16>
}
