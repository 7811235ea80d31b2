// The adjoint of every differentiable op (AdjointOpInterface), built by a test
// pass with the op's own result standing in for the gradient; the output is
// verified, so every adjoint is a valid op of the right type.
// RUN: seqpar-opt %s --test-seqpar-adjoint | FileCheck %s

seqpar.grid @u4(axes = ["ulysses" = 4])
seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

// CHECK-LABEL: func @all_to_all
func.func @all_to_all(%x: tensor<2x256x16x64xbf16>, %v: tensor<2x?x6x64xf32>) {
  // Swapped dims, gather_size = S, no scaling.
  // CHECK: %[[Y:.*]] = seqpar.all_to_all %{{.*}} scatter 2 gather 1 {test.adjoint_factor = array<i64: 1, 1>}
  // CHECK-NEXT: seqpar.all_to_all %[[Y]] on @u4["ulysses"] scatter 1 gather 2 gather_size 16 : tensor<2x1024x4x64xbf16> -> tensor<2x256x16x64xbf16>
  %y = seqpar.all_to_all %x on @u4["ulysses"] scatter 2 gather 1
      : tensor<2x256x16x64xbf16> -> tensor<2x1024x4x64xbf16>
  // A dynamic S is read from the forward input.
  // CHECK: %[[U:.*]] = seqpar.all_to_all %[[V:.*]] on @u4["ulysses"] scatter 1 gather 2
  // CHECK-NEXT: %[[C1:.*]] = arith.constant 1 : index
  // CHECK-NEXT: %[[S:.*]] = tensor.dim %[[V]], %[[C1]]
  // CHECK-NEXT: seqpar.all_to_all %[[U]] on @u4["ulysses"] scatter 2 gather 1 gather_size %[[S]] : tensor<2x?x24x64xf32> -> tensor<2x?x6x64xf32>
  %u = seqpar.all_to_all %v on @u4["ulysses"] scatter 1 gather 2
      : tensor<2x?x6x64xf32> -> tensor<2x?x24x64xf32>
  return
}

// Replicated blocks: the adjoint gathers them back with the same slots and
// the scatter dim's length, summing the copies; and the other way round.
// CHECK-LABEL: func @all_to_all_slots
func.func @all_to_all_slots(%k: tensor<2x3x2x8xf32>, %v: tensor<?x5xf32>,
                            %g: tensor<2x12x1x8xf32>) {
  // CHECK: %[[A:.*]] = seqpar.all_to_all %{{.*}} scatter 2 slots 4 gather 1 {test.adjoint_factor = array<i64: 1, 1>}
  // CHECK-NEXT: seqpar.all_to_all %[[A]] on @u4["ulysses"] scatter 1 gather 2 slots 4 gather_size 2 : tensor<2x12x1x8xf32> -> tensor<2x3x2x8xf32>
  %a = seqpar.all_to_all %k on @u4["ulysses"] scatter 2 slots 4 gather 1
      : tensor<2x3x2x8xf32> -> tensor<2x12x1x8xf32>
  // A dynamic length is read from the forward input.
  // CHECK: %[[B:.*]] = seqpar.all_to_all %[[V:.*]] on @u4["ulysses"] scatter 0 slots 6 gather 1
  // CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
  // CHECK-NEXT: %[[N:.*]] = tensor.dim %[[V]], %[[C0]]
  // CHECK-NEXT: seqpar.all_to_all %[[B]] on @u4["ulysses"] scatter 1 gather 0 slots 6 gather_size %[[N]] : tensor<?x20xf32> -> tensor<?x5xf32>
  %b = seqpar.all_to_all %v on @u4["ulysses"] scatter 0 slots 6 gather 1
      : tensor<?x5xf32> -> tensor<?x20xf32>
  // CHECK: %[[C:.*]] = seqpar.all_to_all %{{.*}} scatter 1 gather 2 slots 4 gather_size 2 {test.adjoint_factor = array<i64: 1, 1>}
  // CHECK-NEXT: seqpar.all_to_all %[[C]] on @u4["ulysses"] scatter 2 slots 4 gather 1 gather_size 12 : tensor<2x3x2x8xf32> -> tensor<2x12x1x8xf32>
  %c = seqpar.all_to_all %g on @u4["ulysses"] scatter 1 gather 2 slots 4
      gather_size 2 : tensor<2x12x1x8xf32> -> tensor<2x3x2x8xf32>
  return
}

// The lengths operands swap: exchanged once, never again.
// CHECK-LABEL: func @all_to_all_lengths
// CHECK-SAME: (%[[X:.*]]: tensor<5x8xf32>)
func.func @all_to_all_lengths(%x: tensor<5x8xf32>) {
  // CHECK: %[[L:.*]] = seqpar.exchange_lengths
  %l = seqpar.exchange_lengths %x on @u4["ulysses"] dim 0
      : tensor<5x8xf32> -> tensor<4xi64>
  // CHECK-NEXT: %[[A:.*]] = seqpar.all_to_all %[[X]] {{.*}} gather_lengths(%[[L]] : tensor<4xi64>) {test.adjoint_factor
  // The inferred type is less static than the forward input: cast back.
  // CHECK-NEXT: %[[R:.*]] = seqpar.all_to_all %[[A]] on @u4["ulysses"] scatter 0 gather 1 gather_size 8 scatter_lengths(%[[L]] : tensor<4xi64>) : tensor<?x2xf32> -> tensor<?x8xf32>
  // CHECK-NEXT: tensor.cast %[[R]] : tensor<?x8xf32> to tensor<5x8xf32>
  %a = seqpar.all_to_all %x on @u4["ulysses"] scatter 1 gather 0
      gather_lengths(%l : tensor<4xi64>) : tensor<5x8xf32> -> tensor<?x2xf32>
  // CHECK: %[[B:.*]] = seqpar.all_to_all %[[A]] {{.*}} scatter_lengths(%[[L]] : tensor<4xi64>) {test.adjoint_factor
  // CHECK-NEXT: seqpar.all_to_all %[[B]] on @u4["ulysses"] scatter 1 gather 0 gather_lengths(%[[L]] : tensor<4xi64>) : tensor<?x8xf32> -> tensor<?x2xf32>
  %b = seqpar.all_to_all %a on @u4["ulysses"] scatter 0 gather 1
      scatter_lengths(%l : tensor<4xi64>) : tensor<?x2xf32> -> tensor<?x8xf32>
  return
}

// CHECK-LABEL: func @split_gather
func.func @split_gather(%x: tensor<10x3xf32>, %d: tensor<?x3xf32>) {
  // The split rule's pieces are a gather of the forward length; scale 1/P.
  // CHECK: %[[S0:.*]] = seqpar.split {{.*}} grad_scale down {test.adjoint_factor = array<i64: 1, 4>}
  // CHECK-NEXT: seqpar.gather %[[S0]] on @u4["ulysses"] dim 0 gather_size 10 : tensor<?x3xf32> -> tensor<10x3xf32>
  %0 = seqpar.split %x on @u4["ulysses"] dim 0 grad_scale down
      : tensor<10x3xf32> -> tensor<?x3xf32>
  // CHECK: %[[S1:.*]] = seqpar.split %[[D:.*]] on @u4["ulysses"] dim 0 {test.adjoint_factor = array<i64: 1, 1>}
  // CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
  // CHECK-NEXT: %[[N:.*]] = tensor.dim %[[D]], %[[C0]]
  // CHECK-NEXT: seqpar.gather %[[S1]] on @u4["ulysses"] dim 0 gather_size %[[N]] : tensor<?x3xf32> -> tensor<?x3xf32>
  %1 = seqpar.split %d on @u4["ulysses"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
  // CHECK: %[[S2:.*]] = seqpar.split {{.*}} sizes [1, 2, 3, 4] grad_scale up {test.adjoint_factor = array<i64: 4, 1>}
  // CHECK-NEXT: seqpar.gather %[[S2]] on @u4["ulysses"] dim 0 sizes [1, 2, 3, 4] : tensor<?x3xf32> -> tensor<10x3xf32>
  %2 = seqpar.split %x on @u4["ulysses"] dim 0 sizes [1, 2, 3, 4] grad_scale up
      : tensor<10x3xf32> -> tensor<?x3xf32>
  // CHECK: %[[G0:.*]] = seqpar.gather {{.*}} gather_size 10 grad_scale up {test.adjoint_factor = array<i64: 4, 1>}
  // CHECK-NEXT: seqpar.split %[[G0]] on @u4["ulysses"] dim 0 : tensor<10x3xf32> -> tensor<?x3xf32>
  %3 = seqpar.gather %d on @u4["ulysses"] dim 0 gather_size 10 grad_scale up
      : tensor<?x3xf32> -> tensor<10x3xf32>
  // CHECK: %[[G1:.*]] = seqpar.gather {{.*}} sizes [1, 2, 3, 4] grad_scale down {test.adjoint_factor = array<i64: 1, 4>}
  // CHECK-NEXT: seqpar.split %[[G1]] on @u4["ulysses"] dim 0 sizes [1, 2, 3, 4] : tensor<10x3xf32> -> tensor<?x3xf32>
  %4 = seqpar.gather %d on @u4["ulysses"] dim 0 sizes [1, 2, 3, 4] grad_scale down
      : tensor<?x3xf32> -> tensor<10x3xf32>
  return
}

// CHECK-LABEL: func @zigzag_packed
func.func @zigzag_packed(%x: tensor<16x3xf32>, %p: tensor<24x64xbf16>) {
  // CHECK: %[[Z0:.*]] = seqpar.zigzag_split {{.*}} {test.adjoint_factor = array<i64: 1, 4>}
  // CHECK-NEXT: seqpar.zigzag_gather %[[Z0]] on @u4["ulysses"] dim 0 : tensor<4x3xf32> -> tensor<16x3xf32>
  %0 = seqpar.zigzag_split %x on @u4["ulysses"] dim 0 : tensor<16x3xf32> -> tensor<4x3xf32>
  // CHECK: %[[Z1:.*]] = seqpar.zigzag_gather {{.*}} {test.adjoint_factor = array<i64: 4, 1>}
  // CHECK-NEXT: seqpar.zigzag_split %[[Z1]] on @u4["ulysses"] dim 0 : tensor<64x3xf32> -> tensor<16x3xf32>
  %1 = seqpar.zigzag_gather %x on @u4["ulysses"] dim 0 : tensor<16x3xf32> -> tensor<64x3xf32>
  // CHECK: %[[P0:.*]] = seqpar.packed_split {{.*}} {test.adjoint_factor = array<i64: 1, 2>}
  // CHECK-NEXT: seqpar.packed_gather %[[P0]] on @cp["ring"] dim 0 seq_lens [15, 9] : tensor<?x64xbf16> -> tensor<24x64xbf16>
  %2 = seqpar.packed_split %p on @cp["ring"] dim 0 seq_lens [15, 9]
      : tensor<24x64xbf16> -> tensor<?x64xbf16>
  // CHECK: %[[P1:.*]] = seqpar.packed_gather {{.*}} {test.adjoint_factor = array<i64: 2, 1>}
  // CHECK-NEXT: seqpar.packed_split %[[P1]] on @cp["ring"] dim 0 seq_lens [15, 9] : tensor<24x64xbf16> -> tensor<?x64xbf16>
  %3 = seqpar.packed_gather %2 on @cp["ring"] dim 0 seq_lens [15, 9]
      : tensor<?x64xbf16> -> tensor<24x64xbf16>
  return
}

// CHECK-LABEL: func @hybrid
func.func @hybrid(%h: tensor<2x20x64xf32>, %p: tensor<24x64xbf16>,
                  %d: tensor<?x3xf32>) {
  // CHECK: %[[H0:.*]] = seqpar.hybrid_split {{.*}} {test.adjoint_factor = array<i64: 1, 8>}
  // CHECK-NEXT: seqpar.hybrid_gather %[[H0]] on @cp ring "ring" ulysses "ulysses" dim 1 gather_size 20 : tensor<2x?x64xf32> -> tensor<2x20x64xf32>
  %0 = seqpar.hybrid_split %h on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x20x64xf32> -> tensor<2x?x64xf32>
  // CHECK: %[[H1:.*]] = seqpar.hybrid_gather {{.*}} {test.adjoint_factor = array<i64: 8, 1>}
  // CHECK-NEXT: seqpar.hybrid_split %[[H1]] on @cp ring "ring" ulysses "ulysses" dim 1 : tensor<2x20x64xf32> -> tensor<2x?x64xf32>
  %1 = seqpar.hybrid_gather %0 on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size 20 : tensor<2x?x64xf32> -> tensor<2x20x64xf32>
  // CHECK: %[[H2:.*]] = seqpar.hybrid_packed_split {{.*}} {test.adjoint_factor = array<i64: 1, 8>}
  // CHECK-NEXT: seqpar.hybrid_packed_gather %[[H2]] on @cp ring "ring" ulysses "ulysses" dim 0 seq_lens [16, 8] : tensor<3x64xbf16> -> tensor<24x64xbf16>
  %2 = seqpar.hybrid_packed_split %p on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<24x64xbf16> -> tensor<3x64xbf16>
  // CHECK: %[[H3:.*]] = seqpar.hybrid_packed_gather {{.*}} {test.adjoint_factor = array<i64: 8, 1>}
  // CHECK-NEXT: seqpar.hybrid_packed_split %[[H3]] on @cp ring "ring" ulysses "ulysses" dim 0 seq_lens [16, 8] : tensor<24x64xbf16> -> tensor<3x64xbf16>
  %3 = seqpar.hybrid_packed_gather %2 on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<3x64xbf16> -> tensor<24x64xbf16>
  // CHECK: %[[H4:.*]] = seqpar.hybrid_split %[[D:.*]] on @cp
  // CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
  // CHECK-NEXT: %[[N:.*]] = tensor.dim %[[D]], %[[C0]]
  // CHECK-NEXT: seqpar.hybrid_gather %[[H4]] on @cp ring "ring" ulysses "ulysses" dim 0 gather_size %[[N]] : tensor<?x3xf32> -> tensor<?x3xf32>
  %4 = seqpar.hybrid_split %d on @cp ring "ring" ulysses "ulysses" dim 0
      : tensor<?x3xf32> -> tensor<?x3xf32>
  return
}

// A group in another order than the grid's, and a disabled ring of one rank:
// the adjoints keep the group and take their types from the op model.
seqpar.grid @ring1(axes = ["ring" = 1, "ulysses" = 2])

// CHECK-LABEL: func @axis_order_and_ring_of_one
func.func @axis_order_and_ring_of_one(%x: tensor<2x24xf32>, %o: tensor<7xf32>) {
  // CHECK: %[[S:.*]] = seqpar.split {{.*}} on @cp["ulysses", "ring"] dim 1 {test.adjoint_factor = array<i64: 1, 1>}
  // CHECK-NEXT: seqpar.gather %[[S]] on @cp["ulysses", "ring"] dim 1 gather_size 24 : tensor<2x3xf32> -> tensor<2x24xf32>
  %0 = seqpar.split %x on @cp["ulysses", "ring"] dim 1
      : tensor<2x24xf32> -> tensor<2x3xf32>
  // CHECK: %[[H:.*]] = seqpar.hybrid_split {{.*}} on @ring1 {{.*}} {test.adjoint_factor = array<i64: 1, 2>}
  // CHECK-NEXT: seqpar.hybrid_gather %[[H]] on @ring1 ring "ring" ulysses "ulysses" dim 0 gather_size 7 : tensor<?xf32> -> tensor<7xf32>
  %1 = seqpar.hybrid_split %o on @ring1 ring "ring" ulysses "ulysses" dim 0
      : tensor<7xf32> -> tensor<?xf32>
  return
}

// A reshard's adjoint is the reverse reshard, unscaled.
// CHECK-LABEL: func @reshard
func.func @reshard(%x: tensor<?x6xf32>) {
  // CHECK: %[[R:.*]] = seqpar.reshard {{.*}} {test.adjoint_factor = array<i64: 1, 1>}
  // CHECK-NEXT: seqpar.reshard %[[R]] from <@cp, [{}, {"ulysses"}]> to <@cp, [{"ring" sizes [3, 2]}, {}]> shape [5, 6] : tensor<5x?xf32> -> tensor<?x6xf32>
  %0 = seqpar.reshard %x from <@cp, [{"ring" sizes [3, 2]}, {}]>
      to <@cp, [{}, {"ulysses"}]> shape [5, 6]
      : tensor<?x6xf32> -> tensor<5x?xf32>
  return
}
