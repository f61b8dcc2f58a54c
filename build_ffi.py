"""cffi builder (out-of-line API mode) for ``barter_python._barter_ffi``.

The cdef is include/barter_ffi.h exactly as cbindgen wrote it: the header is
kept free of includes, guards and function-like macros so that cffi parses it
without any cleanup. The C source includes the standard headers the preamble
asks for, then the header, and links the Rust cdylib, which setup.py builds
with cargo and installs next to the extension (found through an $ORIGIN rpath).
"""

from __future__ import annotations

import os
from pathlib import Path

from cffi import FFI

ROOT = Path(__file__).resolve().parent
CRATE = ROOT / "rust-ffi"
HEADER = ROOT / "include" / "barter_ffi.h"
# Where `cargo build --release` in rust-ffi/ leaves the library (cargo reads
# a relative CARGO_TARGET_DIR from its working directory, the crate).
RUST_RELEASE_DIR = CRATE / os.environ.get("CARGO_TARGET_DIR", "target") / "release"

ffibuilder = FFI()
ffibuilder.cdef(HEADER.read_text(encoding="utf-8"))
ffibuilder.set_source(
    "barter_python._barter_ffi",
    '#include <stdint.h>\n#include <stddef.h>\n#include "barter_ffi.h"\n',
    include_dirs=[str(HEADER.parent)],
    library_dirs=[str(RUST_RELEASE_DIR)],
    libraries=["barter_ffi"],
    extra_link_args=["-Wl,-rpath,$ORIGIN"],
)

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(ROOT / "build" / "cffi"), verbose=True)
