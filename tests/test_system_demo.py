"""``python -m barter_python demo``: a barter System driven by the demo's
command script, shown live, and as serde JSON lines with ``--json``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from barter_python.engine import AuditTick, ProcessAudit
from barter_python.summary import TradingSummary


def run_demo(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "barter_python", "demo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_demo_shows_every_step_its_answers_and_the_summary() -> None:
    out = run_demo()
    for line in (
        "▶ market buy 0.01 BTCUSDT",
        "→ buy-1 (instrument 0): FullyFilled",
        "→ limit-1 (instrument 1): error OrderRejected",
        "→ limit-1 (instrument 1): error ExchangeOffline",
        "▶ close every position",
        "trading summary",
        "binancespot-btc_usdt",
    ):
        assert line in out, out


def test_demo_json_prints_the_ticks_as_serde_json_lines() -> None:
    lines = run_demo("--json").splitlines()
    ticks = [AuditTick.from_dict(json.loads(line)) for line in lines]
    assert [t.sequence for t in ticks] == list(range(1, len(ticks) + 1))
    assert [t.to_json().decode() for t in ticks] == lines
    kinds = {type(t.event.event).__name__ for t in ticks if isinstance(t.event, ProcessAudit)}
    assert {
        "Market",
        "Account",
        "SendOpenRequests",
        "SendCancelRequests",
        "ClosePositions",
    } <= kinds


def test_the_readme_system_example_runs() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("## Driving a barter System", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    summary = namespace["summary"]
    assert isinstance(summary, TradingSummary)
    assert summary.instruments["binancespot-btc_usdt"].pnl != 0
