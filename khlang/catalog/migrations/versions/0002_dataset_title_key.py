"""datasets.title_key: the normalised title, so that a title another dataset already uses
(which the GD Catalog refuses) is found by an index lookup at publish time.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from khlang.metadata.matching import normalise

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_key", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_datasets_title_key"), ["title_key"], unique=False)
    datasets = sa.table(
        "datasets",
        sa.column("id", sa.String),
        sa.column("title", sa.Text),
        sa.column("title_key", sa.Text),
    )
    connection = op.get_bind()
    for dataset_id, title in connection.execute(sa.select(datasets.c.id, datasets.c.title)):
        if title:
            connection.execute(
                datasets.update()
                .where(datasets.c.id == dataset_id)
                .values(title_key=normalise(title))
            )


def downgrade() -> None:
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_datasets_title_key"))
        batch_op.drop_column("title_key")
