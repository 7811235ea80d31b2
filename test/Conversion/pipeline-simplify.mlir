// By default the pipeline first applies the dialect's simplifications: an
// all-to-all followed by its adjoint cancels and no runtime call is left;
// with simplify=false both calls are made.
// RUN: seqpar-opt %s --seqpar-to-llvm | FileCheck %s
// RUN: seqpar-opt %s --seqpar-to-llvm="simplify=false" \
// RUN:   | FileCheck %s --check-prefix=NOSIMPLIFY

seqpar.grid @cp(axes = ["u" = 4])

// CHECK-LABEL: llvm.func @round_trip
// CHECK-NOT: llvm.call @seqpar_rt_run
// CHECK: llvm.return
// NOSIMPLIFY-LABEL: llvm.func @round_trip
// NOSIMPLIFY-COUNT-2: llvm.call @seqpar_rt_run
func.func @round_trip(%x: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  %y = seqpar.all_to_all %x on @cp["u"] scatter 2 gather 1
      : tensor<2x8x16xf32> -> tensor<2x32x4xf32>
  %z = seqpar.all_to_all %y on @cp["u"] scatter 1 gather 2 gather_size 16
      : tensor<2x32x4xf32> -> tensor<2x8x16xf32>
  return %z : tensor<2x8x16xf32>
}
