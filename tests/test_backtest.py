"""barter's backtests through the library: barter's example backtest config
over its example market data (from the barter crate cargo resolves), every
way market data can come in, and the errors of bad input. That the
summaries are barter's own is checked in Rust (rust-ffi/tests/backtest.rs),
against barter's ``run_backtests`` on the same inputs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from barter_python import BarterValueError
from barter_python.backtest import (
    BacktestArgsConstant,
    BacktestArgsDynamic,
    BacktestSummary,
    Duration,
    MarketData,
    MultiBacktestSummary,
    backtest,
    example_backtest_config,
    run_backtests,
    run_historic_backtest,
)
from barter_python.market import MarketItem, MarketStreamEvent
from barter_python.summary import Annual252, Daily, TradingSummary
from barter_python.timestamp import Timestamp
from conftest import FIXTURES

DATA = Path("examples") / "data"
TRADES_L1 = DATA / "binance_spot_trades_l1_btcusdt_ethusdt_solusdt.json"
WITH_DISCONNECTS = DATA / "binance_spot_market_data_with_disconnect_events.json"
RATE = Decimal("0.05")


@pytest.fixture(scope="module")
def trades_l1(barter_crate_dir: Path) -> Path:
    return barter_crate_dir / TRADES_L1


def timeless(summary: TradingSummary) -> dict[str, Any]:
    """A summary without what barter's wall-clock clock sets (see the Rust
    test): its start and end times, and balances that depend on whether the
    mock's account snapshot beat the end of the data."""
    data = summary.to_dict()
    del data["time_engine_start"], data["time_engine_end"]
    for entry in data["assets"]:
        del entry["tear_sheet"]["balance_end"]
    return data


def test_run_backtests_over_barters_example(trades_l1: Path) -> None:
    config = example_backtest_config()
    assert Decimal(str(config["risk_free_return"])) == RATE
    ids = ["first", "ünïcode", ""]
    with MarketData(trades_l1) as data:
        assert len(data) == 50_000
        constant = BacktestArgsConstant(config, data, Annual252())
        multi = run_backtests(constant, [BacktestArgsDynamic(i, RATE) for i in ids])
    assert isinstance(multi, MultiBacktestSummary)
    assert multi.num_backtests == 3
    assert isinstance(multi.duration, Duration)
    assert multi.duration.total_seconds() > 0
    assert [s.id for s in multi.summaries] == ids
    first = json.loads(trades_l1.read_text(encoding="utf-8").splitlines()[0])["Item"]
    for summary in multi.summaries:
        assert isinstance(summary, BacktestSummary)
        assert summary.risk_free_return == RATE
        trading = summary.trading_summary
        assert trading.interval == Annual252()
        assert set(trading.instruments) == {
            "binancespot-btc_usdt",
            "binancespot-eth_usdt",
            "binancespot-sol_usdt",
        }
        # barter's DefaultStrategy never trades.
        assert all(sheet.pnl == 0 for sheet in trading.instruments.values())
        assert Timestamp.parse(first["time_exchange"]) <= trading.time_engine_start
        assert trading.time_engine_start < trading.time_engine_end
        assert TradingSummary.from_dict(json.loads(trading.to_json()), Annual252()) == trading
    assert len({json.dumps(timeless(s.trading_summary)) for s in multi.summaries}) == 1


def test_market_data_comes_as_a_path_bytes_an_array_or_typed_events(trades_l1: Path) -> None:
    text = trades_l1.read_bytes()
    lines = text.splitlines()[:2000]
    events = MarketStreamEvent.from_json_lines(b"\n".join(lines))
    sources: list[Any] = [
        b"\n".join(lines),
        b"[" + b",".join(lines) + b"]",
        events,
        [e.event for e in events if isinstance(e, MarketItem)],
    ]
    config = example_backtest_config()
    summaries = []
    for source in sources:
        data = MarketData(source)
        assert len(data) == 2000
        summaries.append(
            backtest(BacktestArgsConstant(config, data), BacktestArgsDynamic("x", RATE))
        )
        data.close()
        data.close()  # harmless twice
        with pytest.raises(BarterValueError, match="closed"):
            run_backtests(BacktestArgsConstant(config, data), [])
    assert len({json.dumps(timeless(s.trading_summary)) for s in summaries}) == 1


def test_run_historic_backtest_and_barters_disconnect_data(
    trades_l1: Path, barter_crate_dir: Path, tmp_path: Path
) -> None:
    config_file = tmp_path / "backtest_config.json"
    config_file.write_text(json.dumps(example_backtest_config()), encoding="utf-8")
    summary = run_historic_backtest(config_file, trades_l1, RATE, Daily())
    assert (summary.id, summary.risk_free_return) == ("", RATE)
    # barter's other example file is in the result form (Item(Ok(..)) and
    # reconnects): read as the same market events.
    disconnects = barter_crate_dir / WITH_DISCONNECTS
    expected = json.loads(disconnects.read_text(encoding="utf-8"))
    with MarketData(disconnects) as data:
        assert len(data) == len(expected)
        summary = backtest(
            BacktestArgsConstant(example_backtest_config(), data), BacktestArgsDynamic("d", RATE)
        )
    assert summary.id == "d"
    socket = next(r for r in result_rows() if r["name"] == "socket")["serde"]
    ok = json.dumps({"Item": {"Ok": expected[0]["Item"]["Ok"]}})
    with pytest.raises(BarterValueError, match=r"^event 1 is a DataError \(SocketError: "):
        MarketData(f"{ok}\n{socket}\n".encode())


def result_rows() -> list[dict[str, Any]]:
    """Rust's MarketStreamResult samples (tests/fixtures/engine_values.jsonl)."""
    with (FIXTURES / "engine_values.jsonl").open(encoding="utf-8") as lines:
        return [row for row in map(json.loads, lines) if row["type"] == "MarketStreamResult"]


def lines_of(path: Path, count: int) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[:count]


def test_bad_market_data_is_named(trades_l1: Path, tmp_path: Path) -> None:
    lines = lines_of(trades_l1, 3)
    with pytest.raises(BarterValueError, match=r"^line 2 column \d+: EOF while parsing"):
        MarketData("\n".join([lines[0], lines[1][:-7]]).encode())
    with pytest.raises(BarterValueError, match="holds no market event"):
        MarketData(b"")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"\n")
    with pytest.raises(BarterValueError, match=r"empty\.json: the market data holds no market"):
        MarketData(empty)
    with pytest.raises(BarterValueError, match=r"holds no market event \(1 reconnects\)"):
        MarketData(b'{"Reconnecting":"binance_spot"}')
    first = json.loads(lines[0])
    earlier = json.loads(lines[0])
    earlier["Item"]["time_exchange"] = "2025-03-25T23:06:00Z"
    with pytest.raises(
        BarterValueError, match=r"^event 1: time_exchange 2025-03-25T23:06:00\+00:00 is before"
    ):
        MarketData("\n".join(json.dumps(e) for e in (first, earlier)).encode())
    with pytest.raises(BarterValueError, match=r"^event 1 is a dict, not a MarketStreamEvent"):
        MarketData([MarketStreamEvent.from_json(lines[0]), first])
    with pytest.raises(BarterValueError, match="got int"):
        MarketData(7)  # type: ignore[arg-type]


def test_events_the_config_lacks_are_refused_before_anything_runs(trades_l1: Path) -> None:
    data = MarketData("\n".join(lines_of(trades_l1, 50)).encode())
    config = example_backtest_config()
    system = config["system"]
    system["instruments"] = system["instruments"][:1]
    system["executions"][0]["initial_state"]["instruments"] = system["executions"][0][
        "initial_state"
    ]["instruments"][:1]
    with pytest.raises(BarterValueError, match=r"^event 0: instrument index 1 is out of range"):
        backtest(BacktestArgsConstant(config, data), BacktestArgsDynamic("x", RATE))
    other = example_backtest_config()
    item = json.loads(lines_of(trades_l1, 1)[0])
    item["Item"]["exchange"] = "kraken"
    kraken = MarketData(json.dumps(item).encode())
    with pytest.raises(BarterValueError, match=r"^event 0: exchange kraken is not one of"):
        backtest(BacktestArgsConstant(other, kraken), BacktestArgsDynamic("x", RATE))


def test_bad_arguments_are_named(trades_l1: Path, tmp_path: Path) -> None:
    data = MarketData("\n".join(lines_of(trades_l1, 10)).encode())
    config = example_backtest_config()
    with pytest.raises(BarterValueError, match=r"^args_dynamic\[0\] must be a BacktestArgsDynamic"):
        run_backtests(BacktestArgsConstant(config, data), [("x", RATE)])  # type: ignore[list-item]
    with pytest.raises(BarterValueError, match=r"risk_free_return must be a Decimal"):
        run_backtests(BacktestArgsConstant(config, data), [BacktestArgsDynamic("x", 0.05)])  # type: ignore[arg-type]
    with pytest.raises(BarterValueError, match="interval must be"):
        run_backtests(BacktestArgsConstant(config, data, "daily"), [])  # type: ignore[arg-type]
    bad = tmp_path / "config.json"
    bad.write_text('{"system": {"instruments": []}}', encoding="utf-8")
    with pytest.raises(BarterValueError, match=r"^config file '.*config\.json': .*executions"):
        run_backtests(BacktestArgsConstant(bad, data), [])
    assert run_backtests(BacktestArgsConstant(config, data), []).num_backtests == 0


def test_the_readme_backtest_example_runs() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("## Backtesting", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    multi = namespace["multi"]
    assert isinstance(multi, MultiBacktestSummary)
    assert [s.id for s in multi.summaries] == ["a", "b"]
