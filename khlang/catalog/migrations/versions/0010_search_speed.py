"""Search at scale (issue 19): facet counts kept per (scope, facet, value) for searches
without a condition, a GIN index of the entries' facet values for filters, and on
PostgreSQL byte-ordered (`COLLATE "C"`) indexes for the name, id and title sorts.

Cheap on a large catalog: index builds and one aggregate over the stored values, no entry is
rewritten.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from khlang.catalog.schema import METADATA
from khlang.catalog.search import counts

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SEARCH_ENTRIES = METADATA.tables["search_entries"]
_INDEXES = (
    "ix_search_entries_facets",
    "ix_search_entries_name_bytes",
    "ix_search_entries_dataset_id_bytes",
    "ix_search_entries_title_key_bytes",
)


def upgrade() -> None:
    op.create_table(
        "search_counts",
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "field", "value", name=op.f("pk_search_counts")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for index in SEARCH_ENTRIES.indexes:
            if index.name in _INDEXES:
                index.create(bind)
    session = Session(bind=bind)
    counts.recount(session)
    session.commit()  # the migration's own transaction commits it


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in _INDEXES:
            op.drop_index(name, table_name="search_entries")
    op.drop_table("search_counts")
