"""Bad input raises the package's ValueError subclass with the parser's
message, through every public entry point, and never crashes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from barter_python import BarterLimitError, BarterValueError, Status
from barter_python.execution import (
    ExchangeId,
    ExchangeOffline,
    Keys,
    Open,
    OpenFailed,
    OrderEvent,
    OrderKey,
    Timestamp,
)
from conftest import BY_NAME

OPEN = BY_NAME["open"].serde
PARSERS = [OrderEvent.from_json, OrderEvent.from_json_lines, OrderEvent.from_json_array]


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        (OPEN[:-7], Status.INVALID_JSON, "EOF while parsing a string at line 1 column 178"),
        (
            OPEN.replace('"Open"', '"Foo"'),
            Status.INVALID_DATA,
            "unknown variant `Foo`, expected one of `OpenInFlight`, `Open`, `CancelInFlight`",
        ),
        (
            OPEN.replace('"exchange":1', '"exchange":"one"'),
            Status.INVALID_DATA,
            "invalid type: string",
        ),
        (OPEN.replace('"exchange":1', '"exchange":-1'), Status.INVALID_DATA, "invalid value"),
        (
            OPEN.replace('"exchange":1', '"exchange":18446744073709551616'),
            Status.INVALID_DATA,
            "invalid type: floating point `1.8446744073709552e19`, expected usize",
        ),
        (OPEN.replace('"0.50"', '"half"'), Status.INVALID_DATA, "Decimal"),
        (OPEN.replace("10:15:00.123456789Z", "25:15:00Z"), Status.INVALID_DATA, "out of range"),
        ('{"key":{}}', Status.INVALID_DATA, "missing field `exchange`"),
        ("", Status.INVALID_JSON, "empty input: expected one JSON value"),
        ("  \n", Status.INVALID_JSON, "empty input"),
        ("[]", Status.INVALID_DATA, "invalid length 0, expected struct OrderEvent"),
        (OPEN + OPEN, Status.INVALID_JSON, "trailing characters"),
    ],
)
def test_from_json_errors(text: str, status: Status, message: str) -> None:
    with pytest.raises(BarterValueError, match=message.replace("(", r"\(")) as info:
        OrderEvent.from_json(text)
    assert info.value.status == status
    assert isinstance(info.value, ValueError)


def test_non_utf8_bytes() -> None:
    data = OPEN.encode().replace(b"mm", b"m\xff")
    for parse in PARSERS:
        with pytest.raises(
            BarterValueError, match="not valid UTF-8: invalid byte at offset"
        ) as info:
            parse(data)
        assert info.value.status == Status.INVALID_UTF8


def test_lone_surrogate_text() -> None:
    with pytest.raises(BarterValueError, match="not valid UTF-8"):
        OrderEvent.from_json(OPEN.replace("mm", "\ud800"))


def test_wrong_input_type() -> None:
    with pytest.raises(BarterValueError, match="must be str or bytes, got int"):
        OrderEvent.from_json(42)  # type: ignore[arg-type]


def test_empty_array_input() -> None:
    with pytest.raises(BarterValueError, match="empty input: expected a JSON array"):
        OrderEvent.from_json_array(b"")


def test_truncated_array() -> None:
    with pytest.raises(BarterValueError, match="EOF while parsing a list") as info:
        OrderEvent.from_json_array("[" + OPEN)
    assert info.value.status == Status.INVALID_JSON


def test_bad_line_names_its_line() -> None:
    text = f"{OPEN}\n\n{OPEN.replace('Open', 'Nope', 1)}\n{OPEN}\n"
    with pytest.raises(BarterValueError, match=r"^line 3 column \d+: unknown variant `Nope`"):
        OrderEvent.from_json_lines(text)


def test_collected_line_errors_keep_the_good_lines() -> None:
    text = f'{OPEN}\nnot json\n{OPEN}\n{{"key":1}}\n'
    result = OrderEvent.decode_json_lines(text)
    assert result.events == [OrderEvent.from_json(OPEN)] * 2
    assert [(e.line, e.status) for e in result.errors] == [
        (2, Status.INVALID_JSON),
        (4, Status.INVALID_DATA),
    ]
    assert result.errors[0].message == "line 2 column 2: expected ident"


def test_ten_megabyte_string_field_is_refused() -> None:
    huge = OPEN.replace("cid-42", "x" * 10_000_000)
    for parse, text in zip(PARSERS, [huge, huge, f"[{huge}]"]):
        with pytest.raises(
            BarterLimitError, match=r"key\.cid: string is 10000000 bytes, over the limit"
        ):
            parse(text)


def test_ten_megabyte_string_built_in_python_is_refused() -> None:
    event = OrderEvent(
        OrderKey(1, 2, "mm", "x" * 10_000_000), OpenFailed(ExchangeOffline(ExchangeId.MOCK))
    )
    with pytest.raises(BarterLimitError, match=r"event 0: key\.cid: string is 10000000 bytes"):
        event.to_json()


def test_from_dict_rejects_non_json_values() -> None:
    data = json.loads(OPEN)
    data["state"]["Active"]["Open"]["filled_quantity"] = Decimal("0.5")
    with pytest.raises(BarterValueError, match="from_dict: not a JSON value"):
        OrderEvent.from_dict(data)


def test_from_dict_rejects_wrong_shapes() -> None:
    with pytest.raises(BarterValueError, match="missing field `state`"):
        OrderEvent.from_dict({"key": json.loads(OPEN)["key"]})


def test_unknown_exchange_id_is_refused() -> None:
    with pytest.raises(BarterValueError, match=r"ExchangeOffline\.exchange must be ExchangeId"):
        ExchangeOffline("nasdaq")  # type: ignore[arg-type]
    text = OPEN.replace('"exchange":1', '"exchange":"nasdaq"')
    text = text.replace('"instrument":3', '"instrument":"X"')
    with pytest.raises(BarterValueError, match="unknown variant `nasdaq`, expected one of `other`"):
        OrderEvent.from_json(text, Keys.UNINDEXED)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: OrderKey(-1, 0, "s", "c"), "OrderKey.exchange must be an int in 0..="),
        (lambda: OrderKey(0, 2**64, "s", "c"), "OrderKey.instrument must be an int"),
        (lambda: OrderKey(0, True, "s", "c"), "OrderKey.instrument must be an int"),
        (lambda: OrderKey(0, 0, b"s", "c"), "OrderKey.strategy must be a str, got bytes"),
        (
            lambda: Open("id", Timestamp(0), 0.5),
            "Open.filled_quantity must be a decimal.Decimal, got float",
        ),
        (lambda: Open("id", Timestamp(0), Decimal("NaN")), "must be finite"),
        (
            lambda: Open("id", Timestamp(0), Decimal("1e-29")),
            "has 29 decimal places; at most 28 fit",
        ),
        (lambda: Open("id", Timestamp(0), Decimal(2**96)), "more digits than a 96-bit"),
        (lambda: Open("id", 0, Decimal(1)), "Open.time_exchange must be a Timestamp, got int"),
        (lambda: OpenFailed("Timeout"), "OpenFailed.error must be OrderError, got str"),
        (
            lambda: OrderEvent(OrderKey(0, 0, "s", "c"), "Open"),
            "OrderEvent.state must be OrderState",
        ),
    ],
)
def test_constructors_validate(build: object, message: str) -> None:
    with pytest.raises(BarterValueError, match=message.replace(".", r"\.")):
        build()  # type: ignore[operator]


def test_unencodable_string_is_refused_at_the_boundary() -> None:
    event = OrderEvent(OrderKey(0, 0, "s", "\udc80"), OpenFailed(ExchangeOffline(ExchangeId.MOCK)))
    with pytest.raises(BarterValueError, match=r"event 0: key\.cid: not encodable as UTF-8"):
        event.to_json()


def test_encode_refuses_non_events() -> None:
    with pytest.raises(BarterValueError, match="event 1 is a str, expected OrderEvent"):
        OrderEvent.to_json_lines([OrderEvent.from_json(OPEN), "x"])  # type: ignore[list-item]


def test_library_is_usable_after_errors() -> None:
    for _ in range(3):
        with pytest.raises(BarterValueError):
            OrderEvent.from_json("{")
        assert OrderEvent.from_json(OPEN).to_json() == OPEN.encode()
