#!/usr/bin/env bash
# Installs every build and test dependency of seqpar: Debian packages from
# Debian's archive, then the Python ones (torch 2.x and the peers benchmarked
# against) from PyPI into the project-local virtual environment .venv, made
# with Debian's python3. Idempotent: packages already present are left alone,
# apt is not touched, and pip runs only when python/requirements.txt changed
# since the last install into .venv.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build ccache git pkg-config time
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libopenmpi-dev openmpi-bin
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format
  python3 python3-dev python3-venv
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages present"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Python environment. SEQPAR_VENV moves it (the build and the tests use
# the interpreter of the same path).
venv=${SEQPAR_VENV:-$root/.venv}
requirements=$root/python/requirements.txt
stamp=$venv/.seqpar-requirements
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] &&
   cmp -s "$stamp" "$requirements"; then
  echo "install-deps: $venv is up to date with python/requirements.txt"
  exit 0
fi
if [ ! -x "$venv/bin/python" ]; then
  /usr/bin/python3 -m venv "$venv"
fi
echo "install-deps: installing python/requirements.txt into $venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  --upgrade pip
# DeepSpeed's setup.py imports torch: torch goes in first, then the rest
# without build isolation (the build sees the environment's torch).
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  $(grep -E '^(torch|numpy|setuptools|wheel)==' "$requirements")
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  --no-build-isolation -r "$requirements"
cp "$requirements" "$stamp"
