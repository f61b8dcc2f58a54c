"""cffi ABI mode, the fallback for when the compiled extension cannot be
imported: the package then parses its shipped header and dlopens its shipped
library. Each test runs a fresh interpreter, since the mode is chosen once at
import; the round-trip suite is run again in full through ABI mode."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import barter_python
from barter_python import _native

TESTS = Path(__file__).resolve().parent

#: The suites that take values through C and back, rerun in ABI mode. They
#: include the handshake tests of test_abi.py, so the handshake is exercised
#: in ABI mode too.
ROUND_TRIP_SUITE = [
    "test_abi.py",
    "test_bad_input.py",
    "test_fastpath.py",
    "test_messages.py",
    "test_model.py",
    "test_order_event_bindings.py",
    "test_properties.py",
    "test_values.py",
    "test_abi_mode.py::test_native_mode_matches_the_environment",
]


def run_python(
    code: str, mode: str | None, library: Path | None = None
) -> subprocess.CompletedProcess[str]:
    chosen = (_native.MODE_VARIABLE, _native.LIBRARY_VARIABLE)
    env = {k: v for k, v in os.environ.items() if k not in chosen}
    if mode is not None:
        env[_native.MODE_VARIABLE] = mode
    if library is not None:
        env[_native.LIBRARY_VARIABLE] = str(library)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )


def test_native_mode_matches_the_environment() -> None:
    assert barter_python.native_mode() == os.environ.get(_native.MODE_VARIABLE, "api")
    assert barter_python.native_mode() == _native.MODE


def test_round_trip_suite_in_abi_mode() -> None:
    env = dict(os.environ, **{_native.MODE_VARIABLE: "abi"})
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ROUND_TRIP_SUITE],
        cwd=TESTS,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert " passed" in summary
    assert "failed" not in summary


DECODE = (
    "import barter_python\n"
    "from barter_python.execution import OrderEvent\n"
    'text = \'{"key":{"exchange":1,"instrument":3,"strategy":"mm","cid":"c"},'
    '"state":{"Inactive":"Expired"}}\'\n'
    "assert OrderEvent.from_json(text).to_json().decode() == text\n"
    "print(barter_python.native_mode())\n"
)


def test_abi_mode_on_request() -> None:
    result = run_python(DECODE, "abi")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "abi\n"


def test_falls_back_to_abi_mode_when_the_extension_cannot_be_imported() -> None:
    # None in sys.modules makes `import barter_python._barter_ffi` raise ImportError.
    code = "import sys\nsys.modules['barter_python._barter_ffi'] = None\n" + DECODE
    result = run_python(code, None)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "abi\n"


def test_api_mode_on_request_forbids_the_fallback() -> None:
    assert run_python(DECODE, "api").stdout == "api\n"
    code = "import sys\nsys.modules['barter_python._barter_ffi'] = None\n" + DECODE
    result = run_python(code, "api")
    assert result.returncode != 0
    assert "BARTER_PYTHON_NATIVE=api forbids the ABI-mode fallback" in result.stderr


def test_an_unknown_mode_is_an_import_error() -> None:
    result = run_python("import barter_python", "jit")
    assert result.returncode != 0
    assert 'ImportError: BARTER_PYTHON_NATIVE must be "api", "abi" or unset, not \'jit\'' in (
        result.stderr
    )


def test_abi_mode_refuses_a_mismatched_library() -> None:
    """The handshake runs at import in ABI mode too: a header whose struct
    layout differs from the library's is refused with ImportError."""
    code = (
        "import cffi, barter_python._native as n\n"
        "ffi = cffi.FFI()\n"
        "header = open(n.header_path()).read()\n"
        "ffi.cdef(header.replace('size_t item_size;', 'size_t item_size; size_t extra;'))\n"
        "n.ffi = ffi\n"
        "n.lib = ffi.dlopen(n.library_path())\n"
        "n._handshake()\n"
    )
    result = run_python(code, "abi")
    assert result.returncode != 0
    size, align = _native.ffi.sizeof("BarterBatch"), _native.ffi.alignof("BarterBatch")
    expected = f"BarterBatch: library size/align {size}/{align}, abi mode {size + 8}/{align}"
    assert expected in result.stderr


def test_another_build_of_the_library_is_loaded_in_abi_mode(tmp_path: Path) -> None:
    copy = tmp_path / "libbarter_ffi.so"
    shutil.copy(_native.library_path(), copy)
    code = DECODE + "print(barter_python.library_path())\n"
    result = run_python(code, None, copy)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"abi\n{copy}\n"


def test_another_build_of_the_library_refuses_api_mode() -> None:
    result = run_python("import barter_python", "api", Path(_native.library_path()))
    assert result.returncode != 0
    assert (
        "BARTER_PYTHON_LIBRARY names another build of the library, which only ABI mode can "
        "load: BARTER_PYTHON_NATIVE=api contradicts it"
    ) in result.stderr


def test_a_library_that_is_not_there_is_an_import_error(tmp_path: Path) -> None:
    missing = tmp_path / "libbarter_ffi.so"
    result = run_python("import barter_python", None, missing)
    assert result.returncode != 0
    assert f"cannot load {missing}" in result.stderr
