// Lowered programs take the runtime's direct path with no change: the
// conversion allocates each collective's output from the runtime, so the
// ranks of the node write their data straight into each other's outputs.
// Each rank prints whether it wrote into a peer's output (1), then the
// all_to_all's and the gather's outputs, bit-exact.
// REQUIRES: rt-direct
// RUN: seqpar-opt %s --seqpar-to-llvm -o %t
// RUN: %mpirun 2 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s

seqpar.grid @cp(axes = ["u" = 2])

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printI64(i64)
func.func private @printNewline()
func.func private @seqpar_rt_direct_bytes() -> i64

func.func @print(%t: tensor<?x?xf32>) {
  %m = bufferization.to_buffer %t : tensor<?x?xf32> to memref<?x?xf32>
  %u = memref.cast %m : memref<?x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %r = seqpar.group_rank on @cp["u"]
  %ri = arith.index_cast %r : index to i64
  %rf = arith.sitofp %ri : i64 to f32
  // Rank r's element (i, j) is 100 r + 10 i + j.
  %e = tensor.empty() : tensor<2x3xf32>
  %x = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]} outs(%e : tensor<2x3xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c10 = arith.constant 10 : index
    %a = arith.muli %i, %c10 : index
    %s = arith.addi %a, %j : index
    %si = arith.index_cast %s : index to i64
    %sf = arith.sitofp %si : i64 to f32
    %c100 = arith.constant 100.0 : f32
    %b = arith.mulf %rf, %c100 : f32
    %v = arith.addf %sf, %b : f32
    linalg.yield %v : f32
  } -> tensor<2x3xf32>
  %y = seqpar.all_to_all %x on @cp["u"] scatter 1 gather 0
      : tensor<2x3xf32> -> tensor<4x?xf32>
  %z = seqpar.gather %x on @cp["u"] dim 1 : tensor<2x3xf32> -> tensor<2x6xf32>
  %pushed = func.call @seqpar_rt_direct_bytes() : () -> i64
  %zero = arith.constant 0 : i64
  %any = arith.cmpi sgt, %pushed, %zero : i64
  %flag = arith.extui %any : i1 to i64
  func.call @printI64(%flag) : (i64) -> ()
  func.call @printNewline() : () -> ()
  %py = tensor.cast %y : tensor<4x?xf32> to tensor<?x?xf32>
  func.call @print(%py) : (tensor<?x?xf32>) -> ()
  %pz = tensor.cast %z : tensor<2x6xf32> to tensor<?x?xf32>
  func.call @print(%pz) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK: R0 1
// CHECK: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111))
// CHECK: R0 ((0, 1, 2, 100, 101, 102),
// CHECK-NEXT: R0 (10, 11, 12, 110, 111, 112))
// CHECK: R1 1
// CHECK: R1 ((2),
// CHECK-NEXT: R1 (12),
// CHECK-NEXT: R1 (102),
// CHECK-NEXT: R1 (112))
// CHECK: R1 ((0, 1, 2, 100, 101, 102),
// CHECK-NEXT: R1 (10, 11, 12, 110, 111, 112))
