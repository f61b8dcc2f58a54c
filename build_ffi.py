"""cffi builder (out-of-line API mode) for ``barter_python._barter_ffi``.

The cdef is include/barter_ffi.h exactly as cbindgen wrote it: the header is
kept free of includes, guards and function-like macros so that cffi parses it
without any cleanup. The C source includes the standard headers the preamble
asks for, then the header, and links the Rust cdylib, which setup.py builds
with cargo and installs next to the extension (found through an $ORIGIN rpath).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cffi import FFI

ROOT = Path(__file__).resolve().parent
CRATE = ROOT / "rust-ffi"
HEADER = ROOT / "include" / "barter_ffi.h"
# BARTER_RUST_TARGET (for instance x86_64-unknown-linux-gnu.2.17, as
# `./dev wheels` sets it) builds the library with `cargo zigbuild` for that
# target, whose suffix is the oldest glibc the library may need.
RUST_TARGET = os.environ.get("BARTER_RUST_TARGET", "")
# Where cargo leaves the library (cargo reads a relative CARGO_TARGET_DIR from
# its working directory, the crate); zigbuild drops the glibc suffix there.
RUST_RELEASE_DIR = (
    CRATE
    / os.environ.get("CARGO_TARGET_DIR", "target")
    / (RUST_TARGET.split(".", 1)[0] if RUST_TARGET else "")
    / "release"
)

ffibuilder = FFI()
ffibuilder.cdef(HEADER.read_text(encoding="utf-8"))
ffibuilder.set_source(
    "barter_python._barter_ffi",
    '#include <stdint.h>\n#include <stddef.h>\n#include "barter_ffi.h"\n',
    include_dirs=[str(HEADER.parent)],
    library_dirs=[str(RUST_RELEASE_DIR)],
    libraries=["barter_ffi"],
    # libc is named even where the linker would drop it as unused (PyPy's
    # extension calls none of it): auditwheel reads the libc a wheel needs
    # from its extension.
    extra_link_args=["-Wl,-rpath,$ORIGIN"]
    + (["-Wl,--no-as-needed", "-lc"] if sys.platform.startswith("linux") else []),
)

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(ROOT / "build" / "cffi"), verbose=True)
