#!/usr/bin/env bash
# Installs the build tree $1 into a fresh prefix under $2, builds the consumer
# project against it, and runs it on 2 ranks.
set -euo pipefail
build=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out"
cmake --install "$build" --prefix "$out/prefix" > "$out/install.log"
cmake -S "$here/consumer" -B "$out/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$out/prefix" -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  > "$out/configure.log"
cmake --build "$out/build" > "$out/build.log"
test -x "$out/prefix/bin/seqpar-opt"
# The installed tool starts and lowers a file on its own (it finds libMLIR
# through its install RPATH).
cat > "$out/reshard.mlir" <<'MLIR'
seqpar.grid @sp(axes = ["u" = 2])
func.func @f(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %y = seqpar.all_to_all %x on @sp["u"] scatter 1 gather 0
      : tensor<4x8xf32> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
MLIR
env -u LD_LIBRARY_PATH "$out/prefix/bin/seqpar-opt" "$out/reshard.mlir" \
  --seqpar-to-llvm -o "$out/reshard.ll.mlir"
grep -q "_mlir_ciface_seqpar_rt_run" "$out/reshard.ll.mlir"
test -f "$out/prefix/lib/libseqpar_runtime.so"
test -f "$out/prefix/include/seqpar/Dialect/SeqPar/IR/SeqParOps.h.inc"
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
  mpirun --oversubscribe --mca btl self,vader -np 2 "$out/build/consumer"
