"""The count of counted amounts in each cell's rate base (`area_cells.rated_amounts`): cells
are now updated by deltas (area_budget/deltas.py), and a sum that a delta brings to 0 must
still be told apart from no amount at all (NULL, "no data"). Every cell is summed again.
The amounts' line index also holds year, stage, scope and source, so that the deltas'
question "has this line an amount of this stage from another source" reads the index alone.

Revision ID: 0014
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from khlang.catalog.area_budget.cells import recompute_all

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("area_cells", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rated_amounts", sa.Integer(), nullable=False, server_default="0")
        )
    recompute_all(op.get_bind())
    op.drop_index("ix_area_amounts_line_key", table_name="area_amounts")
    op.create_index(
        "ix_area_amounts_line",
        "area_amounts",
        ["line_key", "fiscal_year", "stage", "scope", "source_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_area_amounts_line", table_name="area_amounts")
    op.create_index("ix_area_amounts_line_key", "area_amounts", ["line_key"])
    with op.batch_alter_table("area_cells", schema=None) as batch_op:
        batch_op.drop_column("rated_amounts")
