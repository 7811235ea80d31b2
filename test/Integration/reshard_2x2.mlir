// Reshards between shardings of an uneven 3-D tensor on a 2x2 grid (4
// ranks), lowered by seqpar-plan-reshard (inside seqpar-to-llvm) and run:
// every ordered pair of the 19 split-rule shardings, and pairs with zigzag,
// explicit-size and packed first axes. Each case builds the global tensor,
// reshards it to the source, then to the target (the plan under test),
// checks the target piece against the global view where the reference can
// compute it (one split dim), and gathers it back to the whole tensor.
// The cases come from gen_reshard_tests.py; each rank prints (cases, failures).
//
// RUN: %python %S/gen_reshard_tests.py 2x2 > %t.cases.mlir
// RUN: cat %S/Inputs/reference.mlir %t.cases.mlir | seqpar-opt --seqpar-to-llvm="simplify=false" -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | FileCheck %t.cases.mlir --implicit-check-not="( -1"
