// seqpar-plan-reshard on the textbook reshards of sequence and context
// parallelism: the collectives the planner chooses, with explicit sizes,
// zigzag and packed distributions, and rank-dependent gather lengths.
// RUN: seqpar-opt %s --seqpar-plan-reshard --split-input-file | FileCheck %s

seqpar.grid @sp(axes = ["u" = 4])

// Ulysses forward: [b, s/P, h, d] -> [b, s, h/P, d], one all_to_all, on
// uneven sequence and heads (10 tokens, 6 heads, 4 ranks); and backward.
// CHECK-LABEL: func @ulysses
// CHECK: %[[F:.*]] = seqpar.all_to_all %{{.*}} on @sp["u"] scatter 2 gather 1 gather_size 10 : tensor<2x?x6x64xf32> -> tensor<2x10x?x64xf32>
// CHECK: %[[B:.*]] = seqpar.all_to_all %[[F]] on @sp["u"] scatter 1 gather 2 gather_size 6 : tensor<2x10x?x64xf32> -> tensor<2x?x6x64xf32>
// CHECK: return %[[B]]
func.func @ulysses(%x: tensor<2x?x6x64xf32>) -> tensor<2x?x6x64xf32> {
  %y = seqpar.reshard %x from <@sp, [{}, {"u"}, {}, {}]>
      to <@sp, [{}, {}, {"u"}, {}]> shape [2, 10, 6, 64]
      : tensor<2x?x6x64xf32> -> tensor<2x10x?x64xf32>
  %z = seqpar.reshard %y from <@sp, [{}, {}, {"u"}, {}]>
      to <@sp, [{}, {"u"}, {}, {}]> shape [2, 10, 6, 64]
      : tensor<2x10x?x64xf32> -> tensor<2x?x6x64xf32>
  return %z : tensor<2x?x6x64xf32>
}

// Explicit sizes on either side of an all_to_all travel as constant
// lengths.
// CHECK-LABEL: func @ulysses_sizes
// CHECK-DAG: %[[G:.*]] = arith.constant dense<[4, 3, 2, 1]> : tensor<4xi64>
// CHECK: %[[A:.*]] = seqpar.all_to_all %{{.*}} on @sp["u"] scatter 1 gather 0 gather_lengths(%[[G]] : tensor<4xi64>) : tensor<?x8xf32> -> tensor<?x2xf32>
// CHECK: tensor.cast %[[A]] : tensor<?x2xf32> to tensor<10x2xf32>
func.func @ulysses_sizes(%x: tensor<?x8xf32>) -> tensor<10x2xf32> {
  %y = seqpar.reshard %x from <@sp, [{"u" sizes [4, 3, 2, 1]}, {}]>
      to <@sp, [{}, {"u"}]> shape [10, 8]
      : tensor<?x8xf32> -> tensor<10x2xf32>
  return %y : tensor<10x2xf32>
}

// -----

seqpar.grid @ring(axes = ["r" = 2])

// Ring attention: zigzag to contiguous is a gather of the zigzag and a
// split (a local copy).
// CHECK-LABEL: func @zigzag_to_contiguous
// CHECK: %[[W:.*]] = seqpar.zigzag_gather %{{.*}} on @ring["r"] dim 1 : tensor<2x8x4xf32> -> tensor<2x16x4xf32>
// CHECK: seqpar.split %[[W]] on @ring["r"] dim 1 : tensor<2x16x4xf32> -> tensor<2x8x4xf32>
func.func @zigzag_to_contiguous(%x: tensor<2x8x4xf32>) -> tensor<2x8x4xf32> {
  %y = seqpar.reshard %x from <@ring, [{}, {"r" zigzag}, {}]>
      to <@ring, [{}, {"r"}, {}]> shape [2, 16, 4]
      : tensor<2x8x4xf32> -> tensor<2x8x4xf32>
  return %y : tensor<2x8x4xf32>
}

// Packed sequences to the split rule over the whole sequence.
// CHECK-LABEL: func @packed
// CHECK: %[[P:.*]] = seqpar.packed_gather %{{.*}} on @ring["r"] dim 0 seq_lens [5, 4] : tensor<?x3xf32> -> tensor<9x3xf32>
// CHECK: seqpar.split %[[P]] on @ring["r"] dim 0 : tensor<9x3xf32> -> tensor<?x3xf32>
func.func @packed(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %y = seqpar.reshard %x from <@ring, [{"r" packed [5, 4]}, {}]>
      to <@ring, [{"r"}, {}]> shape [9, 3]
      : tensor<?x3xf32> -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

// Hybrid CP split: zigzag over the ring, then the split rule over Ulysses,
// both local copies; the gather is Ulysses first, then the ring.
// CHECK-LABEL: func @hybrid
// CHECK: %[[Z:.*]] = seqpar.zigzag_split %{{.*}} on @cp["ring"] dim 1 : tensor<2x24x8xf32> -> tensor<2x12x8xf32>
// CHECK: %[[S:.*]] = seqpar.split %[[Z]] on @cp["ulysses"] dim 1 : tensor<2x12x8xf32> -> tensor<2x3x8xf32>
// CHECK: %[[G:.*]] = seqpar.gather %[[S]] on @cp["ulysses"] dim 1 gather_size 12 : tensor<2x3x8xf32> -> tensor<2x12x8xf32>
// CHECK: seqpar.zigzag_gather %[[G]] on @cp["ring"] dim 1 : tensor<2x12x8xf32> -> tensor<2x24x8xf32>
func.func @hybrid(%x: tensor<2x24x8xf32>) -> tensor<2x24x8xf32> {
  %y = seqpar.reshard %x from <@cp, [{}, {}, {}]>
      to <@cp, [{}, {"ring" zigzag, "ulysses"}, {}]> shape [2, 24, 8]
      : tensor<2x24x8xf32> -> tensor<2x3x8xf32>
  %z = seqpar.reshard %y from <@cp, [{}, {"ring" zigzag, "ulysses"}, {}]>
      to <@cp, [{}, {}, {}]> shape [2, 24, 8]
      : tensor<2x3x8xf32> -> tensor<2x24x8xf32>
  return %z : tensor<2x24x8xf32>
}

// Hybrid Ulysses within the ring: the Ulysses axis moves from the sequence
// to the heads; the ring keeps its zigzag.
// CHECK-LABEL: func @hybrid_ulysses
// CHECK: seqpar.all_to_all %{{.*}} on @cp["ulysses"] scatter 1 gather 0 gather_size 12 : tensor<3x16xf32> -> tensor<12x4xf32>
// CHECK-NOT: seqpar.
func.func @hybrid_ulysses(%x: tensor<3x16xf32>) -> tensor<12x4xf32> {
  %y = seqpar.reshard %x from <@cp, [{"ring" zigzag, "ulysses"}, {}]>
      to <@cp, [{"ring" zigzag}, {"ulysses"}]> shape [24, 16]
      : tensor<3x16xf32> -> tensor<12x4xf32>
  return %y : tensor<12x4xf32>
}

// Reordering the axes of a dim: gather both, split again in the new order.
// The gather of the further axis takes the length the rank holds (11 over
// the ring: 6 or 5), from a table indexed by its place on the dim's other
// axes.
// CHECK-LABEL: func @axis_order
// CHECK: %[[R:.*]] = seqpar.group_rank on @cp["ring"]
// CHECK: %[[T:.*]] = arith.constant dense<[6, 5]> : tensor<2xindex>
// CHECK: %[[N:.*]] = tensor.extract %[[T]][%[[R]]] : tensor<2xindex>
// CHECK: %[[U:.*]] = seqpar.gather %{{.*}} on @cp["ulysses"] dim 0 gather_size %[[N]] : tensor<?x3xf32> -> tensor<?x3xf32>
// CHECK: %[[W:.*]] = seqpar.gather %[[U]] on @cp["ring"] dim 0 gather_size 11 : tensor<?x3xf32> -> tensor<11x3xf32>
// CHECK: %[[S:.*]] = seqpar.split %[[W]] on @cp["ulysses"] dim 0 : tensor<11x3xf32> -> tensor<?x3xf32>
// CHECK: seqpar.split %[[S]] on @cp["ring"] dim 0 : tensor<?x3xf32> -> tensor<?x3xf32>
func.func @axis_order(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %y = seqpar.reshard %x from <@cp, [{"ring", "ulysses"}, {}]>
      to <@cp, [{"ulysses", "ring"}, {}]> shape [11, 3]
      : tensor<?x3xf32> -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

seqpar.grid @big(axes = ["a" = 65536])

// The largest grid: shapes and costs come from per-dim tables, not from
// every rank's pieces.
// CHECK-LABEL: func @largest_grid
// CHECK: seqpar.gather %{{.*}} on @big["a"] dim 0 gather_size 100000 : tensor<?xf32> -> tensor<100000xf32>
func.func @largest_grid(%x: tensor<?xf32>) -> tensor<100000xf32> {
  %y = seqpar.reshard %x from <@big, [{"a"}]> to <@big, [{}]> shape [100000]
      : tensor<?xf32> -> tensor<100000xf32>
  return %y : tensor<100000xf32>
}
