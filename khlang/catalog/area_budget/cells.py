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

The cells of a (scope, fiscal year) are recomputed whole when a publish, withdrawal or
reinstatement changes an amount of it, in the same transaction (maintain.py): an election
only moves the counted amount within one line's group, and a line's rate base depends only
on its own year, so nothing outside the partitions touched can change. `khlang catalog
check` compares the cells with a fresh computation (verify.py).
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

_FROM_AMOUNTS = {
    **{key: f"a.{key}" for key in _KEYS},
    **{agency: f"coalesce(a.{agency}_code, a.{agency}_name)" for agency in _AGENCIES},
}
_RATED_LINES = (
    "SELECT scope, fiscal_year, line_key FROM area_amounts WHERE {where} AND counted "
    "AND stage IN ('allocated', 'disbursed') GROUP BY scope, fiscal_year, line_key "
    "HAVING count(DISTINCT stage) = 2"
)
_PARTITION = "scope = :scope AND fiscal_year = :year"


def _finest(partition: bool) -> str:
    """The `lao` cells of one partition's amounts (`:scope`, `:year`), or of all."""
    keys = [_FROM_AMOUNTS[key] for key in _KEYS]
    where = _PARTITION if partition else "1 = 1"
    where_a = "a.scope = :scope AND a.fiscal_year = :year" if partition else "1 = 1"
    return (
        f"SELECT 'lao', {', '.join(keys)}, "  # noqa: S608 (constant names only)
        "sum(CASE WHEN a.counted THEN a.amount END), "
        "sum(CASE WHEN a.counted AND r.line_key IS NOT NULL THEN a.amount END), "
        "count(CASE WHEN a.counted THEN 1 END), count(CASE WHEN NOT a.counted THEN 1 END) "
        f"FROM area_amounts a LEFT JOIN ({_RATED_LINES.format(where=where)}) r "
        "ON r.scope = a.scope AND r.fiscal_year = a.fiscal_year AND r.line_key = a.line_key "
        f"WHERE {where_a} GROUP BY {', '.join(keys)}"
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


_DELETE = f"DELETE FROM area_cells WHERE {_PARTITION}"  # noqa: S608
_INSERT = f"INSERT INTO area_cells ({', '.join(COLUMNS)}) "
_COARSER = [grain for grain in GRAIN_AREAS if grain != "lao"]


def recompute(session: Session, partitions: Iterable[Partition]) -> None:
    """Replace the cells of every (scope, fiscal year) given with sums of its amounts."""
    for scope, year in sorted(set(partitions)):
        values = {"scope": scope, "year": year}
        session.execute(text(_DELETE), values)
        session.execute(text(_INSERT + _finest(partition=True)), values)
        for grain in _COARSER:
            session.execute(text(_INSERT + _rollup(grain, _PARTITION)), values)


def recompute_all(session: Session | Connection) -> None:
    """Every cell again, from every amount (a rebuild, and the migration that adds them)."""
    session.execute(text("DELETE FROM area_cells"))
    session.execute(text(_INSERT + _finest(partition=False)))
    for grain in _COARSER:
        session.execute(text(_INSERT + _rollup(grain, "1 = 1")))


def partitions_of(session: Session, source_ids: Iterable[int]) -> set[Partition]:
    """The (scope, fiscal year) pairs the sources' amounts fall in."""
    ids = list(source_ids)
    if not ids:
        return set()
    rows = session.execute(
        text(
            "SELECT DISTINCT scope, fiscal_year FROM area_amounts WHERE source_id IN :ids"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": ids},
    )
    return {(scope, int(year)) for scope, year in rows}


def differences(session: Session) -> int:
    """How many cells differ from a fresh computation (missing, extra or wrong), grain by
    grain: the `lao` cells against the amounts, the others against the `lao` cells."""
    stored = f"SELECT {', '.join(COLUMNS)} FROM area_cells WHERE grain = :grain"  # noqa: S608
    found = 0
    for grain in GRAIN_AREAS:
        fresh = _finest(partition=False) if grain == "lao" else _rollup(grain, "1 = 1")
        for left, right in ((stored, fresh), (fresh, stored)):
            query = f"SELECT count(*) FROM ({left} EXCEPT {right}) AS d"  # noqa: S608
            found += int(session.execute(text(query), {"grain": grain}).scalar() or 0)
    return found
