// Every op kind on a 2 x 2 grid (4 ranks), every group in every axis
// order and every hybrid ring/Ulysses pair, and on a 1-D grid over the
// same ranks in the same module, bit-exact against the global view
// (Inputs/reference.mlir).
// The cases come from gen_grid_tests.py; each rank prints (cases, failures).
//
// RUN: %python %S/gen_grid_tests.py 2x2 > %t.cases.mlir
// RUN: cat %S/Inputs/reference.mlir %t.cases.mlir | seqpar-opt --seqpar-to-llvm="decompose=false simplify=false" -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | FileCheck %t.cases.mlir --implicit-check-not="( -1"
