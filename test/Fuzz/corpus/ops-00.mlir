seqpar.grid @cp(axes = ["u" = 4])


func.func @aligned(%x: tensor<2x8x16xbf16>) -> tensor<2x32x4xbf16> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      : tensor<2x8x16xbf16> -> tensor<2x32x4xbf16>
  return %y : tensor<2x32x4xbf16>
}

func.func @unaligned(%x: tensor<2x?x6xf32>) -> tensor<2x10x?xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1 gather_size 10
      : tensor<2x?x6xf32> -> tensor<2x10x?xf32>
  return %y : tensor<2x10x?xf32>
}

func.func @dynamic(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 1 gather 0
      : tensor<?x?xf32> -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

func.func @variable_lengths(%x: tensor<2x?x8xf32>) -> tensor<2x?x2xf32> {
  %lens = seqpar.exchange_lengths %x on @cp["u"] dim 1
      : tensor<2x?x8xf32> -> tensor<4xi64>
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      gather_lengths(%lens : tensor<4xi64>) : tensor<2x?x8xf32> -> tensor<2x?x2xf32>
  return %y : tensor<2x?x2xf32>
}

func.func @gather_dynamic(%x: tensor<?xi8>, %n: index) -> tensor<?xi8> {
  %y = seqpar.gather %x on @cp["u"] dim 0 gather_size %n
      : tensor<?xi8> -> tensor<?xi8>
  return %y : tensor<?xi8>
}

func.func @every_kind(%x: tensor<10xi32>, %z: tensor<16xi1>)
    -> (tensor<10xi32>, tensor<16xi1>) {
  %a = seqpar.split %x on @cp["u"] dim 0 sizes [1, 2, 3, 4]
      : tensor<10xi32> -> tensor<?xi32>
  %b = seqpar.gather %a on @cp["u"] dim 0 sizes [1, 2, 3, 4]
      : tensor<?xi32> -> tensor<10xi32>
  %c = seqpar.zigzag_split %z on @cp["u"] dim 0 : tensor<16xi1> -> tensor<4xi1>
  %d = seqpar.zigzag_gather %c on @cp["u"] dim 0 : tensor<4xi1> -> tensor<16xi1>
  %e = seqpar.packed_split %d on @cp["u"] dim 0 seq_lens [10, 6]
      : tensor<16xi1> -> tensor<?xi1>
  %f = seqpar.packed_gather %e on @cp["u"] dim 0 seq_lens [10, 6]
      : tensor<?xi1> -> tensor<16xi1>
  return %b, %f : tensor<10xi32>, tensor<16xi1>
}

func.func @grad_scale(%x: tensor<8xi32>) -> tensor<2xi32> {
  %y = seqpar.split %x on @cp["u"] dim 0 grad_scale down
      : tensor<8xi32> -> tensor<2xi32>
  return %y : tensor<2xi32>
}
