"""The preview table and the chart of a dataset page: the API's row and aggregate queries,
driven by plain links and forms.

The page's own parameters are translated into the API's query language (`column__op=value`,
`_sort`, `_group`, `_agg`) and parsed by the same parser as the API, so a bad filter gets the
API's precise message, and the "API query" link under a table or chart is exactly the query
that produced it.

    ?resource=<id>              which table (the first tabular resource by default)
    ?filter=amount__gte=5000    a filter, repeated; the add-filter form sends fcol/fop/fval
    ?sort=-allocated            sort by a column, `-` for descending
    ?page=3                     20 rows a page
    ?measure=allocated&by=province_name&agg=sum     the chart
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from khlang.api.errors import ApiError
from khlang.api.query.columns import Column, Op
from khlang.api.query.engine import QueryEngine
from khlang.api.query.language import (
    AggFunction,
    Schema,
    parse_aggregate_query,
    parse_row_query,
)
from khlang.api.query.tables import TableSource
from khlang.api.web.i18n import Formatter, with_query
from khlang.i18n import Text

PREVIEW_ROWS = 20
MAX_PREVIEW_PAGE = 5_000
"""Pages past this are read by offset over a large table: the page points to the API's
cursor paging and downloads for more."""
CHART_GROUPS = 25
MAX_CATEGORIES_FOR_DIMENSION = 500
OPERATOR_LABELS: dict[str, Text] = {
    "eq": Text(th="เท่ากับ", en="equals"),
    "ne": Text(th="ไม่เท่ากับ", en="is not"),
    "lt": Text(th="น้อยกว่า", en="less than"),
    "lte": Text(th="ไม่เกิน", en="at most"),
    "gt": Text(th="มากกว่า", en="more than"),
    "gte": Text(th="ตั้งแต่", en="at least"),
    "in": Text(th="เป็นหนึ่งใน (คั่นด้วย ,)", en="one of (comma-separated)"),
    "contains": Text(th="มีข้อความ", en="contains"),
    "search": Text(th="มีคำ (ภาษาไทยตัดคำ)", en="has the words"),
    "isnull": Text(th="ว่าง (true/false)", en="is empty (true/false)"),
}
AGG_LABELS: dict[str, Text] = {
    "sum": Text(th="ผลรวม", en="Sum"),
    "avg": Text(th="ค่าเฉลี่ย", en="Average"),
    "max": Text(th="ค่าสูงสุด", en="Maximum"),
    "min": Text(th="ค่าต่ำสุด", en="Minimum"),
    "count": Text(th="จำนวนแถว", en="Number of rows"),
}


class ColumnView(BaseModel):
    name: str
    label: str
    type: str
    numeric: bool
    operators: list[str]
    unit: str | None = None
    """The Table Schema's `unit` (khlang writes THB on amounts of money)."""
    additive: bool = True
    """False where the schema says the column's sum over rows is no total (`"additive":
    false`: a level repeated on every month, a figure to date)."""


class FilterView(BaseModel):
    parameter: str
    """`column__op=value` as the page carries it."""
    label: str
    remove_url: str


class PreviewModel(BaseModel):
    columns: list[ColumnView]
    rows: list[dict[str, Any]]
    count: int | None
    page: int
    pages: int
    sort: str
    filters: list[FilterView]
    error: str | None
    preparing: bool
    api_url: str
    download_params: str
    """The filters and sort as an API query string, for filtered downloads."""


class ChartChoice(BaseModel):
    measure: str | None
    by: str | None
    agg: str
    measures: list[ColumnView]
    dimensions: list[ColumnView]
    rows: list[dict[str, Any]]
    truncated: bool
    error: str | None
    api_url: str


def column_label(field: dict[str, Any], fmt: Formatter) -> str:
    """A column's title in the page's language: khlang writes English `title` and Thai
    `title_th` in every Table Schema it publishes; other schemas have at most a `title`."""
    return fmt.pick(field.get("title_th"), field.get("title")) or str(field.get("name"))


def column_views(schema: dict[str, Any], columns: list[Column], fmt: Formatter) -> list[ColumnView]:
    fields = {field.get("name"): field for field in schema.get("fields", [])}
    return [
        ColumnView(
            name=column.name,
            label=column_label(fields.get(column.name, {}), fmt),
            type=column.type,
            numeric=column.is_numeric,
            operators=sorted(op.value for op in column.operators),
            unit=fields.get(column.name, {}).get("unit"),
            additive=fields.get(column.name, {}).get("additive") is not False,
        )
        for column in columns
    ]


def page_filters(params: list[tuple[str, str]]) -> list[str]:
    """The page's filters, `column__op=value`, including one added by the form."""
    filters = [value for key, value in params if key == "filter" and "=" in value]
    added = {key: value for key, value in params if key in ("fcol", "fop", "fval")}
    if added.get("fcol") and added.get("fval", "").strip() != "":
        op = added.get("fop") or "eq"
        filters.append(f"{added['fcol']}__{op}={added['fval'].strip()}")
    return list(dict.fromkeys(filters))


def api_filters(filters: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for item in filters:
        key, _, value = item.partition("=")
        pairs.append((key.removesuffix("__eq"), value))
    return pairs


def _message(error: ApiError, fmt: Formatter) -> str:
    where = f"{error.parameter}: " if error.parameter else ""
    return where + fmt.text(error.message)


async def preview(
    engine: QueryEngine,
    source: TableSource,
    schema: dict[str, Any],
    params: list[tuple[str, str]],
    fmt: Formatter,
    *,
    rows_url: str,
    url_for,
) -> PreviewModel:
    """One page of rows. `url_for(params)` gives the dataset page with other parameters."""
    columns = source.columns
    views = column_views(schema, columns, fmt)
    labels = {view.name: view.label for view in views}
    filters = page_filters(params)
    sort = next((value for key, value in params if key == "sort"), "")
    page = _page(params)
    kept = [(k, v) for k, v in params if k in ("resource", "version", "measure", "by", "agg")]
    api_params = api_filters(filters) + ([("_sort", sort)] if sort else [])

    def filter_view(item: str) -> FilterView:
        key, _, value = item.partition("=")
        name, _, op = key.rpartition("__") if "__" in key else (key, "", "eq")
        label = f"{labels.get(name, name)} {fmt.text(OPERATOR_LABELS.get(op))} {value}".strip()
        rest = [("filter", other) for other in filters if other != item]
        return FilterView(
            parameter=item,
            label=label,
            remove_url=url_for([*kept, *rest, *([("sort", sort)] if sort else [])]),
        )

    model = PreviewModel(
        columns=views,
        rows=[],
        count=None,
        page=page,
        pages=1,
        sort=sort,
        filters=[filter_view(item) for item in filters],
        error=None,
        preparing=False,
        api_url=with_query(rows_url, [*api_params, ("_size", str(PREVIEW_ROWS))]),
        download_params=with_query("", api_params).lstrip("?"),
    )
    try:
        query = parse_row_query([*api_params, ("_size", str(PREVIEW_ROWS))], Schema(columns))
        found = await engine.rows(source, query, offset=(page - 1) * PREVIEW_ROWS)
    except ApiError as error:
        if error.code == "table_preparing":
            return model.model_copy(update={"preparing": True})
        return model.model_copy(update={"error": _message(error, fmt)})
    count = found.count or 0
    return model.model_copy(
        update={
            "rows": found.rows,
            "count": count,
            "pages": min(max(1, -(-count // PREVIEW_ROWS)), MAX_PREVIEW_PAGE),
        }
    )


def _page(params: list[tuple[str, str]]) -> int:
    raw = next((value for key, value in params if key == "page"), "1")
    try:
        return min(max(int(raw), 1), MAX_PREVIEW_PAGE)
    except ValueError:
        return 1


def chart_dimensions(columns: list[ColumnView]) -> list[ColumnView]:
    """Columns worth grouping by: text, year and code columns (not amounts)."""
    return [c for c in columns if not c.numeric or c.type == "year" or "year" in c.name]


def chart_measures(columns: list[ColumnView]) -> list[ColumnView]:
    return [c for c in columns if c.numeric and c.type != "year" and "year" not in c.name]


DEFAULT_DIMENSIONS = ("province_name", "district_name", "fiscal_year", "lao_name")
"""Areas from the widest down, then years: the chart a dataset page opens with."""
DOMINANT_SHARE = 0.9
"""A grouping whose largest bar holds this share of the total is one bar and slivers (a
province's dataset by province): the default chart tries the next one."""


async def chart_data(
    engine: QueryEngine,
    source: TableSource,
    views: list[ColumnView],
    params: list[tuple[str, str]],
    fmt: Formatter,
    *,
    aggregate_url: str,
) -> ChartChoice:
    """A measure summed (or averaged, ...) by a dimension, for the dataset page's chart.

    Unless the reader chose, it is the amount with the largest total (the number of rows
    when the table holds no amount) by the first of province, district, fiscal year and LAO
    that spreads it over several bars."""
    chosen = dict(params)
    measures, dimensions = chart_measures(views), chart_dimensions(views)
    names = {view.name for view in views}
    measure = chosen.get("measure") if chosen.get("measure") in names else None
    by = chosen.get("by") if chosen.get("by") in names else None
    agg = chosen.get("agg") if chosen.get("agg") in AGG_LABELS else None
    filters = api_filters(page_filters(params))
    chart = _Chart(engine, source, filters, aggregate_url)
    try:
        if measure is None and by is None and agg is None:
            return await chart.default(measures, dimensions)
        if measure is None and agg != "count":
            measure = await chart.largest_amount(measures)
        agg = agg or ("sum" if measure else "count")
        if agg != "count" and measure is None:
            agg = "count"
        by = by or (_default_dimension(dimensions) if dimensions else None)
        return await chart.draw(measure, by, agg, measures, dimensions)
    except ApiError as error:
        failed = chart.model(measure, by, agg or "sum", measures, dimensions)
        if error.code == "table_preparing":
            return failed
        return failed.model_copy(update={"error": _message(error, fmt)})


class _Chart:
    """The aggregate queries behind one dataset page's chart."""

    def __init__(
        self,
        engine: QueryEngine,
        source: TableSource,
        filters: list[tuple[str, str]],
        aggregate_url: str,
    ) -> None:
        self.engine, self.source, self.filters, self.url = engine, source, filters, aggregate_url

    def _params(self, measure: str | None, by: str | None, agg: str) -> list[tuple[str, str]]:
        aggregate = "count" if agg == "count" else f"{agg}:{measure}"
        alias = "count" if agg == "count" else f"{agg}_{measure}"
        return [*self.filters, ("_group", by or ""), ("_agg", aggregate),
                ("_sort", f"-{alias}"), ("_size", str(CHART_GROUPS))]  # fmt: skip

    def model(self, measure, by, agg, measures, dimensions) -> ChartChoice:
        return ChartChoice(
            measure=measure,
            by=by,
            agg=agg,
            measures=measures,
            dimensions=dimensions,
            rows=[],
            truncated=False,
            error=None,
            api_url=with_query(self.url, self._params(measure, by, agg)),
        )

    async def draw(self, measure, by, agg, measures, dimensions) -> ChartChoice:
        model = self.model(measure, by, agg, measures, dimensions)
        if by is None:
            return model
        params = self._params(measure, by, agg)
        result = await self.engine.aggregate(
            self.source, parse_aggregate_query(params, Schema(self.source.columns))
        )
        alias = "count" if agg == "count" else f"{agg}_{measure}"
        rows = [{"category": row[by], "value": row[alias]} for row in result.rows]
        return model.model_copy(update={"rows": rows, "truncated": result.truncated})

    async def largest_amount(self, measures: list[ColumnView]) -> str | None:
        """The amount with the largest total: of money (unit THB) when the schema says which
        columns are, else of the decimal columns (whole numbers are often codes, counts or
        row numbers, whose sums mean nothing)."""
        amounts = _amounts(measures)
        if not amounts:
            return measures[-1].name if measures else None
        params = [*self.filters, ("_agg", ",".join(f"sum:{name}" for name in amounts))]
        result = await self.engine.aggregate(
            self.source, parse_aggregate_query(params, Schema(self.source.columns))
        )
        totals = result.rows[0] if result.rows else {}
        return max(amounts, key=lambda name: abs(totals.get(f"sum_{name}") or 0))

    async def default(
        self, measures: list[ColumnView], dimensions: list[ColumnView]
    ) -> ChartChoice:
        measure = await self.largest_amount(measures) if _amounts(measures) else None
        agg = "sum" if measure else "count"
        names = [d.name for d in dimensions]
        candidates = [name for name in DEFAULT_DIMENSIONS if name in names]
        candidates += [name for name in names if name not in candidates]
        first = None
        for by in candidates[: len(DEFAULT_DIMENSIONS) + 1]:
            drawn = await self.draw(measure, by, agg, measures, dimensions)
            first = first or drawn
            if _spread(drawn.rows):
                return drawn
        return first or self.model(measure, None, agg, measures, dimensions)


def _amounts(measures: list[ColumnView]) -> list[str]:
    """The columns a default chart may sum: money, else decimals; never one whose sum over
    rows is no total (the annual allocation repeated on each month summed to twelve times
    the dashboard's figure)."""
    summable = [m for m in measures if m.additive]
    money = [m.name for m in summable if (m.unit or "").upper() == "THB"]
    return money or [m.name for m in summable if m.type == "number"]


def _spread(rows: list[dict[str, Any]]) -> bool:
    """Several bars, none of which holds nearly everything."""
    values = [abs(row["value"] or 0) for row in rows]
    total = sum(values)
    return len(values) > 1 and total > 0 and max(values) < DOMINANT_SHARE * total


def _default_dimension(dimensions: list[ColumnView]) -> str:
    for preferred in ("province_name", "district_name", "lao_name", "budget_type", "category"):
        if any(d.name == preferred for d in dimensions):
            return preferred
    named = [d for d in dimensions if d.name.endswith("_name") or d.name.endswith("_th")]
    return (named or dimensions)[0].name


def aggregate_label(agg: str, measure_label: str, fmt: Formatter) -> str:
    if agg == AggFunction.count:
        return fmt.text(AGG_LABELS["count"])
    return f"{fmt.text(AGG_LABELS[agg])} {measure_label}"


def operators_for_form() -> list[tuple[str, Text]]:
    return [(op.value, OPERATOR_LABELS[op.value]) for op in Op]
