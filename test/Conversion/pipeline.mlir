// The seqpar-to-llvm pipeline leaves only the LLVM dialect, on ordinary and
// weird valid inputs: rank 1 and rank 6, zero-size dims, dynamic dims, a
// 1-rank grid, i1 and bf16.
// RUN: seqpar-opt %s --split-input-file --seqpar-to-llvm="simplify=false" | FileCheck %s

// CHECK-LABEL: llvm.func @rank1
// CHECK: llvm.call @seqpar_rt_run
// CHECK-NOT: seqpar.
// CHECK-NOT: memref.
// CHECK-NOT: bufferization.
// CHECK-NOT: unrealized_conversion_cast
seqpar.grid @cp(axes = ["u" = 4])
func.func @rank1(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = seqpar.split %x on @cp["u"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  %z = seqpar.gather %y on @cp["u"] dim 0 : tensor<2xf32> -> tensor<8xf32>
  return %z : tensor<8xf32>
}
func.func @rank2(%x: tensor<4x4xf32>) -> tensor<16x1xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 1 gather 0
      : tensor<4x4xf32> -> tensor<16x1xf32>
  return %y : tensor<16x1xf32>
}

// -----

// CHECK-LABEL: llvm.func @rank6_zero_size
// CHECK: llvm.call @seqpar_rt_run
// CHECK-NOT: seqpar.
seqpar.grid @cp(axes = ["u" = 2])
func.func @rank6_zero_size(%x: tensor<1x0x2x3x4x2xbf16>)
    -> tensor<1x0x4x3x2x2xbf16> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 4 gather 2
      : tensor<1x0x2x3x4x2xbf16> -> tensor<1x0x4x3x2x2xbf16>
  return %y : tensor<1x0x4x3x2x2xbf16>
}

// -----

// CHECK-LABEL: llvm.func @one_rank_dynamic_i1
// CHECK-COUNT-2: llvm.call @seqpar_rt_run
// CHECK: llvm.call @seqpar_rt_exchange_lengths
// CHECK-NOT: seqpar.
seqpar.grid @one(axes = ["u" = 1])
func.func @one_rank_dynamic_i1(%x: tensor<?x?xi1>) -> (tensor<?x?xi1>, tensor<3x?xi1>, tensor<1xi64>) {
  %y = seqpar.zigzag_split %x on @one["u"] dim 1 : tensor<?x?xi1> -> tensor<?x?xi1>
  %z = seqpar.packed_split %x on @one["u"] dim 0 seq_lens [0, 3]
      : tensor<?x?xi1> -> tensor<3x?xi1>
  %l = seqpar.exchange_lengths %x on @one["u"] dim 0
      : tensor<?x?xi1> -> tensor<1xi64>
  return %y, %z, %l : tensor<?x?xi1>, tensor<3x?xi1>, tensor<1xi64>
}

// -----

// CHECK-LABEL: llvm.func @hybrid_dynamic
// CHECK-COUNT-3: llvm.call @seqpar_rt_run
// CHECK-NOT: seqpar.
seqpar.grid @cp(axes = ["ring" = 2, "u" = 3])
func.func @hybrid_dynamic(%x: tensor<?x5xf64>) -> (tensor<?x5xf64>, tensor<7x5xf64>) {
  %y = seqpar.hybrid_split %x on @cp ring "ring" ulysses "u" dim 0
      : tensor<?x5xf64> -> tensor<?x5xf64>
  %z = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "u" dim 0
      seq_lens [7] : tensor<?x5xf64> -> tensor<7x5xf64>
  return %y, %z : tensor<?x5xf64>, tensor<7x5xf64>
}
