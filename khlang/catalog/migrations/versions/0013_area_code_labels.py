"""The labels of the area-budget tables' codes (`area_code_labels`, area_budget/labels.py),
kept from the published Table Schemas' `categories` so the web site needs no publishers'
vocabulary. Filled from the schemas already stored: versions published before the
publishers wrote `categories` have none, and their codes show as codes until a version
that carries them is published.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from khlang.catalog.area_budget import labels

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_code_labels",
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("label_th", sa.Text(), nullable=True),
        sa.Column("label_en", sa.Text(), nullable=True),
        sa.Column("abbreviation_th", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name=op.f("fk_area_code_labels_dataset_id_datasets")
        ),
        sa.PrimaryKeyConstraint("dataset_id", "role", "code", name=op.f("pk_area_code_labels")),
    )
    session = Session(bind=op.get_bind())
    labels.fill(session)
    session.commit()  # the migration's own transaction commits it


def downgrade() -> None:
    op.drop_table("area_code_labels")
