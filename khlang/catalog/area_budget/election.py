"""Counting each group once.

Every amount belongs to a group (one line's amount for one fiscal year, stage, month and
scope, keys.py). In each group, the amounts of the best-ranked source are counted and the
others are kept uncounted, as evidence: sources that agree corroborate the figure, sources
that disagree are conflicts (query.conflicts), never added.

The store keeps the election current incrementally: adding or removing a source marks the
groups it touches (`counted = NULL`) and only those are elected again, in one window query.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

_MARK_TOUCHED_BY = text(
    "UPDATE area_amounts SET counted = NULL "
    "WHERE counted IS NOT NULL AND group_key IN "
    "(SELECT group_key FROM area_amounts WHERE source_id = :source AND counted IS NULL)"
)
_MARK_COUNTED_BY = text(
    "UPDATE area_amounts SET counted = NULL "
    "WHERE source_id <> :source AND group_key IN "
    "(SELECT group_key FROM area_amounts WHERE source_id = :source AND counted)"
)
_ELECT = text(
    "UPDATE area_amounts SET counted = (area_amounts.source_id = e.winner) "
    "FROM (SELECT id, first_value(source_id) OVER "
    "(PARTITION BY group_key ORDER BY rank, source_id) AS winner "
    "FROM area_amounts WHERE counted IS NULL) AS e "
    "WHERE area_amounts.id = e.id"
)


ANALYZE_AFTER = 10_000
"""New amounts after which PostgreSQL's statistics are refreshed before electing: planned on
the statistics of a table that was empty, the election's join runs as nested loops."""


def after_adding(session: Session, source_id: int, added: int) -> None:
    """Elect again every group the new source's uncounted amounts (those of groups other
    sources already had) fall into."""
    if added >= ANALYZE_AFTER and session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE area_amounts"))
    session.execute(_MARK_TOUCHED_BY, {"source": source_id})
    elect_marked(session)


def before_removing(session: Session, source_id: int) -> None:
    """Mark the groups where the source's amounts are the counted ones: once they are gone,
    `elect_marked` counts the next best source's."""
    session.execute(_MARK_COUNTED_BY, {"source": source_id})


def elect_marked(session: Session) -> None:
    session.execute(_ELECT)
