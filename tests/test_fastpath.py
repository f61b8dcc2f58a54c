"""The batch fast path builds exactly the objects the per-field path builds."""

from __future__ import annotations

import platform

import pytest

from barter_python import _codec
from barter_python.execution import Keys, OrderEvent
from conftest import CASES, MESSAGES

pytestmark = pytest.mark.skipif(
    "BarterOrderEvent" not in _codec.FAST_DECODERS,
    reason=f"no batch fast path on {platform.python_implementation()} (it reads fields directly)",
)


def decode_both(text: str, keys: Keys) -> tuple[list[OrderEvent], list[OrderEvent]]:
    fast = OrderEvent.from_json_lines(text, keys)
    saved = _codec.FAST_DECODERS.pop("BarterOrderEvent")
    try:
        slow = OrderEvent.from_json_lines(text, keys)
    finally:
        _codec.FAST_DECODERS["BarterOrderEvent"] = saved
    return fast, slow


def test_indexed_samples_match_the_field_path() -> None:
    fast, slow = decode_both("".join(c.serde + "\n" for c in CASES), Keys.INDEXED)
    assert fast == slow
    assert [e.to_dict() for e in fast] == [e.to_dict() for e in slow]
    assert [type(e.state) for e in fast] == [type(e.state) for e in slow]


def test_unindexed_samples_match_the_field_path() -> None:
    lines = [c.serde for c in MESSAGES if c.message == "order_event" and c.keys == "unindexed"]
    fast, slow = decode_both("\n".join(lines), Keys.UNINDEXED)
    assert fast == slow
    assert len(fast) == len(lines)


def test_non_ascii_strings_survive_the_latin_1_shortcut() -> None:
    text = "".join(c.serde + "\n" for c in CASES if "unicode" in c.name or c.name == "open")
    fast, slow = decode_both(text, Keys.INDEXED)
    assert fast == slow
    assert fast[-1].key.strategy == 'stratégie 🚀 "quoted" \\ back'
