seqpar.grid @u4(axes = ["ulysses" = 4])
seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @all_to_all(%x: tensor<2x256x16x64xbf16>, %v: tensor<2x?x6x64xf32>) {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xbf16> -> tensor<2x1024x4x64xbf16>
  %u = seqpar.all_to_all %v on @u4["ulysses"] scatter 1 gather 2
      : tensor<2x?x6x64xf32> -> tensor<2x?x24x64xf32>
  return
}

func.func @all_to_all_lengths(%x: tensor<5x8xf32>) {
  %l = seqpar.exchange_lengths %x on @u4["ulysses"] dim 0
      : tensor<5x8xf32> -> tensor<4xi64>
  %a = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0
      gather_lengths(%l : tensor<4xi64>) : tensor<5x8xf32> -> tensor<?x2xf32>
  %b = seqpar.all_to_all %a on @u4["ulysses"] scatter 0 gather 1
      scatter_lengths(%l : tensor<4xi64>) : tensor<?x2xf32> -> tensor<?x8xf32>
  return
}

func.func @split_gather(%x: tensor<10x3xf32>, %d: tensor<?x3xf32>) {
  %0 = seqpar.split %x on @u4["ulysses"] dim 0 grad_scale down
      : tensor<10x3xf32> -> tensor<?x3xf32>
  %1 = seqpar.split %d on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  %2 = seqpar.split %x on @u4["ulysses"] dim 0 sizes [1, 2, 3, 4] grad_scale up
      : tensor<10x3xf32> -> tensor<?x3xf32>
  %3 = seqpar.gather %d on @u4["ulysses"] dim 0 gather_size 10 grad_scale up
      : tensor<?x3xf32> -> tensor<10x3xf32>
  %4 = seqpar.gather %d on @u4["ulysses"] dim 0 sizes [1, 2, 3, 4] grad_scale down
      : tensor<?x3xf32> -> tensor<10x3xf32>
  return
}

func.func @zigzag_packed(%x: tensor<16x3xf32>, %p: tensor<24x64xbf16>) {
  %0 = seqpar.zigzag_split %x on @u4["ulysses"] dim 0 : tensor<16x3xf32> -> tensor<4x3xf32>
  %1 = seqpar.zigzag_gather %x on @u4["ulysses"] dim 0 : tensor<16x3xf32> -> tensor<64x3xf32>
  %2 = seqpar.packed_split %p on @cp["ring"] dim 0 seq_lens [15, 9]
      : tensor<24x64xbf16> -> tensor<?x64xbf16>
  %3 = seqpar.packed_gather %2 on @cp["ring"] dim 0 seq_lens [15, 9]
      : tensor<?x64xbf16> -> tensor<24x64xbf16>
  return
}

func.func @hybrid(%h: tensor<2x20x64xf32>, %p: tensor<24x64xbf16>,
                  %d: tensor<?x3xf32>) {
  %0 = seqpar.hybrid_split %h on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x20x64xf32> -> tensor<2x?x64xf32>
  %1 = seqpar.hybrid_gather %0 on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size 20 : tensor<2x?x64xf32> -> tensor<2x20x64xf32>
  %2 = seqpar.hybrid_packed_split %p on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<24x64xbf16> -> tensor<3x64xbf16>
  %3 = seqpar.hybrid_packed_gather %2 on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<3x64xbf16> -> tensor<24x64xbf16>
  %4 = seqpar.hybrid_split %d on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<?x3xf32> -> tensor<?x3xf32>
  return
}

seqpar.grid @ring1(axes = ["ring" = 1, "ulysses" = 2])

func.func @axis_order_and_ring_of_one(%x: tensor<2x24xf32>, %o: tensor<7xf32>) {
  %0 = seqpar.split %x on @cp["ulysses", "ring"] dim 1
      : tensor<2x24xf32> -> tensor<2x3xf32>
  %1 = seqpar.hybrid_split %o on @ring1 ring "ring" ulysses "ulysses" dim 0
      : tensor<7xf32> -> tensor<?xf32>
  return
}
