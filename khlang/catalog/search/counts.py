"""Facet counts kept per (scope, facet, value): what a search without a condition shows.

The home page and every listing ask for the total and the facet counts of the whole
catalog, as the caller sees it. Counting them over the entries is linear in the catalog
(0.3 s at 100,000 datasets on PostgreSQL); reading them from `search_counts` is a few
thousand rows, whatever the catalog's size. A public entry counts in scope '', a private one
in its organisation's scope, so each caller adds the scopes it may see.

`maintain` applies each write's difference (`change`) in the transaction that rewrites the
entries, in key order so that two concurrent publishes lock the counts they share in the
same order; `recount` rewrites them all (migration 0010, `rebuild`, `khlang catalog check
--repair`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import case, delete, func, insert, literal, select, true, tuple_, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import CompoundSelect
from sqlalchemy.sql.elements import ColumnElement

from khlang.catalog.database import upsert
from khlang.catalog.search.query import FACETS
from khlang.catalog.search.tables import TOTAL, SearchCount, SearchEntry, SearchValue

Key = tuple[str, str, str]
"""(scope, field, value)."""


def scope_of(private: bool, organization: str) -> str:
    return organization if private else ""


def keys_of(private: bool, organization: str, values: Iterable[tuple[str, str]]) -> list[Key]:
    """The counts one entry adds to: the total and each of its facet values."""
    scope = scope_of(private, organization)
    return [(scope, TOTAL, TOTAL)] + [
        (scope, field, value) for field, value in values if field in FACETS
    ]


def held(session: Session, entries: ColumnElement[bool]) -> Counter[Key]:
    """The counts the entries matching `entries` (a condition on search_entries) add to."""
    return Counter((scope, field, value) for scope, field, value in session.execute(_keys(entries)))


def _keys(entries: ColumnElement[bool]) -> CompoundSelect[str, str, str]:
    scope = case((SearchEntry.private, SearchEntry.organization), else_=literal(""))
    totals = select(
        scope.label("scope"), literal(TOTAL).label("field"), literal(TOTAL).label("value")
    )
    values = (
        select(scope, SearchValue.field, SearchValue.value)
        .join(SearchEntry, SearchEntry.id == SearchValue.entry_id)
        .where(SearchValue.field.in_(FACETS))
    )
    return union_all(totals.where(entries), values.where(entries))


def change(session: Session, difference: Counter[Key]) -> None:
    """Add the difference (negative: entries removed) to the counts; a count that reaches
    zero is removed, so the table holds only values some entry has."""
    changed = [(key, number) for key, number in sorted(difference.items()) if number]
    if not changed:
        return
    rows = [
        {"scope": scope, "field": field, "value": value, "count": number}
        for (scope, field, value), number in changed
    ]
    statement = upsert(session, SearchCount)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[SearchCount.scope, SearchCount.field, SearchCount.value],
            set_={"count": SearchCount.count + statement.excluded.count},
        ),
        rows,
    )
    emptied = [key for key, number in changed if number < 0]
    if emptied:
        session.execute(
            delete(SearchCount).where(
                tuple_(SearchCount.scope, SearchCount.field, SearchCount.value).in_(emptied),
                SearchCount.count <= 0,
            )
        )


def recount(session: Session) -> None:
    """Count every entry again (one aggregate over the stored values)."""
    session.execute(delete(SearchCount))
    keys = _keys(true()).subquery()
    scope, field, value = keys.c
    session.execute(
        insert(SearchCount).from_select(
            ["scope", "field", "value", "count"],
            select(scope, field, value, func.count()).group_by(scope, field, value),
        )
    )


def counted(session: Session) -> Counter[Key]:
    """What the counts would be if counted now (`khlang catalog check` compares)."""
    keys = _keys(true()).subquery()
    scope, field, value = keys.c
    grouped = select(scope, field, value, func.count()).group_by(scope, field, value)
    return Counter({(s, f, v): number for s, f, v, number in session.execute(grouped)})


def stored(session: Session) -> Counter[Key]:
    return Counter(
        {
            (row.scope, row.field, row.value): row.count
            for row in session.scalars(select(SearchCount))
        }
    )


def visible(
    session: Session, organizations: set[str] | None, facets: Iterable[str]
) -> tuple[int, list[tuple[str, str, int]]]:
    """(entries, [(facet, value, entries)]) that a member of `organizations` sees (None:
    every scope)."""
    condition = (
        true() if organizations is None else SearchCount.scope.in_(["", *sorted(organizations)])
    )
    rows = session.execute(
        select(SearchCount.field, SearchCount.value, func.sum(SearchCount.count))
        .where(condition, SearchCount.field.in_([TOTAL, *facets]))
        .group_by(SearchCount.field, SearchCount.value)
    ).all()
    total = sum(number for field, _, number in rows if field == TOTAL)
    return int(total), [(f, v, int(n)) for f, v, n in rows if f != TOTAL and n > 0]
