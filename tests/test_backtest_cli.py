"""``python -m barter_python backtest``: a strategy over barter's example
data, as JSON (byte-identical between runs) and as a table; bad arguments
exit with a message."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from barter_python import cli
from barter_python.backtest import example_backtest_config
from barter_python.summary import Daily, TradingSummary

TRADES_L1 = Path("examples") / "data" / "binance_spot_trades_l1_btcusdt_ethusdt_solusdt.json"
STRATEGY = "barter_python.strategies:MovingAverageCross"


@pytest.fixture
def files(barter_crate_dir: Path, tmp_path: Path) -> tuple[str, str]:
    config = tmp_path / "backtest_config.json"
    config.write_text(json.dumps(example_backtest_config()), encoding="utf-8")
    data = tmp_path / "data.jsonl"
    lines = (barter_crate_dir / TRADES_L1).read_bytes().splitlines()[:8000]
    data.write_bytes(b"\n".join(lines))
    return str(config), str(data)


def test_json_summaries_repeat_byte_for_byte(
    files: tuple[str, str], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    config, data = files
    args = ["backtest", "--config", config, "--data", data, "--strategy", STRATEGY, "--json"]
    assert cli.main(args) == 0
    first = capsysbinary.readouterr().out
    assert cli.main(args) == 0
    assert capsysbinary.readouterr().out == first
    summary = TradingSummary.from_dict(json.loads(first), Daily())
    assert summary.instruments["binancespot-btc_usdt"].pnl != 0
    assert cli.main(["backtest", "--config", config, "--data", data, "--json"]) == 0
    untraded = json.loads(capsysbinary.readouterr().out)
    assert untraded["instruments"]["binancespot-btc_usdt"]["pnl"] == "0"


def test_the_table(files: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    config, data = files
    assert cli.main(["backtest", "--config", config, "--data", data, "--strategy", STRATEGY]) == 0
    out = capsys.readouterr().out
    assert "trading summary" in out
    assert "binancespot-btc_usdt" in out


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--strategy", "nope"], 2, "--strategy must be module:name"),
        (["--strategy", "barter_python.strategies:Nope"], 2, "has no attribute 'Nope'"),
        (["--strategy", "barter_python.strategies:__doc__"], 2, "is not callable"),
        (["--risk-free-return", "x"], 2, "is not a decimal"),
    ],
)
def test_bad_arguments_exit_with_a_message(
    files: tuple[str, str],
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    code: int,
    message: str,
) -> None:
    config, data = files
    assert cli.main(["backtest", "--config", config, "--data", data, *extra]) == code
    assert message in capsys.readouterr().err


def test_bad_files_exit_with_a_message(
    files: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _ = files
    assert cli.main(["backtest", "--config", config, "--data", str(tmp_path / "none")]) == 2
    assert "No such file" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"Item": 1}\n')
    assert cli.main(["backtest", "--config", config, "--data", str(bad)]) == 1
    assert "line 1" in capsys.readouterr().err


def test_the_equity_curve_is_a_png_or_a_clear_error(
    files: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, data = files
    png = tmp_path / "curve.png"
    args = ["backtest", "--config", config, "--data", data, "--strategy", STRATEGY]
    code = cli.main([*args, "--json", "--plot", str(png)])
    if importlib.util.find_spec("matplotlib") is None:
        assert code == 2
        assert "--plot needs matplotlib" in capsys.readouterr().err
        assert not png.exists()
    else:
        assert code == 0
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
