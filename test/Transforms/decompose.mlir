// RUN: seqpar-opt %s --split-input-file --seqpar-decompose | FileCheck %s

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

// CHECK-LABEL: func @hybrid_split
// CHECK-SAME: (%[[X:.*]]: tensor<2x1024x64xf32>)
// CHECK: %[[Z:.*]] = seqpar.zigzag_split %[[X]] on @cp["ring"] dim 1 : tensor<2x1024x64xf32> -> tensor<2x512x64xf32>
// CHECK: %[[S:.*]] = seqpar.split %[[Z]] on @cp["ulysses"] dim 1 grad_scale down : tensor<2x512x64xf32> -> tensor<2x128x64xf32>
// CHECK: return %[[S]]
func.func @hybrid_split(%x: tensor<2x1024x64xf32>) -> tensor<2x128x64xf32> {
  %y = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x1024x64xf32> -> tensor<2x128x64xf32>
  return %y : tensor<2x128x64xf32>
}

// The ring-local length 10 splits unevenly over 4 Ulysses ranks.
// CHECK-LABEL: func @hybrid_split_unaligned
// CHECK: seqpar.zigzag_split %{{.*}} on @cp["ring"] dim 0 : tensor<20xf32> -> tensor<10xf32>
// CHECK: seqpar.split %{{.*}} on @cp["ulysses"] dim 0 grad_scale down : tensor<10xf32> -> tensor<?xf32>
func.func @hybrid_split_unaligned(%x: tensor<20xf32>) -> tensor<?xf32> {
  %y = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<20xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// CHECK-LABEL: func @hybrid_gather
// CHECK-SAME: (%[[X:.*]]: tensor<2x?x64xf32>)
// CHECK: %[[G:.*]] = seqpar.gather %[[X]] on @cp["ulysses"] dim 1 gather_size 12 grad_scale up : tensor<2x?x64xf32> -> tensor<2x12x64xf32>
// CHECK: %[[Z:.*]] = seqpar.zigzag_gather %[[G]] on @cp["ring"] dim 1 : tensor<2x12x64xf32> -> tensor<2x24x64xf32>
// CHECK: return %[[Z]]
func.func @hybrid_gather(%x: tensor<2x?x64xf32>) -> tensor<2x24x64xf32> {
  %y = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size 24 : tensor<2x?x64xf32> -> tensor<2x24x64xf32>
  return %y : tensor<2x24x64xf32>
}

// A dynamic gathered length N: the ring-local length is the runtime's to
// resolve, so the op stays whole and lowers as one op over its two-axis group.
// CHECK-LABEL: func @negative_hybrid_gather_dynamic
// CHECK: seqpar.hybrid_gather
// CHECK-NOT: seqpar.zigzag_gather
func.func @negative_hybrid_gather_dynamic(%x: tensor<?xf32>, %n: index) -> tensor<?xf32> {
  %y = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 0
      gather_size %n : tensor<?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// Without a gather size every rank holds the same length.
// CHECK-LABEL: func @hybrid_gather_default
// CHECK: seqpar.gather %{{.*}} on @cp["ulysses"] dim 0 grad_scale up : tensor<3xf32> -> tensor<12xf32>
// CHECK: seqpar.zigzag_gather %{{.*}} on @cp["ring"] dim 0 : tensor<12xf32> -> tensor<24xf32>
func.func @hybrid_gather_default(%x: tensor<3xf32>) -> tensor<24xf32> {
  %y = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<3xf32> -> tensor<24xf32>
  return %y : tensor<24xf32>
}

// CHECK-LABEL: func @hybrid_packed_split
// CHECK: %[[P:.*]] = seqpar.packed_split %{{.*}} on @cp["ring"] dim 0 seq_lens [16, 8] : tensor<24x64xf32> -> tensor<12x64xf32>
// CHECK: seqpar.split %[[P]] on @cp["ulysses"] dim 0 grad_scale down : tensor<12x64xf32> -> tensor<3x64xf32>
func.func @hybrid_packed_split(%x: tensor<24x64xf32>) -> tensor<3x64xf32> {
  %y = seqpar.hybrid_packed_split %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<24x64xf32> -> tensor<3x64xf32>
  return %y : tensor<3x64xf32>
}

// Uniform ring pieces (12 on each ring rank): decomposed.
// CHECK-LABEL: func @hybrid_packed_gather
// CHECK: %[[G:.*]] = seqpar.gather %{{.*}} on @cp["ulysses"] dim 0 gather_size 12 grad_scale up : tensor<3x64xf32> -> tensor<12x64xf32>
// CHECK: seqpar.packed_gather %[[G]] on @cp["ring"] dim 0 seq_lens [16, 8] : tensor<12x64xf32> -> tensor<24x64xf32>
func.func @hybrid_packed_gather(%x: tensor<3x64xf32>) -> tensor<24x64xf32> {
  %y = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<3x64xf32> -> tensor<24x64xf32>
  return %y : tensor<24x64xf32>
}

// Ring pieces [8, 4] differ, but each splits into equal Ulysses pieces (2 and
// 1): the default Ulysses gather of every rank's own length rebuilds them.
// CHECK-LABEL: func @hybrid_packed_gather_uneven_ring
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>)
// CHECK: %[[G:.*]] = seqpar.gather %[[X]] on @cp["ulysses"] dim 0 grad_scale up : tensor<?x8xf32> -> tensor<?x8xf32>
// CHECK: %[[P:.*]] = seqpar.packed_gather %[[G]] on @cp["ring"] dim 0 seq_lens [3, 3, 3, 3] : tensor<?x8xf32> -> tensor<12x8xf32>
// CHECK: return %[[P]]
func.func @hybrid_packed_gather_uneven_ring(%x: tensor<?x8xf32>) -> tensor<12x8xf32> {
  %y = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [3, 3, 3, 3] : tensor<?x8xf32> -> tensor<12x8xf32>
  return %y : tensor<12x8xf32>
}

// Ring pieces [3, 2] differ and split unevenly over 4 Ulysses ranks: the
// ring rank picks the Ulysses gather size from the table of ring pieces.
// CHECK-LABEL: func @hybrid_packed_gather_uneven
// CHECK-SAME: (%[[X:.*]]: tensor<?xf32>)
// CHECK-DAG: %[[R:.*]] = seqpar.group_rank on @cp["ring"]
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[3, 2]> : tensor<2xindex>
// CHECK: %[[N:.*]] = tensor.extract %[[T]][%[[R]]] : tensor<2xindex>
// CHECK: %[[G:.*]] = seqpar.gather %[[X]] on @cp["ulysses"] dim 0 gather_size %[[N]] grad_scale up : tensor<?xf32> -> tensor<?xf32>
// CHECK: seqpar.packed_gather %[[G]] on @cp["ring"] dim 0 seq_lens [5] : tensor<?xf32> -> tensor<5xf32>
// CHECK-NOT: seqpar.hybrid_packed_gather
func.func @hybrid_packed_gather_uneven(%x: tensor<?xf32>) -> tensor<5xf32> {
  %y = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [5] : tensor<?xf32> -> tensor<5xf32>
  return %y : tensor<5xf32>
}

// -----

// Rank-6 tensors, a zero-size dim and bf16 decompose like the others.
seqpar.grid @g(axes = ["r" = 1, "u" = 1])

// CHECK-LABEL: func @weird_shapes
// CHECK: seqpar.zigzag_split %{{.*}} on @g["r"] dim 5 : tensor<1x2x3x4x0x2xbf16> -> tensor<1x2x3x4x0x2xbf16>
// CHECK: seqpar.split %{{.*}} on @g["u"] dim 5 grad_scale down : tensor<1x2x3x4x0x2xbf16> -> tensor<1x2x3x4x0x2xbf16>
func.func @weird_shapes(%x: tensor<1x2x3x4x0x2xbf16>) -> tensor<1x2x3x4x0x2xbf16> {
  %y = seqpar.hybrid_split %x on @g ring "r" ulysses "u" dim 5
      : tensor<1x2x3x4x0x2xbf16> -> tensor<1x2x3x4x0x2xbf16>
  return %y : tensor<1x2x3x4x0x2xbf16>
}

// CHECK-LABEL: func @dynamic_hybrid_split
// CHECK: seqpar.zigzag_split %{{.*}} on @g["r"] dim 0 : tensor<?xi1> -> tensor<?xi1>
// CHECK: seqpar.split %{{.*}} on @g["u"] dim 0 grad_scale down : tensor<?xi1> -> tensor<?xi1>
func.func @dynamic_hybrid_split(%x: tensor<?xi1>) -> tensor<?xi1> {
  %y = seqpar.hybrid_split %x on @g ring "r" ulysses "u" dim 0
      : tensor<?xi1> -> tensor<?xi1>
  return %y : tensor<?xi1>
}

// -----

// A ring of one rank is disabled: an odd length decomposes, the zigzag over
// one rank keeping it whole, and the Ulysses gather takes the whole length.
seqpar.grid @ring1(axes = ["ring" = 1, "ulysses" = 2])

// CHECK-LABEL: func @ring_of_one
// CHECK: %[[Z:.*]] = seqpar.zigzag_split %{{.*}} on @ring1["ring"] dim 0 : tensor<7xf32> -> tensor<7xf32>
// CHECK: seqpar.split %[[Z]] on @ring1["ulysses"] dim 0 grad_scale down : tensor<7xf32> -> tensor<?xf32>
// CHECK: %[[G:.*]] = seqpar.gather %{{.*}} on @ring1["ulysses"] dim 0 gather_size 7 grad_scale up : tensor<?xf32> -> tensor<7xf32>
// CHECK: seqpar.zigzag_gather %[[G]] on @ring1["ring"] dim 0 : tensor<7xf32> -> tensor<7xf32>
func.func @ring_of_one(%x: tensor<7xf32>) -> (tensor<?xf32>, tensor<7xf32>) {
  %y = seqpar.hybrid_split %x on @ring1 ring "ring" ulysses "ulysses" dim 0
      : tensor<7xf32> -> tensor<?xf32>
  %z = seqpar.hybrid_gather %y on @ring1 ring "ring" ulysses "ulysses" dim 0
      gather_size 7 : tensor<?xf32> -> tensor<7xf32>
  return %y, %z : tensor<?xf32>, tensor<7xf32>
}
