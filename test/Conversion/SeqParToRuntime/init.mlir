// RUN: seqpar-opt %s --split-input-file --seqpar-to-runtime | FileCheck %s
// RUN: seqpar-opt %s --split-input-file --seqpar-to-runtime="init-function=" \
// RUN:   | FileCheck %s --check-prefix=NOINIT

// The grid shape becomes the argument of seqpar_rt_init at the entry of
// main; seqpar_rt_finalize runs before each return; both are checked.
// CHECK: memref.global "private" constant @[[$SHAPE:.*]] : memref<2xi64> = dense<[2, 3]>
// CHECK-LABEL: func @main
// CHECK: %[[S:.*]] = memref.get_global @[[$SHAPE]]
// CHECK: %[[U:.*]] = memref.cast %[[S]] : memref<2xi64> to memref<*xi64>
// CHECK: %[[ST:.*]] = call @seqpar_rt_init(%[[U]])
// CHECK: %[[BAD:.*]] = arith.cmpi ne, %[[ST]]
// CHECK: call @__seqpar_rt_check(%[[BAD]])
// CHECK: call @seqpar_rt_finalize()
// CHECK: return
// CHECK: call @seqpar_rt_finalize()
// CHECK: return
// NOINIT-NOT: seqpar_rt_init
// NOINIT-NOT: seqpar_rt_finalize
seqpar.grid @g(axes = ["a" = 2, "b" = 3])
func.func @main(%c: i1) {
  cf.cond_br %c, ^bb1, ^bb2
^bb1:
  return
^bb2:
  return
}

// -----

// Several grids over the same ranks: the runtime starts with the grid of the
// first collective (or group_rank), not the first one declared.
// CHECK: memref.global "private" constant @[[$SHAPE:.*]] : memref<1xi64> = dense<4>
// CHECK-LABEL: func @main
// CHECK: %[[S:.*]] = memref.get_global @[[$SHAPE]] : memref<1xi64>
// CHECK: %[[U:.*]] = memref.cast %[[S]] : memref<1xi64> to memref<*xi64>
// CHECK: call @seqpar_rt_init(%[[U]])
// CHECK: call @seqpar_rt_finalize()
// CHECK: return
seqpar.grid @dpcp(axes = ["dp" = 2, "cp" = 2])
seqpar.grid @world(axes = ["w" = 4])
func.func @main(%x: tensor<8xf32>) -> (index, tensor<4xf32>) {
  %r = seqpar.group_rank on @world["w"]
  %y = seqpar.split %x on @dpcp["cp"] dim 0 : tensor<8xf32> -> tensor<4xf32>
  return %r, %y : index, tensor<4xf32>
}

// -----

// Without a grid nothing is added: no declaration before main, no call in it.
// CHECK-NOT: seqpar_rt
// CHECK-LABEL: func @main
// CHECK-NOT: seqpar_rt
func.func @main() {
  return
}
