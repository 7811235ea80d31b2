#!/usr/bin/env bash
# The seqpar demo: builds seqpar (scripts/build.sh), lowers the Ulysses
# attention block of examples/ulysses_attention.mlir with
# `seqpar-opt --seqpar-to-llvm`, runs it on 4 CPU ranks under mpirun with
# mlir-runner and libseqpar_runtime, and compares every rank's output with
# the same block computed on one rank. Exits 0 on PASS, 1 on FAIL.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SEQPAR_BUILD_DIR:-$root/build}
ranks=4
tolerance=1e-5

"$root/scripts/build.sh"

llvm_bin=$(llvm-config-22 --bindir)
llvm_lib=$(llvm-config-22 --libdir)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

example="$root/examples/ulysses_attention.mlir"
"$build/bin/seqpar-opt" "$example" --seqpar-to-llvm -o "$tmp/lowered.mlir"

echo "seqpar demo: Ulysses attention, S=10 tokens (not a multiple of $ranks), H=4 heads, D=8"
echo "  lowered: seqpar-opt examples/ulysses_attention.mlir --seqpar-to-llvm"
echo "  run:     mpirun -np $ranks mlir-runner (CPU, Open MPI) with libseqpar_runtime"
echo "  q, k, v [s_r, 4, 8] --all_to_all--> [10, 1, 8] --attention--> --all_to_all--> [s_r, 4, 8]"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun --allow-run-as-root --oversubscribe --mca btl self,vader --bind-to none \
  -np "$ranks" "$llvm_bin/mlir-runner" "$tmp/lowered.mlir" -e main \
  -entry-point-result=void \
  -shared-libs="$build/lib/libseqpar_runtime.so,$llvm_lib/libmlir_c_runner_utils.so,$llvm_lib/libmlir_runner_utils.so" \
  > "$tmp/out.txt"

# Each rank prints "( rank, first token, local tokens, max abs error )".
sort -t, -k1,1n "$tmp/out.txt" | tr -d '()' | awk -F, -v tol="$tolerance" -v ranks="$ranks" '
  NF == 4 {
    n++; err = $4 + 0; if (err > worst) worst = err
    printf "  rank %d: tokens [%d, %d) (%d), max abs error vs 1-rank reference %g\n",
           $1, $2, $2 + $3, $3, err
  }
  END {
    if (n != ranks) { printf "FAIL: %d of %d ranks reported\n", n, ranks; exit 1 }
    if (worst <= tol) { printf "PASS: max abs error %g <= %g\n", worst, tol; exit 0 }
    printf "FAIL: max abs error %g > %g\n", worst, tol; exit 1
  }'
