#!/usr/bin/env bash
# Configures (once) and builds seqpar in build/ with ninja and ccache.
# Extra arguments are passed to cmake at configure time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SEQPAR_BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh"

# Paths under the checkout are hashed relative to it, so a fresh clone
# elsewhere reuses what ccache holds from an earlier build.
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1

# The Python package and its tests use the project's virtual environment
# (torch 2.x from PyPI, made by install-deps.sh).
python=${SEQPAR_VENV:-$root/.venv}/bin/python
if [ ! -f "$build/build.ninja" ] ||
   ! grep -qx "Python3_EXECUTABLE:FILEPATH=$python" "$build/CMakeCache.txt"; then
  cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=${SEQPAR_BUILD_TYPE:-Release} \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DPython3_EXECUTABLE="$python" "$@"
fi
cmake --build "$build" -j "${SEQPAR_JOBS:-$(nproc)}"
