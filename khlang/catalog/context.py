"""What the catalog's helpers (publishing, accounts, feedback, the consistency check, the
indicator's facts, the registrars) need of an open catalog: its database and its file store.

They take this context instead of `Catalog`, so that `Catalog` (store.py) can compose them
without an import cycle: the façade depends on its parts, never the other way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from khlang.catalog.blobs import BlobStore
from khlang.catalog.database import session_factories
from khlang.catalog.location import CatalogLocation


@dataclass(frozen=True)
class CatalogContext:
    """An open catalog's engine, session factories and blob store."""

    location: CatalogLocation
    engine: Engine
    blobs: BlobStore
    _read: sessionmaker[Session]
    _write: sessionmaker[Session]

    @classmethod
    def of(cls, location: CatalogLocation, engine: Engine) -> CatalogContext:
        read, write = session_factories(engine)
        return cls(location, engine, BlobStore(location.files), read, write)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on an error.
        On SQLite it holds the database's write lock from its first statement."""
        with self._write() as session, session.begin():
            yield session


class CatalogReader(Protocol):
    """What a reader of the catalog's own tables needs: a `CatalogContext`, or the `Catalog`
    that holds one (the API passes its Catalog to the area-budget queries)."""

    @property
    def location(self) -> CatalogLocation: ...

    def read(self) -> AbstractContextManager[Session]: ...
