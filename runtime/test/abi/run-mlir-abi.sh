#!/usr/bin/env bash
# Lowers an .mlir file that calls the runtime's C ABI to the LLVM dialect and
# runs it with mlir-runner under mpirun; checks that every expected line
# appears in the output.
# Usage: run-mlir-abi.sh <mlir-opt> <mlir-runner> <mlir lib dir> <runtime .so>
#          <mpirun command...> -- <input.mlir> <expected line>...
set -euo pipefail
opt=$1 runner=$2 libdir=$3 rt=$4
shift 4
mpirun=()
while [ "$1" != "--" ]; do mpirun+=("$1"); shift; done
shift
input=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$opt" "$input" --pass-pipeline="builtin.module(convert-scf-to-cf,\
finalize-memref-to-llvm,convert-arith-to-llvm,convert-cf-to-llvm,\
convert-func-to-llvm,reconcile-unrealized-casts)" -o "$tmp/lowered.mlir"
"${mpirun[@]}" "$runner" "$tmp/lowered.mlir" -e main -entry-point-result=void \
  -shared-libs="$rt,$libdir/libmlir_runner_utils.so,$libdir/libmlir_c_runner_utils.so" \
  >"$tmp/out.txt"
status=0
for line in "$@"; do
  if ! grep -qF -- "$line" "$tmp/out.txt"; then
    echo "missing: $line" >&2
    status=1
  fi
done
[ $status -eq 0 ] || cat "$tmp/out.txt" >&2
exit $status
