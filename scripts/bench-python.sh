#!/usr/bin/env bash
# Benchmarks seqpar.torch against the seeds' plain-torch paths and the peers
# (yunchang, DeepSpeed, DTensor) on 2 and 4 Gloo ranks (loopback), forward
# and backward, and writes the "Python" section of docs/benchmarks.md
# (between the python:begin and python:end markers).
# Builds the Python package (Release) in build-bench-py unless
# SEQPAR_BENCH_BUILD_DIR names another build directory.
#
# Usage: scripts/bench-python.sh [iterations per case]   (default: 30)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
build=${SEQPAR_BENCH_BUILD_DIR:-$root/build-bench-py}
iters=${1:-30}
python=${SEQPAR_VENV:-$root/.venv}/bin/python

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DPython3_EXECUTABLE=$python -DSEQPAR_ENABLE_COMPILER=OFF \
    -DSEQPAR_ENABLE_RUNTIME=OFF -DSEQPAR_ENABLE_CUDA=OFF \
    -DSEQPAR_ENABLE_TESTS=OFF -DSEQPAR_ENABLE_BENCHMARKS=OFF >/dev/null
fi
ninja -C "$build" seqpar-python >/dev/null
if [ ! -d "$build/python/seqpar" ]; then
  echo "bench-python: the Python package was not built (LibTorch missing?)" >&2
  exit 1
fi

export PYTHONPATH="$build/python"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
results=()
for np in 2 4; do
  "$python" "$root/python/bench/bench_torch.py" --nprocs "$np" \
    --iters "$iters" --out "$tmp/np$np.json"
  results+=("$tmp/np$np.json")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$python" "$root/python/bench/report.py" "$root/docs/benchmarks.md" \
  "scripts/bench-python.sh $iters" "$load_before" "$load_after" \
  "${results[@]}"
sed -n '/python:begin/,/python:end/p' "$root/docs/benchmarks.md"
