"""The catalog's change counter: what `Catalog.change_stamp` reads.

API workers keep answers that only a publish, a withdrawal or a reinstatement can change (the
DCAT feed's total, CKAN `package_list`'s name marks) until the stamp moves, and read the stamp
at most every few seconds. An aggregate over `datasets` (count, sum of `lock_version`) was
such a stamp, but it reads the whole table: 280-420 ms at 500,000 datasets on PostgreSQL. The
writes now count themselves in `catalog_changes`, in their own transaction, so the stamp is
the sum of a few rows whatever the catalog's size.

A sum, not a newest time or sequence number: two writes committing in the opposite order to
the one they started in still move it. The count is spread over SHARDS rows by dataset, so
concurrent publishes of different datasets seldom wait on one row's lock (a dataset's own
writes are serialised by its row already).
"""

from __future__ import annotations

import zlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from khlang.catalog.database import upsert
from khlang.catalog.tables import CatalogChanges

SHARDS = 16


def record(session: Session, dataset_id: str) -> None:
    """Count one write that changes what the catalog offers, in the writer's transaction."""
    statement = upsert(session, CatalogChanges).values(
        shard=zlib.crc32(dataset_id.encode()) % SHARDS, changes=1
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[CatalogChanges.shard],
            set_={"changes": CatalogChanges.changes + 1},
        )
    )


def stamp(session: Session) -> int:
    """Every write counted so far, as the reader's snapshot sees them committed."""
    return int(session.scalar(select(func.coalesce(func.sum(CatalogChanges.changes), 0))) or 0)
