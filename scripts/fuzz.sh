#!/usr/bin/env bash
# Fuzzes the C ABI with cargo-fuzz (libFuzzer + AddressSanitizer): every
# exported function that parses input, and structure-aware encodes of the C
# input structs. Each target runs for a bounded time and the script fails on
# any crash, sanitizer report (memory error or leak), timeout or OOM.
#
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET defaults to $BARTER_FUZZ_SECONDS, else 60.
#   TARGETs default to all of rust-ffi/fuzz/fuzz_targets.
#
# A long local run of one target (Ctrl-C to stop; the corpus grows in
# rust-ffi/fuzz/corpus/TARGET and is reused by later runs):
#   scripts/fuzz.sh 28800 decode_lines
#
# Installs cargo-fuzz (pinned) into .tools/ from the Rust package registry. Needs a nightly
# toolchain for the sanitizer flags; without one it uses the stable toolchain
# with RUSTC_BOOTSTRAP=1. The seed corpus is made from the serde fixtures in
# tests/fixtures and from barter's example config and market data shipped in
# python/barter_python/data. The last line is "N passed, M failed".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_FUZZ_VERSION="0.13.2"
SECONDS_PER_TARGET="${1:-${BARTER_FUZZ_SECONDS:-60}}"
shift || true
FUZZ_DIR="$ROOT/rust-ffi/fuzz"
export PATH="$ROOT/.tools/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }
abort() {
    echo "fuzz.sh: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

[[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]] || abort "SECONDS_PER_TARGET must be a positive integer"

if [ "$(cargo-fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    step "installing cargo-fuzz $CARGO_FUZZ_VERSION into .tools"
    cargo install --quiet --locked cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --root "$ROOT/.tools" ||
        abort "could not install cargo-fuzz"
fi

if rustup run nightly rustc --version >/dev/null 2>&1; then
    TOOLCHAIN=nightly
else
    echo "fuzz.sh: no nightly toolchain; using stable with RUSTC_BOOTSTRAP=1" >&2
    TOOLCHAIN=stable
    export RUSTC_BOOTSTRAP=1
fi

if [ "$#" -gt 0 ]; then
    TARGETS=("$@")
else
    TARGETS=()
    for f in "$FUZZ_DIR"/fuzz_targets/*.rs; do
        TARGETS+=("$(basename "$f" .rs)")
    done
fi

step "seed corpus from tests/fixtures and the package's data"
python3 - "$ROOT/tests/fixtures" "$FUZZ_DIR/corpus" "$ROOT/python/barter_python/data" <<'EOF'
import json, sys
from pathlib import Path

fixtures, corpus = Path(sys.argv[1]), Path(sys.argv[2])
events = [json.loads(l)["serde"] for l in (fixtures / "order_events.jsonl").open(encoding="utf-8")]
messages = [json.loads(l) for l in (fixtures / "messages.jsonl").open(encoding="utf-8")]
# BarterMessage values (1..=12) and BarterKeys (1, 2), as decode_messages reads them.
ids = ["order_event", "order_request_open", "order_request_cancel", "order_response_cancel",
       "order_snapshot", "order_response_open", "trade", "asset_balance", "account_snapshot",
       "account_event"]
keys = {"indexed": 0, "unindexed": 1}

def write(target, seeds):
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(seeds):
        (folder / f"seed-{i:03}").write_bytes(seed if isinstance(seed, bytes) else seed.encode())

lines = "".join(e + "\n" for e in events)
bad = events[0].replace('"state"', '"stat"')
write("decode_one", events)
write("decode_array", ["[" + ",".join(events) + "]"] + ["[" + e + "]" for e in events])
write("decode_lines", [lines, events[1] + "\r\n\n" + events[2]] + events)
write("decode_lines_collect", [lines, "\n".join([events[0], bad, "{", events[3]])] + events)
seeds = []
groups = {}
for m in messages:
    head = bytes([ids.index(m["message"]), keys[m["keys"]]])
    seeds.append(head + b"\x00" + m["serde"].encode())
    groups.setdefault(head, []).append(m["serde"])
for head, items in groups.items():
    seeds.append(head + b"\x01" + ("[" + ",".join(items) + "]").encode())
    seeds.append(head + b"\x02" + "".join(i + "\n" for i in items).encode())
    seeds.append(head + b"\x03" + "\n".join(items + ["{}"]).encode())
# The market stream items (messages 11 and 12) serde reads back, indexed.
market_rows = [json.loads(l) for l in (fixtures / "engine_values.jsonl").open(encoding="utf-8")]
for message, kind in ((10, "MarketStreamEvent"), (11, "MarketStreamResult")):
    items = [r["serde"] for r in market_rows if r["type"] == kind and r["reprint_error"] is None]
    head = bytes([message, 0])
    seeds += [head + b"\x00" + i.encode() for i in items]
    seeds.append(head + b"\x02" + "".join(i + "\n" for i in items).encode())
    groups[head] = items
write("decode_messages", seeds)
# decode_stream: batch size byte, then flags (bit 0: collect) and the message
# and key form (the other bits: message + 12 * keys, as above), then JSON lines.
seeds = []
for head, items in groups.items():
    message, key_form = head
    lines = "".join(i + "\n" for i in items).encode()
    messy = ("\n".join(items[:1] + ["{}", ""] + items[1:]) + "\r\n{").encode()
    which = (message + 12 * key_form) << 1
    for size, collect, body in [(0, 0, lines), (2, 1, messy), (6, 0, messy), (15, 1, lines)]:
        seeds.append(bytes([size, which | collect]) + body)
write("decode_stream", seeds)
for target in ("encode_order_events", "encode_messages"):
    (corpus / target).mkdir(parents=True, exist_ok=True)
# The session configuration of rust-ffi's own tests, when it is there.
import re
config = Path(sys.argv[1]).parent.parent / "rust-ffi" / "src" / "session" / "config.rs"
found = re.search(r'const CONFIG: &str = r#"(.*?)"#;', config.read_text(), re.S) if config.exists() else None
write("session_config", [found.group(1)] if found else [])

# system_config: 8 option bytes (feed mode, 0xfe: NULL options; trading
# state; audit; reserved; audit capacity, u16 LE; summary interval; length
# of the balances), then the balances and the config.
data = Path(sys.argv[3])
example = json.loads((data / "system_config.json").read_text(encoding="utf-8"))

def config(edit=None, latency=1, indent=2):
    value = json.loads(json.dumps(example))
    value["executions"][0]["latency_ms"] = latency
    if edit:
        edit(value)
    return json.dumps(value, indent=indent)

def balance(asset, total="100", free="100"):
    return {"key": {"exchange": "binance_spot", "asset": asset},
            "value": {"total": total, "free": free}}

def system_seed(head, text, balances=b""):
    return bytes(head + [len(balances)]) + balances + text.encode()

def second_execution(value):
    value["executions"].append(dict(value["executions"][0], mocked_exchange="coinbase"))

def stray_instrument(value):
    value["instruments"].append(dict(value["instruments"][0], exchange="kraken"))

def unequal_balance(value):
    value["executions"][0]["initial_state"]["balances"][0]["balance"]["free"] = 1

write("system_config", [
    system_seed([0, 0, 1, 0, 0, 0, 1], config()),
    system_seed([1, 2, 0, 0, 0, 0, 2], config(indent=None)),
    system_seed([2, 1, 1, 0, 4, 0, 3], config(latency=0)),
    system_seed([0xfe, 0, 0, 0, 0, 0, 1], config()),
    system_seed([0, 0, 1, 0, 1, 0, 1], config(latency=100)),
    system_seed([0, 0, 1, 0, 0, 0, 1], config(), json.dumps([balance("usdt")]).encode()),
    system_seed([0, 0, 0, 0, 0, 0, 1], config(), json.dumps([balance("doge")]).encode()),
    system_seed([0, 0, 0, 0, 0, 0, 1], config(), json.dumps([balance("btc", "-1")]).encode()),
    system_seed([0, 0, 1, 0, 0, 0, 1], config(second_execution)),
    system_seed([0, 0, 1, 0, 0, 0, 1], config(stray_instrument)),
    system_seed([0, 0, 0, 0, 0, 0, 1], config(unequal_balance)),
    system_seed([0, 0, 0, 0, 0, 0, 1], "{}"),
])
# system_commands draws everything from its bytes (structure-aware); an
# input that runs out reads as zeros, which are mostly invalid tags, so it
# starts from inputs long enough for valid requests.
import random
rng = random.Random(38)
write("system_commands", [bytes(rng.randrange(256) for _ in range(2048)) for _ in range(8)])

# market_decode: one byte for the BarterEngineValue (value - 1), one for the
# format (format - 1), then the JSON.
def decode_seed(value, format, text):
    return bytes([value - 1, format - 1]) + text.encode()

def framed(value, items):
    return [decode_seed(value, 1, i) for i in items] + [
        decode_seed(value, 2, "[" + ",".join(items) + "]"),
        decode_seed(value, 3, "".join(i + "\n" for i in items))]

market = (data / "market_events.jsonl").read_text(encoding="utf-8").splitlines()
# Every other DataKind, with f64s at the edges (17 digits, subnormal, near
# the maximum) in barter-data's trades, candles and liquidations.
stamp = "2025-03-25T23:07:00.773674205Z"

def item(kind):
    return json.dumps({"Item": {"time_exchange": stamp, "time_received": stamp,
                                "exchange": "binance_spot", "instrument": 0, "kind": kind}})

# An order book side reads `side` (null), which serde does not print back.
book = {"sequence": 7, "time_engine": stamp,
        "bids": {"side": None, "levels": [{"price": "87232.00", "amount": "2.42"}]},
        "asks": {"side": None, "levels": [{"price": "87232.01", "amount": "2.64"}]}}
edges = [
    item({"Trade": {"id": "1", "price": 0.30000000000000004, "amount": 5e-324, "side": "Buy"}}),
    item({"Candle": {"close_time": stamp, "open": 1.7976931348623157e308,
                     "high": 2.2250738585072014e-308, "low": 9007199254740993, "close": 1e23,
                     "volume": 8.98846567431158e307, "trade_count": 18446744073709551615}}),
    item({"Liquidation": {"side": "Sell", "price": 87232.00000000001, "quantity": 1.1e-7,
                          "time": stamp}}),
    item({"OrderBook": {"Snapshot": book}}),
    json.dumps({"Reconnecting": "binance_spot"}),
]
seeds = framed(3, market) + framed(3, edges)
# Every engine value rust-ffi's fixture generator writes, as serde prints it
# and as it was given (they differ where serde cannot read its output back).
values = {"AuditTick": 1, "StateSnapshot": 2, "MarketStreamEvent": 3, "EngineEvent": 4,
          "Command": 5, "InstrumentFilter": 6, "TradingSummaryDaily": 7,
          "TradingSummaryAnnual252": 8, "TradingSummaryAnnual365": 9, "MarketStreamResult": 10}
groups = {}
for row in map(json.loads, (fixtures / "engine_values.jsonl").open(encoding="utf-8")):
    given = json.dumps(row["json"], separators=(",", ":"))
    groups.setdefault(values[row["type"]], []).extend({row["serde"], given})
for value, items in sorted(groups.items()):
    summary = value in (7, 8, 9)
    seeds += [decode_seed(value, 1, i) for i in items] if summary else framed(value, sorted(items))
write("market_decode", seeds)

# backtest: the interval (and the stepped backtest's flags), the number of
# backtests, the config's length (u16 LE), the config (barter's backtest
# config's system), the market data's length and JSON lines, then one byte
# per step API call (low 3 bits: which call).
backtest = json.loads((data / "backtest_config.json").read_text(encoding="utf-8"))["system"]
STEPS = bytes([0x08, 0x28, 0x05, 0x06, 0x07, 0x02, 0x0b, 0x04, 0x0c, 0x01, 0x07, 0xf8, 0x03])

def backtest_seed(interval, count, config, lines, ops=STEPS):
    text, market = config.encode(), "".join(line + "\n" for line in lines).encode()
    return (bytes([interval, count]) + len(text).to_bytes(2, "little") + text
            + len(market).to_bytes(2, "little") + market + ops)

compact = json.dumps(backtest, separators=(",", ":"))
write("backtest", [
    backtest_seed(1, 1, compact, market[:6]),
    backtest_seed(2, 3, compact, market),
    backtest_seed(3, 2, compact, market[:2] + [edges[-1]] + market[2:4]),
    backtest_seed(1, 1, compact, [edges[-1]]),
    backtest_seed(0, 1, compact, market[:2]),
    backtest_seed(1, 0xff, compact, market[:2]),
    backtest_seed(1, 1, compact, list(reversed(market[:8]))),
    backtest_seed(1, 1, "{}", market[:2]),
    backtest_seed(1 | 4 * 1 | 16 * 1, 1, compact, market, STEPS * 3),
])
EOF

step "building the fuzz targets (cargo +$TOOLCHAIN fuzz build, AddressSanitizer)"
(cd "$ROOT/rust-ffi" && cargo "+$TOOLCHAIN" fuzz build) || abort "the fuzz targets do not build"

passed=0
failed=0
summary=()
logs="$FUZZ_DIR/logs"
mkdir -p "$logs"
for target in "${TARGETS[@]}"; do
    step "fuzzing $target for ${SECONDS_PER_TARGET}s"
    log="$logs/$target.log"
    status=0
    # -timeout: one input running over 10 s is a finding; -rss_limit_mb: so
    # is a process over 2 GiB. LeakSanitizer runs after inputs that leak.
    (cd "$ROOT/rust-ffi" && cargo "+$TOOLCHAIN" fuzz run "$target" "$FUZZ_DIR/corpus/$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
        -detect_leaks=1 -print_final_stats=1) >"$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    corpus_size="$(find "$FUZZ_DIR/corpus/$target" -type f | wc -l)"
    if [ "$status" -eq 0 ] && ! grep -qE '^==[0-9]+==ERROR|^SUMMARY: .*Sanitizer|deadly signal|panicked at' "$log"; then
        passed=$((passed + 1))
        summary+=("PASS $target: ${runs:-?} executions in ${SECONDS_PER_TARGET}s, corpus $corpus_size inputs")
    else
        failed=$((failed + 1))
        summary+=("FAIL $target (exit $status): ${runs:-?} executions; log $log")
        grep -E 'ERROR|SUMMARY|panicked|Test unit written|Reproduce|artifact' "$log" | head -20 >&2 || true
        tail -40 "$log" >&2
        echo "reproduce: (cd rust-ffi && cargo +$TOOLCHAIN fuzz run $target fuzz/artifacts/$target/<file>)" >&2
    fi
    echo "${summary[-1]}"
done

step "fuzz summary"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
