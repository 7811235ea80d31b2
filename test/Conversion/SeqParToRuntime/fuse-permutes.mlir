// RUN: seqpar-opt %s --seqpar-to-runtime="init-function=" | FileCheck %s
// RUN: seqpar-opt %s --seqpar-to-runtime="init-function= fuse-permutes=false" \
// RUN:   | FileCheck %s --check-prefix=NOFUSE

seqpar.grid @cp(axes = ["u" = 4])

// The seeds' layout: heads-major [b, h, s/P, d] permuted to [b, s/P, h, d]
// before the all-to-all and back to [b, h/P, s, d] after. Both permutes
// become strides of the runtime's pack and unpack: no copy is left, only the
// call on two strided views.
// CHECK-LABEL: func @seed_style
// CHECK-SAME: (%[[X:.*]]: tensor<2x16x8x64xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[IN:.*]] = bufferization.to_buffer %[[X]] read_only
// CHECK: %[[INV:.*]] = memref.transpose %[[IN]] (d0, d1, d2, d3) -> (d0, d2, d1, d3)
// CHECK: memref.cast %[[INV]]
// CHECK: %[[OUT:.*]] = memref.alloc() {seqpar.output} : memref<2x4x32x64xf32>
// CHECK: %[[OUTV:.*]] = memref.transpose %[[OUT]] (d0, d1, d2, d3) -> (d0, d2, d1, d3)
// CHECK: memref.cast %[[OUTV]]
// CHECK: call @seqpar_rt_run
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<2x4x32x64xf32>
// CHECK: return %[[T]]
// CHECK-NOT: linalg.transpose
// NOFUSE-LABEL: func @seed_style
// NOFUSE-COUNT-2: linalg.transpose
func.func @seed_style(%x: tensor<2x16x8x64xf32>) -> tensor<2x4x32x64xf32> {
  %e0 = tensor.empty() : tensor<2x8x16x64xf32>
  %a = linalg.transpose ins(%x : tensor<2x16x8x64xf32>)
      outs(%e0 : tensor<2x8x16x64xf32>) permutation = [0, 2, 1, 3]
  %b = seqpar.all_to_all %a on @cp["u"] scatter 2 gather 1
      : tensor<2x8x16x64xf32> -> tensor<2x32x4x64xf32>
  %e1 = tensor.empty() : tensor<2x4x32x64xf32>
  %c = linalg.transpose ins(%b : tensor<2x32x4x64xf32>)
      outs(%e1 : tensor<2x4x32x64xf32>) permutation = [0, 2, 1, 3]
  return %c : tensor<2x4x32x64xf32>
}

// A dynamic dim of the fused output is the shape query's entry for the
// result dim it comes from: buffer dim 2 is result dim 1.
// CHECK-LABEL: func @dynamic_seed_style
// CHECK-DAG: %[[SHAPE:.*]] = memref.alloca() : memref<4xi64>
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: call @seqpar_rt_output_shape
// CHECK: %[[N:.*]] = memref.load %[[SHAPE]][%[[C1]]]
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]]
// CHECK: %[[OUT:.*]] = memref.alloc(%[[NI]]) {seqpar.output} : memref<2x4x?x64xf32>
// CHECK: memref.transpose %[[OUT]] (d0, d1, d2, d3) -> (d0, d2, d1, d3)
// CHECK: call @seqpar_rt_run
func.func @dynamic_seed_style(%x: tensor<2x16x?x64xf32>) -> tensor<2x4x?x64xf32> {
  %c2 = arith.constant 2 : index
  %n = tensor.dim %x, %c2 : tensor<2x16x?x64xf32>
  %e0 = tensor.empty(%n) : tensor<2x?x16x64xf32>
  %a = linalg.transpose ins(%x : tensor<2x16x?x64xf32>)
      outs(%e0 : tensor<2x?x16x64xf32>) permutation = [0, 2, 1, 3]
  %b = seqpar.all_to_all %a on @cp["u"] scatter 2 gather 1
      : tensor<2x?x16x64xf32> -> tensor<2x?x4x64xf32>
  %c4 = arith.constant 4 : index
  %m = arith.muli %n, %c4 : index
  %e1 = tensor.empty(%m) : tensor<2x4x?x64xf32>
  %c = linalg.transpose ins(%b : tensor<2x?x4x64xf32>)
      outs(%e1 : tensor<2x4x?x64xf32>) permutation = [0, 2, 1, 3]
  return %c : tensor<2x4x?x64xf32>
}

// Chains compose: [1, 2, 0] then [2, 0, 1] is the identity and vanishes.
// CHECK-LABEL: func @chain_to_identity
// CHECK-NOT: linalg.transpose
// CHECK-NOT: memref.transpose
// CHECK: call @seqpar_rt_run
func.func @chain_to_identity(%x: tensor<4x8x2xf32>) -> tensor<4x32x2xf32> {
  %e0 = tensor.empty() : tensor<8x2x4xf32>
  %a = linalg.transpose ins(%x : tensor<4x8x2xf32>)
      outs(%e0 : tensor<8x2x4xf32>) permutation = [1, 2, 0]
  %e1 = tensor.empty() : tensor<4x8x2xf32>
  %b = linalg.transpose ins(%a : tensor<8x2x4xf32>)
      outs(%e1 : tensor<4x8x2xf32>) permutation = [2, 0, 1]
  %c = seqpar.all_to_all %b on @cp["u"] scatter 0 gather 1
      : tensor<4x8x2xf32> -> tensor<1x32x2xf32>
  %d = tensor.cast %c : tensor<1x32x2xf32> to tensor<?x32x2xf32>
  %r = tensor.cast %d : tensor<?x32x2xf32> to tensor<4x32x2xf32>
  return %r : tensor<4x32x2xf32>
}

// A linalg.generic that only permutes counts as a transpose; an output
// chain of two composes into one view.
// CHECK-LABEL: func @generic_and_output_chain
// CHECK-NOT: linalg.generic
// CHECK: memref.transpose %{{.*}} (d0, d1) -> (d1, d0)
// CHECK: %[[OUT:.*]] = memref.alloc() {seqpar.output} : memref<32x2xf32>
// CHECK-NOT: memref.transpose
// CHECK: call @seqpar_rt_run
// CHECK: bufferization.to_tensor %[[OUT]]
// CHECK-NOT: linalg.transpose
func.func @generic_and_output_chain(%x: tensor<8x8xf32>) -> tensor<32x2xf32> {
  %e0 = tensor.empty() : tensor<8x8xf32>
  %a = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x8xf32>) outs(%e0 : tensor<8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x8xf32>
  %b = seqpar.all_to_all %a on @cp["u"] scatter 1 gather 0
      : tensor<8x8xf32> -> tensor<32x2xf32>
  %e1 = tensor.empty() : tensor<2x32xf32>
  %c = linalg.transpose ins(%b : tensor<32x2xf32>)
      outs(%e1 : tensor<2x32xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<32x2xf32>
  %d = linalg.transpose ins(%c : tensor<2x32xf32>)
      outs(%e2 : tensor<32x2xf32>) permutation = [1, 0]
  return %d : tensor<32x2xf32>
}

// A permute whose result has another user stays (that user needs the copy)
// but the collective still reads through a view; a result with two users is
// not fused.
// CHECK-LABEL: func @negative_shared_permutes
// CHECK: %[[KEEP:.*]] = linalg.transpose
// CHECK: memref.transpose
// CHECK: call @seqpar_rt_run
// CHECK: %[[R:.*]] = bufferization.to_tensor
// CHECK: linalg.transpose ins(%[[R]]
// CHECK: return %[[KEEP]], %[[R]]
func.func @negative_shared_permutes(%x: tensor<8x8xf32>)
    -> (tensor<8x8xf32>, tensor<32x2xf32>, tensor<2x32xf32>) {
  %e0 = tensor.empty() : tensor<8x8xf32>
  %a = linalg.transpose ins(%x : tensor<8x8xf32>)
      outs(%e0 : tensor<8x8xf32>) permutation = [1, 0]
  %b = seqpar.all_to_all %a on @cp["u"] scatter 1 gather 0
      : tensor<8x8xf32> -> tensor<32x2xf32>
  %e1 = tensor.empty() : tensor<2x32xf32>
  %c = linalg.transpose ins(%b : tensor<32x2xf32>)
      outs(%e1 : tensor<2x32xf32>) permutation = [1, 0]
  return %a, %b, %c : tensor<8x8xf32>, tensor<32x2xf32>, tensor<2x32xf32>
}

// A generic that computes is not a permute.
// CHECK-LABEL: func @negative_computing_generic
// CHECK: linalg.generic
// CHECK-NOT: memref.transpose
func.func @negative_computing_generic(%x: tensor<8x8xf32>) -> tensor<32x2xf32> {
  %e0 = tensor.empty() : tensor<8x8xf32>
  %a = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x8xf32>) outs(%e0 : tensor<8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<8x8xf32>
  %b = seqpar.all_to_all %a on @cp["u"] scatter 1 gather 0
      : tensor<8x8xf32> -> tensor<32x2xf32>
  return %b : tensor<32x2xf32>
}
