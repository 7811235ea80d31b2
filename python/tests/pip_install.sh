#!/usr/bin/env bash
# What a user does on a GPU node that has no MLIR and no MPI: make a fresh
# virtual environment, `pip install` seqpar from its source tree against the
# environment's torch, and use `seqpar.torch` from outside the source and
# build trees. Usage: pip_install.sh <python with torch> <source dir> <work dir>
#
# The fresh environment sees the given interpreter's packages (torch, pytest,
# scikit-build-core) through a .pth file instead of downloading them again,
# and pip runs with --no-index --no-deps: nothing is fetched or upgraded, only
# seqpar is built.
set -euo pipefail
python=$1 src=$2 work=$3

rm -rf "$work" && mkdir -p "$work"
/usr/bin/python3 -m venv "$work/venv"
site=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
fresh=$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$site" > "$fresh/seqpar-test-deps.pth"

# No MLIR or MPI on the way: the build must not look for them.
PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  "$work/venv/bin/python" -m pip install --no-index --no-deps --no-build-isolation \
  --disable-pip-version-check -q "$src"

cd "$work"
"$work/venv/bin/python" - "$fresh" <<'PY'
import os, sys
import seqpar.torch as sp
where = os.path.realpath(sp.__file__)
assert where.startswith(os.path.realpath(sys.argv[1])), where
assert sp.cal_split_sizes(10, 3) == [4, 3, 3]
print("seqpar.torch imported from", where)
PY
# The Python suite on 2 Gloo ranks, on the installed package.
env -u PYTHONPATH OMP_NUM_THREADS=1 "$work/venv/bin/python" -m pytest -q \
  -p no:cacheprovider "$src/python/tests" --nprocs 2
