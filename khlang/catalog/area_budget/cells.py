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

Each cell also counts its amounts in the rate base (`rated_amounts`), so that a change can
move a cell by a difference and still tell a sum of 0 from no amount (NULL): a publish,
withdrawal or reinstatement updates, in the same transaction (maintain.py), only the cells
of the amounts it adds, removes or moves (deltas.py). A rebuild sums every cell again
(`recompute_all`); `khlang catalog check` compares the cells with a fresh computation
(`differences`, verify.py).
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from khlang.catalog.area_budget.keys import GRAIN_DIMENSIONS

AREA_COLUMNS = ("province_code", "district_code", "subdistrict_code", "lao_key")
_AREA_COLUMN = dict(zip(GRAIN_DIMENSIONS["lao"], AREA_COLUMNS, strict=True))
GRAIN_AREAS = {
    grain: tuple(_AREA_COLUMN[name] for name in names) for grain, names in GRAIN_DIMENSIONS.items()
}
"""The area columns each grain keeps (the others are NULL in its cells)."""

_AGENCIES = ("ministry", "department", "budget_unit")
KEYS = ("source_id", "scope", "fiscal_year", "stage", "area_level", *AREA_COLUMNS,
         *(part for agency in _AGENCIES for part in (agency, f"{agency}_name")),
         "budget_type", "source_of_funds", "source_system")  # fmt: skip
_SUMS = ("amount", "rated_amount", "amounts", "duplicates", "rated_amounts")
COLUMNS = ("grain", *KEYS, *_SUMS)
"""Every column of a cell but its id, in the order the statements below write them."""


def _from_amounts(alias: str) -> dict[str, str]:
    """Each cell key as an expression on the amounts (`alias`)."""
    return {
        **{key: f"{alias}.{key}" for key in KEYS},
        **{
            agency: f"coalesce({alias}.{agency}_code, {alias}.{agency}_name)"
            for agency in _AGENCIES
        },
    }


FROM_AMOUNTS = _from_amounts("a")
_RATED_LINES = (
    "SELECT scope, fiscal_year, line_key FROM area_amounts WHERE {where} AND counted "
    "AND stage IN ('allocated', 'disbursed') GROUP BY scope, fiscal_year, line_key "
    "HAVING count(DISTINCT stage) = 2"
)


def finest(where: str, rated: str) -> str:
    """The `lao` cells of the amounts `a` that `where` selects; `rated` is a query of the
    lines (scope, fiscal_year, line_key) that report both stages, at least among the lines
    of those amounts."""
    keys = [FROM_AMOUNTS[key] for key in KEYS]
    return (
        f"SELECT 'lao', {', '.join(keys)}, "  # noqa: S608 (constant names only)
        "sum(CASE WHEN a.counted THEN a.amount END), "
        "sum(CASE WHEN a.counted AND r.line_key IS NOT NULL THEN a.amount END), "
        "count(CASE WHEN a.counted THEN 1 END), count(CASE WHEN NOT a.counted THEN 1 END), "
        "count(CASE WHEN a.counted AND r.line_key IS NOT NULL THEN 1 END) "
        f"FROM area_amounts a LEFT JOIN ({rated}) r "
        "ON r.scope = a.scope AND r.fiscal_year = a.fiscal_year AND r.line_key = a.line_key "
        f"WHERE {where} GROUP BY {', '.join(keys)}"
    )


def rollup(grain: str, where: str, table: str = "area_cells") -> str:
    """The cells of `grain` summed from the `lao` cells of `table` that `where` selects."""
    kept = GRAIN_AREAS[grain]
    keys = [key if key not in AREA_COLUMNS or key in kept else "NULL" for key in KEYS]
    grouped = [key for key in keys if key != "NULL"]
    return (
        f"SELECT '{grain}', {', '.join(keys)}, sum(amount), sum(rated_amount), "  # noqa: S608
        "sum(amounts), sum(duplicates), sum(rated_amounts) "
        f"FROM {table} WHERE grain = 'lao' AND {where} "
        f"GROUP BY {', '.join(grouped)}"
    )


INSERT = f"INSERT INTO area_cells ({', '.join(COLUMNS)}) "
COARSER = [grain for grain in GRAIN_AREAS if grain != "lao"]
_ALL = finest("1 = 1", _RATED_LINES.format(where="1 = 1"))


def recompute_all(session: Session | Connection) -> None:
    """Every cell again, from every amount (a rebuild, and the migration that adds them)."""
    session.execute(text("DELETE FROM area_cells"))
    session.execute(text(INSERT + _ALL))
    for grain in COARSER:
        session.execute(text(INSERT + rollup(grain, "1 = 1")))


def differences(session: Session) -> int:
    """How many cells differ from a fresh computation (missing, extra or wrong), grain by
    grain: the `lao` cells against the amounts, the others against the `lao` cells."""
    stored = f"SELECT {', '.join(COLUMNS)} FROM area_cells WHERE grain = :grain"  # noqa: S608
    found = 0
    for grain in GRAIN_AREAS:
        fresh = _ALL if grain == "lao" else rollup(grain, "1 = 1")
        for left, right in ((stored, fresh), (fresh, stored)):
            query = f"SELECT count(*) FROM ({left} EXCEPT {right}) AS d"  # noqa: S608
            found += int(session.execute(text(query), {"grain": grain}).scalar() or 0)
    return found
