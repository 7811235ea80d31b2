seqpar.grid @u4(axes = ["ulysses" = 4])
seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])


func.func @all_to_all_pair(%x: tensor<2x256x16x64xbf16>)
    -> tensor<2x256x16x64xbf16> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xbf16> -> tensor<2x1024x4x64xbf16>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 2 gather_size 16
      : tensor<2x1024x4x64xbf16> -> tensor<2x256x16x64xbf16>
  return %z : tensor<2x256x16x64xbf16>
}

func.func @all_to_all_pair_unaligned(%x: tensor<2x?x6xf32>)
    -> tensor<2x?x6xf32> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1 gather_size 10
      : tensor<2x?x6xf32> -> tensor<2x10x?xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 2 gather_size 6
      : tensor<2x10x?xf32> -> tensor<2x?x6xf32>
  return %z : tensor<2x?x6xf32>
}

func.func @all_to_all_pair_dynamic(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %s = tensor.dim %x, %c0 : tensor<?x?xf32>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 0 gather 1
      : tensor<?x?xf32> -> tensor<?x?xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 0 gather_size %s
      : tensor<?x?xf32> -> tensor<?x?xf32>
  return %z : tensor<?x?xf32>
}

func.func @all_to_all_pair_lengths(%x: tensor<2x?x8xf16>) -> tensor<2x?x8xf16> {
  %l = seqpar.exchange_lengths %x on @u4["ulysses"] dim 1
      : tensor<2x?x8xf16> -> tensor<4xi64>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      gather_lengths(%l : tensor<4xi64>)
      : tensor<2x?x8xf16> -> tensor<2x?x2xf16>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 2
      scatter_lengths(%l : tensor<4xi64>)
      : tensor<2x?x2xf16> -> tensor<2x?x8xf16>
  return %z : tensor<2x?x8xf16>
}

func.func @negative_all_to_all_pair_pieces(%x: tensor<2x?x6xf32>)
    -> tensor<2x?x?xf32> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1 gather_size 10
      : tensor<2x?x6xf32> -> tensor<2x10x?xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 2
      : tensor<2x10x?xf32> -> tensor<2x?x?xf32>
  return %z : tensor<2x?x?xf32>
}

func.func @negative_all_to_all_pair_lengths(%x: tensor<2x?x8xf16>,
                                            %m: tensor<4xi64>)
    -> tensor<2x?x8xf16> {
  %l = seqpar.exchange_lengths %x on @u4["ulysses"] dim 1
      : tensor<2x?x8xf16> -> tensor<4xi64>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      gather_lengths(%l : tensor<4xi64>)
      : tensor<2x?x8xf16> -> tensor<2x?x2xf16>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 2
      scatter_lengths(%m : tensor<4xi64>)
      : tensor<2x?x2xf16> -> tensor<2x?x8xf16>
  return %z : tensor<2x?x8xf16>
}

func.func @negative_all_to_all_pair_group(%x: tensor<2x256x16x64xbf16>)
    -> tensor<2x256x16x64xbf16> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xbf16> -> tensor<2x1024x4x64xbf16>
  %z = seqpar.all_to_all %y on @cp["ulysses"] scatter 1 gather 2 gather_size 16
      : tensor<2x1024x4x64xbf16> -> tensor<2x256x16x64xbf16>
  return %z : tensor<2x256x16x64xbf16>
}


func.func @compose_all_to_alls(%x: tensor<2x256x16x64xf32>)
    -> tensor<2x1024x16x16xf32> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xf32> -> tensor<2x1024x4x64xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 3 gather 2
      : tensor<2x1024x4x64xf32> -> tensor<2x1024x16x16xf32>
  return %z : tensor<2x1024x16x16xf32>
}

func.func @compose_all_to_alls_unaligned(%x: tensor<?x6x5xf32>,
                                         %l: tensor<4xi64>)
    -> tensor<10x6x?xf32> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0 gather_size 10
      : tensor<?x6x5xf32> -> tensor<10x?x5xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 2 gather 1 gather_size 6
      scatter_lengths(%l : tensor<4xi64>)
      : tensor<10x?x5xf32> -> tensor<10x6x?xf32>
  return %z : tensor<10x6x?xf32>
}

func.func @negative_compose_all_to_alls_uses(%x: tensor<2x256x16x64xf32>)
    -> (tensor<2x1024x4x64xf32>, tensor<2x1024x16x16xf32>) {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xf32> -> tensor<2x1024x4x64xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 3 gather 2
      : tensor<2x1024x4x64xf32> -> tensor<2x1024x16x16xf32>
  return %y, %z : tensor<2x1024x4x64xf32>, tensor<2x1024x16x16xf32>
}

func.func @negative_compose_all_to_alls_pieces(%x: tensor<?x6x5xf32>)
    -> tensor<?x?x?xf32> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0
      : tensor<?x6x5xf32> -> tensor<?x?x5xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 2 gather 1
      : tensor<?x?x5xf32> -> tensor<?x?x?xf32>
  return %z : tensor<?x?x?xf32>
}

func.func @compose_all_to_alls_rank3(%x: tensor<8x8x8xf32>)
    -> tensor<32x8x2xf32> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0
      : tensor<8x8x8xf32> -> tensor<32x2x8xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 2 gather 1
      : tensor<32x2x8xf32> -> tensor<32x8x2xf32>
  return %z : tensor<32x8x2xf32>
}

func.func @negative_compose_all_to_alls_dims(%x: tensor<8x8x8xf32>)
    -> tensor<8x2x32xf32> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0
      : tensor<8x8x8xf32> -> tensor<32x2x8xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 0 gather 2
      : tensor<32x2x8xf32> -> tensor<8x2x32xf32>
  return %z : tensor<8x2x32xf32>
}


func.func @split_gather(%x: tensor<10x3xf32>, %d: tensor<?x3xf32>)
    -> (tensor<10x3xf32>, tensor<10x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  %0 = seqpar.split %x on @u4["ulysses"] dim 0 sizes [1, 2, 3, 4] grad_scale down
      : tensor<10x3xf32> -> tensor<?x3xf32>
  %1 = seqpar.gather %0 on @u4["ulysses"] dim 0 sizes [1, 2, 3, 4] grad_scale up
      : tensor<?x3xf32> -> tensor<10x3xf32>
  %2 = seqpar.split %x on @u4["ulysses"] dim 0 : tensor<10x3xf32> -> tensor<?x3xf32>
  %3 = seqpar.gather %2 on @u4["ulysses"] dim 0 gather_size 10
      : tensor<?x3xf32> -> tensor<10x3xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %d, %c0 : tensor<?x3xf32>
  %4 = seqpar.split %d on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  %5 = seqpar.gather %4 on @u4["ulysses"] dim 0 gather_size %n
      : tensor<?x3xf32> -> tensor<?x3xf32>
  %6 = seqpar.gather %d on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  %7 = seqpar.split %6 on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  return %1, %3, %5, %7
      : tensor<10x3xf32>, tensor<10x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>
}

func.func @negative_split_gather(%x: tensor<10x3xf32>, %d: tensor<?x3xf32>)
    -> (tensor<10x3xf32>, tensor<10x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  %0 = seqpar.split %x on @u4["ulysses"] dim 0 sizes [3, 3, 2, 2]
      : tensor<10x3xf32> -> tensor<?x3xf32>
  %1 = seqpar.gather %0 on @u4["ulysses"] dim 0 sizes [2, 2, 3, 3]
      : tensor<?x3xf32> -> tensor<10x3xf32>
  %2 = seqpar.split %x on @u4["ulysses"] dim 0 : tensor<10x3xf32> -> tensor<?x3xf32>
  %3 = seqpar.gather %2 on @u4["ulysses"] dim 0 gather_size 10 grad_scale up
      : tensor<?x3xf32> -> tensor<10x3xf32>
  %4 = seqpar.split %d on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  %5 = seqpar.gather %4 on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  %6 = seqpar.gather %d on @u4["ulysses"] dim 1 : tensor<?x3xf32> -> tensor<?x12xf32>
  %7 = seqpar.split %6 on @u4["ulysses"] dim 0 : tensor<?x12xf32> -> tensor<?x12xf32>
  %c1 = arith.constant 1 : index
  %8 = tensor.extract_slice %7[0, 0] [%c1, 3] [1, 1] : tensor<?x12xf32> to tensor<?x3xf32>
  return %1, %3, %5, %8
      : tensor<10x3xf32>, tensor<10x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>
}


func.func @zigzag_packed_hybrid(%x: tensor<16x3xf32>, %p: tensor<24x4xbf16>,
                                %d: tensor<?x3xf32>)
    -> (tensor<16x3xf32>, tensor<16x3xf32>, tensor<24x4xbf16>,
        tensor<24x4xbf16>, tensor<16x3xf32>, tensor<?x3xf32>,
        tensor<24x4xbf16>, tensor<?x3xf32>) {
  %0 = seqpar.zigzag_split %x on @cp["ring"] dim 0 : tensor<16x3xf32> -> tensor<8x3xf32>
  %1 = seqpar.zigzag_gather %0 on @cp["ring"] dim 0 : tensor<8x3xf32> -> tensor<16x3xf32>
  %2 = seqpar.zigzag_gather %x on @cp["ring"] dim 0 : tensor<16x3xf32> -> tensor<32x3xf32>
  %3 = seqpar.zigzag_split %2 on @cp["ring"] dim 0 : tensor<32x3xf32> -> tensor<16x3xf32>
  %4 = seqpar.packed_split %p on @cp["ring"] dim 0 seq_lens [15, 9]
      : tensor<24x4xbf16> -> tensor<?x4xbf16>
  %5 = seqpar.packed_gather %4 on @cp["ring"] dim 0 seq_lens [15, 9]
      : tensor<?x4xbf16> -> tensor<24x4xbf16>
  %6 = seqpar.packed_gather %p on @cp["ring"] dim 0 seq_lens [30, 18]
      : tensor<24x4xbf16> -> tensor<48x4xbf16>
  %7 = seqpar.packed_split %6 on @cp["ring"] dim 0 seq_lens [30, 18]
      : tensor<48x4xbf16> -> tensor<24x4xbf16>
  %8 = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<16x3xf32> -> tensor<2x3xf32>
  %9 = seqpar.hybrid_gather %8 on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<2x3xf32> -> tensor<16x3xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %d, %c0 : tensor<?x3xf32>
  %10 = seqpar.hybrid_split %d on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<?x3xf32> -> tensor<?x3xf32>
  %11 = seqpar.hybrid_gather %10 on @cp ring "ring" ulysses "ulysses" dim 0
      gather_size %n : tensor<?x3xf32> -> tensor<?x3xf32>
  %12 = seqpar.hybrid_packed_split %p on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<24x4xbf16> -> tensor<3x4xbf16>
  %13 = seqpar.hybrid_packed_gather %12 on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<3x4xbf16> -> tensor<24x4xbf16>
  %14 = seqpar.hybrid_gather %d on @cp ring "ring" ulysses "ulysses" dim 0
      gather_size 40 : tensor<?x3xf32> -> tensor<40x3xf32>
  %15 = seqpar.hybrid_split %14 on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<40x3xf32> -> tensor<5x3xf32>
  %16 = tensor.cast %15 : tensor<5x3xf32> to tensor<?x3xf32>
  return %1, %3, %5, %7, %9, %11, %13, %16
      : tensor<16x3xf32>, tensor<16x3xf32>, tensor<24x4xbf16>,
        tensor<24x4xbf16>, tensor<16x3xf32>, tensor<?x3xf32>,
        tensor<24x4xbf16>, tensor<?x3xf32>
}

func.func @negative_zigzag_packed_hybrid(%x: tensor<16x3xf32>,
                                         %p: tensor<24x4xbf16>,
                                         %d: tensor<?x3xf32>)
    -> (tensor<16x3xf32>, tensor<24x4xbf16>, tensor<?x3xf32>) {
  %0 = seqpar.zigzag_split %x on @cp["ring"] dim 0 : tensor<16x3xf32> -> tensor<8x3xf32>
  %1 = seqpar.zigzag_gather %0 on @cp["ulysses"] dim 0 : tensor<8x3xf32> -> tensor<32x3xf32>
  %e = tensor.extract_slice %1[0, 0] [16, 3] [1, 1] : tensor<32x3xf32> to tensor<16x3xf32>
  %2 = seqpar.packed_split %p on @cp["ring"] dim 0 seq_lens [15, 9]
      : tensor<24x4xbf16> -> tensor<?x4xbf16>
  %3 = seqpar.packed_gather %2 on @cp["ring"] dim 0 seq_lens [9, 15]
      : tensor<?x4xbf16> -> tensor<24x4xbf16>
  %4 = seqpar.hybrid_split %d on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<?x3xf32> -> tensor<?x3xf32>
  %5 = seqpar.hybrid_gather %4 on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<?x3xf32> -> tensor<?x3xf32>
  return %e, %3, %5 : tensor<16x3xf32>, tensor<24x4xbf16>, tensor<?x3xf32>
}

func.func @negative_inverse_pair_attrs(%x: tensor<16x16xf32>,
                                       %p: tensor<24x4xbf16>)
    -> (tensor<8x32xf32>, tensor<24x4xbf16>, tensor<128x2xf32>) {
  %0 = seqpar.zigzag_split %x on @cp["ring"] dim 0
      : tensor<16x16xf32> -> tensor<8x16xf32>
  %1 = seqpar.zigzag_gather %0 on @cp["ring"] dim 1
      : tensor<8x16xf32> -> tensor<8x32xf32>
  %2 = seqpar.hybrid_packed_split %p on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<24x4xbf16> -> tensor<3x4xbf16>
  %3 = seqpar.hybrid_packed_gather %2 on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [8, 16] : tensor<3x4xbf16> -> tensor<24x4xbf16>
  %4 = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<16x16xf32> -> tensor<128x16xf32>
  %5 = seqpar.hybrid_split %4 on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<128x16xf32> -> tensor<128x2xf32>
  return %1, %3, %5 : tensor<8x32xf32>, tensor<24x4xbf16>, tensor<128x2xf32>
}
