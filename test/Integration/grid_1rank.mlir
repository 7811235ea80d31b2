// One rank (MPI starts as a singleton, no mpirun): every op kind on a
// 1 x 1 grid, bit-exact against the global view
// (Inputs/reference.mlir).
// The cases come from gen_grid_tests.py; each rank prints (cases, failures).
//
// RUN: %python %S/gen_grid_tests.py 1rank > %t.cases.mlir
// RUN: cat %S/Inputs/reference.mlir %t.cases.mlir | seqpar-opt --seqpar-to-llvm="decompose=false simplify=false" -o %t
// RUN: mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | FileCheck %t.cases.mlir --implicit-check-not="( -1"
