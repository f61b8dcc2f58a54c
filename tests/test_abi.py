"""The C ABI itself, driven through the compiled cffi module: the handshake,
NULL pointers, bad arguments and the header's parseability."""

from __future__ import annotations

from pathlib import Path

import pytest
from cffi import FFI

import barter_python
from barter_python import BarterValueError, Status, _native
from barter_python._codec import Keep, encode_batch
from barter_python._native import ffi, lib
from barter_python.execution import OrderEvent
from conftest import BY_NAME

HEADER = Path(__file__).resolve().parent.parent / "include" / "barter_ffi.h"
OPEN = BY_NAME["open"].serde.encode()


def test_handshake_passes_for_the_installed_library() -> None:
    _native._handshake()
    version = ffi.new("uint32_t *")
    assert lib.barter_abi_version(version) == Status.OK
    assert version[0] == lib.BARTER_ABI_VERSION == _native.ABI_VERSION


def test_handshake_refuses_a_mismatched_abi(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_native, "ABI_VERSION", _native.ABI_VERSION + 1)
    with pytest.raises(ImportError, match="built for a different barter_ffi library: ABI version"):
        _native._handshake()


def test_handshake_refuses_mismatched_struct_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    structs = dict(_native._STRUCTS)
    structs["BarterOrderEvent"] = lib.BARTER_ABI_STRUCT_ORDER_STATE
    monkeypatch.setattr(_native, "_STRUCTS", structs)
    with pytest.raises(ImportError, match="BarterOrderEvent: library size/align"):
        _native._handshake()


def test_unknown_struct_id_is_an_error() -> None:
    size, align = ffi.new("size_t *"), ffi.new("size_t *")
    assert lib.barter_abi_struct_layout(999, size, align) == Status.INVALID_ARGUMENT
    assert _native.last_error() == "unknown BarterAbiStruct value 999"


def test_versions_agree() -> None:
    assert barter_python.library_version() == barter_python.__version__


def test_null_pointers_are_errors_not_crashes() -> None:
    batch = ffi.new("BarterOrderEventBatch **")
    buffer = ffi.new("BarterBuffer **")
    calls = [
        (lambda: lib.barter_abi_version(ffi.NULL), "`out` must not be NULL"),
        (lambda: lib.barter_abi_struct_layout(1, ffi.NULL, ffi.new("size_t *")), "`out_size`"),
        (lambda: lib.barter_library_version(ffi.NULL), "`out` must not be NULL"),
        (lambda: lib.barter_order_events_decode(ffi.NULL, 5, 1, 0, batch), "`input`"),
        (lambda: lib.barter_order_events_decode(OPEN, len(OPEN), 1, 0, ffi.NULL), "`out_batch`"),
        (lambda: lib.barter_order_events_encode(ffi.NULL, 1, 1, buffer), "`events`"),
        (lambda: lib.barter_order_events_encode(ffi.NULL, 0, 1, ffi.NULL), "`out_buffer`"),
    ]
    for call, message in calls:
        assert call() == Status.NULL_POINTER
        assert message in _native.last_error()
    assert lib.barter_last_error(ffi.NULL) == Status.NULL_POINTER


def test_free_functions_accept_null_and_clear_the_pointer() -> None:
    assert lib.barter_order_event_batch_free(ffi.NULL) == Status.OK
    assert lib.barter_buffer_free(ffi.NULL) == Status.OK
    batch = ffi.new("BarterOrderEventBatch **")
    assert lib.barter_order_event_batch_free(batch) == Status.OK
    assert lib.barter_order_events_decode(OPEN, len(OPEN), 1, 0, batch) == Status.OK
    assert batch[0] != ffi.NULL
    assert lib.barter_order_event_batch_free(batch) == Status.OK
    assert batch[0] == ffi.NULL
    assert lib.barter_order_event_batch_free(batch) == Status.OK


def test_bad_format_and_flags() -> None:
    batch = ffi.new("BarterOrderEventBatch **")
    assert lib.barter_order_events_decode(OPEN, len(OPEN), 99, 0, batch) == Status.INVALID_ARGUMENT
    assert _native.last_error() == "unknown BarterJsonFormat value 99"
    assert lib.barter_order_events_decode(OPEN, len(OPEN), 1, 8, batch) == Status.INVALID_ARGUMENT
    assert _native.last_error() == "unknown decode flags 0x8"
    assert batch[0] == ffi.NULL


def test_out_of_range_tags_in_input_structs() -> None:
    event = OrderEvent.from_json(OPEN)
    for field, value, message in [
        ("state.kind", 99, "unknown BarterOrderStateKind value 99"),
        ("key.exchange.kind", 0, "key.exchange: unknown BarterKeyKind value 0"),
        ("state.filled_quantity.scale", 29, "decimal scale 29 is over the maximum of 28"),
        ("state.filled_quantity.negative", 2, "decimal sign flag is 2"),
        ("state.time_exchange.nanos", 1_999_999_999, "not a valid leap second"),
    ]:
        structs = ffi.new("BarterOrderEvent[]", 1)
        keep = Keep()
        event._to_c(structs[0], keep)
        target = structs[0]
        *path, last = field.split(".")
        for part in path:
            target = getattr(target, part)
        setattr(target, last, value)
        out = ffi.new("BarterBuffer **")
        status = lib.barter_order_events_encode(structs, 1, 1, out)
        assert status == Status.INVALID_ARGUMENT, field
        assert message in _native.last_error(), field
        assert out[0] == ffi.NULL


def test_string_view_checks() -> None:
    structs = ffi.new("BarterOrderEvent[]", 1)
    keep = Keep()
    OrderEvent.from_json(OPEN)._to_c(structs[0], keep)
    out = ffi.new("BarterBuffer **")
    structs[0].key.cid.ptr = ffi.NULL
    assert lib.barter_order_events_encode(structs, 1, 1, out) == Status.INVALID_ARGUMENT
    assert "key.cid: string pointer is NULL but its length is 6" in _native.last_error()
    invalid = ffi.new("uint8_t[]", b"\xc3\x28")
    structs[0].key.cid.ptr = invalid
    structs[0].key.cid.len = 2
    assert lib.barter_order_events_encode(structs, 1, 1, out) == Status.INVALID_UTF8
    assert "key.cid: string is not valid UTF-8" in _native.last_error()


def test_format_one_needs_exactly_one_event() -> None:
    with pytest.raises(BarterValueError, match="needs exactly 1 value, got 0"):
        encode_batch(OrderEvent, [], lib.BARTER_JSON_FORMAT_ONE)
    assert OrderEvent.from_json(OPEN).to_json() == OPEN


def test_header_is_parseable_by_a_fresh_cffi_as_is() -> None:
    fresh = FFI()
    fresh.cdef(HEADER.read_text(encoding="utf-8"))
    for name in ("BarterOrderEvent", "BarterOrderEventBatch", "BarterBuffer", "BarterStr"):
        assert fresh.sizeof(name) == ffi.sizeof(name)
    text = HEADER.read_text(encoding="utf-8")
    assert "#include" not in text
    assert "__cplusplus" not in text
