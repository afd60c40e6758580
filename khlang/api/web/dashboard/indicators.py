"""The panels read from derived tables rather than the store: the LAO benchmark (budget per
capita, disbursement rate and ranks of each LAO, from a `lao-benchmark` table) and citizens'
needs by strategic area (a needs table). The store holds amounts only; these indicators and
counts are the tables' own, found by what their columns hold (`ROLES`: each field's
`rdfType` in khlang's area-budget namespace, else its name; khlang.metadata.field_semantics),
so a table whose columns are named differently but typed the same feeds the panel. They are
read through the API's query engine, so every figure links to the API query behind it (in
the table's own column names). The LAO
benchmark's per-capita figures are also what the map's "per person" measure divides by
(`province_population`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from khlang.api import service
from khlang.api.errors import ApiError
from khlang.api.query.language import Schema, parse_aggregate_query, parse_row_query
from khlang.api.query.tables import TableSource, is_tabular
from khlang.api.state import ApiState
from khlang.api.web import charts
from khlang.api.web.codes import code_label, code_labels, short_lao_name
from khlang.api.web.dashboard.figures import store_answers
from khlang.api.web.dashboard.selection import Selection
from khlang.api.web.i18n import Formatter, with_query
from khlang.catalog import ANONYMOUS
from khlang.catalog.area_budget import AreaQuery, Total
from khlang.i18n import Text
from khlang.metadata.field_semantics import roles

ROLES: dict[str, frozenset[str]] = {
    "benchmark": frozenset(
        {
            "fiscal_year",
            "lao_key",
            "budget_per_capita",
            "disbursement_rate",
            "rank_in_province",
            "rank_in_type",
        }
    ),
    "needs": frozenset({"fiscal_year", "strategic_area", "answered_by"}),
}
"""What a table's columns must hold (their roles) to feed each panel."""
SATANG = Decimal("0.01")
RATE_TOLERANCE = 0.005
"""Percentage points: the benchmark table rounds its rates to two decimals."""
PREFERRED: dict[str, tuple[str, ...]] = {
    "benchmark": ("lao_name", "lao_type", "province_code", "district_code", "population"),
    "needs": ("province_code", "district_code", "lao_key", "strategic_area_th"),
}
"""Roles that make a table a better source when several qualify."""
BENCHMARK_ROWS = 25
CHART_BARS = 20
BENCHMARK_FIELDS = (
    "lao_key",
    "lao_name",
    "lao_type",
    "province_code",
    "province_name",
    "district_code",
    "district_name",
    "population",
    "expenditure_budget",
    "budget_per_capita",
    "disbursement_rate",
    "rank_in_province",
    "rank_in_type",
)


class Source(BaseModel):
    """A table that feeds a panel."""

    role: str
    dataset: str
    title: Text
    resource_id: str
    fields: dict[str, str]
    """Role -> the table's column that holds it."""
    table: TableSource
    aggregate_url: str
    rows_url: str
    modified: dt.datetime

    @property
    def columns(self) -> frozenset[str]:
        """The roles its columns hold."""
        return frozenset(self.fields)


def area_filters(
    columns: frozenset[str], province: str | None, district: str | None, lao: str | None = None
) -> list[tuple[str, str]]:
    """The API filters of an area, for the columns a table has."""
    pairs = [("province_code", province), ("district_code", district), ("lao_key", lao)]
    return [(key, value) for key, value in pairs if value and key in columns]


class Panel(BaseModel):
    """A chart with its table rows, its source and the API query behind it."""

    svg: str | None = None
    rows: list[Any] = []
    api_url: str | None = None
    error: str | None = None


class BenchmarkPanel(Panel):
    year: int | None = None
    count: int = 0
    lao: dict[str, Any] | None = None
    """The selected LAO's own indicators."""
    source: Source | None = None


class NeedsPanel(Panel):
    year: int | None = None
    answered_url: str | None = None
    source: Source | None = None


class NeedRow(BaseModel):
    code: str
    label: str
    needs: int
    answered: int

    @property
    def share(self) -> float | None:
        return self.answered / self.needs * 100 if self.needs else None


# --- finding the tables ---------------------------------------------------------------------

_cache_lock = threading.Lock()


def find_sources(state: ApiState, base: str) -> dict[str, Source]:
    """The best public table for each panel, recomputed only when the catalog changes (the
    datasets' content hashes), the versions read in chunks rather than one by one."""
    listing = state.catalog.datasets(viewer=ANONYMOUS)
    fingerprint = tuple((s.name, s.content_hash) for s in listing)
    cache: dict[str, tuple[tuple, dict[str, Source]]] = state.part("dashboard.sources", dict)
    with _cache_lock:
        cached = cache.get(base)
        if cached and cached[0] == fingerprint:
            return cached[1]
    current = {
        version.dataset: version
        for version in state.catalog.current_versions(
            [summary.name for summary in listing], viewer=ANONYMOUS
        )
    }
    candidates: dict[str, list[tuple[tuple, Source]]] = {role: [] for role in ROLES}
    for summary in listing:
        version = current.get(summary.name)
        if version is None:  # withdrawn since the listing
            continue
        for item in version.resources:
            if not is_tabular(item):
                continue
            fields = roles(item.metadata.table_schema)
            columns = frozenset(fields)
            for role, needed in ROLES.items():
                if not needed <= columns:
                    continue
                table = service.table_source(state, ANONYMOUS, summary.name, item.id, None).source
                view = service.resource_view(summary.name, item, base)
                metadata = version.metadata
                source = Source(
                    role=role,
                    dataset=summary.name,
                    title=Text(
                        th=metadata.title or summary.name,
                        en=metadata.title_en or metadata.title or summary.name,
                    ),
                    resource_id=item.id,
                    fields=fields,
                    table=table,
                    aggregate_url=view.links["aggregate"],
                    rows_url=view.links["rows"],
                    modified=summary.modified,
                )
                score = (len(set(PREFERRED[role]) & columns), summary.modified)
                candidates[role].append((score, source))
    found = {
        role: max(items, key=lambda pair: pair[0])[1] for role, items in candidates.items() if items
    }
    with _cache_lock:
        cache[base] = (fingerprint, found)
    return found


# --- queries --------------------------------------------------------------------------------


def table_params(source: Source, params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A query written in roles, in the table's own column names."""

    def name(role: str) -> str:
        descending = role.startswith("-")
        column = source.fields.get(role.lstrip("-"), role.lstrip("-"))
        return ("-" if descending else "") + column

    translated = []
    for key, value in params:
        if key in ("_group", "_fields", "_sort"):
            value = ",".join(name(part) for part in value.split(","))
        elif key == "_agg":
            parts = (part.partition(":") for part in value.split(","))
            value = ",".join(f"{fn}:{name(role)}" if role else fn for fn, _, role in parts)
        elif not key.startswith("_"):
            role, operator, test = key.partition("__")
            key = name(role) + operator + test
        translated.append((key, value))
    return translated


def role_rows(source: Source, params: list[tuple[str, str]], rows: list[Any]) -> list[Any]:
    """Rows of the table with their columns (and aggregates of them) named by role."""
    back = {column: role for role, column in source.fields.items() if column != role}
    for key, value in params:
        if key == "_agg":
            for fn, _, role in (part.partition(":") for part in value.split(",")):
                column = source.fields.get(role, role)
                if role and column != role:
                    back[f"{fn}_{column}"] = f"{fn}_{role}"
    if not back:
        return rows
    return [{back.get(key, key): value for key, value in row.items()} for row in rows]


class Queries:
    """Runs the panels' queries, written in roles, on their tables, remembering whether a
    table is still being prepared."""

    def __init__(self, state: ApiState, fmt: Formatter) -> None:
        self.state = state
        self.fmt = fmt
        self.preparing = False

    async def aggregate(self, source: Source, params: list[tuple[str, str]]) -> Panel:
        asked = table_params(source, params)
        url = with_query(source.aggregate_url, asked)
        try:
            query = parse_aggregate_query(asked, Schema(source.table.columns))
            result = await self.state.engine.aggregate(source.table, query)
        except ApiError as error:
            return self._failed(error, url)
        return Panel(rows=role_rows(source, params, result.rows), api_url=url)

    async def rows(self, source: Source, params: list[tuple[str, str]]) -> tuple[Panel, int]:
        asked = table_params(source, params)
        url = with_query(source.rows_url, asked)
        try:
            query = parse_row_query(asked, Schema(source.table.columns))
            page = await self.state.engine.rows(source.table, query)
        except ApiError as error:
            return self._failed(error, url), 0
        return Panel(rows=role_rows(source, params, page.rows), api_url=url), page.count or 0

    def _failed(self, error: ApiError, url: str) -> Panel:
        if error.code == "table_preparing":
            self.preparing = True
            return Panel(api_url=url)
        return Panel(api_url=url, error=self.fmt.text(error.message))


def _years(panel: Panel) -> list[int]:
    return sorted(
        (int(row["fiscal_year"]) for row in panel.rows if row.get("fiscal_year")), reverse=True
    )


async def lao_names(
    queries: Queries, sources: dict[str, Source], province: str | None, district: str | None
) -> dict[str, str]:
    """LAO key -> name, from whichever indicator table has both (the store keeps keys)."""
    for role in ("benchmark", "needs"):
        source = sources.get(role)
        if source and {"lao_key", "lao_name"} <= source.columns:
            where = area_filters(source.columns, province, district)
            panel = await queries.aggregate(source, [*where, ("_group", "lao_key,lao_name")])
            return {row["lao_key"]: row["lao_name"] for row in panel.rows if row["lao_key"]}
    return {}


async def province_population(queries: Queries, source: Source | None) -> dict[str, int]:
    """Province code -> registered population: a PAO's population is its province's (the
    benchmark's stated method), so the PAO rows of the latest year give every province's."""
    if source is None or not {"lao_type", "population", "province_code"} <= source.columns:
        return {}
    panel = await queries.aggregate(
        source,
        [("lao_type", "PAO"), ("_group", "province_code"), ("_agg", "max:population")],
    )
    return {
        row["province_code"]: int(row["max_population"])
        for row in panel.rows
        if row.get("province_code") and row.get("max_population")
    }


async def benchmark_panel(
    queries: Queries,
    source: Source,
    selection: Selection,
    fmt: Formatter,
    link: Callable[..., str],
    base: str,
    names: dict[str, str],
) -> BenchmarkPanel:
    columns = source.columns
    years = _years(await queries.aggregate(source, [("_group", "fiscal_year")]))
    year = selection.year if selection.year in years else (years[0] if years else None)
    if year is None:
        return BenchmarkPanel(source=source)
    where = [
        ("fiscal_year", str(year)),
        *area_filters(columns, selection.province, selection.district),
    ]
    if selection.lao_type and "lao_type" in columns:
        where.append(("lao_type", selection.lao_type))
    fields = [name for name in BENCHMARK_FIELDS if name in columns]
    panel, count = await queries.rows(
        source,
        [
            *where,
            ("_fields", ",".join(fields)),
            ("_sort", "-budget_per_capita,lao_key"),
            ("_size", str(BENCHMARK_ROWS)),
        ],
    )
    store = await run_in_threadpool(_store_figures, queries.state, selection, year)
    labels = await run_in_threadpool(code_labels, queries.state)
    rows = [
        {
            **row,
            **_against_store(row, store),
            "lao_name": row.get("lao_name") or names.get(row["lao_key"], row["lao_key"]),
            "lao_type_label": code_label(labels, "lao_type", row.get("lao_type"), fmt),
            "href": link(
                province=row.get("province_code") or selection.province,
                district=row.get("district_code") or selection.district,
                subdistrict=None,
                lao=row["lao_key"],
            ),
            "selected": row["lao_key"] == selection.lao,
        }
        for row in panel.rows
    ]
    lao = None
    if selection.lao:
        own, _ = await queries.rows(
            source,
            [("fiscal_year", str(year)), ("lao_key", selection.lao), ("_fields", ",".join(fields))],
        )
        if own.rows:
            lao = {
                **own.rows[0],
                **_against_store(own.rows[0], store),
                "lao_type_label": code_label(labels, "lao_type", own.rows[0].get("lao_type"), fmt),
                "api_url": own.api_url,
            }
    svg = None
    if rows:
        chart = charts.bar_chart(
            description=fmt.pick("งบประมาณต่อหัวประชากรของ อปท.", "LAO budget per capita"),
            category_title=fmt.pick("อปท.", "LAO"),
            value_title=fmt.pick("บาทต่อคน", "baht per person"),
            series=[
                charts.Series(
                    key="budget_per_capita", label=fmt.pick("งบประมาณต่อหัว", "Budget per capita")
                )
            ],
            rows=[
                {
                    "category": short_lao_name(labels, row["lao_name"]),
                    "budget_per_capita": row["budget_per_capita"],
                    "href": base + row["href"],
                }
                for row in rows[:CHART_BARS]
            ],
            value_format=",.0f",
        )
        svg = await run_in_threadpool(charts.render_svg, chart)
    return BenchmarkPanel(
        rows=rows,
        svg=svg,
        api_url=panel.api_url,
        error=panel.error,
        year=year,
        count=count,
        lao=lao,
        source=source,
    )


class StoreFigures(BaseModel):
    """The area-budget store's figures of the benchmark's LAOs for its year: an LAO's own
    budget (local scope, what the benchmark's expenditure budget sums) and the disbursement
    rate of the state budget placed in it (what the dashboard's LAO table shows)."""

    budget: dict[str, Total]
    rate: dict[str, Total]


def _store_figures(state: ApiState, selection: Selection, year: int) -> StoreFigures:
    answers = store_answers(state)
    place = {"province": selection.province, "district": selection.district}
    area = {key: [value] for key, value in place.items() if value}

    def by_lao(scope: str) -> dict[str, Total]:
        query = AreaQuery(scope=[scope], fiscal_year=[year], **area)  # type: ignore[list-item]
        return {t.key["lao"]: t for t in answers.totals(state, query, ["lao"]) if t.key["lao"]}

    return StoreFigures(budget=by_lao("local"), rate=by_lao("state"))


def _against_store(row: dict[str, Any], store: StoreFigures) -> dict[str, Any]:
    """The row's figures beside the store's: the disbursement rate shown is the store's (the
    dashboard's LAO table and the API give the same), and where the benchmark table's own
    figure differs, the difference and the datasets the store counts instead."""
    key = row["lao_key"]
    local, state = store.budget.get(key), store.rate.get(key)
    counted = local.figures.allocated if local else None
    own = row.get("expenditure_budget")
    own_budget = None if own is None else Decimal(str(own)).quantize(SATANG)
    table_rate = row.get("disbursement_rate")
    rate = state.disbursement_rate if state else None
    rate_differs = (rate is None) != (table_rate is None) or (
        rate is not None and abs(rate - float(table_rate)) >= RATE_TOLERANCE
    )
    return {
        "rate": rate,
        "table_rate": table_rate,
        "rate_differs": rate_differs,
        "rate_datasets": state.datasets if state else [],
        "store_budget": None if counted is None else float(counted),
        "expenditure_budget": own,
        # a benchmark table without the column (budget per capita only) has nothing to compare
        "budget_difference": None
        if own_budget == counted or "expenditure_budget" not in row
        else float((counted or 0) - (own_budget or 0)),
        "budget_datasets": local.datasets if local else [],
    }


async def needs_panel(
    queries: Queries, source: Source, selection: Selection, fmt: Formatter
) -> NeedsPanel:
    columns = source.columns
    years = _years(await queries.aggregate(source, [("_group", "fiscal_year")]))
    year = selection.year if selection.year in years else (years[0] if years else None)
    if year is None:
        return NeedsPanel(source=source)
    where = [
        ("fiscal_year", str(year)),
        *area_filters(columns, selection.province, selection.district, selection.lao),
    ]
    group = [("_group", "strategic_area"), ("_agg", "count"), ("_sort", "strategic_area")]
    total = await queries.aggregate(source, [*where, *group])
    answered = await queries.aggregate(source, [*where, ("answered_by__isnull", "false"), *group])
    answered_by_area = {row["strategic_area"]: row["count"] for row in answered.rows}
    labels = await run_in_threadpool(code_labels, queries.state)
    order = {code: position for position, code in enumerate(labels.codes("strategic_area"))}
    rows = sorted(
        (
            NeedRow(
                code=row["strategic_area"] or "",
                label=code_label(labels, "strategic_area", row["strategic_area"], fmt),
                needs=row["count"],
                answered=answered_by_area.get(row["strategic_area"], 0),
            )
            for row in total.rows
        ),
        key=lambda row: order.get(row.code, len(order)),
    )
    svg = None
    if rows:
        answered_label = fmt.pick(
            "ได้รับการตอบสนองด้วยโครงการที่ได้รับงบประมาณ", "Answered by a funded project"
        )
        waiting_label = fmt.pick("ยังไม่ได้รับการตอบสนอง", "Not yet answered")
        chart = charts.bar_chart(
            description=fmt.pick(
                "ความต้องการของประชาชนจำแนกตามด้าน และจำนวนที่ได้รับการตอบสนอง",
                "Citizens' needs by strategic area, and how many were answered",
            ),
            category_title=fmt.pick("ด้าน", "Strategic area"),
            value_title=fmt.pick("จำนวนความต้องการ", "Needs"),
            series=[
                charts.Series(key="answered", label=answered_label),
                charts.Series(key="waiting", label=waiting_label),
            ],
            rows=[
                {
                    "category": row.label,
                    "answered": row.answered,
                    "waiting": row.needs - row.answered,
                }
                for row in rows
            ],
            stacked=True,
            value_format=",.0f",
        )
        svg = await run_in_threadpool(charts.render_svg, chart)
    return NeedsPanel(
        rows=rows,
        svg=svg,
        api_url=total.api_url,
        error=total.error or answered.error,
        year=year,
        answered_url=answered.api_url,
        source=source,
    )
