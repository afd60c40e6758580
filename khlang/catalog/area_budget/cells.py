"""Pre-summed figures (`area_cells`): what a dashboard page sums instead of the amounts.

A national store holds millions of amounts; a page asks for a dozen breakdowns of them.
Summed straight from `area_amounts` each breakdown reads every amount of the year (seconds
on SQLite); summed from the cells it reads hundreds of rows. A cell holds, for one grain,
scope, fiscal year, stage, area, agency, budget type, source of funds, source system and
source table, the counted satang (NULL when no amount of the cell is counted), the satang
of counted amounts whose line reports both allocated and disbursed (the rate base), how
many amounts are counted and how many are duplicates. Every sum is additive, so any
breakdown by those dimensions is the sum of cells, exactly the figure the amounts give
(`query.totals_from_amounts` is the reference the tests compare with).

Grains keep fewer area columns, so a national page reads few rows: `country` (no area
column), `province`, `district`, and `lao` (province, district, sub-district and LAO). A
question uses the coarsest grain that has every area column it filters or groups by.

A publish, withdrawal or reinstatement sums again, in the same transaction (maintain.py),
only the cells it can change: an election only moves the counted amount within one line's
group, and a line's rate base depends only on that line's own amounts of the year, so a cell
can change only if it holds an amount of a line (scope, fiscal year, line key) the changed
tables have, before or after the change (`mark`, `recompute_marked`). A change of a great
many lines re-sums its fiscal years whole (`recompute`). `khlang catalog check` compares
the cells with a fresh computation (verify.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.orm import Session

from khlang.catalog.area_budget.keys import GRAIN_DIMENSIONS

Partition = tuple[str, int]
"""(scope, fiscal year)"""

AREA_COLUMNS = ("province_code", "district_code", "subdistrict_code", "lao_key")
_AREA_COLUMN = dict(zip(GRAIN_DIMENSIONS["lao"], AREA_COLUMNS, strict=True))
GRAIN_AREAS = {
    grain: tuple(_AREA_COLUMN[name] for name in names) for grain, names in GRAIN_DIMENSIONS.items()
}
"""The area columns each grain keeps (the others are NULL in its cells)."""

_AGENCIES = ("ministry", "department", "budget_unit")
_KEYS = ("source_id", "scope", "fiscal_year", "stage", "area_level", *AREA_COLUMNS,
         *(part for agency in _AGENCIES for part in (agency, f"{agency}_name")),
         "budget_type", "source_of_funds", "source_system")  # fmt: skip
_SUMS = ("amount", "rated_amount", "amounts", "duplicates")
COLUMNS = ("grain", *_KEYS, *_SUMS)
"""Every column of a cell but its id, in the order the statements below write them."""


def _from_amounts(alias: str) -> dict[str, str]:
    """Each cell key as an expression on the amounts (`alias`)."""
    return {
        **{key: f"{alias}.{key}" for key in _KEYS},
        **{
            agency: f"coalesce({alias}.{agency}_code, {alias}.{agency}_name)"
            for agency in _AGENCIES
        },
    }


_FROM_AMOUNTS = _from_amounts("a")
_RATED_LINES = (
    "SELECT scope, fiscal_year, line_key FROM area_amounts WHERE {where} AND counted "
    "AND stage IN ('allocated', 'disbursed') GROUP BY scope, fiscal_year, line_key "
    "HAVING count(DISTINCT stage) = 2"
)


def _finest(where: str, rated_where: str) -> str:
    """The `lao` cells of the amounts `a` that `where` selects; `rated_where` selects the
    amounts whose lines' rate base is looked up (at least every line of those amounts)."""
    keys = [_FROM_AMOUNTS[key] for key in _KEYS]
    return (
        f"SELECT 'lao', {', '.join(keys)}, "  # noqa: S608 (constant names only)
        "sum(CASE WHEN a.counted THEN a.amount END), "
        "sum(CASE WHEN a.counted AND r.line_key IS NOT NULL THEN a.amount END), "
        "count(CASE WHEN a.counted THEN 1 END), count(CASE WHEN NOT a.counted THEN 1 END) "
        f"FROM area_amounts a LEFT JOIN ({_RATED_LINES.format(where=rated_where)}) r "
        "ON r.scope = a.scope AND r.fiscal_year = a.fiscal_year AND r.line_key = a.line_key "
        f"WHERE {where} GROUP BY {', '.join(keys)}"
    )


def _rollup(grain: str, where: str) -> str:
    """The cells of `grain` summed from the stored `lao` cells `where` selects."""
    kept = GRAIN_AREAS[grain]
    keys = [key if key not in AREA_COLUMNS or key in kept else "NULL" for key in _KEYS]
    grouped = [key for key in keys if key != "NULL"]
    return (
        f"SELECT '{grain}', {', '.join(keys)}, sum(amount), sum(rated_amount), "  # noqa: S608
        "sum(amounts), "
        f"sum(duplicates) FROM area_cells WHERE grain = 'lao' AND {where} "
        f"GROUP BY {', '.join(grouped)}"
    )


_PARTITION = "scope = :scope AND fiscal_year = :year"
_DELETE = f"DELETE FROM area_cells WHERE {_PARTITION}"  # noqa: S608
_INSERT = f"INSERT INTO area_cells ({', '.join(COLUMNS)}) "
_COARSER = [grain for grain in GRAIN_AREAS if grain != "lao"]
_ALL = _finest("1 = 1", "1 = 1")


def recompute(session: Session, partitions: Iterable[Partition]) -> None:
    """Replace the cells of every (scope, fiscal year) given with sums of its amounts."""
    partition = _finest("a.scope = :scope AND a.fiscal_year = :year", _PARTITION)
    for scope, year in sorted(set(partitions)):
        values = {"scope": scope, "year": year}
        session.execute(text(_DELETE), values)
        session.execute(text(_INSERT + partition), values)
        for grain in _COARSER:
            session.execute(text(_INSERT + _rollup(grain, _PARTITION)), values)


def recompute_all(session: Session | Connection) -> None:
    """Every cell again, from every amount (a rebuild, and the migration that adds them)."""
    session.execute(text("DELETE FROM area_cells"))
    session.execute(text(_INSERT + _ALL))
    for grain in _COARSER:
        session.execute(text(_INSERT + _rollup(grain, "1 = 1")))


_LINES, _CELLS, _AMOUNTS = "area_cell_lines", "area_cell_keys", "area_cell_amounts"
_NOT_NULL = {"source_id", "scope", "fiscal_year", "stage", "source_system"}
_TYPES = {"source_id": "BIGINT", "fiscal_year": "INTEGER"}
_SCRATCH = {
    _LINES: "scope TEXT, fiscal_year INTEGER, line_key TEXT",
    _CELLS: ", ".join(f"{key} {_TYPES.get(key, 'TEXT')}" for key in _KEYS),
    _AMOUNTS: "id BIGINT",
}
_MARKED_LINES = (
    f"line_key IN (SELECT b.line_key FROM area_amounts b JOIN {_AMOUNTS} c ON c.id = b.id)"  # noqa: S608
)
LINE_LIMIT = 2_000
"""Lines a change may touch beyond which their years are re-summed whole instead: matching
that many lines' cells key by key (NULL-safe, so not hashable on every column) costs more
than grouping the years' amounts once (a national source's withdrawal: bench/integrate.py)."""


def mark(session: Session, source_ids: Iterable[int]) -> None:
    """Before the sources' amounts change: remember their lines (scope, year, line key) and
    the `lao` cells of every amount of those lines, which the change can empty or move."""
    for name, columns in _SCRATCH.items():
        session.execute(text(f"DROP TABLE IF EXISTS {name}"))
        session.execute(text(f"CREATE TEMPORARY TABLE {name} ({columns})"))
    if _add_lines(session, list(source_ids)) <= LINE_LIMIT:
        _add_cells(session)


def recompute_marked(session: Session, added: Iterable[int]) -> None:
    """After the change (`mark` before it): the cells of every amount of the lines marked
    or added, before and after, summed again from their amounts; then the coarser grains'
    cells those fall in. An election moves the counted amount only within a line's group
    and a rate base depends only on the line's own amounts (module docstring), so no other
    cell can change. Past `LINE_LIMIT` lines, the lines' years are re-summed whole."""
    if _add_lines(session, list(added)) > LINE_LIMIT:
        years = session.execute(text(f"SELECT DISTINCT scope, fiscal_year FROM {_LINES}"))  # noqa: S608
        recompute(session, ((scope, int(year)) for scope, year in years))
    else:
        _add_cells(session)
        _recompute_cells(session)
    for name in _SCRATCH:
        session.execute(text(f"DROP TABLE {name}"))


def _add_lines(session: Session, source_ids: list[int]) -> int:
    """Add the sources' lines to those marked; how many are marked."""
    if source_ids:
        session.execute(
            text(
                f"INSERT INTO {_LINES} SELECT DISTINCT scope, fiscal_year, line_key "  # noqa: S608
                f"FROM area_amounts WHERE source_id IN :ids EXCEPT SELECT * FROM {_LINES}"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": source_ids},
        )
    return int(session.execute(text(f"SELECT count(*) FROM {_LINES}")).scalar() or 0)  # noqa: S608


def _add_cells(session: Session) -> None:
    """Add the `lao` cells of every amount of the marked lines to those marked."""
    keys = ", ".join(_FROM_AMOUNTS[key] for key in _KEYS)
    session.execute(
        text(
            f"INSERT INTO {_CELLS} SELECT DISTINCT {keys} FROM area_amounts a "  # noqa: S608
            f"JOIN {_LINES} l ON l.line_key = a.line_key AND l.scope = a.scope "
            f"AND l.fiscal_year = a.fiscal_year EXCEPT SELECT * FROM {_CELLS}"
        )
    )


def _same(keys: Iterable[str], columns: dict[str, str]) -> str:
    """`k.<key>` equal to each column given, NULL equal to NULL."""
    return " AND ".join(
        f"{columns[key]} {'=' if key in _NOT_NULL else 'IS NOT DISTINCT FROM'} k.{key}"
        for key in keys
    )


def _marked(table: str, keys: Iterable[str], columns: dict[str, str], grain: str = "") -> str:
    """The ids of the rows of `table` (alias `t`, its columns as `columns` names them; of
    `grain` for cells) whose `keys` equal those of a marked cell: read from the marked
    cells, so each finds its rows through the table's index on year and province (SQLite)
    rather than going through every row of the sources involved."""
    on = _same(keys, columns)
    if grain:
        on = f"t.grain = '{grain}' AND {on}"
    return f"SELECT t.id FROM {_CELLS} k JOIN {table} t ON {on}"  # noqa: S608


_CELL_COLUMNS = {key: f"t.{key}" for key in _KEYS}


def _recompute_cells(session: Session) -> None:
    """The marked `lao` cells from their amounts, then each coarser grain's cells that
    hold them from the `lao` cells."""
    amounts = _marked("area_amounts", _KEYS, _from_amounts("t"))
    session.execute(text(f"INSERT INTO {_AMOUNTS} {amounts}"))
    for grain in ("lao", *_COARSER):
        kept = GRAIN_AREAS[grain]
        keys = [key for key in _KEYS if key not in AREA_COLUMNS or key in kept]
        stale = _marked("area_cells", keys, _CELL_COLUMNS, grain)
        session.execute(text(f"DELETE FROM area_cells WHERE id IN ({stale})"))  # noqa: S608
        if grain == "lao":
            fresh = _finest(f"a.id IN (SELECT id FROM {_AMOUNTS})", _MARKED_LINES)  # noqa: S608
        else:
            fresh = _rollup(grain, f"id IN ({_marked('area_cells', keys, _CELL_COLUMNS, 'lao')})")
        session.execute(text(_INSERT + fresh))


def differences(session: Session) -> int:
    """How many cells differ from a fresh computation (missing, extra or wrong), grain by
    grain: the `lao` cells against the amounts, the others against the `lao` cells."""
    stored = f"SELECT {', '.join(COLUMNS)} FROM area_cells WHERE grain = :grain"  # noqa: S608
    found = 0
    for grain in GRAIN_AREAS:
        fresh = _ALL if grain == "lao" else _rollup(grain, "1 = 1")
        for left, right in ((stored, fresh), (fresh, stored)):
            query = f"SELECT count(*) FROM ({left} EXCEPT {right}) AS d"  # noqa: S608
            found += int(session.execute(text(query), {"grain": grain}).scalar() or 0)
    return found
