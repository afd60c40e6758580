"""The tables of public feedback (questions, error reports, dataset requests and the
organisations' answers), kept apart from `tables.py` so that the catalog's core schema and
this feature evolve in their own files. They share `tables.Base`, so the migrations and
`tests/catalog/test_migrations.py` cover them like every other table.

Nothing here holds a visitor's IP address; an optional email is stored to notify the asker
and is never shown nor published.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from khlang.catalog.tables import Base, UTCDateTime, utcnow

THREAD_KINDS = ("question", "error", "missing", "other")
SUBJECTS = ("dataset", "line", "figure")
THREAD_STATES = ("open", "answered", "closed")
MESSAGE_STATES = ("visible", "held", "rejected")
"""`held`: waiting in the moderation queue (it carries a link, or looked like spam); shown
only once an editor of the organisation approves it."""
AUTHOR_KINDS = ("public", "officer")
REQUEST_STATES = ("open", "accepted", "published", "declined")
LANGUAGES = ("th", "en")


def _choice(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


class FeedbackThread(Base):
    """A question or report about a dataset, a budget line (a row of one of its tables) or
    an area figure (a number the dashboard shows, drawn from a dataset)."""

    __tablename__ = "feedback_threads"
    __table_args__ = (
        _choice("kind", THREAD_KINDS, "kind"),
        _choice("subject", SUBJECTS, "subject"),
        _choice("state", THREAD_STATES, "state"),
        _choice("moderation", MESSAGE_STATES, "moderation"),
        _choice("language", LANGUAGES, "language"),
        Index("ix_feedback_threads_organization_state", "organization_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    """Who answers: the dataset's publisher, or for an area figure the area's own
    organisation when the catalog has one."""
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(10))
    resource_id: Mapped[str | None] = mapped_column(String(36))
    """The table of a budget line."""
    row_key: Mapped[str | None] = mapped_column(Text)
    """The budget line (its key column's value) or the row an error is about."""
    figure: Mapped[str | None] = mapped_column(Text, index=True)
    """The figure's key, e.g. `disbursed:2568:lao=ThesabanTambon-500100`."""
    title: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    email: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="open")
    moderation: Mapped[str] = mapped_column(String(10), default="visible")
    """The first message's moderation state: a held thread is not listed until approved."""
    close_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    """The first answer: what the officer view's response time counts."""


class FeedbackMessage(Base):
    """One message of a thread: the asker's, a follow-up, or an officer's answer."""

    __tablename__ = "feedback_messages"
    __table_args__ = (
        _choice("state", MESSAGE_STATES, "state"),
        _choice("author_kind", AUTHOR_KINDS, "author_kind"),
        _choice("language", LANGUAGES, "language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("feedback_threads.id"), index=True)
    author_kind: Mapped[str] = mapped_column(String(10))
    author: Mapped[str | None] = mapped_column(Text)
    """The officer's user name; None for a member of the public."""
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    state: Mapped[str] = mapped_column(String(10), default="visible")
    fixed_in_version: Mapped[int | None] = mapped_column(Integer)
    """An answer's "fixed in version N" of the thread's dataset."""
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_by: Mapped[str | None] = mapped_column(Text)
    moderated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class DatasetRequest(Base):
    """A request that an agency (or any agency) publish data the catalog does not hold."""

    __tablename__ = "dataset_requests"
    __table_args__ = (
        _choice("state", REQUEST_STATES, "state"),
        _choice("moderation", MESSAGE_STATES, "moderation"),
        _choice("language", LANGUAGES, "language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    """None: any agency may take it up."""
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    email: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="open")
    moderation: Mapped[str] = mapped_column(String(10), default="visible")
    supporters: Mapped[int] = mapped_column(Integer, default=1)
    """The asker and everyone who added their support."""
    dataset_id: Mapped[str | None] = mapped_column(ForeignKey("datasets.id"))
    """The published dataset, once the request is `published`."""
    reason: Mapped[str | None] = mapped_column(Text)
    """The public note of the last change of state (a decline's reason)."""
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
