"""The dashboard: where the money went, for executives in a hurry and citizens on a phone.

* Allocated, committed and disbursed by province, drilling down to districts and local
  administrative organisations (a bar or a row is a link one level down), for a fiscal year
  and a budget type, with the same figures by budget type and by fiscal year.
* LAO benchmarking: budget per capita, disbursement rate, rank in the province and among LAOs
  of the same type.
* Citizens' needs by strategic area, and how many a funded project answered.

The panels read whichever published tables have the columns they need (khlang's area-budget
columns, see `ROLES`), so any agency's datasets built by `khlang publish` feed them. Every
figure comes from the API's aggregate and row queries, run through the same parser and
engine as the API, and every panel links to its dataset and to the exact API query behind
it: a journalist can check any number.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from khlang.api import service
from khlang.api.errors import ApiError
from khlang.api.query.language import Schema, parse_aggregate_query, parse_row_query
from khlang.api.query.tables import TableSource
from khlang.api.state import ApiState
from khlang.api.web import charts
from khlang.api.web.codes import code_label, codes, short_lao_name
from khlang.api.web.i18n import Formatter, with_query
from khlang.catalog import ANONYMOUS
from khlang.i18n import Text

ROLES: dict[str, frozenset[str]] = {
    "budget": frozenset({"fiscal_year", "province_code", "allocated", "committed", "disbursed"}),
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
"""The columns a table must have to feed each panel."""
PREFERRED: dict[str, tuple[str, ...]] = {
    "budget": ("district_code", "lao_key", "budget_type", "province_name", "district_name"),
    "benchmark": ("lao_name", "lao_type", "province_code", "district_code", "population"),
    "needs": ("province_code", "district_code", "lao_key", "strategic_area_th"),
}
"""Columns that make a table a better source when several qualify."""
AMOUNTS = ("allocated", "committed", "disbursed")
AMOUNT_LABELS = {
    "allocated": Text(th="จัดสรร", en="Allocated"),
    "committed": Text(th="ก่อหนี้ผูกพัน", en="Committed"),
    "disbursed": Text(th="เบิกจ่าย", en="Disbursed"),
}
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
    columns: frozenset[str]
    table: TableSource
    aggregate_url: str
    rows_url: str
    modified: dt.datetime


class Area(BaseModel):
    """What the reader has drilled into."""

    province: str | None = None
    district: str | None = None
    lao: str | None = None

    @property
    def level(self) -> str:
        if self.lao:
            return "lao"
        if self.district:
            return "district"
        return "province" if self.province else "country"

    def filters(self, columns: frozenset[str]) -> list[tuple[str, str]]:
        pairs = [
            ("province_code", self.province),
            ("district_code", self.district),
            ("lao_key", self.lao),
        ]
        return [(key, value) for key, value in pairs if value and key in columns]


class AreaRow(BaseModel):
    code: str | None
    name: str
    href: str | None
    allocated: float | None
    committed: float | None
    disbursed: float | None
    lines: int

    @property
    def rate(self) -> float | None:
        if not self.allocated or self.disbursed is None:
            return None
        return self.disbursed / self.allocated * 100


class Panel(BaseModel):
    """A chart with its table rows, its source and the API query behind it."""

    svg: str | None = None
    rows: list[Any] = []
    api_url: str | None = None
    error: str | None = None


class NeedRow(BaseModel):
    code: str
    label: str
    needs: int
    answered: int

    @property
    def share(self) -> float | None:
        return self.answered / self.needs * 100 if self.needs else None


class Crumb(BaseModel):
    label: str
    url: str | None


class DashboardModel(BaseModel):
    sources: dict[str, Source]
    missing: list[str]
    preparing: bool
    year: int | None
    years: list[int]
    budget_type: str | None
    budget_types: list[tuple[str, str]]
    lao_type: str | None
    lao_types: list[tuple[str, str]]
    area: Area
    crumbs: list[Crumb]
    level_label: str
    areas: Panel
    totals: AreaRow | None
    by_type: Panel
    by_year: Panel
    benchmark: Panel
    benchmark_year: int | None
    benchmark_count: int
    lao: dict[str, Any] | None
    needs: Panel
    needs_year: int | None
    needs_answered_url: str | None
    hidden: list[tuple[str, str]]
    """The current selection as hidden form fields, for the filter form."""


# --- finding the tables ---------------------------------------------------------------------

_cache: dict[tuple[int, str], tuple[tuple, dict[str, Source]]] = {}
_cache_lock = threading.Lock()


def find_sources(state: ApiState, base: str) -> dict[str, Source]:
    """The best public table for each panel, recomputed only when the catalog changes."""
    listing = state.catalog.datasets(viewer=ANONYMOUS)
    fingerprint = tuple((s.name, s.content_hash) for s in listing)
    key = (id(state), base)
    with _cache_lock:
        cached = _cache.get(key)
        if cached and cached[0] == fingerprint:
            return cached[1]
    candidates: dict[str, list[tuple[tuple, Source]]] = {role: [] for role in ROLES}
    for summary in listing:
        version = state.catalog.version(summary.name, viewer=ANONYMOUS)
        for item in version.resources:
            if not service.is_tabular(item):
                continue
            schema = item.metadata.table_schema
            columns = (
                frozenset(
                    field.get("name")
                    for field in schema.get("fields", [])
                    if isinstance(field, dict)
                )
                if isinstance(schema, dict)
                else frozenset()
            )
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
                    columns=columns,
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
        _cache[key] = (fingerprint, found)
    return found


# --- queries --------------------------------------------------------------------------------


class _Queries:
    """Runs the panels' queries, remembering whether a table is still being prepared."""

    def __init__(self, state: ApiState, fmt: Formatter) -> None:
        self.state = state
        self.fmt = fmt
        self.preparing = False

    async def aggregate(self, source: Source, params: list[tuple[str, str]]) -> Panel:
        url = with_query(source.aggregate_url, params)
        try:
            query = parse_aggregate_query(params, Schema(source.table.columns))
            result = await self.state.engine.aggregate(source.table, query)
        except ApiError as error:
            return self._failed(error, url)
        return Panel(rows=result.rows, api_url=url)

    async def rows(self, source: Source, params: list[tuple[str, str]]) -> tuple[Panel, int]:
        url = with_query(source.rows_url, params)
        try:
            query = parse_row_query(params, Schema(source.table.columns))
            page = await self.state.engine.rows(source.table, query)
        except ApiError as error:
            return self._failed(error, url), 0
        return Panel(rows=page.rows, api_url=url), page.count or 0

    def _failed(self, error: ApiError, url: str) -> Panel:
        if error.code == "table_preparing":
            self.preparing = True
            return Panel(api_url=url)
        return Panel(api_url=url, error=self.fmt.text(error.message))


def _sums(columns: frozenset[str]) -> str:
    return ",".join(f"sum:{name}" for name in AMOUNTS if name in columns) + ",count"


def _years(panel: Panel) -> list[int]:
    return sorted(
        (int(row["fiscal_year"]) for row in panel.rows if row.get("fiscal_year")), reverse=True
    )


def _choice(raw: str | None, allowed: list[str]) -> str | None:
    return raw if raw in allowed else None


def _code(raw: str | None, digits: int) -> str | None:
    """A DOPA area code from the query string: exactly the digits it should have."""
    return raw if raw and raw.isdigit() and len(raw) == digits else None


async def dashboard(
    state: ApiState,
    params: list[tuple[str, str]],
    fmt: Formatter,
    *,
    base: str,
    url_for: Callable[[list[tuple[str, str]]], str],
) -> DashboardModel:
    sources = await run_in_threadpool(find_sources, state, base)
    queries = _Queries(state, fmt)
    chosen = dict(params)
    budget = sources.get("budget")
    benchmark = sources.get("benchmark")
    needs = sources.get("needs")

    years: list[int] = []
    if budget:
        years = _years(await queries.aggregate(budget, [("_group", "fiscal_year")]))
    year = int(chosen["year"]) if chosen.get("year", "").isdigit() else None
    year = year if year in years else (years[0] if years else None)
    budget_type = _choice(chosen.get("budget_type"), codes("budget_type"))
    lao_type = _choice(chosen.get("lao_type"), codes("lao_type"))
    area = Area(
        province=_code(chosen.get("province"), 2),
        district=_code(chosen.get("district"), 4),
        lao=chosen.get("lao")[:40] if chosen.get("lao") else None,
    )
    if area.district and area.province and not area.district.startswith(area.province):
        area = Area(province=area.province)
    selection = [
        ("year", str(year) if year else ""),
        ("budget_type", budget_type or ""),
        ("lao_type", lao_type or ""),
    ]

    def link(**changes: str | None) -> str:
        current = {"province": area.province, "district": area.district, "lao": area.lao}
        current.update(changes)
        return url_for([*selection, *((k, v or "") for k, v in current.items())])

    model = DashboardModel(
        sources=sources,
        missing=[role for role in ROLES if role not in sources],
        preparing=False,
        year=year,
        years=years,
        budget_type=budget_type,
        budget_types=[(c, code_label("budget_type", c, fmt)) for c in codes("budget_type")],
        lao_type=lao_type,
        lao_types=[(code, code_label("lao_type", code, fmt)) for code in codes("lao_type")],
        area=area,
        crumbs=[],
        level_label="",
        areas=Panel(),
        totals=None,
        by_type=Panel(),
        by_year=Panel(),
        benchmark=Panel(),
        benchmark_year=None,
        benchmark_count=0,
        lao=None,
        needs=Panel(),
        needs_year=None,
        needs_answered_url=None,
        hidden=[
            (key, value)
            for key, value in (
                ("province", area.province),
                ("district", area.district),
                ("lao", area.lao),
            )
            if value
        ],
    )
    names = await _lao_names(queries, sources, area)
    if budget and year:
        model = await _budget_panels(model, queries, budget, fmt, link, base, names)
    if benchmark:
        model = await _benchmark_panel(model, queries, benchmark, fmt, link, base, names)
    if needs:
        model = await _needs_panel(model, queries, needs, fmt)
    return model.model_copy(update={"preparing": queries.preparing})


async def _lao_names(queries: _Queries, sources: dict[str, Source], area: Area) -> dict[str, str]:
    """LAO key -> name, from whichever table has both (the budget lines carry only keys)."""
    if area.level not in ("district", "lao"):
        return {}
    for role in ("budget", "benchmark", "needs"):
        source = sources.get(role)
        if source and {"lao_key", "lao_name"} <= source.columns:
            where = Area(province=area.province, district=area.district).filters(source.columns)
            panel = await queries.aggregate(source, [*where, ("_group", "lao_key,lao_name")])
            return {row["lao_key"]: row["lao_name"] for row in panel.rows if row["lao_key"]}
    return {}


def _label(row: dict[str, Any], code_column: str, name_column: str, fmt: Formatter) -> str:
    code = row.get(code_column)
    name = row.get(name_column)
    if code is None:
        return fmt.pick("ส่วนกลาง/หลายพื้นที่", "Central or several areas")
    return str(name or code)


async def _budget_panels(
    model: DashboardModel,
    queries: _Queries,
    source: Source,
    fmt: Formatter,
    link: Callable[..., str],
    base: str,
    names: dict[str, str],
) -> DashboardModel:
    columns = source.columns
    area = model.area
    filters = [("fiscal_year", str(model.year))]
    if model.budget_type and "budget_type" in columns:
        filters.append(("budget_type", model.budget_type))
    where = [*filters, *area.filters(columns)]
    sums = _sums(columns)
    levels = {
        "country": ("province_code", "province_name", "province"),
        "province": ("district_code", "district_name", "district"),
        "district": ("lao_key", "", "lao"),
    }
    crumbs = [
        Crumb(
            label=fmt.pick("ทั้งประเทศ", "Whole country"),
            url=link(province=None, district=None, lao=None),
        )
    ]
    rows: list[AreaRow] = []
    panel = Panel()
    parents: dict[str, Any] = {}
    if area.level in levels and levels[area.level][0] in columns:
        code_column, name_column, next_param = levels[area.level]
        group = [code_column, *([name_column] if name_column in columns else [])]
        panel = await queries.aggregate(
            source,
            [
                *where,
                ("_group", ",".join(group)),
                ("_agg", sums),
                ("_sort", "-sum_allocated"),
                ("_size", "2000"),
            ],
        )
        for row in panel.rows:
            code = row.get(code_column)
            label = names.get(code, code) if code_column == "lao_key" else None
            rows.append(
                AreaRow(
                    code=code,
                    name=label or _label(row, code_column, name_column, fmt),
                    href=link(**{next_param: code}) if code else None,
                    allocated=row.get("sum_allocated"),
                    committed=row.get("sum_committed"),
                    disbursed=row.get("sum_disbursed"),
                    lines=row.get("count") or 0,
                )
            )
    totals_panel = await queries.aggregate(
        source, [*where, ("_agg", sums), *_parent_group(columns, area)]
    )
    totals = None
    if totals_panel.rows:
        first = totals_panel.rows[0]
        parents = parents or first
        totals = AreaRow(
            code=None,
            name=fmt.pick("รวม", "Total"),
            href=None,
            allocated=sum(r.get("sum_allocated") or 0 for r in totals_panel.rows),
            committed=sum(r.get("sum_committed") or 0 for r in totals_panel.rows),
            disbursed=sum(r.get("sum_disbursed") or 0 for r in totals_panel.rows),
            lines=sum(r.get("count") or 0 for r in totals_panel.rows),
        )
    if area.province:
        crumbs.append(
            Crumb(
                label=str(parents.get("province_name") or area.province),
                url=link(district=None, lao=None),
            )
        )
    if area.district:
        crumbs.append(
            Crumb(label=str(parents.get("district_name") or area.district), url=link(lao=None))
        )
    if area.lao:
        crumbs.append(Crumb(label=names.get(area.lao, area.lao), url=None))
    crumbs[-1] = crumbs[-1].model_copy(update={"url": None})
    level_label = {
        "country": fmt.pick("จังหวัด", "Province"),
        "province": fmt.pick("อำเภอ", "District"),
        "district": fmt.pick("องค์กรปกครองส่วนท้องถิ่น", "Local administrative organisation"),
        "lao": "",
    }[area.level]
    if rows:
        panel = await _charted(
            panel,
            rows,
            fmt,
            base,
            level_label,
            fmt.pick(
                f"งบประมาณจัดสรร ก่อหนี้ผูกพัน และเบิกจ่าย จำแนกตาม{level_label}",
                f"Allocated, committed and disbursed by {level_label.lower()}",
            ),
        )
    by_type = Panel()
    if "budget_type" in columns:
        type_where = [("fiscal_year", str(model.year)), *area.filters(columns)]
        by_type = await queries.aggregate(
            source,
            [*type_where, ("_group", "budget_type"), ("_agg", sums), ("_sort", "-sum_allocated")],
        )
        type_rows = [
            _area_row(r, code_label("budget_type", r["budget_type"], fmt), None)
            for r in by_type.rows
        ]
        by_type = await _charted(
            by_type,
            type_rows,
            fmt,
            base,
            fmt.pick("ประเภทงบรายจ่าย", "Budget type"),
            fmt.pick("งบประมาณจำแนกตามประเภทงบรายจ่าย", "Budget by budget type"),
        )
    year_where = [*filters[1:], *area.filters(columns)]
    by_year = await queries.aggregate(
        source, [*year_where, ("_group", "fiscal_year"), ("_agg", sums), ("_sort", "fiscal_year")]
    )
    year_rows = [_area_row(r, fmt.fiscal_year_short(r["fiscal_year"]), None) for r in by_year.rows]
    by_year = await _charted(
        by_year,
        year_rows,
        fmt,
        base,
        fmt.pick("ปีงบประมาณ", "Fiscal year"),
        fmt.pick("งบประมาณรายปีงบประมาณ", "Budget by fiscal year"),
    )
    return model.model_copy(
        update={
            "areas": panel,
            "totals": totals,
            "crumbs": crumbs,
            "level_label": level_label,
            "by_type": by_type,
            "by_year": by_year,
        }
    )


def _parent_group(columns: frozenset[str], area: Area) -> list[tuple[str, str]]:
    """Group the totals by the names of the places drilled into, so the breadcrumb can name
    them even when the level below has no rows."""
    names = [
        name
        for name, needed in (("province_name", area.province), ("district_name", area.district))
        if needed and name in columns
    ]
    return [("_group", ",".join(names))] if names else []


def _area_row(row: dict[str, Any], name: str, href: str | None) -> AreaRow:
    return AreaRow(
        code=None,
        name=name,
        href=href,
        allocated=row.get("sum_allocated"),
        committed=row.get("sum_committed"),
        disbursed=row.get("sum_disbursed"),
        lines=row.get("count") or 0,
    )


async def _charted(
    panel: Panel, rows: list[AreaRow], fmt: Formatter, base: str, category: str, description: str
) -> Panel:
    """The panel with its rows and a chart of allocated, committed and disbursed for the
    largest of them (a table below the chart lists them all)."""
    svg = await _amount_chart(rows[:CHART_BARS], fmt, category, base, description) if rows else None
    return panel.model_copy(update={"rows": rows, "svg": svg})


async def _amount_chart(
    rows: list[AreaRow], fmt: Formatter, category: str, base: str, description: str
) -> str:
    chart = charts.bar_chart(
        description=description,
        category_title=category,
        value_title=fmt.pick("ล้านบาท", "million baht"),
        series=[charts.Series(key=key, label=fmt.text(AMOUNT_LABELS[key])) for key in AMOUNTS],
        rows=[
            {
                "category": short_lao_name(row.name),
                **{key: _millions(getattr(row, key)) for key in AMOUNTS},
                **({"href": base + row.href} if row.href else {}),
            }
            for row in rows
        ],
    )
    return await run_in_threadpool(charts.render_svg, chart)


def _millions(value: float | None) -> float | None:
    return None if value is None else round(value / 1e6, 3)


async def _benchmark_panel(
    model: DashboardModel,
    queries: _Queries,
    source: Source,
    fmt: Formatter,
    link: Callable[..., str],
    base: str,
    names: dict[str, str],
) -> DashboardModel:
    columns = source.columns
    years = _years(await queries.aggregate(source, [("_group", "fiscal_year")]))
    year = model.year if model.year in years else (years[0] if years else None)
    if year is None:
        return model
    area = model.area
    peers = Area(province=area.province, district=area.district)
    where = [("fiscal_year", str(year)), *peers.filters(columns)]
    if model.lao_type and "lao_type" in columns:
        where.append(("lao_type", model.lao_type))
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
    rows = [
        {
            **row,
            "lao_name": row.get("lao_name") or names.get(row["lao_key"], row["lao_key"]),
            "lao_type_label": code_label("lao_type", row.get("lao_type"), fmt),
            "href": link(
                province=row.get("province_code") or area.province,
                district=row.get("district_code") or area.district,
                lao=row["lao_key"],
            ),
            "selected": row["lao_key"] == area.lao,
        }
        for row in panel.rows
    ]
    lao = None
    if area.lao:
        own, _ = await queries.rows(
            source,
            [("fiscal_year", str(year)), ("lao_key", area.lao), ("_fields", ",".join(fields))],
        )
        if own.rows:
            lao = {
                **own.rows[0],
                "lao_type_label": code_label("lao_type", own.rows[0].get("lao_type"), fmt),
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
                    "category": short_lao_name(row["lao_name"]),
                    "budget_per_capita": row["budget_per_capita"],
                    "href": base + row["href"],
                }
                for row in rows[:CHART_BARS]
            ],
            value_format=",.0f",
        )
        svg = await run_in_threadpool(charts.render_svg, chart)
    return model.model_copy(
        update={
            "benchmark": panel.model_copy(update={"rows": rows, "svg": svg}),
            "benchmark_year": year,
            "benchmark_count": count,
            "lao": lao,
        }
    )


async def _needs_panel(
    model: DashboardModel, queries: _Queries, source: Source, fmt: Formatter
) -> DashboardModel:
    columns = source.columns
    years = _years(await queries.aggregate(source, [("_group", "fiscal_year")]))
    year = model.year if model.year in years else (years[0] if years else None)
    if year is None:
        return model
    where = [("fiscal_year", str(year)), *model.area.filters(columns)]
    group = [("_group", "strategic_area"), ("_agg", "count"), ("_sort", "strategic_area")]
    total = await queries.aggregate(source, [*where, *group])
    answered = await queries.aggregate(source, [*where, ("answered_by__isnull", "false"), *group])
    answered_by_area = {row["strategic_area"]: row["count"] for row in answered.rows}
    order = {code: position for position, code in enumerate(codes("strategic_area"))}
    rows = sorted(
        (
            NeedRow(
                code=row["strategic_area"] or "",
                label=code_label("strategic_area", row["strategic_area"], fmt),
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
    return model.model_copy(
        update={
            "needs": Panel(
                rows=rows, svg=svg, api_url=total.api_url, error=total.error or answered.error
            ),
            "needs_year": year,
            "needs_answered_url": answered.api_url,
        }
    )
