"""Private loader of the Rust library, through cffi in one of two modes.

- ``"api"``: the compiled out-of-line extension ``barter_python._barter_ffi``
  (built by build_ffi.py against the header), the fast path and the default.
- ``"abi"``: when that extension cannot be imported (or the environment
  variable ``BARTER_PYTHON_NATIVE=abi`` asks for it), cffi parses the header
  shipped in the package (``barter_python/include/barter_ffi.h``) and opens
  the shipped shared library with ``ffi.dlopen``. No compiler is involved, so
  it works wherever cffi does. ``BARTER_PYTHON_NATIVE=api`` refuses the
  fallback instead.

``BARTER_PYTHON_LIBRARY=/path/to/libbarter_ffi.so`` runs the package on
another build of the library than the shipped one (a debug build, or the test
variant with the cargo feature ``testing`` that this project's own tests
use). It implies ABI mode, because the compiled extension is linked to the
shipped library; the handshake below still checks that build.

Both modes expose the same ``ffi`` and ``lib`` (functions, enum values and
the ``#define`` integer constants), so the rest of the package does not know
which one it runs on. Importing this module performs the ABI handshake in
either mode: the library must report the ABI version this package was written
for and, for every struct it names, the size and alignment cffi uses,
otherwise ImportError says what does not match.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

from .errors import Status, error_for

__all__ = [
    "ABI_VERSION",
    "MODE",
    "check",
    "ffi",
    "header_path",
    "last_error",
    "lib",
    "library_path",
    "library_version",
    "string",
    "take_buffer",
]

#: The ABI version this Python code speaks. Bumped together with the Rust side.
ABI_VERSION = 6

#: The environment variable that picks the mode: "api", "abi", or unset (auto).
MODE_VARIABLE = "BARTER_PYTHON_NATIVE"
#: The environment variable naming another build of the library (ABI mode).
LIBRARY_VARIABLE = "BARTER_PYTHON_LIBRARY"

_PACKAGE_DIR = Path(__file__).resolve().parent
_LIBRARY = "libbarter_ffi.dylib" if sys.platform == "darwin" else "libbarter_ffi.so"


def library_path() -> str:
    """The path of the shared library the package runs on: the one shipped
    in the package (libbarter_ffi.so), or the build named by
    ``BARTER_PYTHON_LIBRARY``."""
    return os.environ.get(LIBRARY_VARIABLE) or str(_PACKAGE_DIR / _LIBRARY)


def header_path() -> str:
    """The path of the C header shipped in the package (include/barter_ffi.h)."""
    return str(_PACKAGE_DIR / "include" / "barter_ffi.h")


def _load_abi_mode() -> tuple[Any, Any]:
    """cffi's ABI mode: the cdef is the shipped header as is, the library is
    opened with dlopen. Raises ImportError (with the reason) on failure."""
    try:
        cffi = importlib.import_module("cffi")
    except ImportError as exc:  # pragma: no cover - cffi is a dependency
        raise ImportError(f"cffi is not installed: {exc}") from exc
    try:
        header = Path(header_path()).read_text(encoding="utf-8")
    except OSError as exc:
        raise ImportError(f"the package's C header is missing: {exc}") from exc
    abi_ffi = cffi.FFI()
    abi_ffi.cdef(header)
    try:
        abi_lib = abi_ffi.dlopen(library_path())
    except OSError as exc:
        raise ImportError(f"cannot load {library_path()}: {exc}") from exc
    return abi_ffi, abi_lib


def _load() -> tuple[Any, Any, str]:
    wanted = os.environ.get(MODE_VARIABLE, "")
    if wanted not in ("", "api", "abi"):
        raise ImportError(f'{MODE_VARIABLE} must be "api", "abi" or unset, not {wanted!r}')
    if os.environ.get(LIBRARY_VARIABLE):
        if wanted == "api":
            raise ImportError(
                f"{LIBRARY_VARIABLE} names another build of the library, which only "
                f"ABI mode can load: {MODE_VARIABLE}=api contradicts it"
            )
        wanted = "abi"
    api_error = None
    if wanted != "abi":
        try:
            extension = importlib.import_module("._barter_ffi", __package__)
        except ImportError as exc:
            if wanted == "api":
                raise ImportError(
                    f"barter_python's compiled extension could not be loaded "
                    f"({MODE_VARIABLE}=api forbids the ABI-mode fallback): {exc}"
                ) from exc
            api_error = exc
        else:
            return extension.ffi, extension.lib, "api"
    try:
        abi_ffi, abi_lib = _load_abi_mode()
    except ImportError as exc:
        because = f"the compiled extension failed ({api_error}), then " if api_error else ""
        raise ImportError(
            f"barter_python's native library could not be loaded: {because}"
            f"cffi ABI mode failed ({exc}). Reinstall the package "
            "(pip install barter-python builds it with cargo)."
        ) from exc
    return abi_ffi, abi_lib, "abi"


ffi, lib, MODE = _load()


def _struct_name(enum_name: str) -> str:
    """``BARTER_ABI_STRUCT_ORDER_EVENT_BATCH`` -> ``BarterOrderEventBatch``."""
    words = enum_name[len("BARTER_ABI_STRUCT_") :].split("_")
    return "Barter" + "".join(word.capitalize() for word in words)


#: Each public C struct the library describes, with its ``BarterAbiStruct`` id:
#: every member of the enum, so a struct added on the Rust side is checked too.
_STRUCTS = {
    _struct_name(name): value
    for value, name in sorted(ffi.typeof("BarterAbiStruct").elements.items())
}


def last_error() -> str:
    """This thread's last error message from the library."""
    view = ffi.new("BarterStr *")
    lib.barter_last_error(view)
    return string(view[0])


def string(view: Any) -> str:
    """Copies a ``BarterStr`` view into a Python str."""
    if view.len == 0:
        return ""
    text: str = ffi.buffer(view.ptr, view.len)[:].decode("utf-8")
    return text


def take_buffer(out: Any) -> bytes:
    """Copies the ``BarterBuffer`` at ``out[0]`` (a ``BarterBuffer **``) and
    frees it."""
    try:
        data: bytes = ffi.buffer(out[0].data, out[0].len)[:]
        return data
    finally:
        lib.barter_buffer_free(out)


def check(status: int) -> None:
    """Raises the package's exception for a failed call (symbolic's rustcall)."""
    if status != Status.OK:
        raise error_for(status, last_error())


def library_version() -> str:
    view = ffi.new("BarterStr *")
    check(lib.barter_library_version(view))
    return string(view[0])


def _handshake() -> None:
    version = ffi.new("uint32_t *")
    check(lib.barter_abi_version(version))
    problems = []
    if version[0] != ABI_VERSION or lib.BARTER_ABI_VERSION != ABI_VERSION:
        problems.append(
            f"ABI version: library {version[0]}, header {lib.BARTER_ABI_VERSION}, "
            f"package {ABI_VERSION}"
        )
    size = ffi.new("size_t *")
    align = ffi.new("size_t *")
    declared = set(ffi.list_types()[0])
    for name, which in _STRUCTS.items():
        check(lib.barter_abi_struct_layout(which, size, align))
        if name not in declared:
            problems.append(f"{name}: named by BarterAbiStruct but not declared in the header")
            continue
        expected = (ffi.sizeof(name), ffi.alignof(name))
        if (size[0], align[0]) != expected:
            problems.append(
                f"{name}: library size/align {size[0]}/{align[0]}, "
                f"{MODE} mode {expected[0]}/{expected[1]}"
            )
    if problems:
        raise ImportError(
            "barter_python was built for a different barter_ffi library: "
            + "; ".join(problems)
            + ". Rebuild the package so the extension and the library match."
        )


_handshake()
