"""Questions to the store: totals broken down by any dimensions, the amounts behind a total,
the tables that feed it, and the conflicts between sources.

Only counted amounts are summed (one per group, election.py); stages no counted amount
reports come back as `None`. Private datasets' amounts count only for viewers who may see
them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVarTuple

from sqlalchemy import (
    Label,
    RowMapping,
    Select,
    SQLColumnExpression,
    and_,
    case,
    func,
    or_,
    select,
)

from khlang.catalog.area_budget.keys import (
    STAGES,
    Dimension,
    agency_name,
    cell_agency_name,
    cell_dimension,
    dimension,
    grain_for,
)
from khlang.catalog.area_budget.model import (
    AmountRecord,
    AreaQuery,
    Conflict,
    SourceRecord,
    SourceTotal,
    StageFigures,
    Total,
)
from khlang.catalog.context import CatalogReader
from khlang.catalog.principals import ANONYMOUS, Principal
from khlang.catalog.tables import AreaAmount, AreaCell, AreaSource

SATANG = Decimal("0.01")
_Columns = TypeVarTuple("_Columns")


def baht(satang: int | None) -> Decimal | None:
    return None if satang is None else (Decimal(int(satang)) * SATANG).quantize(SATANG)


def _visible(query: Select[*_Columns], viewer: Principal) -> Select[*_Columns]:
    if viewer.sysadmin:
        return query
    allowed = [name for name in viewer.roles if viewer.can_see_private(name)]
    return query.where(AreaSource.private.is_(False) | AreaSource.organization.in_(allowed or [""]))


def _filtered(
    query: Select[*_Columns],
    filters: AreaQuery,
    columns: Callable[[str], SQLColumnExpression[Any]] = dimension,
) -> Select[*_Columns]:
    """The query with every filter set (`columns`: a dimension's expression on the table
    asked, the amounts or the cells)."""
    for name, values in filters.filters().items():
        query = query.where(match_any(columns(name), values))
    return query


_MEMO_SIZE = 512
_memo: OrderedDict[tuple[Any, ...], list[Total]] = OrderedDict()
_memo_lock = threading.Lock()


def totals(
    catalog: CatalogReader,
    filters: AreaQuery | None = None,
    by: Sequence[Dimension] = (),
    *,
    viewer: Principal = ANONYMOUS,
    uncounted: bool = False,
) -> list[Total]:
    """Counted baht by stage for every combination of the `by` dimensions that has amounts
    (one row, the grand total, when `by` is empty and anything matches), in key order.
    Unless the filters name one scope, the rows are also split by `scope` (`per_scope`).
    With `uncounted`, also the combinations whose every amount is left uncounted because
    another source's is counted (figures no data, `duplicates` their number): a dataset that
    repeats another agency's lines is still a source, and its page says where they went.

    Answers are remembered (the last 512 questions per process) until the store changes:
    the key holds `stamp(catalog)`, so a publish or withdrawal anywhere is seen at once."""
    filters = filters or AreaQuery()
    by = per_scope(filters, by)
    seen = (viewer.sysadmin, tuple(sorted(o for o in viewer.roles if viewer.can_see_private(o))))
    key = (
        catalog.location.describe(), stamp(catalog), filters.model_dump_json(), tuple(by), seen,
        uncounted,
    )  # fmt: skip
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    found = _totals(catalog, filters, by, viewer, uncounted=uncounted)
    with _memo_lock:
        _memo[key] = found
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return found


def per_scope(filters: AreaQuery, by: Sequence[Dimension]) -> list[Dimension]:
    """`by`, led by `scope` unless the filters hold one scope or `by` has it already. The
    state budget and the LAOs' own budgets are never added together: a subsidy is counted
    once as state budget transferred and again as the LAO's spending of it, so a total over
    both scopes would count it twice."""
    if "scope" in by or (filters.scope is not None and len(set(filters.scope)) == 1):
        return list(by)
    return ["scope", *by]


def forget() -> None:
    """Drop every remembered answer (bench/integrate.py times the store itself)."""
    with _memo_lock:
        _memo.clear()


def _totals(
    catalog: CatalogReader,
    filters: AreaQuery,
    by: Sequence[Dimension],
    viewer: Principal,
    *,
    uncounted: bool,
) -> list[Total]:
    """The totals summed from the pre-summed cells (cells.py) of the coarsest grain that
    has every area dimension asked for."""
    grain = grain_for([*by, *filters.filters()])
    keys: list[Label[Any]] = [cell_dimension(name).label(name) for name in by]
    names = [
        func.min(column).label(f"{name}_name")
        for name in by
        if (column := cell_agency_name(name)) is not None
    ]
    stages = [
        func.sum(case((AreaCell.stage == stage, AreaCell.amount))).label(stage) for stage in STAGES
    ]
    rated = [
        func.sum(case((AreaCell.stage == stage, AreaCell.rated_amount))).label(f"rate_{stage}")
        for stage in ("allocated", "disbursed")
    ]
    query = (
        select(
            *keys,
            *names,
            *stages,
            *rated,
            func.sum(AreaCell.amounts).label("amounts"),
            func.sum(AreaCell.duplicates).label("duplicates"),
        )
        .select_from(AreaCell)
        .join(AreaSource, AreaSource.id == AreaCell.source_id)
        .where(AreaCell.grain == grain)
    )
    query = _filtered(_visible(query, viewer), filters, cell_dimension)
    spread = (
        select(*keys, AreaSource.dataset)
        .select_from(AreaCell)
        .join(AreaSource, AreaSource.id == AreaCell.source_id)
        .where(AreaCell.grain == grain, AreaCell.amounts > 0)
        .distinct()
    )
    spread = _filtered(_visible(spread, viewer), filters, cell_dimension)
    return _breakdown(catalog, query, spread, keys, filters, by, uncounted=uncounted)


def totals_from_amounts(
    catalog: CatalogReader,
    filters: AreaQuery | None = None,
    by: Sequence[Dimension] = (),
    *,
    viewer: Principal = ANONYMOUS,
) -> list[Total]:
    """`totals` summed straight from the amounts, every time: the reference the pre-summed
    cells are compared with (tests, `bench/integrate.py`). The same rules in one query:
    counted amounts only, no data where no counted amount reports a stage, the rate base
    over the lines that report both allocated and disbursed in the fiscal year."""
    filters = filters or AreaQuery()
    by = per_scope(filters, by)
    keys: list[Label[Any]] = [dimension(name).label(name) for name in by]
    names = [
        func.min(column).label(f"{name}_name")
        for name in by
        if (column := agency_name(name)) is not None
    ]
    counted = AreaAmount.counted.is_(True)
    both = (
        select(AreaAmount.scope, AreaAmount.fiscal_year, AreaAmount.line_key)
        .where(counted, AreaAmount.stage.in_(("allocated", "disbursed")))
        .group_by(AreaAmount.scope, AreaAmount.fiscal_year, AreaAmount.line_key)
        .having(func.count(AreaAmount.stage.distinct()) == 2)
        .subquery()
    )
    rated = counted & both.c.line_key.is_not(None)
    query = (
        select(
            *keys,
            *names,
            *[
                func.sum(case((counted & (AreaAmount.stage == stage), AreaAmount.amount))).label(
                    stage
                )
                for stage in STAGES
            ],
            *[
                func.sum(case((rated & (AreaAmount.stage == stage), AreaAmount.amount))).label(
                    f"rate_{stage}"
                )
                for stage in ("allocated", "disbursed")
            ],
            func.count(case((counted, 1))).label("amounts"),
            func.count(case((AreaAmount.counted.is_(False), 1))).label("duplicates"),
        )
        .select_from(AreaAmount)
        .join(AreaSource, AreaSource.id == AreaAmount.source_id)
        .outerjoin(
            both,
            and_(
                both.c.scope == AreaAmount.scope,
                both.c.fiscal_year == AreaAmount.fiscal_year,
                both.c.line_key == AreaAmount.line_key,
            ),
        )
    )
    query = _filtered(_visible(query, viewer), filters, dimension)
    spread = (
        select(*keys, AreaSource.dataset)
        .select_from(AreaAmount)
        .join(AreaSource, AreaSource.id == AreaAmount.source_id)
        .where(counted)
        .distinct()
    )
    spread = _filtered(_visible(spread, viewer), filters, dimension)
    return _breakdown(catalog, query, spread, keys, filters, by)


def _breakdown(
    catalog: CatalogReader,
    query: Select[Any],
    spread: Select[Any],
    keys: list[Label[Any]],
    filters: AreaQuery,
    by: Sequence[Dimension],
    *,
    uncounted: bool = False,
) -> list[Total]:
    """Run a breakdown grouped by `keys` and, when it has rows, `spread` (the datasets that
    hold amounts under each key): the one way both `totals` and `totals_from_amounts` answer,
    so that the cells and their reference differ only in what they sum. A row of duplicates
    only is kept when `uncounted` asks for it."""
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    with catalog.read() as session:
        rows = [
            row._mapping
            for row in session.execute(query)
            if row.amounts or (uncounted and row.duplicates)
        ]
        datasets: dict[tuple[Any, ...], list[str]] = {}
        if rows:
            for row in session.execute(spread.order_by(*keys, AreaSource.dataset)):
                datasets.setdefault(tuple(row)[:-1], []).append(row[-1])
    return [_total(row, filters, by, datasets) for row in rows]


def _total(
    row: RowMapping,
    filters: AreaQuery,
    by: Sequence[Dimension],
    datasets: dict[tuple[Any, ...], list[str]],
) -> Total:
    """One row of a breakdown as a Total: figures in baht, the rate over the lines that
    report both stages (None unless the row has both parts), the evidence query."""
    key: dict[str, Any] = {name: row[name] for name in by}
    key |= {f"{name}_name": row[f"{name}_name"] for name in by if agency_name(name) is not None}
    allocated, disbursed = row["rate_allocated"], row["rate_disbursed"]
    has_rate = bool(allocated) and disbursed is not None
    return Total(
        key=key,
        figures=StageFigures(**{stage: baht(row[stage]) for stage in STAGES}),
        rate_allocated=baht(allocated) if has_rate else None,
        rate_disbursed=baht(disbursed) if has_rate else None,
        disbursement_rate=(
            float(Decimal(disbursed) / Decimal(allocated) * 100) if has_rate else None
        ),
        amounts=int(row["amounts"]),
        duplicates=int(row["duplicates"]),
        datasets=datasets.get(tuple(row[name] for name in by), []),
        evidence=filters.model_copy(update={name: [row[name]] for name in by}),
    )


def _amount_columns() -> list[Any]:
    return [
        AreaSource.dataset,
        AreaSource.version,
        AreaSource.resource_id,
        AreaSource.organization,
        AreaAmount.row,
        AreaAmount.counted,
        AreaAmount.scope,
        AreaAmount.line_id,
        AreaAmount.line_key,
        AreaAmount.fiscal_year,
        AreaAmount.stage,
        AreaAmount.fiscal_month,
        AreaAmount.amount,
        AreaAmount.area_level,
        AreaAmount.province_code.label("province"),
        AreaAmount.district_code.label("district"),
        AreaAmount.subdistrict_code.label("subdistrict"),
        AreaAmount.lao_key.label("lao"),
        dimension("ministry").label("ministry"),
        AreaAmount.ministry_name,
        dimension("department").label("department"),
        AreaAmount.department_name,
        dimension("budget_unit").label("budget_unit"),
        AreaAmount.budget_unit_name,
        AreaAmount.budget_type,
        AreaAmount.source_of_funds,
        AreaAmount.source_system,
        AreaAmount.source_file,
        AreaAmount.source_row,
    ]


def amounts(
    catalog: CatalogReader,
    filters: AreaQuery | None = None,
    *,
    counted: bool | None = None,
    limit: int = 100,
    offset: int = 0,
    viewer: Principal = ANONYMOUS,
) -> tuple[list[AmountRecord], int]:
    """(a page of the amounts the filters select, how many there are in all): counted ones
    only, uncounted ones only (the duplicates), or both (`counted=None`). Ordered by dataset,
    table and row, so a page can be checked against the source table."""
    query = (
        select(*_amount_columns())
        .select_from(AreaAmount)
        .join(AreaSource, AreaSource.id == AreaAmount.source_id)
    )
    query = _filtered(_visible(query, viewer), filters or AreaQuery())
    if counted is not None:
        query = query.where(AreaAmount.counted.is_(counted))
    count_query = select(func.count()).select_from(query.subquery())
    query = query.order_by(
        AreaSource.dataset, AreaSource.resource_id, AreaAmount.row, AreaAmount.stage
    )
    with catalog.read() as session:
        total = session.scalar(count_query) or 0
        rows = session.execute(query.limit(limit).offset(offset)).all()
    records = [
        AmountRecord.model_validate({**row._mapping, "amount": baht(row.amount)}) for row in rows
    ]
    return records, total


def sources(catalog: CatalogReader, *, viewer: Principal = ANONYMOUS) -> list[SourceRecord]:
    """The tables feeding the store, by dataset."""
    query = _visible(select(AreaSource), viewer).order_by(AreaSource.dataset, AreaSource.id)
    with catalog.read() as session:
        return [
            SourceRecord.model_validate(row, from_attributes=True) for row in session.scalars(query)
        ]


def conflicts(
    catalog: CatalogReader,
    filters: AreaQuery | None = None,
    *,
    limit: int = 100,
    viewer: Principal = ANONYMOUS,
) -> list[Conflict]:
    """Groups whose sources report different totals (more than half a satang apart), the
    largest differences first."""
    per_source_query = (
        select(
            AreaAmount.group_key,
            AreaAmount.source_id,
            AreaAmount.source_system,
            func.sum(AreaAmount.amount).label("total"),
            func.max(case((AreaAmount.counted.is_(True), 1), else_=0)).label("counted"),
        )
        .select_from(AreaAmount)
        .join(AreaSource, AreaSource.id == AreaAmount.source_id)
        .group_by(AreaAmount.group_key, AreaAmount.source_id, AreaAmount.source_system)
    )
    per_source = _filtered(_visible(per_source_query, viewer), filters or AreaQuery()).subquery()
    spread = (
        select(per_source.c.group_key)
        .group_by(per_source.c.group_key)
        .having(func.max(per_source.c.total) != func.min(per_source.c.total))
        .order_by((func.max(per_source.c.total) - func.min(per_source.c.total)).desc())
        .limit(limit)
    )
    with catalog.read() as session:
        groups = [row[0] for row in session.execute(spread)]
        if not groups:
            return []
        members = session.execute(
            select(per_source, AreaSource.dataset, AreaSource.version)
            .join(AreaSource, AreaSource.id == per_source.c.source_id)
            .where(per_source.c.group_key.in_(groups))
        ).all()
        described = {
            row.group_key: row
            for row in session.execute(
                select(
                    AreaAmount.group_key,
                    AreaAmount.scope,
                    AreaAmount.line_key,
                    AreaAmount.fiscal_year,
                    AreaAmount.stage,
                    AreaAmount.fiscal_month,
                )
                .where(AreaAmount.group_key.in_(groups))
                .distinct()
            )
        }
    found = []
    for group in groups:
        totals_ = [
            SourceTotal(
                dataset=row.dataset,
                version=row.version,
                source_system=row.source_system,
                total=baht(row.total) or Decimal(0),
                counted=bool(row.counted),
            )
            for row in members
            if row.group_key == group
        ]
        counted = next((item for item in totals_ if item.counted), totals_[0])
        info = described[group]
        found.append(
            Conflict(
                scope=info.scope,
                line_key=info.line_key,
                fiscal_year=info.fiscal_year,
                stage=info.stage,
                fiscal_month=info.fiscal_month,
                counted=counted,
                others=[item for item in totals_ if item is not counted],
            )
        )
    return found


def stamp(catalog: CatalogReader) -> tuple[int, int]:
    """Changes whenever the store does (a source added or removed): for callers' caches."""
    with catalog.read() as session:
        count, top = session.execute(
            select(func.count(AreaSource.id), func.max(AreaSource.id))
        ).one()
    return int(count), int(top or 0)


def match_any(column: Any, values: Sequence[Any]) -> Any:
    """`column IN values`, with None in `values` meaning IS NULL."""
    present = [value for value in values if value is not None]
    tests = [column.in_(present)] if present else []
    if len(present) != len(values):
        tests.append(column.is_(None))
    return or_(*tests) if len(tests) > 1 else and_(*tests)
