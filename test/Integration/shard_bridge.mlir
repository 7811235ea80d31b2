// Upstream shard IR run by seqpar: two functions annotated with shard.shard
// go through upstream's sharding-propagation and shard-partition, then
// convert-shard-to-seqpar and seqpar-to-llvm, on 4 ranks.
// - @line, on a 1-D grid of 4: replicated -> rows split (all_slice) ->
//   columns split (all_to_all, which upstream's convert-shard-to-mpi does
//   not lower), squared on each rank's block, -> replicated (all_gather).
// - @grid, on a 2 x 2 grid: replicated -> rows over axis 0 (all_slice) ->
//   and columns over axis 1 (all_slice) -> rows gathered (all_gather) ->
//   axis 1 moved from columns to rows (all_to_all) -> replicated
//   (all_gather).
// Every rank compares both results bit for bit with the same computation on
// the whole tensor (@line_reference, and the input itself for @grid), and
// prints (mismatches of @line, mismatches of @grid, checksums of both). The
// program that does it (Inputs/shard_bridge_main.mlir) is appended to the
// converted functions: upstream's shard passes reject functions without
// sharding annotations, so they run on this file alone. The harness also
// checks an uneven all-to-all against shard's rule (the remainder to the
// last shards) and the process queries.
//
// RUN: seqpar-opt %s --pass-pipeline='builtin.module(func.func(sharding-propagation,shard-partition),convert-shard-to-seqpar)' -o %t.seqpar.mlir
// RUN: FileCheck %s --check-prefix=IR < %t.seqpar.mlir
// RUN: sed -e '/^module {$/d' -e '/^}$/d' %t.seqpar.mlir | cat - %S/Inputs/shard_bridge_main.mlir > %t.program.mlir
// RUN: seqpar-opt %t.program.mlir --convert-shard-to-seqpar --seqpar-to-llvm -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s
// Without seqpar's simplifications, every collective reaches the runtime.
// RUN: seqpar-opt %t.program.mlir --convert-shard-to-seqpar --seqpar-to-llvm="simplify=false" -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' -e 's/\[/(/g' -e 's/\]/)/g' \
// RUN: | sort -s -k1,1 | FileCheck %s

// IR-LABEL: func.func @line
// IR: seqpar.split %{{.*}} on @l["0"] dim 0 : tensor<8x16xf32> -> tensor<2x16xf32>
// IR: seqpar.all_to_all %{{.*}} on @l["0"] scatter 1 gather 0 : tensor<2x16xf32> -> tensor<8x4xf32>
// IR: linalg.mul {{.*}} tensor<8x4xf32>
// IR: seqpar.gather %{{.*}} on @l["0"] dim 1 : tensor<8x4xf32> -> tensor<8x16xf32>
// IR-LABEL: func.func @grid
// IR: seqpar.split %{{.*}} on @g["0"] dim 0
// IR: seqpar.split %{{.*}} on @g["1"] dim 1
// IR: seqpar.gather %{{.*}} on @g["0"] dim 0
// IR: seqpar.all_to_all %{{.*}} on @g["1"] scatter 0 gather 1
// IR: seqpar.gather %{{.*}} on @g["1"] dim 0
// IR-NOT: shard.

// 0 mismatches in either; sum of (16i + j)^2 over 0..127 and of 12i + j over
// 0..95. Then the harness's uneven all-to-all (10 columns over 4 ranks: 2,
// 2, 3, 3, no mismatch) and the process queries on a 2 x 2 grid.
// CHECK: R0 (0,  0,  690880,  4560)
// CHECK: R0 (2,  0,  0,  0,  0)
// CHECK: R1 (0,  0,  690880,  4560)
// CHECK: R1 (2,  0,  0,  1,  1)
// CHECK: R2 (0,  0,  690880,  4560)
// CHECK: R2 (3,  0,  1,  0,  2)
// CHECK: R3 (0,  0,  690880,  4560)
// CHECK: R3 (3,  0,  1,  1,  3)

shard.grid @l(shape = 4)
shard.grid @g(shape = 2x2)

func.func @line(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %rep = shard.sharding @l split_axes = [[]] : !shard.sharding
  %rows = shard.sharding @l split_axes = [[0]] : !shard.sharding
  %cols = shard.sharding @l split_axes = [[], [0]] : !shard.sharding
  %a = shard.shard %x to %rep : tensor<8x16xf32>
  %b = shard.shard %a to %rows annotate_for_users : tensor<8x16xf32>
  %c = shard.shard %b to %cols annotate_for_users : tensor<8x16xf32>
  %init = tensor.empty() : tensor<8x16xf32>
  %d = linalg.mul ins(%c, %c : tensor<8x16xf32>, tensor<8x16xf32>)
      outs(%init : tensor<8x16xf32>) -> tensor<8x16xf32>
  %e = shard.shard %d to %cols : tensor<8x16xf32>
  %f = shard.shard %e to %rep annotate_for_users : tensor<8x16xf32>
  return %f : tensor<8x16xf32>
}

func.func @grid(%x: tensor<8x12xf32>) -> tensor<8x12xf32> {
  %rep = shard.sharding @g split_axes = [[]] : !shard.sharding
  %r0 = shard.sharding @g split_axes = [[0]] : !shard.sharding
  %r0c1 = shard.sharding @g split_axes = [[0], [1]] : !shard.sharding
  %c1 = shard.sharding @g split_axes = [[], [1]] : !shard.sharding
  %r1 = shard.sharding @g split_axes = [[1]] : !shard.sharding
  %a = shard.shard %x to %rep : tensor<8x12xf32>
  %b = shard.shard %a to %r0 annotate_for_users : tensor<8x12xf32>
  %c = shard.shard %b to %r0c1 annotate_for_users : tensor<8x12xf32>
  %d = shard.shard %c to %c1 annotate_for_users : tensor<8x12xf32>
  %e = shard.shard %d to %r1 annotate_for_users : tensor<8x12xf32>
  %f = shard.shard %e to %rep annotate_for_users : tensor<8x12xf32>
  return %f : tensor<8x12xf32>
}
