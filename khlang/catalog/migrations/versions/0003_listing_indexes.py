"""Indexes for catalogs of 100,000 datasets (bench/scale.py, docs/scale.md): an
organisation's datasets in name order, and `updated_at` for the change stamp the API's search
index polls. The composite index replaces the one on organization_id alone, its prefix.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_datasets_organization_id"))
        batch_op.create_index(
            "ix_datasets_organization_name", ["organization_id", "name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_datasets_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_datasets_updated_at"))
        batch_op.drop_index("ix_datasets_organization_name")
        batch_op.create_index(
            batch_op.f("ix_datasets_organization_id"), ["organization_id"], unique=False
        )
