// seqpar-plan-reshard's explanation of a plan, its cost options, and its
// errors.
// RUN: seqpar-opt %s --split-input-file --seqpar-plan-reshard=explain --mlir-print-op-on-diagnostic=false 2>&1 >/dev/null | FileCheck %s
// A link ten times slower: the step's wire time (768 KiB at 1 GB/s) grows
// tenfold.
// RUN: seqpar-opt %s --split-input-file --seqpar-plan-reshard="explain link-gbps=1" --mlir-print-op-on-diagnostic=false 2>&1 >/dev/null | FileCheck %s --check-prefix=SLOW
// RUN: not seqpar-opt %s --split-input-file --seqpar-plan-reshard="copy-gbps=0" 2>&1 | FileCheck %s --check-prefix=COPY
// RUN: not seqpar-opt %s --split-input-file --seqpar-plan-reshard="latency-us=-1" 2>&1 | FileCheck %s --check-prefix=LATENCY
// RUN: not seqpar-opt %s --split-input-file --seqpar-plan-reshard="search-budget=20" 2>&1 | FileCheck %s --check-prefix=LIMIT

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

// CHECK: remark: reshard [2, 1024, 16, 64] from [{}, {ring zigzag, ulysses}, {}, {}] to [{}, {ring zigzag}, {ulysses}, {}]: 1 step, 111.8 us
// CHECK-NEXT:   1. all_to_all over 'ulysses' (4 ranks): gather dim 1, scatter dim 2
// CHECK-NEXT:      -> [{}, {ring zigzag}, {ulysses}, {}]; per rank at most 768.00 KiB sent, 768.00 KiB received, 256.00 KiB copied; 1 call; 111.8 us
// SLOW: remark: reshard [2, 1024, 16, 64] {{.*}}: 1 step, 819.5 us
// COPY: error: seqpar-plan-reshard: copy-gbps must be a positive number, got 0
// LATENCY: error: seqpar-plan-reshard: latency-us must be a positive number, got -1
func.func @ulysses_in_ring(%x: tensor<2x128x16x64xf32>) -> tensor<2x512x4x64xf32> {
  %y = seqpar.reshard %x from <@cp, [{}, {"ring" zigzag, "ulysses"}, {}, {}]>
      to <@cp, [{}, {"ring" zigzag}, {"ulysses"}, {}]> shape [2, 1024, 16, 64]
      : tensor<2x128x16x64xf32> -> tensor<2x512x4x64xf32>
  return %y : tensor<2x512x4x64xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

// Nothing to do: the shardings lay the tensor out alike.
// CHECK: remark: reshard [8, 3] from [{ring}, {}] to [{ring}, {}]: nothing to do
// LIMIT: error: 'seqpar.reshard' op cannot be planned: the search from [{ring}, {ulysses}] to [{ulysses}, {ring}] priced more than 20 steps on ranks without an answer; reshard over fewer axes at once
func.func @alike(%x: tensor<4x3xf32>, %z: tensor<4x?xf32>) -> (tensor<4x3xf32>, tensor<2x3xf32>) {
  %y = seqpar.reshard %x from <@cp, [{"ring" sizes [4, 4]}, {}]>
      to <@cp, [{"ring"}, {}]> shape [8, 3]
      : tensor<4x3xf32> -> tensor<4x3xf32>
  %w = seqpar.reshard %z from <@cp, [{"ring"}, {"ulysses"}]>
      to <@cp, [{"ulysses"}, {"ring"}]> shape [8, 6]
      : tensor<4x?xf32> -> tensor<2x3xf32>
  return %y, %w : tensor<4x3xf32>, tensor<2x3xf32>
}
