// Functions holding seqpar ops inline like any others.
// RUN: seqpar-opt %s --inline | FileCheck %s

seqpar.grid @u4(axes = ["ulysses" = 4])

func.func private @shard(%x: tensor<2x1024x64xf32>) -> tensor<2x256x64xf32> {
  %y = seqpar.split %x on @u4["ulysses"] dim 1 grad_scale down
      : tensor<2x1024x64xf32> -> tensor<2x256x64xf32>
  return %y : tensor<2x256x64xf32>
}

// CHECK-LABEL: func @caller
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x1024x64xf32>)
func.func @caller(%x: tensor<2x1024x64xf32>) -> tensor<2x256x64xf32> {
  // CHECK-NOT: call
  // CHECK: %[[Y:.*]] = seqpar.split %[[X]] on @u4["ulysses"] dim 1 grad_scale down
  // CHECK: return %[[Y]]
  %y = func.call @shard(%x) : (tensor<2x1024x64xf32>) -> tensor<2x256x64xf32>
  return %y : tensor<2x256x64xf32>
}
