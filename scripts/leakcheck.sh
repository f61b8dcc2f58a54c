#!/usr/bin/env bash
# Leak and memory-error check of the C ABI under valgrind memcheck:
#   1. tests/c/smoke.c, the C smoke program;
#   2. scripts/leakcheck/driver.c, linked to the library's test variant:
#      every allocate/free pair of the C ABI
#      (decode/encode of every message type in every format, the typed
#      order-event calls, event sinks with a Rust producer thread, test
#      buffers, a barter System's whole life: commands, market events,
#      drained audit, its engine ended by an error, shutdown, summary) and
#      the error paths (bad input, NULL, unknown tags, limits, a caught
#      panic, refused session and System configurations, bad filters);
#   3. scripts/leakcheck/loop.py: CPython driving at least 100,000 events
#      through the package's decode/encode calls, the error paths included,
#      and a System's life through barter_python.system.
# Fails on any definite leak or invalid access. The C programs are checked
# strictly (any valgrind error fails). Under CPython only the findings that
# involve this project's code count: a definite leak allocated by
# libbarter_ffi.so, or any other error (invalid read/write/free,
# uninitialised value) any of whose stacks (the access, the allocation, the
# free or the origin) passes through libbarter_ffi.so or the package's cffi
# extension. CPython's and cffi's own start-up leaks and valgrind's known
# false positives in CPython and ld.so are listed but not counted.
#
# usage: scripts/leakcheck.sh [EVENTS]    (EVENTS for the Python loop, default 100000)
# Needs valgrind (installed with apt-get when missing), cargo, a C compiler,
# python3, and the package installed in $BARTER_VENV (default .venv; made
# with ./dev setup when missing). The last line is "N passed, M failed".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

EVENTS="${1:-100000}"
VENV="${BARTER_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
ROUNDS=3

step() { printf '\n==> %s\n' "$*"; }
abort() {
    echo "leakcheck.sh: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

[[ "$EVENTS" =~ ^[1-9][0-9]*$ ]] || abort "EVENTS must be a positive integer"

if ! command -v valgrind >/dev/null; then
    step "installing valgrind"
    { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; } || abort "no valgrind"
fi

if ! "$PY" -c "import barter_python" 2>/dev/null; then
    "$ROOT/dev" setup || abort "could not install the package"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

step "building libbarter_ffi (release), its test variant and the C programs"
# The smoke program links the shipped library; the driver the test variant,
# whose hooks (a caught panic, producer threads) it calls.
variant="$(scripts/build_test_variant.sh | tail -1)" || abort "cargo build failed"
cflags=(-std=c99 -D_POSIX_C_SOURCE=200809L -g -Wall -Wextra -Werror -pedantic
    -I "$ROOT/include" -I "$ROOT/tests/c")
build_c() { # $1: program, $2: directory of the libbarter_ffi.so it links
    cc "${cflags[@]}" "$1" -L"$2" -lbarter_ffi -Wl,-rpath,"$2" \
        -o "$tmp/$(basename "$1" .c)" || abort "$1 does not compile"
}
build_c tests/c/smoke.c "$ROOT/rust-ffi/target/release"
build_c scripts/leakcheck/driver.c "$(dirname "$variant")"
python3 - "$ROOT/tests/fixtures/messages.jsonl" >"$tmp/samples.txt" <<'EOF'
import json, sys
ids = ["order_event", "order_request_open", "order_request_cancel", "order_response_cancel",
       "order_snapshot", "order_response_open", "trade", "asset_balance", "account_snapshot",
       "account_event"]
for line in open(sys.argv[1], encoding="utf-8"):
    row = json.loads(line)
    print(ids.index(row["message"]) + 1, 1 if row["keys"] == "indexed" else 2, row["serde"])
EOF

# Panics print through Rust's default hook; backtraces only slow valgrind.
export RUST_BACKTRACE=0
memcheck=(valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite
    --errors-for-leak-kinds=definite --track-origins=yes --num-callers=60)
passed=0
failed=0
results=()

run_c() { # $1: label, then the command
    local label="$1" status=0
    shift
    step "valgrind: $label"
    "${memcheck[@]}" --error-exitcode=99 "$@" >"$tmp/$label.out" 2>"$tmp/$label.err" || status=$?
    grep -E '^(driver|smoke):|ERROR SUMMARY|definitely lost' "$tmp/$label.out" "$tmp/$label.err" \
        | sed 's/^[^:]*://' || true
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
        results+=("PASS $label: $(grep -hE '^driver:|smoke: all' "$tmp/$label.out" | tail -1)")
    else
        failed=$((failed + 1))
        results+=("FAIL $label (exit $status)")
        grep -vE 'panicked at|^leak check$|RUST_BACKTRACE' "$tmp/$label.err" | tail -80 >&2
    fi
}

run_c smoke "$tmp/smoke"
run_c driver "$tmp/driver" "$tmp/samples.txt" "$ROUNDS" "$ROOT/python/barter_python/data"

step "valgrind: CPython loop of $EVENTS events (PYTHONMALLOC=malloc)"
status=0
PYTHONMALLOC=malloc "${memcheck[@]}" --xml=yes --xml-file="$tmp/python.xml" \
    "$PY" "$ROOT/scripts/leakcheck/loop.py" "$ROOT/tests/fixtures" "$EVENTS" \
    >"$tmp/python.out" 2>"$tmp/python.err" || status=$?
cat "$tmp/python.out"
verdict=0
python3 - "$tmp/python.xml" <<'EOF' || verdict=$?
# Counts the findings of the CPython run that involve this project's code.
import sys
import xml.etree.ElementTree as ET

# The library, and the C builder of typed records (which allocates them).
LIBRARY = ("libbarter_ffi.so", "_cbuild.")
# The package's cffi extension calls into the library; its one-time module
# set-up (cffi's own allocations under PyInit__barter_ffi) lives for the
# process and is not a leak of ours, so it counts only for access errors.
EXTENSION = (*LIBRARY, "_barter_ffi.")
root = ET.parse(sys.argv[1]).getroot()
ours, theirs = [], {}
for error in root.iter("error"):
    kind = error.findtext("kind")
    stacks = [
        [(f.findtext("fn") or "?", f.findtext("obj") or "?") for f in stack.iter("frame")]
        for stack in error.iter("stack")
    ]
    if kind.startswith("Leak_") and kind != "Leak_DefinitelyLost":
        continue
    ours_in = LIBRARY if kind == "Leak_DefinitelyLost" else EXTENSION
    mine = any(any(o in obj for o in ours_in) for stack in stacks for _, obj in stack)
    if mine:
        ours.append((kind, error.findtext("what") or error.findtext("xwhat/text"), stacks))
    else:
        top = next((fn for fn, obj in stacks[0] if "vgpreload" not in obj), "?")
        theirs[(kind, top)] = theirs.get((kind, top), 0) + 1
for (kind, top), count in sorted(theirs.items()):
    print(f"  not counted (CPython, cffi or ld.so): {count} x {kind} in {top}")
for kind, what, stacks in ours:
    print(f"FINDING {kind}: {what}")
    for stack in stacks:
        for fn, obj in stack[:25]:
            print(f"    {fn}  ({obj.rsplit('/', 1)[-1]})")
        print("    --")
print(f"  findings in barter code: {len(ours)}")
sys.exit(1 if ours else 0)
EOF
if [ "$status" -eq 0 ] && [ "$verdict" -eq 0 ] && grep -q '^loop:' "$tmp/python.out"; then
    passed=$((passed + 1))
    results+=("PASS python: $(cat "$tmp/python.out")")
else
    failed=$((failed + 1))
    results+=("FAIL python (exit $status, verdict $verdict)")
    grep -vE 'panicked at|^leak check panic$|RUST_BACKTRACE' "$tmp/python.err" | tail -40 >&2
fi

step "leak check summary"
printf '%s\n' "${results[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
