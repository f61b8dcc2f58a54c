"""Private loader of the compiled cffi extension and the Rust library.

Importing this module performs the ABI handshake: the library must report the
ABI version this package was written for and the struct layouts the extension
was compiled with, otherwise ImportError says what does not match.
"""

from __future__ import annotations

from typing import Any

from .errors import Status, error_for

__all__ = ["ABI_VERSION", "check", "ffi", "last_error", "lib", "library_version", "string"]

#: The ABI version this Python code speaks. Bumped together with the Rust side.
ABI_VERSION = 1

try:
    from ._barter_ffi import ffi, lib
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "barter_python's native extension could not be loaded; reinstall the package "
        f"(pip install barter-python builds it with cargo): {exc}"
    ) from exc

#: Each public C struct with its ``BarterAbiStruct`` id.
_STRUCTS = {
    "BarterStr": lib.BARTER_ABI_STRUCT_STR,
    "BarterDecimal": lib.BARTER_ABI_STRUCT_DECIMAL,
    "BarterTimestamp": lib.BARTER_ABI_STRUCT_TIMESTAMP,
    "BarterKey": lib.BARTER_ABI_STRUCT_KEY,
    "BarterOrderKey": lib.BARTER_ABI_STRUCT_ORDER_KEY,
    "BarterOrderError": lib.BARTER_ABI_STRUCT_ORDER_ERROR,
    "BarterOrderState": lib.BARTER_ABI_STRUCT_ORDER_STATE,
    "BarterOrderEvent": lib.BARTER_ABI_STRUCT_ORDER_EVENT,
    "BarterLineError": lib.BARTER_ABI_STRUCT_LINE_ERROR,
    "BarterOrderEventBatch": lib.BARTER_ABI_STRUCT_ORDER_EVENT_BATCH,
    "BarterBuffer": lib.BARTER_ABI_STRUCT_BUFFER,
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
    for name, which in _STRUCTS.items():
        check(lib.barter_abi_struct_layout(which, size, align))
        expected = (ffi.sizeof(name), ffi.alignof(name))
        if (size[0], align[0]) != expected:
            problems.append(
                f"{name}: library size/align {size[0]}/{align[0]}, "
                f"extension {expected[0]}/{expected[1]}"
            )
    if problems:
        raise ImportError(
            "barter_python was built for a different barter_ffi library: "
            + "; ".join(problems)
            + ". Rebuild the package so the extension and the library match."
        )


_handshake()
