"""Pre-summed area-budget figures (`area_cells`, area_budget/cells.py): the dashboard sums
hundreds of cells instead of millions of amounts. Filled from the amounts already stored
by 0014 (the cell statements write its column too).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from khlang.catalog.tables import ROW_ID

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_cells",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("grain", sa.String(length=12), nullable=False),
        sa.Column("source_id", ROW_ID, nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("area_level", sa.String(length=12), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("district_code", sa.String(length=4), nullable=True),
        sa.Column("subdistrict_code", sa.String(length=6), nullable=True),
        sa.Column("lao_key", sa.String(length=40), nullable=True),
        sa.Column("ministry", sa.Text(), nullable=True),
        sa.Column("ministry_name", sa.Text(), nullable=True),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("department_name", sa.Text(), nullable=True),
        sa.Column("budget_unit", sa.Text(), nullable=True),
        sa.Column("budget_unit_name", sa.Text(), nullable=True),
        sa.Column("budget_type", sa.String(length=20), nullable=True),
        sa.Column("source_of_funds", sa.String(length=20), nullable=True),
        sa.Column("source_system", sa.Text(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("rated_amount", sa.BigInteger(), nullable=True),
        sa.Column("amounts", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "grain IN ('country', 'province', 'district', 'lao')", name=op.f("ck_area_cells_grain")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["area_sources.id"],
            name=op.f("fk_area_cells_source_id_area_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_cells")),
    )
    with op.batch_alter_table("area_cells", schema=None) as batch_op:
        batch_op.create_index(
            "ix_area_cells_grain_year",
            ["grain", "scope", "fiscal_year", "province_code", "district_code"],
        )
        batch_op.create_index(
            "ix_area_cells_grain_place",
            ["grain", "scope", "province_code", "district_code", "lao_key"],
        )
        batch_op.create_index(batch_op.f("ix_area_cells_source_id"), ["source_id"])
    # Filled by 0014, which adds the last column the cell statements write
    # (migrations run to the head; the statements are today's, not this revision's).


def downgrade() -> None:
    op.drop_table("area_cells")
