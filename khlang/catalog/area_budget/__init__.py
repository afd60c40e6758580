"""The area-budget store: one integrated picture of every baht the catalog's datasets
report for an area, whichever agency or system recorded it (docs/area-budget.md).

Every current, offered version of every dataset whose tables follow khlang's area-budget
model (extract.py: the amounts ledger of a budget-allocation dataset, a line table, an LAO's
own budget) feeds one table of amounts (`area_amounts`), keyed by

* scope: `state` (the national budget, by ministry, department and budget unit) or `local`
  (an LAO's own budget). The two are never added: a subsidy is state budget transferred to
  an LAO and spent again from the LAO's budget;
* area: area level, province (2-digit DOPA code), district (4), sub-district (6), LAO key;
* fiscal year (Buddhist era) and fiscal month (1 = October, None for a year's figure);
* agency: ministry, department, budget unit (code, or name where a source has no code);
* budget type and source of funds (khlang's vocabularies);
* stage: requested, allocated, transferred, committed, disbursed, and `obligated` (a
  multi-year commitment's amount for a later or earlier year: owed, not allocated);
* source system, and the dataset, version, table (resource id) and data row it comes from.

Each budget line's amount for a year, stage and month is **counted once** (election.py,
match.py): when several datasets carry it, the most authoritative source's amount is counted
and the others are kept as evidence; different amounts are reported as conflicts, never
summed. A stage no counted amount reports is **None** ("no data"), never 0, and rates that
need it are None.

The store changes in the same transaction as the catalog (maintain.py): publishing a
version replaces its dataset's amounts, withdrawing removes them, reinstating restores
them. `khlang catalog check` compares it with a rebuild from the stored files (verify.py).

Reading it (every function takes the catalog and an optional `viewer`; private datasets
count only for viewers who may see them):

    from khlang.catalog.area_budget import AreaQuery, totals, amounts, conflicts, sources

    # national total by fiscal year and stage
    rows = totals(catalog, AreaQuery(scope=["state"]), by=["fiscal_year"])
    rows[0].key              # {"fiscal_year": 2566}
    rows[0].figures          # StageFigures(allocated=Decimal("..."), disbursed=None, ...)
    rows[0].disbursement_rate  # over the lines reporting both stages (rows[0].rate_allocated,
                               # rate_disbursed); None when no line does
    rows[0].duplicates       # amounts of the same lines from other sources, not counted
    rows[0].datasets         # the datasets the counted amounts come from

    # without one scope in the filters, rows are split by scope (state and local budgets are
    # never added together: per_scope)

    # drill down: one province's districts for FY2566, one agency
    totals(catalog, AreaQuery(fiscal_year=[2566], province=["50"], organization=["x"]),
           by=["district"])
    # dimensions: scope, fiscal_year, area_level, province, district, subdistrict, lao,
    # ministry, department, budget_unit, budget_type, source_of_funds, source_system,
    # organization, dataset (keys.DIMENSIONS); filters have the same names, plus stage.

    # the rows behind a figure: dataset, version, resource id and data row of each amount
    page, count = amounts(catalog, rows[0].evidence, counted=True, limit=100)
    # the duplicates left out of it, with the dataset each comes from
    page, count = amounts(catalog, rows[0].evidence, counted=False)
    conflicts(catalog, AreaQuery(fiscal_year=[2566]))   # groups whose sources disagree
    sources(catalog)                                    # the tables feeding the store
    stamp(catalog)                                      # changes when the store does

`Total.evidence` is an `AreaQuery`; the API turns it into the URL of the same rows
(`/api/v1/area-budget/amounts?...`), and each amount names its dataset's table and row.
"""

from khlang.catalog.area_budget.keys import DIMENSIONS, SCOPES, STAGES, Dimension, Scope, Stage
from khlang.catalog.area_budget.model import (
    AmountRecord,
    AreaQuery,
    Conflict,
    SourceRecord,
    SourceTotal,
    StageFigures,
    Total,
    parse_dimensions,
)
from khlang.catalog.area_budget.query import (
    amounts,
    conflicts,
    per_scope,
    sources,
    stamp,
    totals,
)

__all__ = [
    "DIMENSIONS",
    "SCOPES",
    "STAGES",
    "AmountRecord",
    "AreaQuery",
    "Conflict",
    "Dimension",
    "Scope",
    "SourceRecord",
    "SourceTotal",
    "Stage",
    "StageFigures",
    "Total",
    "amounts",
    "conflicts",
    "parse_dimensions",
    "per_scope",
    "sources",
    "stamp",
    "totals",
]
