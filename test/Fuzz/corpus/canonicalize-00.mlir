seqpar.grid @solo(axes = ["x" = 1])
seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
seqpar.grid @one_by_one(axes = ["ring" = 1, "ulysses" = 1])

func.func @unit_group(%x: tensor<8x6xf32>, %d: tensor<?x6xf32>)
    -> (tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>,
        tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>,
        tensor<8x6xf32>) {
  %0 = seqpar.all_to_all %x on @solo["x"] scatter 0 gather 1
      : tensor<8x6xf32> -> tensor<8x6xf32>
  %1 = seqpar.split %x on @solo["x"] dim 0 grad_scale up
      : tensor<8x6xf32> -> tensor<8x6xf32>
  %2 = seqpar.gather %x on @solo["x"] dim 1 : tensor<8x6xf32> -> tensor<8x6xf32>
  %3 = seqpar.zigzag_split %x on @solo["x"] dim 0
      : tensor<8x6xf32> -> tensor<8x6xf32>
  %4 = seqpar.zigzag_gather %x on @solo["x"] dim 0
      : tensor<8x6xf32> -> tensor<8x6xf32>
  %5 = seqpar.packed_split %x on @solo["x"] dim 0 seq_lens [5, 3]
      : tensor<8x6xf32> -> tensor<8x6xf32>
  %6 = seqpar.packed_gather %x on @solo["x"] dim 0 seq_lens [5, 3]
      : tensor<8x6xf32> -> tensor<8x6xf32>
  %7 = seqpar.hybrid_split %x on @one_by_one ring "ring" ulysses "ulysses"
      dim 0 : tensor<8x6xf32> -> tensor<8x6xf32>
  %8 = seqpar.hybrid_packed_gather %d on @one_by_one ring "ring"
      ulysses "ulysses" dim 0 seq_lens [8] : tensor<?x6xf32> -> tensor<8x6xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8
      : tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>,
        tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>,
        tensor<8x6xf32>
}

func.func @unit_group_exchange_lengths(%x: tensor<8x6xf32>, %d: tensor<?x6xf32>)
    -> (tensor<1xi64>, tensor<1xi64>) {
  %0 = seqpar.exchange_lengths %x on @solo["x"] dim 0
      : tensor<8x6xf32> -> tensor<1xi64>
  %1 = seqpar.exchange_lengths %d on @solo["x"] dim 0
      : tensor<?x6xf32> -> tensor<1xi64>
  return %0, %1 : tensor<1xi64>, tensor<1xi64>
}

func.func @negative_unit_group(%x: tensor<8x6xf32>) -> tensor<2x6xf32> {
  %0 = seqpar.split %x on @cp["ulysses"] dim 0 : tensor<8x6xf32> -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}
