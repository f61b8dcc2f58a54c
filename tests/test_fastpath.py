"""The batch fast path builds exactly the objects the per-field path builds."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from barter_python import _codec, _fastpath, builder
from barter_python._native import lib
from barter_python.execution import Keys, OrderEvent, Timestamp
from conftest import CASES, MESSAGES


def decode_both(text: str, keys: Keys) -> tuple[list[OrderEvent], list[OrderEvent]]:
    fast = OrderEvent.from_json_lines(text, keys)
    saved = _codec.FAST_DECODERS.pop(lib.BARTER_MESSAGE_ORDER_EVENT)
    try:
        slow = OrderEvent.from_json_lines(text, keys)
    finally:
        _codec.FAST_DECODERS[lib.BARTER_MESSAGE_ORDER_EVENT] = saved
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


@given(
    st.integers(min_value=0, max_value=(1 << 96) - 1),
    st.integers(min_value=0, max_value=28),
    st.booleans(),
)
def test_decimals_from_parts_are_exact_and_keep_scale_and_sign(
    mantissa: int, scale: int, negative: bool
) -> None:
    # The text form is the definition: sign, all digits, exponent -scale.
    expected = Decimal(f"{'-' if negative else ''}{mantissa}E-{scale}")
    assert _codec.decimal_of(mantissa, scale, negative).as_tuple() == expected.as_tuple()


def test_a_negative_zero_keeps_its_sign() -> None:
    assert str(_codec.decimal_of(0, 2, True)) == "-0.00"


def test_one_builder_is_chosen_at_import() -> None:
    wanted = os.environ.get(_fastpath.BUILDER_VARIABLE)
    cpython = platform.python_implementation() == "CPython"
    assert builder() == ("c" if cpython and wanted != "cffi" else "cffi")
    # Timestamp.datetime's getter is the builder's.
    python_getter = Timestamp.datetime.fget is _fastpath.PYTHON_DATETIME
    assert python_getter == (builder() == "cffi")


def run_with_builder(value: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **{_fastpath.BUILDER_VARIABLE: value})
    code = "import barter_python; print(barter_python.builder())"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )


def test_the_builder_variable_is_obeyed_or_refused_by_name() -> None:
    assert run_with_builder("cffi").stdout == "cffi\n"
    unknown = run_with_builder("rust")
    assert unknown.returncode != 0
    assert 'BARTER_PYTHON_BUILDER must be "c", "cffi" or unset, not \'rust\'' in unknown.stderr
    c = run_with_builder("c")
    if platform.python_implementation() == "CPython":
        assert c.stdout == "c\n"
    else:
        assert c.returncode != 0
        assert "BARTER_PYTHON_BUILDER=c: the C builder is CPython's only" in c.stderr
