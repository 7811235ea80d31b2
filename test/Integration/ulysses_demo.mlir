// The demo of scripts/demo.sh as a test: the Ulysses attention blocks of
// examples/ (10 tokens over 4 ranks, with 4 heads and with 6) agree with the
// single-rank reference on every rank to 1e-6.
//
// RUN: seqpar-opt %S/../../examples/ulysses_attention.mlir --seqpar-to-llvm -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' | sort -s -k1,1 | FileCheck %s
// RUN: seqpar-opt %S/../../examples/ulysses_attention_uneven_heads.mlir --seqpar-to-llvm -o %t
// RUN: %mpirun 4 --tag-output mlir-runner %t -e main -entry-point-result=void \
// RUN:     -shared-libs=%seqpar_lib_dir/libseqpar_runtime%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext,%mlir_lib_dir/libmlir_runner_utils%shlibext \
// RUN: | sed -E -e 's/^\[[0-9]+,([0-9]+)\]<stdout>:/R\1 /' | sort -s -k1,1 | FileCheck %s
//
// The transposes around the all-to-alls are folded into them.
// RUN: seqpar-opt %S/../../examples/ulysses_attention.mlir --seqpar-to-runtime \
// RUN: | FileCheck %s --check-prefix=FUSED

// CHECK: R0 ( 0, 0, 3, {{(0|[0-9.]+e-(0[7-9]|[1-9][0-9]))}} )
// CHECK: R1 ( 1, 3, 3, {{(0|[0-9.]+e-(0[7-9]|[1-9][0-9]))}} )
// CHECK: R2 ( 2, 6, 2, {{(0|[0-9.]+e-(0[7-9]|[1-9][0-9]))}} )
// CHECK: R3 ( 3, 8, 2, {{(0|[0-9.]+e-(0[7-9]|[1-9][0-9]))}} )

// FUSED-LABEL: func @to_heads
// FUSED-NOT: linalg.transpose
// FUSED: memref.transpose
// FUSED: call @seqpar_rt_run
// FUSED-LABEL: func @main
// FUSED: memref.transpose
// FUSED: call @seqpar_rt_run
