"""The command line: decode readable lines, --json, and bad lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from barter_python import cli
from conftest import BY_NAME, EXAMPLES, MESSAGES

EXAMPLE = EXAMPLES / "order_events.jsonl"


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "barter_python", *args],
        input=stdin.decode(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_decode_example_file() -> None:
    result = run("decode", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 10
    assert lines[0].endswith("Active/OpenInFlight")
    assert "Active/Open id=1744213 filled=0.0250 at 2025-10-05T10:15:02.981004113Z" in lines[2]
    assert "Inactive/OpenFailed: Rejected/BalanceInsufficient(1, " in lines[8]


def test_decode_json_round_trips_the_example_exactly() -> None:
    result = run("decode", "--json", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXAMPLE.read_text(encoding="utf-8")


def test_decode_array_from_stdin() -> None:
    array = "[" + ",".join(BY_NAME[name].serde for name in ("open", "expired")) + "]"
    result = run("decode", "-", stdin=array.encode())
    assert result.returncode == 0, result.stderr
    assert [line.split()[-1] for line in result.stdout.splitlines()] == [
        "2025-10-05T10:15:00.123456789Z",
        "Inactive/Expired",
    ]


def test_bad_lines_are_reported_and_the_rest_decoded() -> None:
    good = BY_NAME["open"].serde
    text = f"{good}\n{{broken\n\n{good.replace('Open', 'Opened', 1)}\n{good}\n"
    result = run("decode", "-", stdin=text.encode())
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 2
    errors = result.stderr.splitlines()
    assert errors[0].startswith("error: line 2 column 2: key must be a string")
    assert errors[1].startswith("error: line 4 column ")
    assert "unknown variant `Opened`" in errors[1]


def test_missing_file() -> None:
    result = run("decode", "/nonexistent/events.jsonl")
    assert result.returncode == 2
    assert "No such file" in result.stderr


def test_line_numbers_stay_right_across_chunks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "CHUNK_LINES", 2)
    good = BY_NAME["expired"].serde
    path = tmp_path / "events.jsonl"
    path.write_text(f"{good}\n{good}\n{good}\nnope\n{good}\n", encoding="utf-8")
    assert cli.main(["decode", str(path)]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 4
    assert captured.err.startswith("error: line 4 column 2: expected ident")


def test_account_events_are_detected_with_their_key_form() -> None:
    events = [c.serde for c in MESSAGES if c.message == "account_event" and c.keys == "unindexed"]
    result = run("decode", "-", stdin="\n".join(events).encode())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(events)
    assert "exchange=mock  Snapshot balances=2 instruments=2 orders=4" in lines[0]
    assert "Trade id=t-1 order=ord-1 instrument=BTCUSDT Buy 0.0100 @ 64250.50" in lines[-1]
    as_json = run("decode", "--json", "--kind", "account", "--keys", "unindexed", "-",
                  stdin="\n".join(events).encode())  # fmt: skip
    assert as_json.stdout == "".join(e + "\n" for e in events)


def test_explicit_kind_overrides_detection() -> None:
    good = BY_NAME["open"].serde
    result = run("decode", "--kind", "account", "-", stdin=good.encode())
    assert result.returncode == 1
    assert "missing field `exchange`" in result.stderr or "unknown field" in result.stderr
