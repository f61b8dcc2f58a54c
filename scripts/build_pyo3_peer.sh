#!/usr/bin/env bash
# Builds the benchmark suite's PyO3 peer (benchmarks/pyo3_peer) for the
# Python interpreter given, and prints the directory that holds the module:
# run.py imports it from there when BARTER_PYO3_PEER names it. A benchmark
# yardstick only: nothing installs or ships it.
#
#     scripts/build_pyo3_peer.sh PYTHON
set -euo pipefail
python="${1:?usage: scripts/build_pyo3_peer.sh PYTHON}"
# Absolute, and not resolved: a venv's python is a symlink out of the venv.
case "$python" in
    */*) python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")" ;;
    *) python="$(command -v "$python")" ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"
# rust-ffi's target directory: the barter crates both pin build once.
target="$root/rust-ffi/target"
tag="$("$python" -c 'import sys; print(sys.implementation.cache_tag)')"
suffix="$("$python" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
PYO3_PYTHON="$python" cargo build --quiet --locked --release \
    --manifest-path "$root/benchmarks/pyo3_peer/Cargo.toml" --target-dir "$target"
out="$target/pyo3-peer/$tag"
mkdir -p "$out"
cp "$target/release/libbarter_pyo3_peer.so" "$out/barter_pyo3_peer$suffix"
echo "$out"
