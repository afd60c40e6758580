"""Compressed tables (gzip, bzip2, xz, or a zip of one table), recognised by their bytes and
read as a stream of the table's bytes, never unpacked to disk or memory whole.

A zip archive holding an OOXML or ODF document is that document, not a compressed table
(`sniff` tells them apart by the members); any other zip is read as its first member, or the
member a Data Package resource names (`innerpath`), as Frictionless reads it.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = {b"\x1f\x8b": "gz", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz"}
SUFFIXES = {".gz": "gz", ".bz2": "bz2", ".xz": "xz", ".zip": "zip"}
ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error, zipfile.BadZipFile, ValueError)
"""What a damaged or truncated compressed file raises while it is read (gzip's and bz2's
errors are OSErrors)."""


def compression_of(head: bytes) -> str | None:
    """gz, bz2 or xz from the first bytes of a file."""
    for magic, name in MAGIC.items():
        if head.startswith(magic):
            return name
    return None


def zip_member(archive: zipfile.ZipFile, innerpath: str | None = None) -> str | None:
    """The member a zip is read as: `innerpath`, or the first file."""
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    if innerpath is not None:
        return innerpath if innerpath in names else None
    return names[0] if names else None


def open_decompressed(
    path: Path, compression: str | None, innerpath: str | None = None
) -> BinaryIO:
    """The file's bytes, decompressed as they are read."""
    if compression is None:
        return path.open("rb")
    if compression == "gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if compression == "bz2":
        return bz2.open(path, "rb")  # type: ignore[return-value]
    if compression == "xz":
        return lzma.open(path, "rb")  # type: ignore[return-value]
    with zipfile.ZipFile(path) as archive:  # the member keeps the file open once it closes
        member = zip_member(archive, innerpath)
        if member is None:
            raise zipfile.BadZipFile(f"the archive has no member {innerpath or ''}".strip())
        return archive.open(member)  # type: ignore[return-value]


def read_head(
    path: Path, compression: str | None, size: int, innerpath: str | None = None
) -> bytes:
    """The first `size` decompressed bytes (fewer when the content is shorter)."""
    with open_decompressed(path, compression, innerpath) as stream:
        return stream.read(size)


def open_parts(paths: list[Path], *, header: bool) -> BinaryIO:
    """The parts of a multipart resource as one stream of lines, as frictionless-py joins
    them: each part after the first loses its first line (its header) unless the table has
    none."""

    def lines() -> Iterator[bytes]:
        for number, path in enumerate(paths, start=1):
            compression = compression_of(path.open("rb").read(8)) or (
                "zip" if path.suffix.lower() == ".zip" else None
            )
            with open_decompressed(path, compression) as stream:
                for line_number, line in enumerate(stream, start=1):
                    if header and number > 1 and line_number == 1:
                        continue
                    yield line

    return io.BufferedReader(_LineStream(lines()))


class _LineStream(io.RawIOBase):
    """Bytes from a generator of lines, as a readable file."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            self._left = next(self._lines, b"")
            if not self._left:
                return 0
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size
