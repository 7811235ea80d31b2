// Folds and canonicalization of the seqpar ops.
// RUN: seqpar-opt %s --canonicalize --split-input-file | FileCheck %s
// RUN: seqpar-opt %s --canonicalize=test-convergence=true --split-input-file | FileCheck %s

seqpar.grid @solo(axes = ["x" = 1])
seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
seqpar.grid @one_by_one(axes = ["ring" = 1, "ulysses" = 1])

// CHECK-LABEL: func @unit_group
// CHECK-SAME: (%[[X:[^:]*]]: tensor<8x6xf32>, %[[D:[^:]*]]: tensor<?x6xf32>)
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
  // A dynamic input whose result is static: the identity is a cast.
  // CHECK: %[[C:.*]] = tensor.cast %[[D]] : tensor<?x6xf32> to tensor<8x6xf32>
  %8 = seqpar.hybrid_packed_gather %d on @one_by_one ring "ring"
      ulysses "ulysses" dim 0 seq_lens [8] : tensor<?x6xf32> -> tensor<8x6xf32>
  // CHECK-NOT: seqpar.
  // CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[C]]
  return %0, %1, %2, %3, %4, %5, %6, %7, %8
      : tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>,
        tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>, tensor<8x6xf32>,
        tensor<8x6xf32>
}

// CHECK-LABEL: func @unit_group_exchange_lengths
func.func @unit_group_exchange_lengths(%x: tensor<8x6xf32>, %d: tensor<?x6xf32>)
    -> (tensor<1xi64>, tensor<1xi64>) {
  // CHECK-DAG: %[[CST:.*]] = arith.constant dense<8> : tensor<1xi64>
  // CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
  // CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %[[C0]] : tensor<?x6xf32>
  // CHECK: %[[I:.*]] = arith.index_cast %[[N]] : index to i64
  // CHECK: %[[L:.*]] = tensor.from_elements %[[I]] : tensor<1xi64>
  // CHECK: return %[[CST]], %[[L]]
  %0 = seqpar.exchange_lengths %x on @solo["x"] dim 0
      : tensor<8x6xf32> -> tensor<1xi64>
  %1 = seqpar.exchange_lengths %d on @solo["x"] dim 0
      : tensor<?x6xf32> -> tensor<1xi64>
  return %0, %1 : tensor<1xi64>, tensor<1xi64>
}

// CHECK-LABEL: func @negative_unit_group
func.func @negative_unit_group(%x: tensor<8x6xf32>) -> tensor<2x6xf32> {
  // CHECK: seqpar.split
  %0 = seqpar.split %x on @cp["ulysses"] dim 0 : tensor<8x6xf32> -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

seqpar.grid @u4(axes = ["ulysses" = 4])
seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

//===----------------------------------------------------------------------===//
// all_to_all followed by its adjoint
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @all_to_all_pair
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x256x16x64xbf16>)
func.func @all_to_all_pair(%x: tensor<2x256x16x64xbf16>)
    -> tensor<2x256x16x64xbf16> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xbf16> -> tensor<2x1024x4x64xbf16>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 2 gather_size 16
      : tensor<2x1024x4x64xbf16> -> tensor<2x256x16x64xbf16>
  // CHECK-NOT: seqpar.all_to_all
  // CHECK: return %[[X]]
  return %z : tensor<2x256x16x64xbf16>
}

// Uneven heads (6 over 4) and a default reverse gather would mismatch; with
// gather_size = S the pair cancels.
// CHECK-LABEL: func @all_to_all_pair_unaligned
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x?x6xf32>)
func.func @all_to_all_pair_unaligned(%x: tensor<2x?x6xf32>)
    -> tensor<2x?x6xf32> {
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1 gather_size 10
      : tensor<2x?x6xf32> -> tensor<2x10x?xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 2 gather_size 6
      : tensor<2x10x?xf32> -> tensor<2x?x6xf32>
  // CHECK-NOT: seqpar.all_to_all
  // CHECK: return %[[X]]
  return %z : tensor<2x?x6xf32>
}

// The adjoint of a dynamic S reads it with tensor.dim.
// CHECK-LABEL: func @all_to_all_pair_dynamic
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?xf32>)
func.func @all_to_all_pair_dynamic(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %s = tensor.dim %x, %c0 : tensor<?x?xf32>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 0 gather 1
      : tensor<?x?xf32> -> tensor<?x?xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 0 gather_size %s
      : tensor<?x?xf32> -> tensor<?x?xf32>
  // CHECK-NOT: seqpar.all_to_all
  // CHECK: return %[[X]]
  return %z : tensor<?x?xf32>
}

// Variable lengths, exchanged once: the reverse op reuses them.
// CHECK-LABEL: func @all_to_all_pair_lengths
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x?x8xf16>)
func.func @all_to_all_pair_lengths(%x: tensor<2x?x8xf16>) -> tensor<2x?x8xf16> {
  %l = seqpar.exchange_lengths %x on @u4["ulysses"] dim 1
      : tensor<2x?x8xf16> -> tensor<4xi64>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      gather_lengths(%l : tensor<4xi64>)
      : tensor<2x?x8xf16> -> tensor<2x?x2xf16>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 2
      scatter_lengths(%l : tensor<4xi64>)
      : tensor<2x?x2xf16> -> tensor<2x?x8xf16>
  // CHECK-NOT: seqpar.all_to_all
  // CHECK: return %[[X]]
  return %z : tensor<2x?x8xf16>
}

// CHECK-LABEL: func @negative_all_to_all_pair_pieces
func.func @negative_all_to_all_pair_pieces(%x: tensor<2x?x6xf32>)
    -> tensor<2x?x?xf32> {
  // 6 heads over 4 ranks are 2, 2, 1, 1; a reverse gather of equal pieces
  // is not the inverse.
  // CHECK: seqpar.all_to_all
  // CHECK: seqpar.all_to_all
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1 gather_size 10
      : tensor<2x?x6xf32> -> tensor<2x10x?xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 1 gather 2
      : tensor<2x10x?xf32> -> tensor<2x?x?xf32>
  return %z : tensor<2x?x?xf32>
}

// CHECK-LABEL: func @negative_all_to_all_pair_lengths
func.func @negative_all_to_all_pair_lengths(%x: tensor<2x?x8xf16>,
                                            %m: tensor<4xi64>)
    -> tensor<2x?x8xf16> {
  // The reverse splits by other lengths.
  // CHECK: seqpar.all_to_all
  // CHECK: seqpar.all_to_all
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

// CHECK-LABEL: func @negative_all_to_all_pair_group
func.func @negative_all_to_all_pair_group(%x: tensor<2x256x16x64xbf16>)
    -> tensor<2x256x16x64xbf16> {
  // Another group (same size, other ranks).
  // CHECK: seqpar.all_to_all
  // CHECK: seqpar.all_to_all
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xbf16> -> tensor<2x1024x4x64xbf16>
  %z = seqpar.all_to_all %y on @cp["ulysses"] scatter 1 gather 2 gather_size 16
      : tensor<2x1024x4x64xbf16> -> tensor<2x256x16x64xbf16>
  return %z : tensor<2x256x16x64xbf16>
}

//===----------------------------------------------------------------------===//
// Consecutive all_to_alls
//===----------------------------------------------------------------------===//

// Heads to sequence, then heads back and dim 3 out: one all-to-all that
// scatters dim 3 and gathers the sequence.
// CHECK-LABEL: func @compose_all_to_alls
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x256x16x64xf32>)
func.func @compose_all_to_alls(%x: tensor<2x256x16x64xf32>)
    -> tensor<2x1024x16x16xf32> {
  // CHECK: %[[Y:.*]] = seqpar.all_to_all %[[X]] on @u4["ulysses"] scatter 3 gather 1 : tensor<2x256x16x64xf32> -> tensor<2x1024x16x16xf32>
  // CHECK-NEXT: return %[[Y]]
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xf32> -> tensor<2x1024x4x64xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 3 gather 2
      : tensor<2x1024x4x64xf32> -> tensor<2x1024x16x16xf32>
  return %z : tensor<2x1024x16x16xf32>
}

// The first's gather size and the second's scatter lengths carry over.
// A replicating all_to_all and its adjoint do not cancel (the adjoint sums
// the copies: twice the input here), and they do not compose.
// CHECK-LABEL: func @negative_all_to_all_slots
func.func @negative_all_to_all_slots(%x: tensor<2x3x2x8xf32>)
    -> (tensor<2x3x2x8xf32>, tensor<2x12x4x2xf32>) {
  // CHECK: %[[A:.*]] = seqpar.all_to_all %{{.*}} scatter 2 slots 4 gather 1
  // CHECK: seqpar.all_to_all %[[A]] on @u4["ulysses"] scatter 1 gather 2 slots 4 gather_size 2
  // CHECK: %[[C:.*]] = seqpar.all_to_all %{{.*}} scatter 2 slots 4 gather 1
  // CHECK: seqpar.all_to_all %[[C]] on @u4["ulysses"] scatter 3 gather 2
  %a = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 slots 4 gather 1
      : tensor<2x3x2x8xf32> -> tensor<2x12x1x8xf32>
  %b = seqpar.all_to_all %a on @u4["ulysses"] scatter 1 gather 2 slots 4
      gather_size 2 : tensor<2x12x1x8xf32> -> tensor<2x3x2x8xf32>
  %c = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 slots 4 gather 1
      : tensor<2x3x2x8xf32> -> tensor<2x12x1x8xf32>
  %d = seqpar.all_to_all %c on @u4["ulysses"] scatter 3 gather 2
      : tensor<2x12x1x8xf32> -> tensor<2x12x4x2xf32>
  return %b, %d : tensor<2x3x2x8xf32>, tensor<2x12x4x2xf32>
}

// CHECK-LABEL: func @compose_all_to_alls_unaligned
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x6x5xf32>, %[[L:[^:]*]]: tensor<4xi64>)
func.func @compose_all_to_alls_unaligned(%x: tensor<?x6x5xf32>,
                                         %l: tensor<4xi64>)
    -> tensor<10x6x?xf32> {
  // CHECK: %[[Y:.*]] = seqpar.all_to_all %[[X]] on @u4["ulysses"] scatter 2 gather 0 gather_size 10 scatter_lengths(%[[L]] : tensor<4xi64>) : tensor<?x6x5xf32> -> tensor<10x6x?xf32>
  // CHECK-NEXT: return %[[Y]]
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0 gather_size 10
      : tensor<?x6x5xf32> -> tensor<10x?x5xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 2 gather 1 gather_size 6
      scatter_lengths(%l : tensor<4xi64>)
      : tensor<10x?x5xf32> -> tensor<10x6x?xf32>
  return %z : tensor<10x6x?xf32>
}

// CHECK-LABEL: func @negative_compose_all_to_alls_uses
func.func @negative_compose_all_to_alls_uses(%x: tensor<2x256x16x64xf32>)
    -> (tensor<2x1024x4x64xf32>, tensor<2x1024x16x16xf32>) {
  // The first result is used again: composing would add a collective.
  // CHECK: seqpar.all_to_all
  // CHECK: seqpar.all_to_all
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xf32> -> tensor<2x1024x4x64xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 3 gather 2
      : tensor<2x1024x4x64xf32> -> tensor<2x1024x16x16xf32>
  return %y, %z : tensor<2x1024x4x64xf32>, tensor<2x1024x16x16xf32>
}

// CHECK-LABEL: func @negative_compose_all_to_alls_pieces
func.func @negative_compose_all_to_alls_pieces(%x: tensor<?x6x5xf32>)
    -> tensor<?x?x?xf32> {
  // The second gathers equal pieces where the first scattered 2, 2, 1, 1.
  // CHECK: seqpar.all_to_all
  // CHECK: seqpar.all_to_all
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0
      : tensor<?x6x5xf32> -> tensor<?x?x5xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 2 gather 1
      : tensor<?x?x5xf32> -> tensor<?x?x?xf32>
  return %z : tensor<?x?x?xf32>
}

// A scatter of dim 1 then a gather of dim 1 into dim 2 composes too: every
// rank's dim 0 piece goes straight to dim 2's split.
// CHECK-LABEL: func @compose_all_to_alls_rank3
// CHECK-SAME: (%[[X:[^:]*]]: tensor<8x8x8xf32>)
func.func @compose_all_to_alls_rank3(%x: tensor<8x8x8xf32>)
    -> tensor<32x8x2xf32> {
  // CHECK: %[[Y:.*]] = seqpar.all_to_all %[[X]] on @u4["ulysses"] scatter 2 gather 0 : tensor<8x8x8xf32> -> tensor<32x8x2xf32>
  // CHECK-NEXT: return %[[Y]]
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0
      : tensor<8x8x8xf32> -> tensor<32x2x8xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 2 gather 1
      : tensor<32x2x8xf32> -> tensor<32x8x2xf32>
  return %z : tensor<32x8x2xf32>
}

// CHECK-LABEL: func @negative_compose_all_to_alls_dims
func.func @negative_compose_all_to_alls_dims(%x: tensor<8x8x8xf32>)
    -> tensor<8x2x32xf32> {
  // The second gathers dim 2, which the first did not scatter: no single
  // all-to-all does both.
  // CHECK: seqpar.all_to_all
  // CHECK: seqpar.all_to_all
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0
      : tensor<8x8x8xf32> -> tensor<32x2x8xf32>
  %z = seqpar.all_to_all %y on @u4["ulysses"] scatter 0 gather 2
      : tensor<32x2x8xf32> -> tensor<8x2x32xf32>
  return %z : tensor<8x2x32xf32>
}

//===----------------------------------------------------------------------===//
// Split and gather
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @split_gather
// CHECK-SAME: (%[[X:[^:]*]]: tensor<10x3xf32>, %[[D:[^:]*]]: tensor<?x3xf32>)
func.func @split_gather(%x: tensor<10x3xf32>, %d: tensor<?x3xf32>)
    -> (tensor<10x3xf32>, tensor<10x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  // Explicit sizes, scales that undo each other.
  %0 = seqpar.split %x on @u4["ulysses"] dim 0 sizes [1, 2, 3, 4] grad_scale down
      : tensor<10x3xf32> -> tensor<?x3xf32>
  %1 = seqpar.gather %0 on @u4["ulysses"] dim 0 sizes [1, 2, 3, 4] grad_scale up
      : tensor<?x3xf32> -> tensor<10x3xf32>
  // The split rule, gathered by the same length.
  %2 = seqpar.split %x on @u4["ulysses"] dim 0 : tensor<10x3xf32> -> tensor<?x3xf32>
  %3 = seqpar.gather %2 on @u4["ulysses"] dim 0 gather_size 10
      : tensor<?x3xf32> -> tensor<10x3xf32>
  // A dynamic length, read with tensor.dim.
  %c0 = arith.constant 0 : index
  %n = tensor.dim %d, %c0 : tensor<?x3xf32>
  %4 = seqpar.split %d on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  %5 = seqpar.gather %4 on @u4["ulysses"] dim 0 gather_size %n
      : tensor<?x3xf32> -> tensor<?x3xf32>
  // Gather then split: every rank gets its own piece back.
  %6 = seqpar.gather %d on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  %7 = seqpar.split %6 on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  // CHECK-NOT: seqpar.
  // CHECK: return %[[X]], %[[X]], %[[D]], %[[D]]
  return %1, %3, %5, %7
      : tensor<10x3xf32>, tensor<10x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>
}

// CHECK-LABEL: func @negative_split_gather
func.func @negative_split_gather(%x: tensor<10x3xf32>, %d: tensor<?x3xf32>)
    -> (tensor<10x3xf32>, tensor<10x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  // Different pieces.
  // CHECK: seqpar.split
  // CHECK: seqpar.gather
  %0 = seqpar.split %x on @u4["ulysses"] dim 0 sizes [3, 3, 2, 2]
      : tensor<10x3xf32> -> tensor<?x3xf32>
  %1 = seqpar.gather %0 on @u4["ulysses"] dim 0 sizes [2, 2, 3, 3]
      : tensor<?x3xf32> -> tensor<10x3xf32>
  // Scales that do not undo each other: the gradient would change.
  // CHECK: seqpar.split
  // CHECK: seqpar.gather
  %2 = seqpar.split %x on @u4["ulysses"] dim 0 : tensor<10x3xf32> -> tensor<?x3xf32>
  %3 = seqpar.gather %2 on @u4["ulysses"] dim 0 gather_size 10 grad_scale up
      : tensor<?x3xf32> -> tensor<10x3xf32>
  // A dynamic length split by the rule, gathered as equal pieces.
  // CHECK: seqpar.split
  // CHECK: seqpar.gather
  %4 = seqpar.split %d on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  %5 = seqpar.gather %4 on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  // Another dim.
  // CHECK: seqpar.gather
  // CHECK: seqpar.split
  %6 = seqpar.gather %d on @u4["ulysses"] dim 1 : tensor<?x3xf32> -> tensor<?x12xf32>
  %7 = seqpar.split %6 on @u4["ulysses"] dim 0 : tensor<?x12xf32> -> tensor<?x12xf32>
  %c1 = arith.constant 1 : index
  %8 = tensor.extract_slice %7[0, 0] [%c1, 3] [1, 1] : tensor<?x12xf32> to tensor<?x3xf32>
  return %1, %3, %5, %8
      : tensor<10x3xf32>, tensor<10x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>
}

//===----------------------------------------------------------------------===//
// Zigzag, packed and hybrid pairs
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @zigzag_packed_hybrid
// CHECK-SAME: (%[[X:[^:]*]]: tensor<16x3xf32>, %[[P:[^:]*]]: tensor<24x4xbf16>, %[[D:[^:]*]]: tensor<?x3xf32>)
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
  // The hybrid pair gives every rank 5 of 40 rows back: a static type.
  // CHECK: %[[C:.*]] = tensor.cast %[[D]] : tensor<?x3xf32> to tensor<5x3xf32>
  %16 = tensor.cast %15 : tensor<5x3xf32> to tensor<?x3xf32>
  // CHECK-NOT: seqpar.
  // CHECK: return %[[X]], %[[X]], %[[P]], %[[P]], %[[X]], %[[D]], %[[P]], %{{.*}}
  return %1, %3, %5, %7, %9, %11, %13, %16
      : tensor<16x3xf32>, tensor<16x3xf32>, tensor<24x4xbf16>,
        tensor<24x4xbf16>, tensor<16x3xf32>, tensor<?x3xf32>,
        tensor<24x4xbf16>, tensor<?x3xf32>
}

// CHECK-LABEL: func @negative_zigzag_packed_hybrid
func.func @negative_zigzag_packed_hybrid(%x: tensor<16x3xf32>,
                                         %p: tensor<24x4xbf16>,
                                         %d: tensor<?x3xf32>)
    -> (tensor<16x3xf32>, tensor<24x4xbf16>, tensor<?x3xf32>) {
  // Another group.
  // CHECK: seqpar.zigzag_split
  // CHECK: seqpar.zigzag_gather
  %0 = seqpar.zigzag_split %x on @cp["ring"] dim 0 : tensor<16x3xf32> -> tensor<8x3xf32>
  %1 = seqpar.zigzag_gather %0 on @cp["ulysses"] dim 0 : tensor<8x3xf32> -> tensor<32x3xf32>
  %e = tensor.extract_slice %1[0, 0] [16, 3] [1, 1] : tensor<32x3xf32> to tensor<16x3xf32>
  // Other sequence lengths.
  // CHECK: seqpar.packed_split
  // CHECK: seqpar.packed_gather
  %2 = seqpar.packed_split %p on @cp["ring"] dim 0 seq_lens [15, 9]
      : tensor<24x4xbf16> -> tensor<?x4xbf16>
  %3 = seqpar.packed_gather %2 on @cp["ring"] dim 0 seq_lens [9, 15]
      : tensor<?x4xbf16> -> tensor<24x4xbf16>
  // A dynamic split gathered as equal pieces: not provably the same length.
  // CHECK: seqpar.hybrid_split
  // CHECK: seqpar.hybrid_gather
  %4 = seqpar.hybrid_split %d on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<?x3xf32> -> tensor<?x3xf32>
  %5 = seqpar.hybrid_gather %4 on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<?x3xf32> -> tensor<?x3xf32>
  return %e, %3, %5 : tensor<16x3xf32>, tensor<24x4xbf16>, tensor<?x3xf32>
}

// CHECK-LABEL: func @negative_inverse_pair_attrs
func.func @negative_inverse_pair_attrs(%x: tensor<16x16xf32>,
                                       %p: tensor<24x4xbf16>)
    -> (tensor<8x32xf32>, tensor<24x4xbf16>, tensor<128x2xf32>) {
  // Another dim.
  // CHECK: seqpar.zigzag_split
  // CHECK: seqpar.zigzag_gather
  %0 = seqpar.zigzag_split %x on @cp["ring"] dim 0
      : tensor<16x16xf32> -> tensor<8x16xf32>
  %1 = seqpar.zigzag_gather %0 on @cp["ring"] dim 1
      : tensor<8x16xf32> -> tensor<8x32xf32>
  // Other sequence lengths.
  // CHECK: seqpar.hybrid_packed_split
  // CHECK: seqpar.hybrid_packed_gather
  %2 = seqpar.hybrid_packed_split %p on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<24x4xbf16> -> tensor<3x4xbf16>
  %3 = seqpar.hybrid_packed_gather %2 on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [8, 16] : tensor<3x4xbf16> -> tensor<24x4xbf16>
  // Another dim.
  // CHECK: seqpar.hybrid_gather
  // CHECK: seqpar.hybrid_split
  %4 = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<16x16xf32> -> tensor<128x16xf32>
  %5 = seqpar.hybrid_split %4 on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<128x16xf32> -> tensor<128x2xf32>
  return %1, %3, %5 : tensor<8x32xf32>, tensor<24x4xbf16>, tensor<128x2xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
seqpar.grid @one_by_one(axes = ["ring" = 1, "ulysses" = 1])

// The size of a group is static; the rank in a group of one is 0.
// CHECK-LABEL: func @group_queries
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[R:.*]] = seqpar.group_rank on @cp["ulysses"]
// CHECK: return %[[C8]], %[[C0]], %[[R]]
func.func @group_queries() -> (index, index, index) {
  %p = seqpar.group_size on @cp["ulysses", "ring"]
  %z = seqpar.group_rank on @one_by_one["ring", "ulysses"]
  %r = seqpar.group_rank on @cp["ulysses"]
  return %p, %z, %r : index, index, index
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
seqpar.grid @r1(axes = ["ring" = 1, "ulysses" = 4])

// Shardings that lay the tensor out alike: the reshard is its input (through
// a cast where the types differ in which dims are static).
// CHECK-LABEL: func @reshard_alike
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[Y:.*]]: tensor<?x8xf32>, %[[Z:.*]]: tensor<?x8xf32>)
// CHECK: %[[C:.*]] = tensor.cast %[[Y]] : tensor<?x8xf32> to tensor<2x8xf32>
// CHECK: return %[[X]], %[[C]], %[[Z]]
func.func @reshard_alike(%x: tensor<4x8xf32>, %y: tensor<?x8xf32>,
                         %z: tensor<?x8xf32>)
    -> (tensor<4x8xf32>, tensor<2x8xf32>, tensor<?x8xf32>) {
  // Sizes equal to the split rule's.
  %0 = seqpar.reshard %x from <@cp, [{"ring" sizes [4, 4]}, {}]>
      to <@cp, [{"ring"}, {}]> shape [8, 8]
      : tensor<4x8xf32> -> tensor<4x8xf32>
  // Packed sequences whose pieces are the split rule's (one sequence and
  // an empty one), into a static type.
  %1 = seqpar.reshard %y from <@cp, [{"ulysses" packed [8, 0]}, {}]>
      to <@cp, [{"ulysses"}, {}]> shape [8, 8]
      : tensor<?x8xf32> -> tensor<2x8xf32>
  // An axis of one rank splits nothing.
  %2 = seqpar.reshard %z from <@r1, [{"ring" zigzag, "ulysses"}, {}]>
      to <@r1, [{"ulysses"}, {}]> shape [7, 8]
      : tensor<?x8xf32> -> tensor<?x8xf32>
  return %0, %1, %2 : tensor<4x8xf32>, tensor<2x8xf32>, tensor<?x8xf32>
}

// A reshard of a reshard is one reshard, and nothing when it comes back.
// CHECK-LABEL: func @reshard_chain
// CHECK-SAME: (%[[X:.*]]: tensor<2x10xf32>)
// CHECK: %[[A:.*]] = seqpar.reshard %[[X]] from <@cp, [{"ulysses"}, {}]> to <@cp, [{}, {"ring"}]> shape [8, 10] : tensor<2x10xf32> -> tensor<8x5xf32>
// CHECK-NOT: seqpar.reshard
// CHECK: return %[[A]], %[[X]]
func.func @reshard_chain(%x: tensor<2x10xf32>)
    -> (tensor<8x5xf32>, tensor<2x10xf32>) {
  %0 = seqpar.reshard %x from <@cp, [{"ulysses"}, {}]>
      to <@cp, [{}, {"ulysses"}]> shape [8, 10]
      : tensor<2x10xf32> -> tensor<8x?xf32>
  %1 = seqpar.reshard %0 from <@cp, [{}, {"ulysses"}]>
      to <@cp, [{}, {"ring"}]> shape [8, 10]
      : tensor<8x?xf32> -> tensor<8x5xf32>
  %2 = seqpar.reshard %1 from <@cp, [{}, {"ring" sizes [5, 5]}]>
      to <@cp, [{"ulysses"}, {}]> shape [8, 10]
      : tensor<8x5xf32> -> tensor<2x10xf32>
  return %1, %2 : tensor<8x5xf32>, tensor<2x10xf32>
}
