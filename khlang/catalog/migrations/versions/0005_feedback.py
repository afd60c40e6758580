"""Public feedback: questions and error reports on datasets, budget lines and area figures,
their messages (answers included), and dataset requests (`feedback_tables.py`).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from khlang.catalog.tables import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _choice(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=op.f(f"ck_{table}_{column}"))


LANGUAGES = ("th", "en")
MESSAGE_STATES = ("visible", "held", "rejected")


def upgrade() -> None:
    op.create_table(
        "feedback_threads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=10), nullable=False),
        sa.Column("resource_id", sa.String(length=36), nullable=True),
        sa.Column("row_key", sa.Text(), nullable=True),
        sa.Column("figure", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("moderation", sa.String(length=10), nullable=False),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        _choice("feedback_threads", "kind", ("question", "error", "missing", "other")),
        _choice("feedback_threads", "subject", ("dataset", "line", "figure")),
        _choice("feedback_threads", "state", ("open", "answered", "closed")),
        _choice("feedback_threads", "moderation", MESSAGE_STATES),
        _choice("feedback_threads", "language", LANGUAGES),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name=op.f("fk_feedback_threads_dataset_id_datasets")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_feedback_threads_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_threads")),
    )
    with op.batch_alter_table("feedback_threads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_threads_dataset_id"), ["dataset_id"])
        batch_op.create_index(batch_op.f("ix_feedback_threads_figure"), ["figure"])
        batch_op.create_index(
            "ix_feedback_threads_organization_state", ["organization_id", "state"]
        )

    op.create_table(
        "feedback_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_kind", sa.String(length=10), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("fixed_in_version", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("moderated_by", sa.Text(), nullable=True),
        sa.Column("moderated_at", UTCDateTime(), nullable=True),
        _choice("feedback_messages", "state", MESSAGE_STATES),
        _choice("feedback_messages", "author_kind", ("public", "officer")),
        _choice("feedback_messages", "language", LANGUAGES),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["feedback_threads.id"],
            name=op.f("fk_feedback_messages_thread_id_feedback_threads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_messages")),
    )
    with op.batch_alter_table("feedback_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_messages_thread_id"), ["thread_id"])

    op.create_table(
        "dataset_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("moderation", sa.String(length=10), nullable=False),
        sa.Column("supporters", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _choice("dataset_requests", "state", ("open", "accepted", "published", "declined")),
        _choice("dataset_requests", "moderation", MESSAGE_STATES),
        _choice("dataset_requests", "language", LANGUAGES),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name=op.f("fk_dataset_requests_dataset_id_datasets")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_dataset_requests_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_requests")),
    )
    with op.batch_alter_table("dataset_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dataset_requests_organization_id"), ["organization_id"]
        )


def downgrade() -> None:
    op.drop_table("dataset_requests")
    op.drop_table("feedback_messages")
    op.drop_table("feedback_threads")
