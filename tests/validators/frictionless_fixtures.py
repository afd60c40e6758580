"""frictionless-py's own test fixtures, for the conformance suite: the `data/` folder of its
published source distribution on PyPI, at a pinned version, downloaded once with pip and
unpacked into a cache (never into the repository: they are frictionless-py's files, MIT
licensed, used where they are published). `data_folder()` returns the folder, or None with
the reason it could not be had (no network outside CI)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "5.21.0"
"""The frictionless-py release whose fixtures are compared (its sdist carries `data/`)."""


def cache_folder() -> Path:
    root = os.environ.get("KHLANG_CACHE") or Path.home() / ".cache" / "khlang"
    return Path(root) / f"frictionless-{VERSION}"


def data_folder() -> tuple[Path | None, str]:
    """The unpacked `data/` folder and "", or None and why it is missing. Concurrent test
    workers wait for one download (a lock file)."""
    folder = cache_folder()
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / ".complete").exists():
            return data, ""
        with tempfile.TemporaryDirectory() as scratch:
            command = [sys.executable, "-m", "pip", "download", f"frictionless=={VERSION}",
                       "--no-binary", ":all:", "--no-deps", "--quiet", "-d", scratch]  # fmt: skip
            try:
                subprocess.run(command, check=True, capture_output=True, timeout=600)
            except (subprocess.SubprocessError, OSError) as error:
                output = getattr(error, "stderr", b"") or b""
                return None, f"pip could not download frictionless=={VERSION}: {output[-300:]!r}"
            archive = next(Path(scratch).glob("frictionless-*.tar.gz"))
            _unpack_data(archive, folder)
        (folder / ".complete").touch()
        return data, ""


def _unpack_data(archive: Path, folder: Path) -> None:
    """Only `frictionless-X/data/...` members, each checked to stay inside `folder`."""
    prefix = f"frictionless-{VERSION}/data/"
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if not member.name.startswith(prefix) or not (member.isfile() or member.isdir()):
                continue
            target = (folder / "data" / member.name[len(prefix) :]).resolve()
            if not target.is_relative_to(folder.resolve()):
                continue
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            with contextlib.closing(source) as stream, target.open("wb") as out:
                out.write(stream.read())  # type: ignore[union-attr]
