#!/usr/bin/env bash
# The sanitizer-and-assertions job: builds everything (compiler, runtime,
# Python package) with AddressSanitizer and UndefinedBehaviorSanitizer and
# with assertions on (-O1 -g, no NDEBUG) in build-asan/, and runs the whole
# suite there: lit (with the execution tests under mpirun), the fuzzer,
# the runtime and Python tests. CUDA is left out (nvcc rejects -fsanitize)
# and so is the pip-install test (a wheel is not a sanitizer build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export SEQPAR_BUILD_DIR=${SEQPAR_ASAN_BUILD_DIR:-$root/build-asan}
"$root/scripts/build.sh" -DSEQPAR_ENABLE_SANITIZERS=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" \
  "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$SEQPAR_BUILD_DIR" && ctest --output-on-failure -j "${SEQPAR_TEST_JOBS:-2}"
