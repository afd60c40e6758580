"""Table Schemas stored once by content hash (`table_schemas`, catalog/table_schemas.py):
every existing version's inline schemas move there, and its metadata keeps their hashes in
their place, with `schema_positions` naming the resources so replaced. The downgrade puts
every schema back inline. Versions are moved 500 at a time, in id order, so a catalog of
100,000 versions never sits in memory at once.

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from khlang.catalog.table_schemas import joined, references, split
from khlang.catalog.tables import JSON_DOCUMENT, UTCDateTime, utcnow

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 500
VERSIONS = sa.table(
    "dataset_versions",
    sa.column("id", sa.String(36)),
    sa.column("metadata", JSON_DOCUMENT),
    sa.column("schema_positions", JSON_DOCUMENT),
)
SCHEMAS = sa.table(
    "table_schemas",
    sa.column("sha256", sa.String(64)),
    sa.column("document", JSON_DOCUMENT),
    sa.column("created_at", UTCDateTime()),
)
UPDATE = (
    VERSIONS.update()
    .where(VERSIONS.c.id == sa.bindparam("version_id"))
    .values(metadata=sa.bindparam("stored"), schema_positions=sa.bindparam("positions"))
)


def _batches(connection: sa.Connection, *, moved: bool) -> Iterator[Sequence[Any]]:
    """(id, metadata, schema_positions) of every version, BATCH at a time; with `moved`,
    the positions column is read too (it exists)."""
    columns = [VERSIONS.c.id, VERSIONS.c.metadata]
    if moved:
        columns.append(VERSIONS.c.schema_positions)
    last = ""
    while True:
        rows = connection.execute(
            sa.select(*columns).where(VERSIONS.c.id > last).order_by(VERSIONS.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def upgrade() -> None:
    op.create_table(
        "table_schemas",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("document", JSON_DOCUMENT, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_table_schemas")),
    )
    with op.batch_alter_table("dataset_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schema_positions", JSON_DOCUMENT, nullable=True))
    connection = op.get_bind()
    known: set[str] = set()
    for rows in _batches(connection, moved=False):
        updates, new = [], {}
        for version_id, metadata in rows:
            stored, positions, documents = split(metadata)
            if positions:
                updates.append({"version_id": version_id, "stored": stored,
                                "positions": positions})  # fmt: skip
                new.update({k: v for k, v in documents.items() if k not in known})
        if new:
            now = utcnow()
            connection.execute(
                SCHEMAS.insert(),
                [{"sha256": k, "document": v, "created_at": now} for k, v in new.items()],
            )
            known |= set(new)
        if updates:
            connection.execute(UPDATE, updates)


def downgrade() -> None:
    connection = op.get_bind()
    for rows in _batches(connection, moved=True):
        wanted = set().union(*(references(stored, positions) for _, stored, positions in rows))
        documents = dict(
            connection.execute(
                sa.select(SCHEMAS.c.sha256, SCHEMAS.c.document).where(
                    SCHEMAS.c.sha256.in_(sorted(wanted))
                )
            ).all()
        )
        updates = [
            {"version_id": version_id, "stored": joined(stored, positions, documents),
             "positions": None}
            for version_id, stored, positions in rows
            if positions
        ]  # fmt: skip
        if updates:
            connection.execute(UPDATE, updates)
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35+): a batch copy of the table would
    # trip the foreign keys that point at it.
    op.drop_column("dataset_versions", "schema_positions")
    op.drop_table("table_schemas")
