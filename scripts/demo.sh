#!/usr/bin/env bash
# The seqpar demo: builds seqpar (scripts/build.sh), lowers the Ulysses
# attention blocks of examples/ (10 tokens over 4 ranks; 4 heads, then 6)
# with `seqpar-opt --seqpar-to-llvm`, runs each on 4 CPU ranks under mpirun
# with mlir-runner and libseqpar_runtime, and compares every rank's output
# with the same block computed on one rank. Exits 0 on PASS, 1 on FAIL.
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

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
status=0

# run_block FILE DESCRIPTION: lowers FILE, runs it on $ranks ranks and checks
# every rank's line "( rank, first token, local tokens, max abs error )".
run_block() {
  local file=$1 what=$2
  "$build/bin/seqpar-opt" "$root/examples/$file" --seqpar-to-llvm \
    -o "$tmp/lowered.mlir"
  echo "seqpar demo: Ulysses attention, $what, D=8, $ranks CPU ranks"
  echo "  lowered: seqpar-opt examples/$file --seqpar-to-llvm"
  echo "  run:     mpirun -np $ranks mlir-runner, libseqpar_runtime over Open MPI"
  mpirun --allow-run-as-root --oversubscribe --mca btl self,vader \
    --bind-to none -np "$ranks" "$llvm_bin/mlir-runner" "$tmp/lowered.mlir" \
    -e main -entry-point-result=void \
    -shared-libs="$build/lib/libseqpar_runtime.so,$llvm_lib/libmlir_c_runner_utils.so,$llvm_lib/libmlir_runner_utils.so" \
    > "$tmp/out.txt"
  sort -t, -k1,1n "$tmp/out.txt" | tr -d '()' |
    awk -F, -v tol="$tolerance" -v ranks="$ranks" '
    NF == 4 {
      n++; err = $4 + 0; if (err > worst) worst = err
      printf "  rank %d: tokens [%d, %d), max abs error vs the 1-rank block %g\n",
             $1, $2, $2 + $3, err
    }
    END {
      if (n != ranks) { printf "  FAIL: %d of %d ranks reported\n", n, ranks; exit 1 }
      if (worst <= tol) { printf "  PASS: max abs error %g <= %g\n", worst, tol; exit 0 }
      printf "  FAIL: max abs error %g > %g\n", worst, tol; exit 1
    }' || status=1
}

run_block ulysses_attention.mlir \
  "S=10 tokens (not a multiple of $ranks), H=4 heads"
run_block ulysses_attention_uneven_heads.mlir \
  "S=10 tokens and H=6 heads (neither a multiple of $ranks)"
if [ "$status" -eq 0 ]; then echo "PASS"; else echo "FAIL"; fi
exit "$status"
