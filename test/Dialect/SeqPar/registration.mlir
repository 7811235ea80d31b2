// seqpar-opt registers the seqpar dialect and the upstream dialects that
// seqpar pipelines use.
// RUN: seqpar-opt --show-dialects | FileCheck %s
// CHECK: Available Dialects:
// CHECK-SAME: arith
// CHECK-SAME: bufferization
// CHECK-SAME: func
// CHECK-SAME: linalg
// CHECK-SAME: memref
// CHECK-SAME: scf
// CHECK-SAME: seqpar
// CHECK-SAME: tensor
