"""The distinct query tables of the current versions (`table_sources`, table_sources.py), so a
starting API worker reads a few rows instead of every current version's metadata. Filled by
one INSERT of a GROUP BY that the database runs over the current versions (their JSON is read
in the database, not in Python: one pass, no version rewritten).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from khlang.catalog.table_sources import rebuild

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "table_sources",
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("schema_sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.Text(), nullable=True),
        sa.Column("filename", sa.Text(), nullable=True),
        sa.Column("datasets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("blob_sha256", "schema_sha256", name=op.f("pk_table_sources")),
    )
    session = Session(bind=op.get_bind())
    rebuild(session)
    session.commit()  # the migration's own transaction commits it


def downgrade() -> None:
    op.drop_table("table_sources")
