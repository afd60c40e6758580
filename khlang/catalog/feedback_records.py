"""What the catalog gives readers of public feedback: immutable snapshots without the
asker's email (only whether there is one, so a notifier knows whom it can tell)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class Subject(_Record):
    """What a question is about: a dataset, a budget line (a row of one of its tables) or
    an area figure drawn from it."""

    dataset: str
    resource_id: str | None = None
    row_key: str | None = None
    figure: str | None = None
    """The figure's key, e.g. `disbursed:2568:lao=ThesabanTambon-500100`."""
    area: str | None = None
    """The area the figure is about (an LAO key): its organisation answers, when the
    catalog has one named after it."""

    @property
    def kind(self) -> str:
        if self.figure:
            return "figure"
        return "line" if self.row_key else "dataset"


class MessageRecord(_Record):
    id: int
    author_kind: str
    """`public` or `officer`."""
    author: str | None
    """Who answered (the officer's full name, else their user name); None for the public."""
    body: str
    language: str
    state: str
    """`visible`, `held` (in the moderation queue) or `rejected`."""
    approved: bool
    """An editor approved it: only then are its links rendered as links."""
    fixed_in_version: int | None
    created_at: dt.datetime


class ThreadRecord(_Record):
    id: int
    organization: str
    dataset: str
    dataset_title: str | None
    kind: str
    """`question`, `error` (in the data), `missing` (data) or `other`."""
    subject: str
    resource_id: str | None
    row_key: str | None
    figure: str | None
    title: str
    language: str
    state: str
    """`open`, `answered` or `closed`."""
    moderation: str
    close_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    answered_at: dt.datetime | None
    has_email: bool
    messages: tuple[MessageRecord, ...] = ()

    @property
    def answers(self) -> tuple[MessageRecord, ...]:
        return tuple(m for m in self.messages if m.author_kind == "officer")


class RequestRecord(_Record):
    id: int
    organization: str | None
    """None: asked of any agency."""
    title: str
    description: str
    language: str
    state: str
    """`open`, `accepted`, `published` (with `dataset`) or `declined` (with `reason`)."""
    moderation: str
    supporters: int
    dataset: str | None
    reason: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    has_email: bool


class ResponseTimes(_Record):
    """How an organisation answers: evidence for the indicator's "put to use" part."""

    organization: str
    threads: int
    answered: int
    open: int
    held: int
    """Messages waiting in the moderation queue."""
    median_hours: float | None
    """Median time from a question to its first answer."""
    within_week: float | None
    """Share (%) of answered questions answered within 7 days."""
