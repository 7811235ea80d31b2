// Formerly the conversion's negative_axis_order test: a group that lists the
// grid's axes out of grid order, ["u", "ring"] on ["ring", "u"], lowers and
// runs. Its ranks are numbered u-major: world rank w = 2 * ring + u has group
// rank 2 * u + ring, so world ranks 0, 2, 1, 3 contribute the gathered rows
// in that order and world rank w keeps columns [2g, 2g + 2) of group rank g.
// Then the same data crosses to a 1-D grid over the same 4 ranks. Rank w's
// input element (i, j) is 100 * w + 10 * i + j.
//
// mpirun forwards stdin to rank 0 only: the lowered module goes to a file.
// RUN: cat %S/Inputs/reference.mlir %s | seqpar-opt --seqpar-to-llvm="simplify=false" -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s

seqpar.grid @cp(axes = ["ring" = 2, "u" = 2])
seqpar.grid @world(axes = ["w" = 4])

func.func private @printMemrefF32(memref<*xf32>)

func.func @print(%t: tensor<?x?xf32>) {
  %m = bufferization.to_buffer %t : tensor<?x?xf32> to memref<?x?xf32>
  %u = memref.cast %m : memref<?x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %w = func.call @ref_world_rank() : () -> index
  %e = tensor.empty() : tensor<4x8xf32>
  %x = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]} outs(%e : tensor<4x8xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c10 = arith.constant 10 : index
    %c100 = arith.constant 100 : index
    %a = arith.muli %i, %c10 : index
    %b = arith.muli %w, %c100 : index
    %s = arith.addi %a, %j : index
    %v = arith.addi %s, %b : index
    %vi = arith.index_cast %v : index to i64
    %vf = arith.sitofp %vi : i64 to f32
    linalg.yield %vf : f32
  } -> tensor<4x8xf32>
  %y = seqpar.all_to_all %x on @cp["u", "ring"] scatter 1 gather 0
      : tensor<4x8xf32> -> tensor<16x2xf32>
  %py = tensor.cast %y : tensor<16x2xf32> to tensor<?x?xf32>
  func.call @print(%py) : (tensor<?x?xf32>) -> ()
  // On the 1-D grid (group rank = world rank): rank w gets rows
  // [4w, 4w + 4) of every rank's 16, side by side in world-rank order.
  %z = seqpar.all_to_all %y on @world["w"] scatter 0 gather 1
      : tensor<16x2xf32> -> tensor<4x8xf32>
  %pz = tensor.cast %z : tensor<4x8xf32> to tensor<?x?xf32>
  func.call @print(%pz) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK:      R0 {{.*}} sizes = (16, 2)
// CHECK-NEXT: R0 ((0, 1),
// CHECK-NEXT: R0 (10, 11),
// CHECK-NEXT: R0 (20, 21),
// CHECK-NEXT: R0 (30, 31),
// CHECK-NEXT: R0 (200, 201),
// CHECK-NEXT: R0 (210, 211),
// CHECK-NEXT: R0 (220, 221),
// CHECK-NEXT: R0 (230, 231),
// CHECK-NEXT: R0 (100, 101),
// CHECK-NEXT: R0 (110, 111),
// CHECK-NEXT: R0 (120, 121),
// CHECK-NEXT: R0 (130, 131),
// CHECK-NEXT: R0 (300, 301),
// CHECK-NEXT: R0 (310, 311),
// CHECK-NEXT: R0 (320, 321),
// CHECK-NEXT: R0 (330, 331))
// CHECK-NEXT: R0 {{.*}} sizes = (4, 8)
// CHECK-NEXT: R0 ((0, 1, 4, 5, 2, 3, 6, 7),
// CHECK-NEXT: R0 (10, 11, 14, 15, 12, 13, 16, 17),
// CHECK-NEXT: R0 (20, 21, 24, 25, 22, 23, 26, 27),
// CHECK-NEXT: R0 (30, 31, 34, 35, 32, 33, 36, 37))
// CHECK:      R1 {{.*}} sizes = (16, 2)
// CHECK-NEXT: R1 ((4, 5),
// CHECK-NEXT: R1 (14, 15),
// CHECK-NEXT: R1 (24, 25),
// CHECK-NEXT: R1 (34, 35),
// CHECK-NEXT: R1 (204, 205),
// CHECK:      R1 (104, 105),
// CHECK:      R1 (304, 305),
// CHECK:      R1 {{.*}} sizes = (4, 8)
// CHECK-NEXT: R1 ((200, 201, 204, 205, 202, 203, 206, 207),
// CHECK:      R2 {{.*}} sizes = (16, 2)
// CHECK-NEXT: R2 ((2, 3),
// CHECK-NEXT: R2 (12, 13),
// CHECK-NEXT: R2 (22, 23),
// CHECK-NEXT: R2 (32, 33),
// CHECK-NEXT: R2 (202, 203),
// CHECK:      R2 (102, 103),
// CHECK:      R2 (302, 303),
// CHECK:      R2 {{.*}} sizes = (4, 8)
// CHECK-NEXT: R2 ((100, 101, 104, 105, 102, 103, 106, 107),
// CHECK:      R3 {{.*}} sizes = (16, 2)
// CHECK-NEXT: R3 ((6, 7),
// CHECK:      R3 (206, 207),
// CHECK:      R3 (106, 107),
// CHECK:      R3 (336, 337))
// CHECK-NEXT: R3 {{.*}} sizes = (4, 8)
// CHECK-NEXT: R3 ((300, 301, 304, 305, 302, 303, 306, 307),
// CHECK:      R3 (330, 331, 334, 335, 332, 333, 336, 337))
