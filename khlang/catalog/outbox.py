"""The outbox: every write khlang owes a target catalog, kept in the catalog database.

An item is written in the same transaction as the change that needs it (a published
version, a withdrawal) or by the planning step of `khlang register`, so no change can be
committed without its push being recorded. There is at most one open item per dataset and
target: a newer change re-arms the open one (the push always sends the dataset's state at
the time of the push, never a stale copy).

Draining claims due items with a lease (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two
registrars never take the same item); an item whose registrar died is due again once its
lease ends. Transient failures come back with exponential backoff until `max_attempts`;
a failure while the whole target was down is not counted (`counted=False`): an outage,
however long, parks nothing and does not stretch the backoff, so the outbox drains at the
first run after the target recovers. Permanent failures (a 4xx) are parked as `failed` with
the target's message until the dataset changes again or someone asks for a retry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from khlang.catalog import leases
from khlang.catalog.database import upsert
from khlang.catalog.tables import OutboxItem, Registration, utcnow

LEASE = dt.timedelta(minutes=5)


def enqueue(session: Session, target: str, dataset_id: str, action: str) -> None:
    """Record that `target` must get `action` (push or withdraw) for the dataset; re-arm
    the open item when there is one."""
    now = utcnow()
    statement = upsert(session, OutboxItem).values(
        target=target,
        dataset_id=dataset_id,
        action=action,
        state="pending",
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["target", "dataset_id"],
            index_where=OutboxItem.state == "pending",
            set_={"action": action, "attempts": 0, "next_attempt_at": now, "last_error": None},
        )
    )


def enqueue_for_registered_targets(session: Session, dataset_id: str, action: str) -> None:
    """Queue the action for every target the dataset has been registered to (or tried)."""
    targets = session.scalars(
        select(Registration.target).where(Registration.dataset_id == dataset_id)
    )
    for target in targets:
        enqueue(session, target, dataset_id, action)


def claim_due(
    session: Session, target: str, *, limit: int = 100, skip: Collection[int] = ()
) -> list[OutboxItem]:
    """Take up to `limit` due items of the target for this registrar (leased): items
    nobody holds, or held by a registrar that died (see leases.py). `skip`: items this run
    already tried (a transient failure makes an item due again at once when backoff is 0)."""
    now = utcnow()
    candidates = session.scalars(
        select(OutboxItem)
        .where(
            OutboxItem.target == target,
            OutboxItem.state == "pending",
            OutboxItem.next_attempt_at <= now,
        )
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
        .with_for_update(skip_locked=True)
    )
    items = []
    for item in candidates:
        if item.id in skip or leases.held(item.lease_until, item.lease_owner):
            continue
        item.lease_until = now + LEASE
        item.lease_owner = leases.owner()
        items.append(item)
        if len(items) == limit:
            break
    return items


def complete(session: Session, item_id: int) -> None:
    session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(state="done", done_at=utcnow(), lease_until=None, lease_owner=None, last_error=None)
    )


def retry_later(
    session: Session,
    item_id: int,
    error: dict[str, Any],
    *,
    delay: dt.timedelta,
    give_up: bool,
    counted: bool = True,
) -> None:
    """Record a failed attempt (counted towards `max_attempts` unless the target was down);
    the item is due again after `delay`, or parked as failed."""
    item = session.get(OutboxItem, item_id)
    if item is None:
        return
    if counted:
        item.attempts += 1
    item.last_error = error
    item.lease_until = item.lease_owner = None
    if give_up:
        item.state = "failed"
    else:
        item.next_attempt_at = utcnow() + delay


def park(session: Session, item_id: int, error: dict[str, Any]) -> None:
    """A permanent failure: kept, with its error, until the dataset changes or a retry."""
    retry_later(session, item_id, error, delay=dt.timedelta(0), give_up=True)


def release(session: Session, item_id: int) -> None:
    """Give an item back untouched (the run stopped before trying it)."""
    session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(lease_until=None, lease_owner=None)
    )


def pending_count(session: Session, target: str | None = None) -> int:
    query = select(func.count()).select_from(OutboxItem).where(OutboxItem.state == "pending")
    if target is not None:
        query = query.where(OutboxItem.target == target)
    return session.scalar(query) or 0
