"""The query parameter language of the rows, aggregate and download endpoints.

    ?province_code=50                     equals (same as province_code__eq=50)
    ?allocated__gte=5000000               eq ne lt lte gt gte in contains search isnull
    ?fiscal_year__in=2566,2567            a list (or a JSON array when a value has a comma)
    ?project_name__search=ถนนคอนกรีต      Thai word search (words segmented with pythainlp)
    ?_q=ถนน เชียงใหม่                       word search over every text column
    ?_sort=-allocated,line_id             sort, `-` for descending
    ?_fields=line_id,allocated            which columns to return
    ?_size=100  ?_cursor=...  ?_count=false  ?_facet=budget_type
    ?_group=province_code,fiscal_year&_agg=sum:allocated,count      (aggregate endpoint)

Parameters that start with `_` are khlang's; everything else names a column of the resource's
Table Schema. Every name is checked against the schema and every value is read as its
column's type here, so nothing from the URL reaches SQL except as a bound value.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

from khlang.api.errors import bad_parameter
from khlang.api.query.columns import Column, Op
from khlang.api.query.values import parse_flag, parse_list, parse_scalar
from khlang.catalog.search.words import query_terms

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1_000
DEFAULT_GROUPS = 1_000
MAX_GROUPS = 10_000
MAX_FILTERS = 50
MAX_SORT_KEYS = 5
MAX_GROUP_COLUMNS = 5
MAX_AGGREGATES = 10
MAX_FACETS = 5
MAX_SEARCH_LENGTH = 200
"""Characters of a text search (`_q`, `__search`, `__contains`, CKAN's `q`)."""
MAX_SEARCH_WORDS = 10
"""Distinct words of a text search: each is one bit of the predicate `_q` compiles to."""


class Filter(BaseModel):
    model_config = ConfigDict(frozen=True)

    column: str
    op: Op
    value: Any
    parameter: str


class SortKey(BaseModel):
    model_config = ConfigDict(frozen=True)

    column: str
    descending: bool = False


class AggFunction(enum.StrEnum):
    sum = "sum"
    avg = "avg"
    min = "min"
    max = "max"
    count = "count"


class Aggregate(BaseModel):
    model_config = ConfigDict(frozen=True)

    function: AggFunction
    column: str | None
    """None for `count` of rows."""

    @property
    def alias(self) -> str:
        return self.function.value if self.column is None else f"{self.function}_{self.column}"


class Conditions(BaseModel):
    """What selects rows: column filters and a word search over every text column."""

    model_config = ConfigDict(frozen=True)

    filters: tuple[Filter, ...] = ()
    text: str | None = None


class RowQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    where: Conditions = Conditions()
    sort: tuple[SortKey, ...] = ()
    fields: tuple[str, ...] | None = None
    size: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None
    offset: int = 0
    count: bool = True
    facets: tuple[str, ...] = ()


class AggregateQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    where: Conditions = Conditions()
    group_by: tuple[str, ...] = ()
    aggregates: tuple[Aggregate, ...] = (Aggregate(function=AggFunction.count, column=None),)
    sort: tuple[SortKey, ...] = ()
    size: int = DEFAULT_GROUPS


ROW_PARAMETERS = frozenset({"_q", "_sort", "_fields", "_size", "_cursor", "_count", "_facet"})
AGGREGATE_PARAMETERS = frozenset({"_q", "_group", "_agg", "_sort", "_size"})
DOWNLOAD_PARAMETERS = frozenset({"_q", "_sort", "_fields"})


class Schema:
    """The columns of one resource, looked up by name with helpful errors."""

    def __init__(self, columns: list[Column]) -> None:
        self.columns = columns
        self.by_name = {column.name: column for column in columns}

    def column(self, name: str, parameter: str) -> Column:
        found = self.by_name.get(name)
        if found is not None:
            return found
        close = difflib.get_close_matches(name, list(self.by_name), n=3)
        hint_en = f"; did you mean {', '.join(close)}?" if close else ""
        hint_th = f" หรือหมายถึง {', '.join(close)}" if close else ""
        names = ", ".join(self.by_name)
        raise bad_parameter(
            parameter,
            f"ไม่มีคอลัมน์ '{_shown(name)}'{hint_th} (คอลัมน์ที่มี: {names})",
            f"unknown column '{_shown(name)}'{hint_en} (columns: {names})",
            code="unknown_column",
        )


def parse_row_query(
    params: Iterable[tuple[str, str]], schema: Schema, *, extra: frozenset[str] = frozenset()
) -> RowQuery:
    """A RowQuery from the query string; `extra` names the endpoint's own parameters, which
    are left to it."""
    options, filters = _split(params, schema, ROW_PARAMETERS, extra)
    return RowQuery(
        where=_conditions(filters, options.get("_q"), schema),
        sort=_sort(options.get("_sort"), schema),
        fields=_names(options["_fields"], schema, "_fields") if "_fields" in options else None,
        size=_size(options.get("_size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, minimum=0),
        cursor=options.get("_cursor") or None,
        count=parse_flag(options["_count"], "_count") if "_count" in options else True,
        facets=_facets(options.get("_facet", []), schema),
    )


def parse_aggregate_query(
    params: Iterable[tuple[str, str]], schema: Schema, *, extra: frozenset[str] = frozenset()
) -> AggregateQuery:
    options, filters = _split(params, schema, AGGREGATE_PARAMETERS, extra)
    group_by = _names(options["_group"], schema, "_group") if options.get("_group") else ()
    _at_most("_group", len(group_by), MAX_GROUP_COLUMNS, "คอลัมน์ที่จัดกลุ่ม", "group columns")
    aggregates = _aggregates(options.get("_agg"), schema)
    clash = set(group_by) & {agg.alias for agg in aggregates}
    if clash:
        raise bad_parameter(
            "_agg",
            f"ชื่อผลรวม {', '.join(sorted(clash))} ซ้ำกับคอลัมน์ที่จัดกลุ่ม",
            f"aggregate name {', '.join(sorted(clash))} is also a grouped column",
        )
    return AggregateQuery(
        where=_conditions(filters, options.get("_q"), schema),
        group_by=group_by,
        aggregates=aggregates,
        sort=_aggregate_sort(options.get("_sort"), [*group_by, *(a.alias for a in aggregates)]),
        size=_size(options.get("_size"), DEFAULT_GROUPS, MAX_GROUPS),
    )


def parse_download_query(
    params: Iterable[tuple[str, str]], schema: Schema, *, extra: frozenset[str] = frozenset()
) -> RowQuery:
    """Downloads take filters, sort and fields, and no page size: they stream every row."""
    options, filters = _split(params, schema, DOWNLOAD_PARAMETERS, extra)
    return RowQuery(
        where=_conditions(filters, options.get("_q"), schema),
        sort=_sort(options.get("_sort"), schema),
        fields=_names(options["_fields"], schema, "_fields") if "_fields" in options else None,
        count=False,
    )


def _split(
    params: Iterable[tuple[str, str]],
    schema: Schema,
    allowed: frozenset[str],
    extra: frozenset[str],
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Options (khlang's `_` parameters) apart from filters. A column whose name starts with
    `_` is still filtered by name; a `_` parameter that is neither is refused by name."""
    options: dict[str, Any] = {}
    filters: list[tuple[str, str]] = []
    for key, value in params:
        if key in extra:
            continue
        if key in allowed:
            if key == "_facet":
                options.setdefault(key, []).append(value)
            elif key in options:
                raise bad_parameter(key, "ระบุพารามิเตอร์นี้ซ้ำ", "the parameter is given twice")
            else:
                options[key] = value
        elif key.startswith("_") and _column_part(key) not in schema.by_name:
            known = ", ".join(sorted(allowed | extra))
            raise bad_parameter(
                key,
                f"ไม่รู้จักพารามิเตอร์ '{_shown(key)}' (ที่ใช้ได้: {known})",
                f"unknown parameter '{_shown(key)}' (known: {known})",
                code="unknown_parameter",
            )
        else:
            filters.append((key, value))
    return options, filters


def _column_part(key: str) -> str:
    return key.rsplit("__", 1)[0] if "__" in key.lstrip("_") else key


def _conditions(items: list[tuple[str, str]], text: str | None, schema: Schema) -> Conditions:
    if len(items) > MAX_FILTERS:
        _at_most(items[MAX_FILTERS][0], len(items), MAX_FILTERS, "ตัวกรอง", "filters")
    filters = tuple(_filter(key, value, schema) for key, value in items)
    return Conditions(filters=filters, text=search_text(text, "_q") if text else None)


def search_text(raw: str, parameter: str) -> str | None:
    """A text search as the caller gave it, checked against the bounds that keep its
    query's cost small (MAX_SEARCH_LENGTH characters, MAX_SEARCH_WORDS words); None when
    it is blank."""
    text = raw.strip()
    if len(text) > MAX_SEARCH_LENGTH:
        raise bad_parameter(
            parameter,
            f"ข้อความค้นหายาวเกิน {MAX_SEARCH_LENGTH} ตัวอักษร",
            f"the search text is longer than {MAX_SEARCH_LENGTH} characters",
            code="search_too_long",
        )
    found = len(query_terms(text))
    if found > MAX_SEARCH_WORDS:
        raise bad_parameter(
            parameter,
            f"ข้อความค้นหามี {found} คำ ค้นได้ไม่เกิน {MAX_SEARCH_WORDS} คำ",
            f"the search text has {found} words; at most {MAX_SEARCH_WORDS} are searched",
            code="search_too_many_words",
        )
    return text or None


def _filter(key: str, raw: str, schema: Schema) -> Filter:
    if key in schema.by_name:
        name, op_name = key, "eq"
    elif "__" in key:
        name, op_name = key.rsplit("__", 1)
    else:
        name, op_name = key, "eq"
    column = schema.column(name, key)
    try:
        op = Op(op_name)
    except ValueError:
        op = None
    if op is None or op not in column.operators:
        allowed = ", ".join(sorted(o.value for o in column.operators))
        raise bad_parameter(
            key,
            f"ตัวดำเนินการ '{_shown(op_name)}' ใช้กับคอลัมน์ {name} ({column.type}) ไม่ได้ "
            f"(ที่ใช้ได้: {allowed})",
            f"operator '{_shown(op_name)}' does not apply to column {name} ({column.type}) "
            f"(allowed: {allowed})",
            code="bad_operator",
        )
    if op is Op.in_:
        value: Any = parse_list(column, raw, key)
    elif op is Op.isnull:
        value = parse_flag(raw, key)
    elif op in (Op.contains, Op.search):
        value = search_text(raw, key)
        if value is None:
            raise bad_parameter(key, "ข้อความค้นหาว่าง", "the search text is empty")
    else:
        value = parse_scalar(column, raw, key)
    return Filter(column=name, op=op, value=value, parameter=key)


def _names(raw: str, schema: Schema, parameter: str) -> tuple[str, ...]:
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if not names:
        raise bad_parameter(parameter, "ไม่ได้ระบุชื่อคอลัมน์", "no column names given")
    for name in names:
        schema.column(name, parameter)
    if len(set(names)) != len(names):
        raise bad_parameter(parameter, "ชื่อคอลัมน์ซ้ำ", "a column is named twice")
    return tuple(names)


def _sort(raw: str | None, schema: Schema) -> tuple[SortKey, ...]:
    if not raw:
        return ()
    keys = []
    for item in raw.split(","):
        name = item.strip()
        descending = name.startswith("-")
        name = name.lstrip("-+").strip()
        schema.column(name, "_sort")
        keys.append(SortKey(column=name, descending=descending))
    _check_sort(keys)
    return tuple(keys)


def _aggregate_sort(raw: str | None, outputs: list[str]) -> tuple[SortKey, ...]:
    if not raw:
        return ()
    keys = []
    for item in raw.split(","):
        name = item.strip()
        descending = name.startswith("-")
        name = name.lstrip("-+").strip()
        if name not in outputs:
            known = ", ".join(outputs)
            raise bad_parameter(
                "_sort",
                f"เรียงได้เฉพาะตามคอลัมน์ของผลลัพธ์ ({known}) ไม่ใช่ '{_shown(name)}'",
                f"sort by a column of the result ({known}), not '{_shown(name)}'",
                code="unknown_column",
            )
        keys.append(SortKey(column=name, descending=descending))
    _check_sort(keys)
    return tuple(keys)


def _check_sort(keys: list[SortKey]) -> None:
    _at_most("_sort", len(keys), MAX_SORT_KEYS, "คอลัมน์ที่เรียง", "sort columns")
    if len({key.column for key in keys}) != len(keys):
        raise bad_parameter("_sort", "เรียงตามคอลัมน์เดียวกันซ้ำ", "a column is sorted twice")


def _aggregates(raw: str | None, schema: Schema) -> tuple[Aggregate, ...]:
    if not raw:
        return (Aggregate(function=AggFunction.count, column=None),)
    aggregates = []
    for item in raw.split(","):
        text = item.strip()
        function_name, _, column_name = text.partition(":")
        try:
            function = AggFunction(function_name.strip())
        except ValueError:
            raise bad_parameter(
                "_agg",
                f"ไม่รู้จักฟังก์ชัน '{_shown(function_name)}' (ที่ใช้ได้: sum, avg, min, max, count)",
                f"unknown function '{_shown(function_name)}' (known: sum, avg, min, max, count)",
                code="bad_aggregate",
            ) from None
        column_name = column_name.strip()
        if not column_name:
            if function is not AggFunction.count:
                raise bad_parameter(
                    "_agg",
                    f"{function} ต้องระบุคอลัมน์ เช่น {function}:allocated",
                    f"{function} needs a column, as in {function}:allocated",
                    code="bad_aggregate",
                )
            aggregates.append(Aggregate(function=function, column=None))
            continue
        column = schema.column(column_name, "_agg")
        if function in (AggFunction.sum, AggFunction.avg) and not column.is_numeric:
            raise bad_parameter(
                "_agg",
                f"{function} ใช้ได้กับคอลัมน์ตัวเลขเท่านั้น แต่ {column.name} เป็น {column.type}",
                f"{function} needs a numeric column; {column.name} is {column.type}",
                code="bad_aggregate",
            )
        aggregates.append(Aggregate(function=function, column=column.name))
    _at_most("_agg", len(aggregates), MAX_AGGREGATES, "รายการที่คำนวณ", "aggregates")
    if len({agg.alias for agg in aggregates}) != len(aggregates):
        raise bad_parameter("_agg", "คำนวณรายการเดียวกันซ้ำ", "an aggregate is given twice")
    return tuple(aggregates)


def _facets(names: list[str], schema: Schema) -> tuple[str, ...]:
    for name in names:
        schema.column(name.strip(), "_facet")
    _at_most("_facet", len(names), MAX_FACETS, "facet", "facets")
    return tuple(dict.fromkeys(name.strip() for name in names))


def _at_most(parameter: str, count: int, maximum: int, th: str, en: str) -> None:
    if count > maximum:
        raise bad_parameter(
            parameter,
            f"ใช้{th}ได้ไม่เกิน {maximum} (ได้รับ {count})",
            f"at most {maximum} {en} are allowed (got {count})",
            code="too_many",
        )


def _size(raw: str | None, default: int, maximum: int, *, minimum: int = 1) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_parameter(
            "_size", f"'{_shown(raw)}' ไม่ใช่จำนวนเต็ม", f"'{_shown(raw)}' is not an integer"
        ) from None
    if not minimum <= value <= maximum:
        raise bad_parameter(
            "_size",
            f"ต้องอยู่ระหว่าง {minimum} ถึง {maximum}",
            f"must be between {minimum} and {maximum}",
            code="size_out_of_range",
        )
    return value


def _shown(text: str) -> str:
    """User text quoted back in an error, cut short so a huge parameter is not echoed."""
    return text if len(text) <= 60 else text[:60] + "…"
