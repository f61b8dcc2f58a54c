#!/usr/bin/env bash
# Builds tests/embed/host.c against libpython with the embed flags of the
# python3-config that belongs to PYTHON's base interpreter, and runs it with
# PYTHON's virtualenv, where barter_python must be installed.
#
# usage: tests/embed/run.sh PYTHON   (e.g. .venv/bin/python)
# The last line is "N passed, M failed".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${1:?usage: tests/embed/run.sh PYTHON}"
cc="${CC:-cc}"

fail() {
    echo "run.sh: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

# The venv's python has no python3-config of its own: take its base
# interpreter's (python3.X-config in the same bin directory), else python3-config.
config_var() { "$python" -c "import sysconfig; print(sysconfig.get_config_var('$1') or '')"; }
bindir="$(config_var BINDIR)"
version="$(config_var VERSION)"
libdir="$(config_var LIBDIR)"
config="$bindir/python$version-config"
[[ -x "$config" ]] || config="$(command -v "python$version-config" || command -v python3-config || true)"
[[ -n "$config" ]] || fail "no python$version-config (install the Python development package)"

tmpdir="$(mktemp -d)"
trap 'rm -rf "$tmpdir"' EXIT

# LINKFORSHARED exports libpython's symbols from the host for extension
# modules when libpython is static; with a shared libpython it is harmless.
# shellcheck disable=SC2046 # the config's flags are meant to split into words
"$cc" -std=c99 -Wall -Wextra -Werror $("$config" --includes) "$here/host.c" \
    $("$config" --embed --ldflags) -Wl,-rpath,"$libdir" $(config_var LINKFORSHARED) \
    -o "$tmpdir/host" ||
    fail "tests/embed/host.c does not build with $config --embed"

echo "embedding Python $version through $config, with $python's venv"
# host prints its own "N passed, M failed" line and exits non-zero on a failure.
"$tmpdir/host" "$python"
