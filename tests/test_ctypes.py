"""barter_python.ctypes_abi: the C ABI declared with ctypes alone.

Its declarations are checked against the header (parsed by a fresh cffi in
ABI mode: every struct, field offset and type, constant and signature) and
against the layouts the library itself reports; then every fixture event is
decoded with ctypes alone and must give the same ``to_dict()`` as the cffi path.
"""

from __future__ import annotations

import ctypes
import doctest
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from cffi import FFI

import barter_python
from barter_python import ctypes_abi as abi
from barter_python._native import ffi
from barter_python.errors import BarterError, Status, error_for
from barter_python.execution import OrderEvent
from conftest import CASES, FIXTURES, Case

# A fresh cffi view of the header shipped in the package, opened in ABI mode:
# it names every type, constant and function signature of the ABI.
HEADER_FFI = FFI()
HEADER_FFI.cdef(Path(barter_python.header_path()).read_text(encoding="utf-8"))
HEADER_LIB: Any = HEADER_FFI.dlopen(barter_python.library_path())
LIB = abi.load()

_PRIMITIVES = {
    "uint8_t": ctypes.c_uint8,
    "uint16_t": ctypes.c_uint16,
    "uint32_t": ctypes.c_uint32,
    "uint64_t": ctypes.c_uint64,
    "int64_t": ctypes.c_int64,
    "size_t": ctypes.c_size_t,
    "double": ctypes.c_double,
}


def expected_ctypes(ctype: Any) -> set[Any]:
    """The ctypes types that declare the cffi type ``ctype`` faithfully."""
    if ctype.kind == "primitive":
        return {_PRIMITIVES[ctype.cname]}
    if ctype.kind == "enum":  # C enums travel as uint32_t
        return {ctypes.c_uint32}
    if ctype.kind in ("struct", "union"):
        name = ctype.cname.split()[-1]  # cffi may say "struct $X" for anonymous ones
        return {abi.STRUCTS.get(name) or abi.OPAQUE[ctype.cname]}
    if ctype.kind == "array":
        return {item * ctype.length for item in expected_ctypes(ctype.item)}
    if ctype.kind == "pointer":
        if ctype.item.kind == "void":
            return {ctypes.c_void_p}
        pointers = {ctypes.POINTER(item) for item in expected_ctypes(ctype.item)}
        if ctype.item.cname == "uint8_t":
            pointers.add(ctypes.c_char_p)  # bytes pass directly; the length travels beside
        return pointers
    raise AssertionError(f"no ctypes equivalent for {ctype.cname}")


def header_types(*kinds: str) -> list[str]:
    names = HEADER_FFI.list_types()[0]
    return sorted(name for name in names if HEADER_FFI.typeof(name).kind in kinds)


def test_every_struct_of_the_header_is_declared() -> None:
    declared = set(abi.STRUCTS) | set(abi.OPAQUE)
    missing = [name for name in header_types("struct", "union") if name not in declared]
    assert not missing, f"declare these in barter_python/ctypes_abi.py: {missing}"
    extra = declared - set(header_types("struct", "union"))
    assert not extra, f"not in the header any more: {sorted(extra)}"
    for name in abi.OPAQUE:
        assert HEADER_FFI.typeof(name).fields is None, f"{name} is not opaque"


@pytest.mark.parametrize("name", sorted(abi.STRUCTS))
def test_fields_offsets_and_sizes_match_cffi(name: str) -> None:
    cls = abi.STRUCTS[name]
    c_fields = HEADER_FFI.typeof(name).fields
    assert [field for field, _ in cls._fields_] == [field for field, _ in c_fields]
    for field, c_field in c_fields:
        declared = dict(cls._fields_)[field]
        assert declared in expected_ctypes(c_field.type), f"{name}.{field}"
        assert getattr(cls, field).offset == ffi.offsetof(name, field), f"{name}.{field}"
        assert getattr(cls, field).offset == HEADER_FFI.offsetof(name, field), f"{name}.{field}"
        assert getattr(cls, field).size == ctypes.sizeof(declared)
        assert ctypes.sizeof(declared) == HEADER_FFI.sizeof(c_field.type), f"{name}.{field}"
    assert ctypes.sizeof(cls) == ffi.sizeof(name) == HEADER_FFI.sizeof(name)
    assert ctypes.alignment(cls) == ffi.alignof(name) == HEADER_FFI.alignof(name)


def _struct_name(enum_name: str) -> str:
    words = enum_name[len("BARTER_ABI_STRUCT_") :].split("_")
    return "Barter" + "".join(word.capitalize() for word in words)


LIBRARY_STRUCTS = sorted(HEADER_FFI.typeof("BarterAbiStruct").elements.items())


@pytest.mark.parametrize(("which", "enum_name"), LIBRARY_STRUCTS)
def test_layouts_match_what_the_library_reports(which: int, enum_name: str) -> None:
    """Every struct the library describes (``BarterAbiStruct``), queried through
    ctypes: a struct added on the Rust side shows up here by itself."""
    assert getattr(abi, enum_name) == which
    name = _struct_name(enum_name)
    assert name in abi.STRUCTS, f"declare {name} in barter_python/ctypes_abi.py"
    size, align = ctypes.c_size_t(), ctypes.c_size_t()
    abi.check(LIB, LIB.barter_abi_struct_layout(which, ctypes.byref(size), ctypes.byref(align)))
    cls = abi.STRUCTS[name]
    assert (size.value, align.value) == (ctypes.sizeof(cls), ctypes.alignment(cls))


def test_the_library_reports_no_struct_beyond_the_header() -> None:
    size, align = ctypes.c_size_t(), ctypes.c_size_t()
    beyond = max(which for which, _ in LIBRARY_STRUCTS) + 1
    status = LIB.barter_abi_struct_layout(beyond, ctypes.byref(size), ctypes.byref(align))
    assert status == abi.BARTER_STATUS_INVALID_ARGUMENT
    assert abi.last_error(LIB) == f"unknown BarterAbiStruct value {beyond}"


def test_constants_match_the_header() -> None:
    header = {name for name in dir(HEADER_LIB) if name.startswith("BARTER_")}
    declared = {name for name in dir(abi) if name.startswith("BARTER_")}
    assert header - declared == set(), "declare these in barter_python/ctypes_abi.py"
    assert declared - header == set(), "not in the header any more"
    for name in header:
        assert getattr(abi, name) == getattr(HEADER_LIB, name), name


def test_every_function_is_declared_with_the_header_signature() -> None:
    header = sorted(name for name in dir(HEADER_LIB) if name.startswith("barter_"))
    assert sorted(abi.FUNCTIONS) == header, "FUNCTIONS must list exactly the header's"
    for name in header:
        c_function = HEADER_FFI.typeof(getattr(HEADER_LIB, name))
        restype, argtypes = abi.FUNCTIONS[name]
        assert restype in expected_ctypes(c_function.result), name
        assert len(argtypes) == len(c_function.args), name
        for position, (declared, c_arg) in enumerate(zip(argtypes, c_function.args)):
            assert declared in expected_ctypes(c_arg), f"{name} argument {position}"
        assert getattr(LIB, name).argtypes == argtypes


def test_library_version_through_ctypes() -> None:
    version = abi.BarterStr()
    abi.check(LIB, LIB.barter_library_version(ctypes.byref(version)))
    assert abi.string(version) == barter_python.library_version() == barter_python.__version__
    out = ctypes.c_uint32()
    abi.check(LIB, LIB.barter_abi_version(ctypes.byref(out)))
    assert out.value == abi.BARTER_ABI_VERSION


def test_errors_through_ctypes() -> None:
    batch = ctypes.POINTER(abi.BarterOrderEventBatch)()
    one = abi.BARTER_JSON_FORMAT_ONE
    status = LIB.barter_order_events_decode(b"{", 1, one, 0, ctypes.byref(batch))
    assert status == abi.BARTER_STATUS_INVALID_JSON
    assert "EOF while parsing an object" in abi.last_error(LIB)
    assert not batch
    with pytest.raises(RuntimeError, match="status 4: line 1 column 1: EOF while parsing"):
        abi.decode_order_events(LIB, b"{")


def test_each_fixture_event_decodes_to_the_same_dict(case: Case) -> None:
    [decoded] = abi.decode_order_events(LIB, case.serde.encode())
    assert decoded == OrderEvent.from_json(case.serde).to_dict() == json.loads(case.serde)


def test_encode_a_ctypes_event_back_to_serde() -> None:
    """ctypes structs can also go the other way: decoded events, passed back
    as an array, give serde's exact bytes."""
    data = "".join(case.serde + "\n" for case in CASES).encode()
    batch = ctypes.POINTER(abi.BarterOrderEventBatch)()
    lines = abi.BARTER_JSON_FORMAT_LINES
    abi.check(LIB, LIB.barter_order_events_decode(data, len(data), lines, 0, ctypes.byref(batch)))
    buffer = ctypes.POINTER(abi.BarterBuffer)()
    try:
        events, count = batch.contents.events, batch.contents.len
        abi.check(LIB, LIB.barter_order_events_encode(events, count, lines, ctypes.byref(buffer)))
        assert ctypes.string_at(buffer.contents.data, buffer.contents.len) == data
    finally:
        LIB.barter_buffer_free(ctypes.byref(buffer))
        LIB.barter_order_event_batch_free(ctypes.byref(batch))
    assert not buffer
    assert not batch


def _decode_one_into(data: bytes, out: Any, out_len: int) -> tuple[int, int]:
    used = ctypes.c_size_t(99)
    status = LIB.barter_decode_one_into(
        abi.BARTER_MESSAGE_ORDER_EVENT,
        abi.BARTER_KEYS_INDEXED,
        data,
        len(data),
        out,
        out_len,
        ctypes.byref(used),
    )
    return status, used.value


def test_each_fixture_event_decodes_into_a_ctypes_buffer(case: Case) -> None:
    """barter_decode_one_into: the event and its strings land in memory that
    Python owns, nothing to free; a short buffer gets the exact size back."""
    data = case.serde.encode()
    status, needed = _decode_one_into(data, None, 0)
    assert status == abi.BARTER_STATUS_BUFFER_TOO_SMALL
    message = abi.last_error(LIB)
    assert message == f"out_len is 0 bytes; this item needs {needed}"
    # The caller's buffer was short, not the input bad: not a ValueError.
    error = error_for(status, message)
    assert type(error) is BarterError
    assert error.status is Status.BUFFER_TOO_SMALL
    item_size = ctypes.sizeof(abi.BarterOrderEvent)
    assert item_size <= needed <= item_size + len(data)
    # Words of c_uint64 are aligned for the struct; a bytearray need not be.
    words = (ctypes.c_uint64 * (needed // 8 + 1))()
    status, used = _decode_one_into(data, words, needed - 1)
    assert (status, used) == (abi.BARTER_STATUS_BUFFER_TOO_SMALL, needed)
    assert abi.last_error(LIB) == f"out_len is {needed - 1} bytes; this item needs {needed}"
    status, used = _decode_one_into(data, ctypes.byref(words, 1), needed)
    assert (status, used) == (abi.BARTER_STATUS_INVALID_ARGUMENT, 0)
    align = ctypes.alignment(abi.BarterOrderEvent)
    assert f"`out` must be aligned to {align} bytes" in abi.last_error(LIB)
    status, used = _decode_one_into(data, words, needed)
    assert (status, used) == (abi.BARTER_STATUS_OK, needed)
    event = abi.BarterOrderEvent.from_buffer(words)
    assert abi.order_event_to_dict(event) == json.loads(case.serde)
    start = ctypes.addressof(words)
    for view in (event.key.strategy, event.key.cid, event.state.id):
        at = ctypes.cast(view.ptr, ctypes.c_void_p).value or 0
        assert view.len == 0 or start + item_size <= at < at + view.len <= start + used
    status, used = _decode_one_into(data[:-1], words, needed)
    assert (status, used) == (abi.BARTER_STATUS_INVALID_JSON, 0)


# Run in a fresh interpreter where cffi cannot be imported at all: the module
# is loaded from its file beside the shared library, outside the package.
CTYPES_ONLY = textwrap.dedent(
    """
    import importlib.util, json, sys
    sys.modules["cffi"] = None
    sys.modules["_cffi_backend"] = None
    spec = importlib.util.spec_from_file_location("ctypes_abi", sys.argv[1])
    abi = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(abi)
    lib = abi.load()
    with open(sys.argv[2], encoding="utf-8") as lines:
        data = "".join(json.loads(line)["serde"] + "\\n" for line in lines).encode()
    events = abi.decode_order_events(lib, data)
    assert "barter_python" not in sys.modules and sys.modules["cffi"] is None
    print(json.dumps(events))
    """
)


def test_every_fixture_event_decodes_with_ctypes_alone() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CTYPES_ONLY, abi.__file__, str(FIXTURES / "order_events.jsonl")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    decoded = json.loads(result.stdout)
    assert len(decoded) == len(CASES)
    assert decoded == [OrderEvent.from_json(case.serde).to_dict() for case in CASES]


def test_the_package_ships_the_library_and_the_header() -> None:
    package = Path(barter_python.__file__).resolve().parent
    assert Path(barter_python.library_path()) == package / Path(barter_python.library_path()).name
    assert Path(barter_python.library_path()).is_file()
    assert abi.library_path() == barter_python.library_path()
    assert Path(barter_python.header_path()) == package / "include" / "barter_ffi.h"
    source = Path(__file__).resolve().parent.parent / "include" / "barter_ffi.h"
    assert Path(barter_python.header_path()).read_text(encoding="utf-8") == source.read_text(
        encoding="utf-8"
    )
    assert (package / "py.typed").is_file()


def test_the_readme_ctypes_session_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = Path(__file__).resolve().parent.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    session = text[text.index("Debugging with nothing but ctypes") :]
    session = session[session.index("```python\n") + len("```python\n") :]
    session = session[: session.index("```")]
    monkeypatch.chdir(readme.parent)  # it reads examples/order_events.jsonl
    test = doctest.DocTestParser().get_doctest(session, {}, "README", str(readme), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0
    assert runner.tries == len(test.examples) >= 7
