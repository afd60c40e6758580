"""Indexes for writing the area-budget store at national scale (docs/area-budget.md,
"National scale"):

* `area_amounts.counted` is indexed only where it is NULL (the amounts marked for election,
  election.py): the full index cost each of a national source's 600,000 amounts one more
  random index write when it was published, withdrawn or reinstated;
* a source's cells are found by `ix_area_cells_source` (source, grain, year, stage, place,
  budget type) instead of `source_id` alone: deleting them reads it as before, and the cell
  a delta moves (deltas.py) is one seek instead of a read of every cell of its place.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_MARKED = sa.text("counted IS NULL")
_CELL_SEEK = ["source_id", "grain", "fiscal_year", "stage", "province_code", "district_code",
              "lao_key", "budget_type"]  # fmt: skip


def upgrade() -> None:
    op.drop_index("ix_area_amounts_counted", table_name="area_amounts")
    op.create_index(
        "ix_area_amounts_marked",
        "area_amounts",
        ["counted"],
        sqlite_where=_MARKED,
        postgresql_where=_MARKED,
    )
    op.drop_index("ix_area_cells_source_id", table_name="area_cells")
    op.create_index("ix_area_cells_source", "area_cells", _CELL_SEEK)


def downgrade() -> None:
    op.drop_index("ix_area_cells_source", table_name="area_cells")
    op.create_index("ix_area_cells_source_id", "area_cells", ["source_id"])
    op.drop_index("ix_area_amounts_marked", table_name="area_amounts")
    op.create_index("ix_area_amounts_counted", "area_amounts", ["counted"])
