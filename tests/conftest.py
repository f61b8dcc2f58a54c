"""Shared fixtures: the serde sample set written by rust-ffi's fixture generator."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from hooks import missing

# scripts/barter_crate.py finds barter's crate for ./dev, the tests and the benchmarks.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import barter_crate

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class Case(NamedTuple):
    name: str
    serde: str  # serde_json's exact output for one OrderEvent


def load_cases() -> list[Case]:
    with (FIXTURES / "order_events.jsonl").open(encoding="utf-8") as lines:
        return [Case(row["case"], row["serde"]) for row in map(json.loads, lines)]


CASES = load_cases()
BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(params=CASES, ids=[case.name for case in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A ``hooks`` test on a library without test hooks fails, saying how to
    run it: ./dev test runs those tests apart, on the test variant."""
    if item.get_closest_marker("hooks") is not None:
        why = missing()
        if why is not None:
            pytest.fail(why, pytrace=False)


# `match` is Python 3.10 syntax; on 3.9 the statement under test does not exist.
collect_ignore = ["test_match.py"] if sys.version_info < (3, 10) else []
# The C builder is CPython's; ./dev also runs the suite with it turned off.
if platform.python_implementation() != "CPython" or os.environ.get("BARTER_PYTHON_BUILDER"):
    collect_ignore += ["test_cbuild.py", "test_cbuild_messages.py"]


class MessageCase(NamedTuple):
    message: str  # snake_case barter type, e.g. "order_request_open"
    keys: str  # "indexed" or "unindexed"
    name: str
    serde: str


def load_messages() -> list[MessageCase]:
    with (FIXTURES / "messages.jsonl").open(encoding="utf-8") as lines:
        return [
            MessageCase(row["message"], row["keys"], row["case"], row["serde"])
            for row in map(json.loads, lines)
        ]


MESSAGES = load_messages()


def serde_lines(cls: type, keys: str) -> list[bytes]:
    """serde's text of each messages.jsonl fixture of the message class
    ``cls`` whose keys are ``keys`` ("indexed" or "unindexed")."""
    name = "".join("_" + c.lower() if c.isupper() else c for c in cls.__name__).lstrip("_")
    return [m.serde.encode() for m in MESSAGES if (m.message, m.keys) == (name, keys)]


@pytest.fixture(params=MESSAGES, ids=[f"{m.message}-{m.keys}-{m.name}" for m in MESSAGES])
def message_case(request: pytest.FixtureRequest) -> MessageCase:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def barter_crate_dir() -> Path:
    """The source directory of the `barter` crate rust-ffi builds against
    (scripts/barter_crate.py): its examples/data holds barter's market data."""
    try:
        return barter_crate.barter_crate_dir()
    except barter_crate.NotFound as exc:
        pytest.fail(str(exc))
