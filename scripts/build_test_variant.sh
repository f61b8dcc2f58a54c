#!/usr/bin/env bash
# Builds the library's test variant (cargo feature `testing`: the test hooks
# declared in tests/c/barter_ffi_hooks.h) and copies it to
# rust-ffi/target/testing/libbarter_ffi.so, then rebuilds the product library
# so that rust-ffi/target/release holds the shipped build again (both builds
# share the compiled dependencies; only the crate itself is compiled twice).
#
# usage: scripts/build_test_variant.sh    (prints the test variant's path last)
set -euo pipefail

crate="$(cd "$(dirname "${BASH_SOURCE[0]}")/../rust-ffi" && pwd)"
cd "$crate"
target="${CARGO_TARGET_DIR:-target}"
[[ "$target" = /* ]] || target="$crate/$target"

cargo build --quiet --release --locked --lib --features testing
mkdir -p "$target/testing"
cp "$target/release/libbarter_ffi.so" "$target/testing/libbarter_ffi.so"
cargo build --quiet --release --locked --lib
echo "$target/testing/libbarter_ffi.so"
