seqpar.grid @cp(axes = ["u" = 4])

func.func @aligned(%x: tensor<2x256x16x64xbf16>) -> tensor<2x1024x4x64xbf16> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      : tensor<2x256x16x64xbf16> -> tensor<2x1024x4x64xbf16>
  return %y : tensor<2x1024x4x64xbf16>
}

func.func @scatter_unaligned(%x: tensor<2x8x6xf32>) -> tensor<2x32x?xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      : tensor<2x8x6xf32> -> tensor<2x32x?xf32>
  return %y : tensor<2x32x?xf32>
}

func.func @gather_unaligned(%x: tensor<2x?x8xf32>) -> tensor<2x10x2xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1 gather_size 10
      : tensor<2x?x8xf32> -> tensor<2x10x2xf32>
  return %y : tensor<2x10x2xf32>
}

func.func @both_unaligned(%x: tensor<2x?x6xf32>) -> tensor<2x10x?xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1 gather_size 10
      : tensor<2x?x6xf32> -> tensor<2x10x?xf32>
  return %y : tensor<2x10x?xf32>
}

func.func @dynamic(%x: tensor<2x8x?xf32>, %n: index)
    -> (tensor<2x32x?xf32>, tensor<2x?x?xf32>) {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      : tensor<2x8x?xf32> -> tensor<2x32x?xf32>
  %z = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1 gather_size %n
      : tensor<2x8x?xf32> -> tensor<2x?x?xf32>
  return %y, %z : tensor<2x32x?xf32>, tensor<2x?x?xf32>
}

func.func @variable_lengths(%x: tensor<2x?x8xf32>) -> tensor<2x?x2xf32> {
  %lens = seqpar.exchange_lengths %x on @cp["u"] dim 1
      : tensor<2x?x8xf32> -> tensor<4xi64>
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      gather_lengths(%lens : tensor<4xi64>) : tensor<2x?x8xf32> -> tensor<2x?x2xf32>
  return %y : tensor<2x?x2xf32>
}

func.func @splits(%x: tensor<8xf32>, %y: tensor<10xf32>, %z: tensor<?xf32>)
    -> (tensor<2xf32>, tensor<?xf32>, tensor<2xf32>, tensor<?xf32>, tensor<?xf32>) {
  %a = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  %b = seqpar.split %y on @cp["u"] dim 0 : tensor<10xf32> -> tensor<?xf32>
  %c = seqpar.split %x on @cp["u"] dim 0 sizes [2, 2, 2, 2]
      : tensor<8xf32> -> tensor<2xf32>
  %d = seqpar.split %x on @cp["u"] dim 0 sizes [5, 1, 1, 1]
      : tensor<8xf32> -> tensor<?xf32>
  %e = seqpar.split %z on @cp["u"] dim 0 : tensor<?xf32> -> tensor<?xf32>
  return %a, %b, %c, %d, %e
      : tensor<2xf32>, tensor<?xf32>, tensor<2xf32>, tensor<?xf32>, tensor<?xf32>
}

func.func @gathers(%x: tensor<?xf32>, %n: index)
    -> (tensor<?xf32>, tensor<10xf32>, tensor<10xf32>, tensor<?xf32>) {
  %a = seqpar.gather %x on @cp["u"] dim 0 : tensor<?xf32> -> tensor<?xf32>
  %b = seqpar.gather %x on @cp["u"] dim 0 gather_size 10
      : tensor<?xf32> -> tensor<10xf32>
  %c = seqpar.gather %x on @cp["u"] dim 0 sizes [4, 2, 2, 2]
      : tensor<?xf32> -> tensor<10xf32>
  %d = seqpar.gather %x on @cp["u"] dim 0 gather_size %n
      : tensor<?xf32> -> tensor<?xf32>
  return %a, %b, %c, %d : tensor<?xf32>, tensor<10xf32>, tensor<10xf32>, tensor<?xf32>
}

func.func @others(%x: tensor<16xf32>) -> tensor<4xf32> {
  %y = seqpar.zigzag_split %x on @cp["u"] dim 0 : tensor<16xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}
