"""Search in the catalog's database (`khlang.catalog.search`): one entry per dataset with a
current version, its exact values, and its words — a GIN-indexed `tsvector` on PostgreSQL,
an FTS5 table in the SQLite catalog file — filled from the existing current versions, so
that no API worker builds an index of its own.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Session

from khlang.catalog.search import maintain
from khlang.catalog.search.tables import FTS_TABLE
from khlang.catalog.search.tree import TEXT_COLUMNS
from khlang.catalog.tables import JSON_DOCUMENT, ROW_ID

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_entries",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("version_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("organization", sa.String(length=100), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("title_key", sa.Text(), nullable=False),
        sa.Column("modified", sa.BigInteger(), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("num_resources", sa.Integer(), nullable=False),
        sa.Column("num_tags", sa.Integer(), nullable=False),
        sa.Column("card", JSON_DOCUMENT, nullable=False),
        sa.Column("words", sa.Text().with_variant(TSVECTOR(), "postgresql"), nullable=True),
        sa.Column("facets", sa.Text().with_variant(ARRAY(sa.Text()), "postgresql"), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("dataset_id", name=op.f("uq_search_entries_dataset_id")),
        sa.UniqueConstraint("name", name=op.f("uq_search_entries_name")),
    )
    for column in ("organization", "title_key", "modified"):
        op.create_index(op.f(f"ix_search_entries_{column}"), "search_entries", [column])
    op.create_index(
        op.f("ix_search_entries_words"), "search_entries", ["words"], postgresql_using="gin"
    )
    op.create_table(
        "search_values",
        sa.Column("entry_id", ROW_ID, nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["search_entries.id"],
            name=op.f("fk_search_values_entry_id_search_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "field", "value", name=op.f("pk_search_values")),
    )
    op.create_index("ix_search_values_field_value", "search_values", ["field", "value", "entry_id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # the ascii tokenizer splits on ASCII spaces and punctuation and keeps Thai whole
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({', '.join(TEXT_COLUMNS)}, "
            "tokenize='ascii')"
        )
    session = Session(bind=bind)
    maintain.rebuild(session, recount=False)  # 0010 creates and fills the counts
    session.commit()  # the migration's own transaction commits it


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE {FTS_TABLE}")
    op.drop_table("search_values")
    op.drop_table("search_entries")
