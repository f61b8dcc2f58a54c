"""``python -m barter_python session-demo``: the shipped script on the shipped config,
as a table, as serde JSON lines, and replaying a user's own script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from barter_python import BarterValueError
from barter_python._session_demo import DEFAULT_SCRIPT, parse_script
from barter_python.execution import (
    AccountEvent,
    Keys,
    OrderKind,
    OrderRequestCancel,
    OrderRequestOpen,
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "barter_python", "session-demo", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def kinds(stdout: str) -> list[str]:
    events = [AccountEvent.from_json(line, Keys.UNINDEXED) for line in stdout.splitlines()]
    return [type(e.kind).__name__ for e in events]


def test_the_default_script_covers_what_the_demo_promises() -> None:
    requests = parse_script(DEFAULT_SCRIPT)
    opens = [r for r in requests if isinstance(r, OrderRequestOpen)]
    assert {r.state.side.value for r in opens if r.state.kind is OrderKind.MARKET} == {
        "Buy",
        "Sell",
    }
    assert [r.state.kind for r in opens].count(OrderKind.LIMIT) == 1
    assert sum(isinstance(r, OrderRequestCancel) for r in requests) == 1


def test_demo_json_prints_the_event_stream_as_serde_json_lines() -> None:
    result = run("--json")
    assert result.returncode == 0, result.stderr
    assert kinds(result.stdout) == [
        "AccountSnapshot",
        *["OrderSnapshot", "AssetBalance", "Trade"] * 3,  # three market orders fill
        "OrderSnapshot",  # too large: OpenFailed(BalanceInsufficient)
        "OrderSnapshot",  # limit: OpenFailed(OrderRejected)
        "OrderResponseCancel",  # OrderCancelled: Err(ExchangeOffline)
        *["OrderSnapshot", "AssetBalance", "Trade"],
    ]
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    failed = lines[10]["kind"]["OrderSnapshot"]["state"]["Inactive"]["OpenFailed"]
    assert next(iter(failed["Rejected"])) == "BalanceInsufficient"
    cancelled = lines[12]["kind"]["OrderCancelled"]
    assert cancelled["state"] == {"Err": {"Connectivity": {"ExchangeOffline": "binance_spot"}}}


def test_demo_table() -> None:
    result = run("--plain", "--pace", "0")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "open demo-1: Buy 0.05 BTCUSDT @ 64000 Market -> Ok: Open id=0 filled=0.05" in out
    assert "OpenFailed: BalanceInsufficient(usdt, Available Balance:" in out
    assert "cancel demo-5 (BTCUSDT) -> Err: ExchangeOffline(binance_spot)" in out
    pytest.importorskip("rich")
    result = run("--pace", "0")
    assert result.returncode == 0, result.stderr
    assert "barter MockExchange (binance_spot): account events" in result.stdout
    assert "BalanceSnapshot" in result.stdout


def test_demo_replays_a_users_order_script(tmp_path: Path) -> None:
    key = {"exchange": "binance_spot", "instrument": "ETHUSDT", "strategy": "me", "cid": "m1"}
    script = tmp_path / "orders.jsonl"
    script.write_text(
        "# my script\n\n"
        + json.dumps(
            {
                "open": {
                    "key": key,
                    "state": {
                        "side": "Buy",
                        "price": "3000",
                        "quantity": "1",
                        "kind": "Market",
                        "time_in_force": "ImmediateOrCancel",
                    },
                }
            }
        )
        + "\n"
        + json.dumps({"cancel": {"key": key, "state": {"id": "0"}}})
        + "\n"
    )
    result = run("--json", "--orders", str(script))
    assert result.returncode == 0, result.stderr
    assert kinds(result.stdout) == [
        "AccountSnapshot",
        "OrderSnapshot",
        "AssetBalance",
        "Trade",
        "OrderResponseCancel",
    ]


def test_a_bad_order_script_names_its_line(tmp_path: Path) -> None:
    script = tmp_path / "bad.jsonl"
    script.write_text('# ok\n{"open": {"key": {}}}\n')
    result = run("--orders", str(script))
    assert result.returncode == 1
    assert "bad.jsonl: line 2: missing field `exchange`" in result.stderr
    with pytest.raises(BarterValueError, match='line 1: unknown request "close"'):
        parse_script('{"close": {}}')
    # json's own wording: CPython's, then PyPy's.
    with pytest.raises(BarterValueError, match=r"line 1: (Expecting value|Error when decoding)"):
        parse_script("nope")
    assert run("--orders", str(tmp_path / "missing.jsonl")).returncode == 2
