"""Questions to the store: totals broken down by any dimensions, the amounts behind a total,
the tables that feed it, and the conflicts between sources.

Only counted amounts are summed (one per group, election.py); stages no counted amount
reports come back as `None`. Private datasets' amounts count only for viewers who may see
them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVarTuple

from sqlalchemy import Label, RowMapping, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from khlang.catalog.area_budget.keys import STAGES, Dimension, agency_name, dimension
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
from khlang.catalog.tables import AreaAmount, AreaSource

SATANG = Decimal("0.01")
_Columns = TypeVarTuple("_Columns")


def baht(satang: int | None) -> Decimal | None:
    return None if satang is None else (Decimal(int(satang)) * SATANG).quantize(SATANG)


def _visible(query: Select[*_Columns], viewer: Principal) -> Select[*_Columns]:
    if viewer.sysadmin:
        return query
    allowed = [name for name in viewer.roles if viewer.can_see_private(name)]
    return query.where(AreaSource.private.is_(False) | AreaSource.organization.in_(allowed or [""]))


def _filtered(query: Select[*_Columns], filters: AreaQuery) -> Select[*_Columns]:
    for name, values in filters.filters().items():
        column = AreaAmount.stage if name == "stage" else dimension(name)
        query = query.where(match_any(column, values))
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
) -> list[Total]:
    """Counted baht by stage for every combination of the `by` dimensions that has amounts
    (one row, the grand total, when `by` is empty and anything matches), in key order.

    Answers are remembered (the last 512 questions per process) until the store changes:
    the key holds `stamp(catalog)`, so a publish or withdrawal anywhere is seen at once."""
    filters = filters or AreaQuery()
    seen = (viewer.sysadmin, tuple(sorted(o for o in viewer.roles if viewer.can_see_private(o))))
    key = (catalog.location.describe(), stamp(catalog), filters.model_dump_json(), tuple(by), seen)
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    found = _totals(catalog, filters, by, viewer)
    with _memo_lock:
        _memo[key] = found
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return found


def forget() -> None:
    """Drop every remembered answer (bench/integrate.py times the store itself)."""
    with _memo_lock:
        _memo.clear()


def _totals(
    catalog: CatalogReader, filters: AreaQuery, by: Sequence[Dimension], viewer: Principal
) -> list[Total]:
    keys: list[Label[Any]] = [dimension(name).label(name) for name in by]
    names = [
        func.min(column).label(f"{name}_name")
        for name in by
        if (column := agency_name(name)) is not None
    ]
    counted = AreaAmount.counted.is_(True)
    stages = [
        func.sum(case((counted & (AreaAmount.stage == stage), AreaAmount.amount))).label(stage)
        for stage in STAGES
    ]
    # One pass: the counted amounts' sums and count, and the duplicates beside them.
    query = (
        select(
            *keys,
            *names,
            *stages,
            func.count(case((counted, 1))).label("amounts"),
            func.count(case((AreaAmount.counted.is_(False), 1))).label("duplicates"),
        )
        .select_from(AreaAmount)
        .join(AreaSource, AreaSource.id == AreaAmount.source_id)
    )
    query = _filtered(_visible(query, viewer), filters)
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    with catalog.read() as session:
        rows = [row._mapping for row in session.execute(query) if row.amounts]
        spread = _datasets(session, filters, by, viewer, rows)
        rates = _rate_bases(session, filters, by, viewer)
    result = []
    for row in rows:
        key: dict[str, Any] = {name: row[name] for name in by}
        key |= {f"{name}_name": row[f"{name}_name"] for name in by if agency_name(name) is not None}
        figures = StageFigures(**{stage: baht(row[stage]) for stage in STAGES})
        evidence = filters.model_copy(update={name: [row[name]] for name in by})
        marker = tuple(row[name] for name in by)
        allocated, disbursed = rates.get(marker, (None, None))
        result.append(
            Total(
                key=key,
                figures=figures,
                rate_allocated=baht(allocated),
                rate_disbursed=baht(disbursed),
                disbursement_rate=(
                    float(Decimal(disbursed) / Decimal(allocated) * 100)
                    if allocated and disbursed is not None
                    else None
                ),
                amounts=row["amounts"],
                duplicates=row["duplicates"],
                datasets=spread.get(marker, []),
                evidence=evidence,
            )
        )
    return result


def _rate_bases(
    session: Session, filters: AreaQuery, by: Sequence[Dimension], viewer: Principal
) -> dict[tuple[Any, ...], tuple[int | None, int | None]]:
    """Row key -> (allocated, disbursed) of the lines that report both, in satang: a line
    whose disbursement nobody reports is left out of the rate rather than read as 0 %
    disbursed (and a disbursement without its allocation is left out too)."""
    keys: list[Label[Any]] = [dimension(name).label(name) for name in by]
    per_line_query = (
        select(
            *keys,
            func.sum(case((AreaAmount.stage == "allocated", AreaAmount.amount))).label("a"),
            func.sum(case((AreaAmount.stage == "disbursed", AreaAmount.amount))).label("d"),
        )
        .select_from(AreaAmount)
        .join(AreaSource, AreaSource.id == AreaAmount.source_id)
        .where(AreaAmount.counted.is_(True), AreaAmount.stage.in_(("allocated", "disbursed")))
        .group_by(*keys, AreaAmount.scope, AreaAmount.line_key, AreaAmount.fiscal_year)
    )
    per_line = _filtered(_visible(per_line_query, viewer), filters).subquery()
    both = per_line.c.a.is_not(None) & per_line.c.d.is_not(None)
    outer = [per_line.c[name] for name in by]
    query = select(
        *outer,
        func.sum(case((both, per_line.c.a))),
        func.sum(case((both, per_line.c.d))),
    )
    if outer:
        query = query.group_by(*outer)
    return {tuple(row)[:-2]: (row[-2], row[-1]) for row in session.execute(query)}


def _datasets(
    session: Session,
    filters: AreaQuery,
    by: Sequence[Dimension],
    viewer: Principal,
    rows: list[RowMapping],
) -> dict[tuple[Any, ...], list[str]]:
    """Row key -> the datasets its counted amounts come from (one grouped query)."""
    if not rows:
        return {}
    keys: list[Label[Any]] = [dimension(name).label(name) for name in by]
    query = (
        select(*keys, AreaSource.dataset)
        .select_from(AreaAmount)
        .join(AreaSource, AreaSource.id == AreaAmount.source_id)
        .where(AreaAmount.counted.is_(True))
        .distinct()
    )
    query = _filtered(_visible(query, viewer), filters)
    found: dict[tuple[Any, ...], list[str]] = {}
    for row in session.execute(query.order_by(*keys, AreaSource.dataset)):
        found.setdefault(tuple(row)[:-1], []).append(row[-1])
    return found


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
