"""The catalog's change counter (`catalog_changes`, khlang/catalog/changes.py): the writes
count themselves so that `Catalog.change_stamp` reads a few rows instead of aggregating every
dataset (280-420 ms at 500,000 datasets). Starts empty: a stamp only has to move.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_changes",
        sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("changes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("shard", name=op.f("pk_catalog_changes")),
    )


def downgrade() -> None:
    op.drop_table("catalog_changes")
