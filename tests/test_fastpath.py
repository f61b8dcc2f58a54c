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


def test_decimals_are_shared_only_when_equal_with_equal_scale() -> None:
    events = OrderEvent.from_json_lines("".join(c.serde + "\n" for c in CASES))
    quantities = [e.state.filled_quantity for e in events if hasattr(e.state, "filled_quantity")]
    for a in quantities:
        for b in quantities:
            if a is b:
                assert a.as_tuple() == b.as_tuple()
