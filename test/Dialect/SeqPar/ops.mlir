// Round trip of every seqpar op and attribute form.
// RUN: seqpar-opt %s | seqpar-opt | FileCheck %s
// RUN: seqpar-opt %s --mlir-print-op-generic | seqpar-opt | FileCheck %s
// RUN: seqpar-opt %s -emit-bytecode | seqpar-opt | FileCheck %s
// Printing is stable: print -> parse -> print gives the same text.
// RUN: seqpar-opt %s > %t.1.mlir && seqpar-opt %t.1.mlir > %t.2.mlir && diff %t.1.mlir %t.2.mlir

// CHECK: seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
// CHECK: seqpar.grid @u4(axes = ["ulysses" = 4])
seqpar.grid @u4(axes = ["ulysses" = 4])
// CHECK: seqpar.grid @solo(axes = ["x" = 1])
seqpar.grid @solo(axes = ["x" = 1])
// CHECK: seqpar.grid @dp_cp(axes = ["dp" = 2, "ring" = 2, "ulysses" = 2])
seqpar.grid @dp_cp(axes = ["dp" = 2, "ring" = 2, "ulysses" = 2])

//===----------------------------------------------------------------------===//
// exchange_lengths and all_to_all
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @exchange_lengths
// CHECK-SAME: (%[[X:.*]]: tensor<2x?x8x64xf32>)
func.func @exchange_lengths(%x: tensor<2x?x8x64xf32>) -> tensor<4xi64> {
  // CHECK: %[[L:.*]] = seqpar.exchange_lengths %[[X]] on @u4["ulysses"] dim 1 : tensor<2x?x8x64xf32> -> tensor<4xi64>
  %l = seqpar.exchange_lengths %x on @u4["ulysses"] dim 1
      : tensor<2x?x8x64xf32> -> tensor<4xi64>
  // CHECK: return %[[L]]
  return %l : tensor<4xi64>
}

// CHECK-LABEL: func @all_to_all_aligned
// CHECK-SAME: (%[[X:.*]]: tensor<2x256x16x64xbf16>)
func.func @all_to_all_aligned(%x: tensor<2x256x16x64xbf16>)
    -> tensor<2x1024x4x64xbf16> {
  // CHECK: seqpar.all_to_all %[[X]] on @u4["ulysses"] scatter 2 gather 1 : tensor<2x256x16x64xbf16> -> tensor<2x1024x4x64xbf16>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xbf16> -> tensor<2x1024x4x64xbf16>
  return %y : tensor<2x1024x4x64xbf16>
}

// Uneven scatter: 6 heads over 4 ranks give 2, 2, 1, 1, so the scatter dim
// is dynamic; the gather dim is the static gather_size.
// CHECK-LABEL: func @all_to_all_gather_size
func.func @all_to_all_gather_size(%x: tensor<2x?x6x64xf32>)
    -> tensor<2x10x?x64xf32> {
  // CHECK: seqpar.all_to_all %{{.*}} on @u4["ulysses"] scatter 2 gather 1 gather_size 10 : tensor<2x?x6x64xf32> -> tensor<2x10x?x64xf32>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1 gather_size 10
      : tensor<2x?x6x64xf32> -> tensor<2x10x?x64xf32>
  return %y : tensor<2x10x?x64xf32>
}

// Replicated blocks (GQA): 2 KV heads over 4 ranks, one head per rank; 5
// KV heads serving 10 query heads over 4 ranks (3, 3, 2, 2 each) give 2, 2,
// 1 and 1 heads.
// CHECK-LABEL: func @all_to_all_slots
func.func @all_to_all_slots(%k: tensor<2x3x2x8xbf16>, %v: tensor<3x5x4xf32>,
                            %g: tensor<2x12x1x8xbf16>, %n: index)
    -> (tensor<2x12x1x8xbf16>, tensor<12x?x4xf32>, tensor<2x3x2x8xbf16>,
        tensor<2x3x?x8xbf16>) {
  // CHECK: seqpar.all_to_all %{{.*}} on @u4["ulysses"] scatter 2 slots 4 gather 1 : tensor<2x3x2x8xbf16> -> tensor<2x12x1x8xbf16>
  %a = seqpar.all_to_all %k on @u4["ulysses"] scatter 2 slots 4 gather 1
      : tensor<2x3x2x8xbf16> -> tensor<2x12x1x8xbf16>
  // CHECK: seqpar.all_to_all %{{.*}} on @u4["ulysses"] scatter 1 slots 10 gather 0 : tensor<3x5x4xf32> -> tensor<12x?x4xf32>
  %b = seqpar.all_to_all %v on @u4["ulysses"] scatter 1 slots 10 gather 0
      : tensor<3x5x4xf32> -> tensor<12x?x4xf32>
  // The reverse sums the copies of each head.
  // CHECK: seqpar.all_to_all %{{.*}} on @u4["ulysses"] scatter 1 gather 2 slots 4 gather_size 2 : tensor<2x12x1x8xbf16> -> tensor<2x3x2x8xbf16>
  %c = seqpar.all_to_all %g on @u4["ulysses"] scatter 1 gather 2 slots 4
      gather_size 2 : tensor<2x12x1x8xbf16> -> tensor<2x3x2x8xbf16>
  // CHECK: seqpar.all_to_all %{{.*}} on @u4["ulysses"] scatter 1 gather 2 slots 4 gather_size %{{.*}} : tensor<2x12x1x8xbf16> -> tensor<2x3x?x8xbf16>
  %d = seqpar.all_to_all %g on @u4["ulysses"] scatter 1 gather 2 slots 4
      gather_size %n : tensor<2x12x1x8xbf16> -> tensor<2x3x?x8xbf16>
  return %a, %b, %c, %d : tensor<2x12x1x8xbf16>, tensor<12x?x4xf32>,
      tensor<2x3x2x8xbf16>, tensor<2x3x?x8xbf16>
}

// gather_size 12 over 4 ranks is 3 per rank: the input gather dim may be static.
// CHECK-LABEL: func @all_to_all_gather_size_static_input
func.func @all_to_all_gather_size_static_input(%x: tensor<3x8xf32>)
    -> tensor<12x2xf32> {
  // CHECK: seqpar.all_to_all %{{.*}} scatter 1 gather 0 gather_size 12 : tensor<3x8xf32> -> tensor<12x2xf32>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0 gather_size 12
      : tensor<3x8xf32> -> tensor<12x2xf32>
  return %y : tensor<12x2xf32>
}

// CHECK-LABEL: func @all_to_all_dynamic_gather_size
// CHECK-SAME: (%[[X:.*]]: tensor<?x?xf32>, %[[N:.*]]: index)
func.func @all_to_all_dynamic_gather_size(%x: tensor<?x?xf32>, %n: index)
    -> tensor<?x?xf32> {
  // CHECK: seqpar.all_to_all %[[X]] on @u4["ulysses"] scatter 0 gather 1 gather_size %[[N]] : tensor<?x?xf32> -> tensor<?x?xf32>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 0 gather 1 gather_size %n
      : tensor<?x?xf32> -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// The VILA case: lengths exchanged once, reused by the reverse all-to-all.
// CHECK-LABEL: func @all_to_all_lengths
// CHECK-SAME: (%[[X:.*]]: tensor<2x?x8x64xf16>)
func.func @all_to_all_lengths(%x: tensor<2x?x8x64xf16>)
    -> tensor<2x?x8x64xf16> {
  // CHECK: %[[L:.*]] = seqpar.exchange_lengths %[[X]]
  %l = seqpar.exchange_lengths %x on @u4["ulysses"] dim 1
      : tensor<2x?x8x64xf16> -> tensor<4xi64>
  // CHECK: %[[A:.*]] = seqpar.all_to_all %[[X]] on @u4["ulysses"] scatter 2 gather 1 gather_lengths(%[[L]] : tensor<4xi64>) : tensor<2x?x8x64xf16> -> tensor<2x?x2x64xf16>
  %a = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      gather_lengths(%l : tensor<4xi64>)
      : tensor<2x?x8x64xf16> -> tensor<2x?x2x64xf16>
  // CHECK: seqpar.all_to_all %[[A]] on @u4["ulysses"] scatter 1 gather 2 scatter_lengths(%[[L]] : tensor<4xi64>) : tensor<2x?x2x64xf16> -> tensor<2x?x8x64xf16>
  %b = seqpar.all_to_all %a on @u4["ulysses"] scatter 1 gather 2
      scatter_lengths(%l : tensor<4xi64>)
      : tensor<2x?x2x64xf16> -> tensor<2x?x8x64xf16>
  return %b : tensor<2x?x8x64xf16>
}

// Both dims by run-time lengths, with a static gather dim on this rank's input.
// CHECK-LABEL: func @all_to_all_both_lengths
func.func @all_to_all_both_lengths(%x: tensor<5x7xi32>, %s: tensor<4xi64>,
                                   %g: tensor<4xi64>) -> tensor<?x?xi32> {
  // CHECK: seqpar.all_to_all %{{.*}} on @u4["ulysses"] scatter 1 gather 0 scatter_lengths(%{{.*}} : tensor<4xi64>) gather_lengths(%{{.*}} : tensor<4xi64>) : tensor<5x7xi32> -> tensor<?x?xi32>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0
      scatter_lengths(%s : tensor<4xi64>) gather_lengths(%g : tensor<4xi64>)
      : tensor<5x7xi32> -> tensor<?x?xi32>
  return %y : tensor<?x?xi32>
}

// Rank 6, a group of two axes (4 ranks) of a 3-D grid.
// CHECK-LABEL: func @all_to_all_rank6
func.func @all_to_all_rank6(%x: tensor<1x2x3x8x5x6xi8>)
    -> tensor<1x2x3x2x20x6xi8> {
  // CHECK: seqpar.all_to_all %{{.*}} on @dp_cp["ring", "ulysses"] scatter 3 gather 4 : tensor<1x2x3x8x5x6xi8> -> tensor<1x2x3x2x20x6xi8>
  %y = seqpar.all_to_all %x on @dp_cp["ring", "ulysses"] scatter 3 gather 4
      : tensor<1x2x3x8x5x6xi8> -> tensor<1x2x3x2x20x6xi8>
  return %y : tensor<1x2x3x2x20x6xi8>
}

// A group of one rank and zero-size dims.
// CHECK-LABEL: func @all_to_all_trivial
func.func @all_to_all_trivial(%x: tensor<0x3xf32>) -> tensor<0x3xf32> {
  // CHECK: seqpar.all_to_all %{{.*}} on @solo["x"] scatter 1 gather 0 : tensor<0x3xf32> -> tensor<0x3xf32>
  %y = seqpar.all_to_all %x on @solo["x"] scatter 1 gather 0
      : tensor<0x3xf32> -> tensor<0x3xf32>
  return %y : tensor<0x3xf32>
}

//===----------------------------------------------------------------------===//
// split and gather
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @split_forms
func.func @split_forms(%x: tensor<2x1024x64xf32>, %v: tensor<10xi64>,
                       %d: tensor<?x3xf64>) {
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 1 : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  %0 = seqpar.split %x on @u4["ulysses"] dim 1
      : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 1 grad_scale down : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  %1 = seqpar.split %x on @u4["ulysses"] dim 1 grad_scale down
      : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 1 grad_scale up : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  %2 = seqpar.split %x on @u4["ulysses"] dim 1 grad_scale up
      : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  // The default scale is not printed.
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 1 : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  %3 = seqpar.split %x on @u4["ulysses"] dim 1 grad_scale none
      : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 1 sizes [300, 300, 212, 212] : tensor<2x1024x64xf32> -> tensor<2x?x64xf32>
  %4 = seqpar.split %x on @u4["ulysses"] dim 1 sizes [300, 300, 212, 212]
      : tensor<2x1024x64xf32> -> tensor<2x?x64xf32>
  // Explicit equal sizes give a static result.
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 1 sizes [256, 256, 256, 256] grad_scale down : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  %5 = seqpar.split %x on @u4["ulysses"] dim 1 sizes [256, 256, 256, 256]
      grad_scale down : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  // Rank 1, uneven split rule: 10 over 4 is 3, 3, 2, 2.
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 0 : tensor<10xi64> -> tensor<?xi64>
  %6 = seqpar.split %v on @u4["ulysses"] dim 0 : tensor<10xi64> -> tensor<?xi64>
  // A dynamic dim with explicit equal sizes.
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 0 sizes [2, 2, 2, 2] : tensor<?x3xf64> -> tensor<2x3xf64>
  %7 = seqpar.split %d on @u4["ulysses"] dim 0 sizes [2, 2, 2, 2]
      : tensor<?x3xf64> -> tensor<2x3xf64>
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 0 : tensor<?x3xf64> -> tensor<?x3xf64>
  %8 = seqpar.split %d on @u4["ulysses"] dim 0 : tensor<?x3xf64> -> tensor<?x3xf64>
  // The hybrid group: ring-major over two axes.
  // CHECK: seqpar.split %{{.*}} on @cp["ring", "ulysses"] dim 1 : tensor<2x1024x64xf32> -> tensor<2x128x64xf32>
  %9 = seqpar.split %x on @cp["ring", "ulysses"] dim 1
      : tensor<2x1024x64xf32> -> tensor<2x128x64xf32>
  return
}

// CHECK-LABEL: func @gather_forms
// CHECK-SAME: (%[[X:.*]]: tensor<2x256x64xi32>, %[[W:.*]]: tensor<2x?x64xi32>, %[[N:.*]]: index)
func.func @gather_forms(%x: tensor<2x256x64xi32>, %w: tensor<2x?x64xi32>,
                        %n: index) {
  // CHECK: seqpar.gather %[[X]] on @u4["ulysses"] dim 1 grad_scale up : tensor<2x256x64xi32> -> tensor<2x1024x64xi32>
  %0 = seqpar.gather %x on @u4["ulysses"] dim 1 grad_scale up
      : tensor<2x256x64xi32> -> tensor<2x1024x64xi32>
  // CHECK: seqpar.gather %[[W]] on @u4["ulysses"] dim 1 sizes [3, 3, 2, 2] : tensor<2x?x64xi32> -> tensor<2x10x64xi32>
  %1 = seqpar.gather %w on @u4["ulysses"] dim 1 sizes [3, 3, 2, 2]
      : tensor<2x?x64xi32> -> tensor<2x10x64xi32>
  // CHECK: seqpar.gather %[[W]] on @u4["ulysses"] dim 1 gather_size 10 grad_scale down : tensor<2x?x64xi32> -> tensor<2x10x64xi32>
  %2 = seqpar.gather %w on @u4["ulysses"] dim 1 gather_size 10 grad_scale down
      : tensor<2x?x64xi32> -> tensor<2x10x64xi32>
  // CHECK: seqpar.gather %[[X]] on @u4["ulysses"] dim 1 gather_size 1024 : tensor<2x256x64xi32> -> tensor<2x1024x64xi32>
  %3 = seqpar.gather %x on @u4["ulysses"] dim 1 gather_size 1024
      : tensor<2x256x64xi32> -> tensor<2x1024x64xi32>
  // CHECK: seqpar.gather %[[W]] on @u4["ulysses"] dim 1 gather_size %[[N]] : tensor<2x?x64xi32> -> tensor<2x?x64xi32>
  %4 = seqpar.gather %w on @u4["ulysses"] dim 1 gather_size %n
      : tensor<2x?x64xi32> -> tensor<2x?x64xi32>
  // CHECK: seqpar.gather %[[W]] on @u4["ulysses"] dim 1 : tensor<2x?x64xi32> -> tensor<2x?x64xi32>
  %5 = seqpar.gather %w on @u4["ulysses"] dim 1
      : tensor<2x?x64xi32> -> tensor<2x?x64xi32>
  return
}

//===----------------------------------------------------------------------===//
// zigzag, packed and hybrid
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @zigzag
func.func @zigzag(%x: tensor<16xi1>, %d: tensor<4x?xf16>) {
  // CHECK: %[[S:.*]] = seqpar.zigzag_split %{{.*}} on @cp["ring"] dim 0 : tensor<16xi1> -> tensor<8xi1>
  %0 = seqpar.zigzag_split %x on @cp["ring"] dim 0 : tensor<16xi1> -> tensor<8xi1>
  // CHECK: seqpar.zigzag_gather %[[S]] on @cp["ring"] dim 0 : tensor<8xi1> -> tensor<16xi1>
  %1 = seqpar.zigzag_gather %0 on @cp["ring"] dim 0 : tensor<8xi1> -> tensor<16xi1>
  // CHECK: seqpar.zigzag_split %{{.*}} on @cp["ring"] dim 1 : tensor<4x?xf16> -> tensor<4x?xf16>
  %2 = seqpar.zigzag_split %d on @cp["ring"] dim 1 : tensor<4x?xf16> -> tensor<4x?xf16>
  // CHECK: seqpar.zigzag_gather %{{.*}} on @cp["ring"] dim 1 : tensor<4x?xf16> -> tensor<4x?xf16>
  %3 = seqpar.zigzag_gather %d on @cp["ring"] dim 1 : tensor<4x?xf16> -> tensor<4x?xf16>
  // Zero length and one rank.
  // CHECK: seqpar.zigzag_split %{{.*}} on @solo["x"] dim 0 : tensor<0x4xf32> -> tensor<0x4xf32>
  %e = tensor.empty() : tensor<0x4xf32>
  %4 = seqpar.zigzag_split %e on @solo["x"] dim 0 : tensor<0x4xf32> -> tensor<0x4xf32>
  return
}

// CHECK-LABEL: func @packed
func.func @packed(%x: tensor<9x64xf64>, %y: tensor<5x64xf64>,
                  %d: tensor<?x64xf64>) {
  // Sequences 5 and 4 over 2 ranks: pieces [3, 2] and [2, 2].
  // CHECK: seqpar.packed_split %{{.*}} on @cp["ring"] dim 0 seq_lens [5, 4] : tensor<9x64xf64> -> tensor<?x64xf64>
  %0 = seqpar.packed_split %x on @cp["ring"] dim 0 seq_lens [5, 4]
      : tensor<9x64xf64> -> tensor<?x64xf64>
  // Sequences 6 and 4 over 2 ranks: every rank holds 5.
  // CHECK: seqpar.packed_split %{{.*}} on @cp["ring"] dim 0 seq_lens [6, 4] : tensor<?x64xf64> -> tensor<5x64xf64>
  %1 = seqpar.packed_split %d on @cp["ring"] dim 0 seq_lens [6, 4]
      : tensor<?x64xf64> -> tensor<5x64xf64>
  // CHECK: seqpar.packed_gather %{{.*}} on @cp["ring"] dim 0 seq_lens [6, 4] : tensor<5x64xf64> -> tensor<10x64xf64>
  %2 = seqpar.packed_gather %y on @cp["ring"] dim 0 seq_lens [6, 4]
      : tensor<5x64xf64> -> tensor<10x64xf64>
  // CHECK: seqpar.packed_gather %{{.*}} on @cp["ring"] dim 0 seq_lens [5, 4] : tensor<?x64xf64> -> tensor<9x64xf64>
  %3 = seqpar.packed_gather %d on @cp["ring"] dim 0 seq_lens [5, 4]
      : tensor<?x64xf64> -> tensor<9x64xf64>
  return
}

// CHECK-LABEL: func @hybrid
// CHECK-SAME: %[[N:[^:]*]]: index
func.func @hybrid(%x: tensor<2x1024x64xf32>, %y: tensor<2x128x64xf32>,
                  %d: tensor<2x?x64xf32>, %p: tensor<24x64xbf16>,
                  %q: tensor<3x64xbf16>, %n: index) {
  // CHECK: seqpar.hybrid_split %{{.*}} on @cp ring "ring" ulysses "ulysses" dim 1 : tensor<2x1024x64xf32> -> tensor<2x128x64xf32>
  %0 = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x1024x64xf32> -> tensor<2x128x64xf32>
  // 20 = 2 * 2 * 5 over the ring gives 10 per ring rank, 3, 3, 2, 2 over Ulysses.
  // CHECK: seqpar.hybrid_split %{{.*}} on @cp ring "ring" ulysses "ulysses" dim 1 : tensor<2x20x64xf32> -> tensor<2x?x64xf32>
  %z = tensor.empty() : tensor<2x20x64xf32>
  %1 = seqpar.hybrid_split %z on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x20x64xf32> -> tensor<2x?x64xf32>
  // CHECK: seqpar.hybrid_gather %{{.*}} on @cp ring "ring" ulysses "ulysses" dim 1 : tensor<2x128x64xf32> -> tensor<2x1024x64xf32>
  %2 = seqpar.hybrid_gather %y on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x128x64xf32> -> tensor<2x1024x64xf32>
  // CHECK: seqpar.hybrid_gather %{{.*}} on @cp ring "ring" ulysses "ulysses" dim 1 gather_size 20 : tensor<2x?x64xf32> -> tensor<2x20x64xf32>
  %3 = seqpar.hybrid_gather %d on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size 20 : tensor<2x?x64xf32> -> tensor<2x20x64xf32>
  // CHECK: seqpar.hybrid_gather %{{.*}} on @cp ring "ring" ulysses "ulysses" dim 1 gather_size %[[N]] : tensor<2x?x64xf32> -> tensor<2x?x64xf32>
  %4 = seqpar.hybrid_gather %d on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size %n : tensor<2x?x64xf32> -> tensor<2x?x64xf32>
  // The Ulysses axis may come first in the grid.
  // CHECK: seqpar.hybrid_split %{{.*}} on @dp_cp ring "ulysses" ulysses "ring" dim 1 : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  %5 = seqpar.hybrid_split %x on @dp_cp ring "ulysses" ulysses "ring" dim 1
      : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  // CHECK: seqpar.hybrid_packed_split %{{.*}} on @cp ring "ring" ulysses "ulysses" dim 0 seq_lens [16, 8] : tensor<24x64xbf16> -> tensor<3x64xbf16>
  %6 = seqpar.hybrid_packed_split %p on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<24x64xbf16> -> tensor<3x64xbf16>
  // CHECK: seqpar.hybrid_packed_split %{{.*}} on @cp ring "ring" ulysses "ulysses" dim 0 seq_lens [15, 9] : tensor<24x64xbf16> -> tensor<?x64xbf16>
  %7 = seqpar.hybrid_packed_split %p on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [15, 9] : tensor<24x64xbf16> -> tensor<?x64xbf16>
  // CHECK: seqpar.hybrid_packed_gather %{{.*}} on @cp ring "ring" ulysses "ulysses" dim 0 seq_lens [16, 8] : tensor<3x64xbf16> -> tensor<24x64xbf16>
  %8 = seqpar.hybrid_packed_gather %q on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<3x64xbf16> -> tensor<24x64xbf16>
  return
}

//===----------------------------------------------------------------------===//
// Groups in any axis order, disabled rings, the lowering attribute
//===----------------------------------------------------------------------===//

// A group may list the grid's axes in any order: the same ranks, numbered
// row-major in the listed order.
// CHECK-LABEL: func @axis_order
func.func @axis_order(%x: tensor<2x24x64xf32>) {
  // CHECK: seqpar.split %{{.*}} on @dp_cp["ulysses", "dp", "ring"] dim 1 : tensor<2x24x64xf32> -> tensor<2x3x64xf32>
  %0 = seqpar.split %x on @dp_cp["ulysses", "dp", "ring"] dim 1
      : tensor<2x24x64xf32> -> tensor<2x3x64xf32>
  // CHECK: seqpar.all_to_all %{{.*}} on @cp["ulysses", "ring"] scatter 1 gather 0 : tensor<2x24x64xf32> -> tensor<16x3x64xf32>
  %1 = seqpar.all_to_all %x on @cp["ulysses", "ring"] scatter 1 gather 0
      : tensor<2x24x64xf32> -> tensor<16x3x64xf32>
  // CHECK: seqpar.exchange_lengths %{{.*}} on @cp["ulysses", "ring"] dim 1 : tensor<2x24x64xf32> -> tensor<8xi64>
  %2 = seqpar.exchange_lengths %x on @cp["ulysses", "ring"] dim 1
      : tensor<2x24x64xf32> -> tensor<8xi64>
  return
}

// A ring of one rank is disabled: no zigzag, so no multiple of 2R is needed,
// and a zigzag over one rank keeps everything.
// CHECK: seqpar.grid @ring1(axes = ["ring" = 1, "ulysses" = 2])
seqpar.grid @ring1(axes = ["ring" = 1, "ulysses" = 2])

// CHECK-LABEL: func @ring_of_one
func.func @ring_of_one(%x: tensor<7x4xf32>, %y: tensor<3x4xf32>) {
  // CHECK: seqpar.hybrid_split %{{.*}} on @ring1 ring "ring" ulysses "ulysses" dim 0 : tensor<7x4xf32> -> tensor<?x4xf32>
  %0 = seqpar.hybrid_split %x on @ring1 ring "ring" ulysses "ulysses" dim 0
      : tensor<7x4xf32> -> tensor<?x4xf32>
  // CHECK: seqpar.hybrid_gather %{{.*}} on @ring1 ring "ring" ulysses "ulysses" dim 0 : tensor<3x4xf32> -> tensor<6x4xf32>
  %1 = seqpar.hybrid_gather %y on @ring1 ring "ring" ulysses "ulysses" dim 0
      : tensor<3x4xf32> -> tensor<6x4xf32>
  // CHECK: seqpar.zigzag_split %{{.*}} on @ring1["ring"] dim 0 : tensor<7x4xf32> -> tensor<7x4xf32>
  %2 = seqpar.zigzag_split %x on @ring1["ring"] dim 0
      : tensor<7x4xf32> -> tensor<7x4xf32>
  // CHECK: seqpar.zigzag_gather %{{.*}} on @ring1["ring"] dim 0 : tensor<3x4xf32> -> tensor<3x4xf32>
  %3 = seqpar.zigzag_gather %y on @ring1["ring"] dim 0
      : tensor<3x4xf32> -> tensor<3x4xf32>
  return
}

// CHECK-LABEL: func @lowering_attribute
func.func @lowering_attribute(%x: tensor<10xf32>) {
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 0 {seqpar.lowering = #seqpar.lowering<per_peer>} : tensor<10xf32> -> tensor<?xf32>
  %0 = seqpar.split %x on @u4["ulysses"] dim 0
      {seqpar.lowering = #seqpar.lowering<per_peer>}
      : tensor<10xf32> -> tensor<?xf32>
  // The runtime form is valid on every shape.
  // CHECK: seqpar.split %{{.*}} on @u4["ulysses"] dim 0 {seqpar.lowering = #seqpar.lowering<runtime>} : tensor<10xf32> -> tensor<?xf32>
  %1 = seqpar.split %x on @u4["ulysses"] dim 0
      {seqpar.lowering = #seqpar.lowering<runtime>}
      : tensor<10xf32> -> tensor<?xf32>
  return
}

//===----------------------------------------------------------------------===//
// Group queries
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @group_queries
func.func @group_queries() -> (index, index, index) {
  // CHECK: seqpar.group_rank on @cp["ulysses", "ring"]
  %r = seqpar.group_rank on @cp["ulysses", "ring"]
  // CHECK: seqpar.group_size on @cp["ring"]
  %p = seqpar.group_size on @cp["ring"]
  // CHECK: seqpar.group_rank on @dp_cp["dp"] {note = 1 : i64}
  %d = seqpar.group_rank on @dp_cp["dp"] {note = 1}
  return %r, %p, %d : index, index, index
}

//===----------------------------------------------------------------------===//
// Shardings and reshard
//===----------------------------------------------------------------------===//

#seq = #seqpar.sharding<@cp, [{}, {"ring" zigzag, "ulysses"}, {}, {}]>

// CHECK-LABEL: func @reshard
func.func @reshard(%x: tensor<2x128x16x64xf32>, %p: tensor<?x8xf32>,
                   %u: tensor<?x5x6xf32>)
    -> (tensor<2x1024x2x64xf32>, tensor<?x8xf32>, tensor<10x5x?xf32>) {
  // Ulysses within the ring: the sequence (zigzag over the ring, the split
  // rule over Ulysses) to heads over Ulysses.
  // CHECK: seqpar.reshard %{{.*}} from <@cp, [{}, {"ring" zigzag, "ulysses"}, {}, {}]> to <@cp, [{}, {}, {"ulysses", "ring"}, {}]> shape [2, 1024, 16, 64] : tensor<2x128x16x64xf32> -> tensor<2x1024x2x64xf32>
  %0 = seqpar.reshard %x from #seq
      to <@cp, [{}, {}, {"ulysses", "ring"}, {}]> shape [2, 1024, 16, 64]
      : tensor<2x128x16x64xf32> -> tensor<2x1024x2x64xf32>
  // Packed sequences and explicit sizes.
  // CHECK: seqpar.reshard %{{.*}} from <@cp, [{"ring" packed [5, 4]}, {}]> to <@cp, [{"ulysses" sizes [3, 3, 3, 0]}, {}]> shape [9, 8] : tensor<?x8xf32> -> tensor<?x8xf32>
  %1 = seqpar.reshard %p from <@cp, [{"ring" packed [5, 4]}, {}]>
      to <@cp, [{"ulysses" sizes [3, 3, 3, 0]}, {}]> shape [9, 8]
      : tensor<?x8xf32> -> tensor<?x8xf32>
  // The static dims of an input may also be dynamic.
  // CHECK: seqpar.reshard %{{.*}} from <@u4, [{"ulysses"}, {}, {}]> to <@u4, [{}, {}, {"ulysses"}]> shape [10, 5, 6] : tensor<?x5x6xf32> -> tensor<10x5x?xf32>
  %2 = seqpar.reshard %u from <@u4, [{"ulysses"}, {}, {}]>
      to <@u4, [{}, {}, {"ulysses"}]> shape [10, 5, 6]
      : tensor<?x5x6xf32> -> tensor<10x5x?xf32>
  return %0, %1, %2 : tensor<2x1024x2x64xf32>, tensor<?x8xf32>, tensor<10x5x?xf32>
}

// A dim sharding on its own.
// CHECK-LABEL: func @dim_sharding
// CHECK-SAME: seqpar.dim = #seqpar.dim_sharding<{"ring" sizes [3, 1], "ulysses"}>
func.func @dim_sharding() attributes {
    seqpar.dim = #seqpar.dim_sharding<{"ring" sizes [3, 1], "ulysses"}>} {
  return
}
