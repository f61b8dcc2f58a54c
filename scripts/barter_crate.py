"""Where the `barter` crate's sources are, as cargo resolves them for
rust-ffi: its examples/data holds barter's market data, which the tests and
the benchmarks read.

    python scripts/barter_crate.py    # prints the directory

``BARTER_CRATE_DIR``, when set, names it instead: ./dev sets it where cargo
is on PATH, for the suites that run where cargo is hidden (the wheels'
toolchain-free venvs).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VARIABLE = "BARTER_CRATE_DIR"


class NotFound(Exception):
    """The crate could not be found; the message says why."""


def barter_crate_dir() -> Path:
    named = os.environ.get(VARIABLE)
    if named:
        return Path(named)
    try:
        # The host's packages only: a build fetched those, not the ones of
        # other platforms (Android, Windows) that a full resolve would need.
        host = (
            subprocess.run(["rustc", "-vV"], check=True, capture_output=True, text=True)
            .stdout.split("host: ", 1)[1]
            .split()[0]
        )
        command = [
            "cargo", "metadata", "--format-version", "1", "--locked", "--offline",
            "--filter-platform", host, "--manifest-path", str(REPO / "rust-ffi" / "Cargo.toml"),
        ]  # fmt: skip
        run = subprocess.run(command, check=False, capture_output=True, text=True, cwd=REPO)
    except (FileNotFoundError, subprocess.CalledProcessError, IndexError):
        raise NotFound(
            f"barter's market data: set {VARIABLE} to the barter crate's sources, "
            "or put cargo on PATH to find them"
        ) from None
    if run.returncode != 0:
        raise NotFound(f"cargo metadata failed: {run.stderr}")
    for package in json.loads(run.stdout)["packages"]:
        if package["name"] == "barter":
            return Path(package["manifest_path"]).parent
    raise NotFound("rust-ffi does not depend on the barter crate")


if __name__ == "__main__":
    try:
        print(barter_crate_dir())
    except NotFound as exc:
        sys.exit(f"error: {exc}")
