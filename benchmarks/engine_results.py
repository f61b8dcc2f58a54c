"""What the engine's benchmarks share: barter's example market data, and
how a run's results are printed and saved for report.py (ns per item by
path, and ratios of paths measured in the same run)."""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import barter_crate  # noqa: E402 - scripts/, shared with ./dev and the tests

DATA = Path("examples") / "data" / "binance_spot_trades_l1_btcusdt_ethusdt_solusdt.json"


def barter_data() -> bytes:
    """barter's example file, from the barter crate cargo resolves."""
    try:
        return (barter_crate.barter_crate_dir() / DATA).read_bytes()
    except barter_crate.NotFound as exc:
        raise SystemExit(f"error: {exc}") from None


def report(
    benchmark: str,
    what: str,
    count: int,
    seconds: dict[str, float],
    ratios: dict[str, float],
    *,
    out: Path | None,
) -> None:
    """Prints ``seconds`` per path as ns per one of ``count`` items (``what``,
    e.g. "event") and the ratios; writes them to ``out`` for report.py."""
    implementation = f"{platform.python_implementation()} {platform.python_version()}"
    ns = {name: value / count * 1e9 for name, value in seconds.items()}
    print(f"{implementation}: {count:,} {what}s")
    width = max(map(len, ns))
    for name, value in ns.items():
        print(f"  {name:>{width}}: {value:9,.0f} ns/{what}")
    for name, ratio in ratios.items():
        print(f"  {name}: {ratio:.2f}x")
    if out is not None:
        result = {
            "benchmark": benchmark,
            "interpreter": implementation,
            "count": count,
            "ns": ns,
            "ratios": ratios,
        }
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
