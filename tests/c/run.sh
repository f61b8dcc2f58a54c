#!/usr/bin/env bash
# Builds tests/c/smoke.c against libbarter_ffi and runs it; also checks that
# include/barter_ffi.h compiles on its own after <stdint.h> and <stddef.h>.
#
# usage: tests/c/run.sh [directory holding libbarter_ffi.so]
# (default: rust-ffi/target/release; build it with `cargo build --release`).
# The last line is "N passed, M failed".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
libdir="${1:-$root/rust-ffi/target/release}"
cc="${CC:-cc}"
cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -I "$root/include")

fail() {
    echo "run.sh: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

[[ -e "$libdir/libbarter_ffi.so" ]] ||
    fail "no libbarter_ffi.so in $libdir (run: cd rust-ffi && cargo build --release)"
libdir="$(cd "$libdir" && pwd)"

tmpdir="$(mktemp -d)"
trap 'rm -rf "$tmpdir"' EXIT

printf '#include <stdint.h>\n#include <stddef.h>\n#include "barter_ffi.h"\n' \
    >"$tmpdir/header_only.c"
"$cc" "${cflags[@]}" -fsyntax-only "$tmpdir/header_only.c" ||
    fail "include/barter_ffi.h does not compile on its own"

"$cc" "${cflags[@]}" "$root/tests/c/smoke.c" \
    -L"$libdir" -lbarter_ffi -Wl,-rpath,"$libdir" -o "$tmpdir/smoke" ||
    fail "tests/c/smoke.c does not compile"

"$tmpdir/smoke" || fail "smoke exited with status $?"
echo "1 passed, 0 failed"
