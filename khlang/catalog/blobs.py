"""The content-addressed file store: every file is kept once, named by the SHA-256 of its
bytes, under `<home>/files/sha256/<2 hex>/<62 hex>`.

A file is copied to `files/tmp/` while being hashed, flushed to disk, and only then renamed to
its final name, so a crash leaves either nothing or a stray temporary file (which
`khlang catalog check --repair` removes) and never a half-written file under a hash name.
Stored files are read-only; the database says which of them a published version uses.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from khlang.errors import KhlangError
from khlang.i18n import Text

CHUNK = 1 << 20
HASH_PREFIX = "sha256:"
DEFAULT_MEDIA_TYPE = "application/octet-stream"


class StoredFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    sha256: str
    byte_size: int

    @property
    def hash(self) -> str:
        """The form metadata uses: `sha256:<hex>`."""
        return f"{HASH_PREFIX}{self.sha256}"


def plain_sha256(value: str) -> str:
    """`sha256:<hex>` or `<hex>` -> `<hex>` (lower case)."""
    return value.removeprefix(HASH_PREFIX).strip().lower()


def hash_file(path: Path) -> StoredFile:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return StoredFile(sha256=digest.hexdigest(), byte_size=size)


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects = root / "sha256"
        self.tmp = root / "tmp"

    def path(self, sha256: str) -> Path:
        return self.objects / sha256[:2] / sha256[2:]

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, source: Path) -> StoredFile:
        """Store a copy of `source` and return its hash and size. Storing the same bytes
        twice keeps one copy."""
        self.tmp.mkdir(parents=True, exist_ok=True)
        temporary = self.tmp / f"{uuid.uuid4().hex}.part"
        digest = hashlib.sha256()
        size = 0
        try:
            with source.open("rb") as reader, temporary.open("xb") as writer:
                while chunk := reader.read(CHUNK):
                    digest.update(chunk)
                    writer.write(chunk)
                    size += len(chunk)
                writer.flush()
                os.fsync(writer.fileno())
            stored = StoredFile(sha256=digest.hexdigest(), byte_size=size)
            final = self.path(stored.sha256)
            if final.is_file() and final.stat().st_size == size:
                temporary.unlink()
                return stored
            final.parent.mkdir(parents=True, exist_ok=True)
            temporary.chmod(0o444)
            os.replace(temporary, final)
            _fsync_folder(final.parent)
            return stored
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise KhlangError(
                Text(
                    th=f"เก็บไฟล์ไม่ได้: {error.strerror}",
                    en=f"cannot store the file: {error.strerror}",
                ),
                where=str(source),
            ) from error

    def verify(self, sha256: str) -> bool:
        """True when the stored file still has the bytes its name promises."""
        path = self.path(sha256)
        return path.is_file() and hash_file(path).sha256 == sha256

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def quarantine(self, sha256: str) -> Path:
        """Move a damaged file aside (never delete evidence) and return where it went."""
        target = self.root / "damaged" / f"{sha256}.{uuid.uuid4().hex[:8]}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path(sha256), target)
        return target

    def stored(self) -> Iterator[tuple[str, Path]]:
        """Every (sha256, path) under the store, whatever the database says."""
        if not self.objects.is_dir():
            return
        for folder in sorted(self.objects.iterdir()):
            if folder.is_dir():
                for path in sorted(folder.iterdir()):
                    yield folder.name + path.name, path

    def temporaries(self) -> Iterator[Path]:
        if self.tmp.is_dir():
            yield from sorted(self.tmp.iterdir())


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
