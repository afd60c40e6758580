"""The area-budget store (khlang.catalog.area_budget, docs/area-budget.md): the tables of
current dataset versions that feed it, and their amounts under the store's keys.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from khlang.catalog.tables import ROW_ID, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_sources",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("version_id", sa.String(length=36), nullable=False),
        sa.Column("resource_id", sa.String(length=36), nullable=False),
        sa.Column("dataset", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("organization", sa.String(length=100), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("amounts", sa.Integer(), nullable=False),
        sa.Column("ingested_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('ledger', 'lines', 'lao_finance')", name=op.f("ck_area_sources_kind")
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name=op.f("fk_area_sources_dataset_id_datasets")
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_area_sources_resource_id_resources"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["dataset_versions.id"],
            name=op.f("fk_area_sources_version_id_dataset_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_sources")),
        sa.UniqueConstraint("version_id", "resource_id", name="uq_area_sources_version_resource"),
    )
    with op.batch_alter_table("area_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_sources_dataset_id"), ["dataset_id"])

    op.create_table(
        "area_amounts",
        sa.Column("id", ROW_ID, autoincrement=True, nullable=False),
        sa.Column("source_id", ROW_ID, nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("line_key", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=True),
        sa.Column("group_key", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.BigInteger(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("fiscal_month", sa.Integer(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("area_level", sa.String(length=12), nullable=True),
        sa.Column("area_code", sa.String(length=40), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("district_code", sa.String(length=4), nullable=True),
        sa.Column("subdistrict_code", sa.String(length=6), nullable=True),
        sa.Column("lao_key", sa.String(length=40), nullable=True),
        sa.Column("ministry_code", sa.Text(), nullable=True),
        sa.Column("ministry_name", sa.Text(), nullable=True),
        sa.Column("department_code", sa.Text(), nullable=True),
        sa.Column("department_name", sa.Text(), nullable=True),
        sa.Column("budget_unit_code", sa.Text(), nullable=True),
        sa.Column("budget_unit_name", sa.Text(), nullable=True),
        sa.Column("budget_type", sa.String(length=20), nullable=True),
        sa.Column("source_of_funds", sa.String(length=20), nullable=True),
        sa.Column("source_system", sa.Text(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.CheckConstraint("scope IN ('state', 'local')", name=op.f("ck_area_amounts_scope")),
        sa.CheckConstraint(
            "stage IN ('requested', 'allocated', 'transferred', 'committed', 'disbursed', "
            "'obligated')",
            name=op.f("ck_area_amounts_stage"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["area_sources.id"],
            name=op.f("fk_area_amounts_source_id_area_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_amounts")),
    )
    with op.batch_alter_table("area_amounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_amounts_source_id"), ["source_id"])
        batch_op.create_index(batch_op.f("ix_area_amounts_counted"), ["counted"])
        batch_op.create_index("ix_area_amounts_group", ["group_key", "rank"])
        batch_op.create_index("ix_area_amounts_year_province", ["fiscal_year", "province_code"])
        batch_op.create_index("ix_area_amounts_line_key", ["line_key"])
        batch_op.create_index("ix_area_amounts_name_key", ["name_key", "fiscal_year"])


def downgrade() -> None:
    op.drop_table("area_amounts")
    op.drop_table("area_sources")
