"""Keeping the pre-summed cells (cells.py) in step with a change by deltas: the work is
proportional to the amounts the change adds, removes or moves, not to the lines or fiscal
years it touches (a national source's withdrawal re-summed whole years before: 11.6 s on a
two-year store, docs/area-budget.md).

Every cell belongs to one source table (`source_id` is one of its keys), so:

* the cells of the tables a change removes are deleted (`mark`), and those of the tables it
  adds are summed from their own amounts (`apply`), both through the `source_id` index;
* another table's cell never gains or loses an amount, only contributions: each of its
  amounts is counted or not (the election, election.py, moves the count within a group)
  and, if counted, in the rate base or not (its line reports both allocated and disbursed).
  `apply` finds the amounts whose contribution differs before and after the change and adds
  the difference of their sums, grouped by the cell keys, to the cells of every grain. A
  cell's counts (`amounts`, `rated_amounts`) say when a sum falls to no amount: NULL ("no
  data"), not 0.

Before and after are both derived from what the store holds once the change is made and
from what `mark` remembers of the removed amounts (their best rank per group, the stages of
their lines), so no amount's earlier flag has to be kept:

* a group's counted source before is the best (rank, source) of the remaining amounts and
  the removed ones (the election's order); after, the stored `counted` says it;
* a line reports both stages when it has an allocated and a disbursed amount (every group
  that has an amount has a counted one): before, among the remaining or removed amounts;
  after, among the remaining or added ones. Only a line whose removed or added amounts are
  of those stages can change, and it is looked up only where the answer matters.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from khlang.catalog.area_budget.cells import (
    AREA_COLUMNS,
    COARSER,
    COLUMNS,
    FROM_AMOUNTS,
    GRAIN_AREAS,
    INSERT,
    KEYS,
    finest,
    rollup,
)

_SOURCES, _GROUPS, _STAGES = "area_delta_sources", "area_delta_groups", "area_delta_stages"
_LINES, _WON, _MOVED = "area_delta_lines", "area_delta_won", "area_delta_moved"
_DELTA, _FOUND, _ADDED = "area_delta_cells", "area_delta_found", "area_delta_added"
_NOT_NULL = {"source_id", "scope", "fiscal_year", "stage", "source_system"}
_TYPES = {"source_id": "BIGINT", "fiscal_year": "INTEGER"}
_LINE = "scope TEXT, fiscal_year INTEGER, line_key TEXT"
_FLAGS = ("gone_allocated", "gone_disbursed", "new_allocated", "new_disbursed")
_SUMS = (
    "amount BIGINT, rated_amount BIGINT, amounts INTEGER, duplicates INTEGER, rated_amounts INTEGER"
)
_CELL = ", ".join(f"{key} {_TYPES.get(key, 'TEXT')}" for key in KEYS)
_SCRATCH = {
    _SOURCES: "id BIGINT, added INTEGER",
    _GROUPS: "group_key TEXT, rank BIGINT, source_id BIGINT",
    _STAGES: f"{_LINE}, {', '.join(f'{flag} INTEGER' for flag in _FLAGS)}",
    _LINES: f"{_LINE}, rated_before INTEGER, rated_after INTEGER",
    _WON: "group_key TEXT, source_id BIGINT",
    _MOVED: "id BIGINT, was INTEGER, now INTEGER",
    _FOUND: f"id BIGINT, {_SUMS}",
    _DELTA: f"{_CELL}, {_SUMS}",
    _ADDED: f"grain TEXT, {_CELL}, {_SUMS}",
}
_INDEXES = {_GROUPS: "group_key", _LINES: "line_key", _WON: "group_key", _MOVED: "id"}
_GONE = f"(SELECT id FROM {_SOURCES} WHERE added = 0)"  # noqa: S608
_NEW = f"(SELECT id FROM {_SOURCES} WHERE added = 1)"  # noqa: S608
_SAME_LINE = "a.line_key = l.line_key AND a.scope = l.scope AND a.fiscal_year = l.fiscal_year"
_SHARED = (
    "EXISTS (SELECT 1 FROM area_amounts o WHERE o.group_key = g.group_key "
    "AND o.source_id NOT IN {sources})"
)
"""Whether the group of amount `g` has an amount of another source than `sources`: only
such groups' count can move between sources (most of a national source's groups are its
own, 612,144 of the Comptroller's in a two-year bench)."""


def mark(session: Session, removed: Iterable[int]) -> None:
    """Before the sources' amounts are removed: remember, per group, their best-ranked
    amount, and, per line, whether they report its allocation and its disbursement; delete
    their cells."""
    for name, columns in _SCRATCH.items():
        session.execute(text(f"DROP TABLE IF EXISTS {name}"))
        session.execute(text(f"CREATE TEMPORARY TABLE {name} ({columns})"))
        if name in _INDEXES:
            session.execute(text(f"CREATE INDEX ix_{name} ON {name} ({_INDEXES[name]})"))
    _register(session, removed, added=0)
    # Where a removed amount was not counted, the count stays where it was; where no other
    # source has an amount of its group, no other amount can take the count.
    session.execute(
        text(
            f"INSERT INTO {_GROUPS} SELECT group_key, min(rank), source_id "  # noqa: S608
            f"FROM area_amounts g WHERE source_id IN {_GONE} AND counted "
            f"AND {_SHARED.format(sources=_GONE)} GROUP BY group_key, source_id"
        )
    )
    _add_stages(session, "gone")
    session.execute(text(f"DELETE FROM area_cells WHERE source_id IN {_GONE}"))  # noqa: S608


def apply(session: Session, added: Iterable[int]) -> None:
    """After the change (`mark` before it, the new sources' amounts stored and elected):
    the other sources' cells moved by the difference of the amounts whose contribution
    changed, and the new sources' cells summed from their amounts."""
    _register(session, added, added=1)
    session.execute(
        text(
            f"INSERT INTO {_GROUPS} SELECT group_key, CAST(NULL AS BIGINT), "  # noqa: S608
            f"CAST(NULL AS BIGINT) FROM area_amounts g WHERE source_id IN {_NEW} "
            f"AND {_SHARED.format(sources=_NEW)}"
        )
    )
    _add_stages(session, "new")
    _analyze(session, _GROUPS)
    _analyze(session, _STAGES)
    _settle_lines(session)
    _find_moved(session)
    if _sum_delta(session):
        for grain in GRAIN_AREAS:
            _apply_delta(session, grain)
    # The new cells are summed into a scratch table first and rolled up from it: SQLite
    # would read the coarser grains from every stored `lao` cell rather than the new ones.
    rated = f"SELECT scope, fiscal_year, line_key FROM {_LINES} WHERE rated_after = 1"  # noqa: S608
    session.execute(text(f"INSERT INTO {_ADDED} " + finest(f"a.source_id IN {_NEW}", rated)))
    _analyze(session, _ADDED)
    session.execute(text(INSERT + f"SELECT {', '.join(COLUMNS)} FROM {_ADDED}"))  # noqa: S608
    for grain in COARSER:
        session.execute(text(INSERT + rollup(grain, "1 = 1", _ADDED)))
    for name in _SCRATCH:
        session.execute(text(f"DROP TABLE {name}"))


def _register(session: Session, sources: Iterable[int], added: int) -> None:
    rows = [{"id": source, "added": added} for source in sources]
    if rows:
        session.execute(text(f"INSERT INTO {_SOURCES} VALUES (:id, :added)"), rows)  # noqa: S608


def _add_stages(session: Session, side: str) -> None:
    """The lines of the removed (`gone`) or added (`new`) sources' amounts, and whether
    those amounts report the line's allocation and its disbursement."""
    picked = _GONE if side == "gone" else _NEW
    flags = [
        f"max(CASE WHEN stage = '{flag.split('_')[1]}' THEN 1 ELSE 0 END)"
        if flag.startswith(side)
        else "0"
        for flag in _FLAGS
    ]
    session.execute(
        text(
            f"INSERT INTO {_STAGES} SELECT scope, fiscal_year, line_key, "  # noqa: S608
            f"{', '.join(flags)} FROM area_amounts WHERE source_id IN {picked} "
            "GROUP BY scope, fiscal_year, line_key"
        )
    )


def _kept(stage: str) -> str:
    """Whether the line has an amount of `stage` from a source neither removed nor added,
    looked up only when the removed and the added amounts do not both report it."""
    return (
        f"CASE WHEN gone_{stage} = 1 AND new_{stage} = 1 THEN 1 WHEN EXISTS "  # noqa: S608
        f"(SELECT 1 FROM area_amounts a WHERE {_SAME_LINE} AND a.stage = '{stage}' "
        f"AND a.source_id NOT IN {_NEW}) THEN 1 ELSE 0 END"
    )


def _settle_lines(session: Session) -> None:
    """Each line of the change, and whether it reports both stages before and after."""
    flags = ", ".join(f"max({flag}) AS {flag}" for flag in _FLAGS)
    both = (
        "CASE WHEN ({0}_allocated = 1 OR kept_allocated = 1) "
        "AND ({0}_disbursed = 1 OR kept_disbursed = 1) THEN 1 ELSE 0 END"
    )
    session.execute(
        text(
            f"INSERT INTO {_LINES} SELECT scope, fiscal_year, line_key, "  # noqa: S608
            f"{both.format('gone')}, {both.format('new')} FROM (SELECT l.*, "
            f"{_kept('allocated')} AS kept_allocated, {_kept('disbursed')} AS kept_disbursed "
            f"FROM (SELECT scope, fiscal_year, line_key, {flags} FROM {_STAGES} "
            "GROUP BY scope, fiscal_year, line_key) AS l) AS k"
        )
    )
    _analyze(session, _LINES)


def _find_moved(session: Session) -> None:
    """The remaining amounts whose contribution differs: counted before and not after or
    the other way round (groups of the change), or counted in a line that reports both
    stages before and not after or the other way round."""
    session.execute(
        text(
            f"INSERT INTO {_WON} SELECT group_key, source_id FROM "  # noqa: S608
            "(SELECT group_key, source_id, row_number() OVER "
            "(PARTITION BY group_key ORDER BY rank, source_id) AS n FROM "
            f"(SELECT group_key, rank, source_id FROM {_GROUPS} WHERE source_id IS NOT NULL "
            "UNION ALL SELECT group_key, rank, source_id FROM area_amounts "
            f"WHERE group_key IN (SELECT group_key FROM {_GROUPS}) "
            f"AND source_id NOT IN {_NEW}) AS c) AS w WHERE n = 1"
        )
    )
    _analyze(session, _WON)
    was = "CASE WHEN a.source_id = w.source_id THEN 1 ELSE 0 END"
    now = "CASE WHEN a.counted THEN 1 ELSE 0 END"
    session.execute(
        text(
            f"INSERT INTO {_MOVED} SELECT a.id, {was}, {now} FROM {_WON} w "  # noqa: S608
            f"CROSS JOIN area_amounts a WHERE a.group_key = w.group_key "
            f"AND a.source_id NOT IN {_NEW} AND {was} <> {now}"
        )
    )
    session.execute(
        text(
            f"INSERT INTO {_MOVED} SELECT a.id, 1, 1 FROM {_LINES} l "  # noqa: S608
            f"CROSS JOIN area_amounts a WHERE {_SAME_LINE} AND l.rated_before <> l.rated_after "
            f"AND a.counted AND a.source_id NOT IN {_NEW} "
            f"AND a.id NOT IN (SELECT id FROM {_MOVED})"
        )
    )
    _analyze(session, _MOVED)


def _sum_delta(session: Session) -> int:
    """The moved amounts' contributions after less before, grouped by `lao` cell keys;
    how many cells they move."""
    keys = ", ".join(FROM_AMOUNTS[key] for key in KEYS)
    rated = "(m.now * l.rated_after - m.was * l.rated_before)"
    session.execute(
        text(
            f"INSERT INTO {_DELTA} SELECT {keys}, sum((m.now - m.was) * a.amount), "  # noqa: S608
            f"sum({rated} * a.amount), sum(m.now - m.was), sum(m.was - m.now), sum({rated}) "
            f"FROM {_MOVED} m CROSS JOIN area_amounts a CROSS JOIN {_LINES} l "
            f"WHERE a.id = m.id AND {_SAME_LINE} GROUP BY {keys}"
        )
    )
    _analyze(session, _DELTA)
    return int(session.execute(text(f"SELECT count(*) FROM {_DELTA}")).scalar() or 0)  # noqa: S608


def _apply_delta(session: Session, grain: str) -> None:
    """Add the delta, summed to `grain`'s keys, to its cells: a sum whose count falls to 0
    is NULL (no amount), never 0."""
    keys = [key for key in KEYS if key not in AREA_COLUMNS or key in GRAIN_AREAS[grain]]
    sums = "sum(amount) AS amount, sum(rated_amount) AS rated_amount, sum(amounts) AS amounts"
    sums += ", sum(duplicates) AS duplicates, sum(rated_amounts) AS rated_amounts"
    delta = f"SELECT {', '.join(keys)}, {sums} FROM {_DELTA} GROUP BY {', '.join(keys)}"  # noqa: S608
    same = " AND ".join(
        f"c.{key} = k.{key}"
        if key in _NOT_NULL
        # The coalesce lets PostgreSQL hash the join; IS NOT DISTINCT FROM keeps it exact.
        else f"coalesce(c.{key}, '') = coalesce(k.{key}, '') "
        f"AND c.{key} IS NOT DISTINCT FROM k.{key}"
        for key in keys
    )
    # The cells' ids first, from the delta's keys (CROSS JOIN: SQLite reads the few delta
    # rows and looks each cell up by its grain, year and place, never the other way round).
    session.execute(text(f"DELETE FROM {_FOUND}"))  # noqa: S608
    postgresql = session.get_bind().dialect.name == "postgresql"
    # Planned on stale statistics of the cells (30 rows for thousands), PostgreSQL merges
    # on scope and year alone and filters every pair: minutes at 1,000 LAOs. A hash join
    # on every key (the coalesce terms) is what the sizes call for.
    if postgresql:
        session.execute(text("SET LOCAL enable_nestloop = off"))
        session.execute(text("SET LOCAL enable_mergejoin = off"))
    session.execute(
        text(
            f"INSERT INTO {_FOUND} SELECT c.id, k.amount, k.rated_amount, k.amounts, "  # noqa: S608
            f"k.duplicates, k.rated_amounts FROM ({delta}) AS k CROSS JOIN area_cells c "
            f"WHERE c.grain = '{grain}' AND {same}"
        )
    )
    if postgresql:
        session.execute(text("SET LOCAL enable_nestloop = on"))
        session.execute(text("SET LOCAL enable_mergejoin = on"))
    session.execute(
        text(
            "UPDATE area_cells SET "  # noqa: S608
            "amount = CASE WHEN area_cells.amounts + k.amounts = 0 THEN NULL "
            "ELSE coalesce(area_cells.amount, 0) + k.amount END, "
            "rated_amount = CASE WHEN area_cells.rated_amounts + k.rated_amounts = 0 THEN NULL "
            "ELSE coalesce(area_cells.rated_amount, 0) + k.rated_amount END, "
            "amounts = area_cells.amounts + k.amounts, "
            "duplicates = area_cells.duplicates + k.duplicates, "
            "rated_amounts = area_cells.rated_amounts + k.rated_amounts "
            f"FROM {_FOUND} k WHERE area_cells.id = k.id"
        )
    )


def _analyze(session: Session, table: str) -> None:
    """PostgreSQL plans a temporary table it has no statistics of as if it were large (or
    empty): its joins with the amounts then go wrong."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {table}"))
