"""Rendered pages of the DCAT feed, kept on disk under a key made of everything that decides
the page, so an unchanged page is read back instead of being built again by rdflib (0.9-4 s
a page of 100 datasets at 100,000 datasets).

The key (`page_key`) holds the rendering's revision, the serialisation, the site's base URL
and title, the page's own address and paging links, the total, and each listed dataset's id,
version and content hash (a published version never changes, so these fix its triples and
its download URLs), and the caller's visibility class. The page is a function of those
alone: a private dataset is only ever in a page whose key lists it, and only a caller who may
see it lists it. Keys are SHA-256 digests, files are written to a temporary name and renamed
(several workers may share `<home>/api/feeds`), and the oldest pages are dropped once there
are more than `max_pages`.

Pages are kept gzip-compressed and sent as they are to a client that accepts gzip (every
harvester and httpx do): compressing a 1.8 MB JSON-LD page on each request costs more than
reading it back.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from khlang.catalog import Principal
from khlang.catalog.records import DatasetSummary

RENDERING = 2
"""Bump when the feed's rendering changes, so that pages built by older code are not served
(2: pages assembled from the datasets' kept descriptions)."""
PRUNE_EVERY = 256
"""Writes between two counts of the cached pages."""


def visibility_class(principal: Principal) -> list[str]:
    """What decides which datasets a caller sees: everything (a sysadmin), or the
    organisations whose private datasets it may see (none for an anonymous caller). Callers
    in the same class share cached pages."""
    if principal.sysadmin:
        return ["*"]
    return sorted(name for name in principal.roles if principal.can_see_private(name))


def page_key(
    principal: Principal,
    listed: Sequence[DatasetSummary],
    **context: Any,
) -> str:
    """The cache key of a feed page: `context` (format, base URL, title, the page's address
    and links, total, size) with the caller's visibility class and the listed datasets'
    identities and content hashes."""
    parts = {
        "rendering": RENDERING,
        "visibility": visibility_class(principal),
        "datasets": [(s.id, s.name, s.version, s.content_hash) for s in listed],
        **context,
    }
    encoded = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def part_key(principal: Principal, summary: DatasetSummary, **context: Any) -> str:
    """The cache key of one dataset's serialised description (`context`: format, base URL):
    its id, name, version and content hash fix its triples and download URLs. A private
    dataset's description is also keyed by the caller's visibility class, so it is only ever
    read back by callers of a class that listed it (a public one is shared by all)."""
    parts = {
        "rendering": RENDERING,
        "dataset": (summary.id, summary.name, summary.version, summary.content_hash),
        "private": visibility_class(principal) if summary.private else False,
        **context,
    }
    encoded = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


class FeedCache:
    """Rendered feed pages on disk, by key."""

    def __init__(
        self, directory: Path, max_pages: int = 20_000, prune_every: int = PRUNE_EVERY
    ) -> None:
        self.directory = directory
        self.max_pages = max_pages
        self.prune_every = prune_every
        self._writes = 0
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str) -> bytes | None:
        """The page's gzip-compressed UTF-8 text, or None."""
        path = self._path(key)
        try:
            compressed = path.read_bytes()
        except FileNotFoundError:
            return None
        os.utime(path)  # recently used: pruned last
        return compressed

    def put(self, key: str, text: str) -> bytes:
        """Keep a page; returns what `get` will give for it."""
        compressed = gzip.compress(text.encode(), compresslevel=6, mtime=0)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{key}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_bytes(compressed)
        temporary.replace(path)
        with self._lock:
            self._writes += 1
            due = self._writes % self.prune_every == 0
        if due:
            self.prune()
        return compressed

    def prune(self) -> None:
        """Drop the least recently used pages beyond `max_pages` (down to 90% of it)."""
        pages = [p for p in self.directory.glob("*/*") if not p.name.startswith(".")]
        if len(pages) <= self.max_pages:
            return
        by_age = sorted(pages, key=_last_used)
        for path in by_age[: len(pages) - self.max_pages * 9 // 10]:
            path.unlink(missing_ok=True)


def _last_used(path: Path) -> float:
    """A page's last use; 0 for one another worker has just removed."""
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
