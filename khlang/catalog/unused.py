"""Deleting stored files no version needs, without ever deleting one a publish is about to use.

Files are shared by content: a publish that finds its file already stored does not write it
again. So a file may be deleted only while no publish can be starting to rely on it: every
publish records the hashes of its files in its pending version (`staged`) in its staging
transaction, before it stores anything, and that transaction and the deleting one take the
same lock (SQLite's write lock; on PostgreSQL a transaction-level advisory lock). A file is
deleted only when, under that lock, no published version's file table (`blobs`) and no
pending version names it; a publish staging after the deletion writes the file again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from khlang.catalog.context import CatalogContext
from khlang.catalog.tables import Blob, DatasetVersion

# The advisory lock's key: "khlb" (khlang blobs), and the schema, as for migrations.
_PG_BLOB_LOCK = 0x6B686C62


def lock_files(session: Session) -> None:
    """Take the file lock for the rest of this write transaction (on SQLite, the write
    lock every write transaction already holds is the file lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
            {"key": _PG_BLOB_LOCK},
        )


def delete_unused(
    catalog: CatalogContext, hashes: Iterable[str], *, older_than: dt.datetime | None = None
) -> set[str]:
    """Delete the stored files among `hashes` that no version names (and, with
    `older_than`, that were last written before it); the hashes deleted."""
    wanted = set(hashes)
    if not wanted:
        return set()
    deleted = set()
    with catalog.write() as session:
        lock_files(session)
        # Pending versions first: one that commits between the two reads (PostgreSQL reads
        # each statement afresh) is then seen pending, or its files in `blobs`.
        needed: set[str] = set()
        for staged in session.scalars(
            select(DatasetVersion.staged).where(DatasetVersion.status == "pending")
        ):
            needed.update(staged or [])
        needed.update(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(wanted))))
        for sha256 in sorted(wanted - needed):
            path = catalog.blobs.path(sha256)
            if older_than is not None and (
                not path.is_file() or path.stat().st_mtime >= older_than.timestamp()
            ):
                continue
            catalog.blobs.delete(sha256)
            deleted.add(sha256)
    return deleted
