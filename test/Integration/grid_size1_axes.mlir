// Axes of size 1 on 2 ranks, in two grids of one module ([1, 2] and
// [2, 1]): groups of one rank, a ring axis of size 1 (a disabled ring:
// no zigzag, odd lengths), every op kind, bit-exact against the global
// view (Inputs/reference.mlir).
// The cases come from gen_grid_tests.py; each rank prints (cases, failures).
//
// RUN: %python %S/gen_grid_tests.py size1_axes > %t.cases.mlir
// RUN: cat %S/Inputs/reference.mlir %t.cases.mlir | seqpar-opt --seqpar-to-llvm="decompose=false simplify=false" -o %t
// RUN: %mpirun 2 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | FileCheck %t.cases.mlir --implicit-check-not="( -1"
