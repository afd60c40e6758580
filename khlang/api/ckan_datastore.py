"""CKAN's DataStore read actions over khlang's query engine: `datastore_search` (filters,
full text, fields, sort, paging, `distinct`, `records_format` objects / lists / csv / tsv)
and `datastore_info`.

Rows come from the same DuckDB tables as khlang's own row API (khlang.api.query); `_id`
numbers rows from 1 in the file's order and `limit` is capped at 32,000 like CKAN's
`ckan.datastore.search.rows_max`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import anyio.from_thread

from khlang.api import json_input, service
from khlang.api.ckan_common import (
    Context,
    boolean,
    identifier,
    integer,
    listed,
    not_found,
    validation,
)
from khlang.api.errors import ApiError
from khlang.api.query.columns import Column, Op
from khlang.api.query.language import (
    Conditions,
    Filter,
    RowQuery,
    Schema,
    SortKey,
    search_text,
)
from khlang.api.query.tables import TableInfo
from khlang.api.query.values import parse_scalar
from khlang.api.state import ApiState
from khlang.catalog import NotFoundError

ROWS_MAX = 32_000
ROWS_DEFAULT = 100
RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
_TYPES = {
    "integer": "int",
    "year": "int",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
    "time": "time",
}


def _table(context: Context, data: dict[str, Any]) -> tuple[str, TableInfo]:
    """The resource id asked for and its built table; CKAN's NotFound when the resource is
    unknown, hidden from the caller, or not a table."""
    state: ApiState = context.state
    resource_id = identifier(data, "resource_id", "id")
    name = state.catalog.dataset_of_resource(resource_id)
    if name is None:
        raise not_found(f'Resource "{resource_id}" was not found.')
    try:
        table = service.table_source(state, context.principal, name, resource_id, None)
    except NotFoundError:  # hidden from the caller: never name the dataset it belongs to
        raise not_found(f'Resource "{resource_id}" was not found.') from None
    except ApiError as error:
        if error.code == "not_tabular":
            raise not_found(f'Resource "{resource_id}" is not in the DataStore') from None
        raise
    return resource_id, anyio.from_thread.run(state.engine.table, table.source)


def datastore_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Rows of a tabular resource. Parameters: resource_id, filters (a JSON object of
    field -> value or list of values), q (words in any text field), fields, sort
    (`field asc|desc`, comma-separated), limit (at most 32000), offset, include_total,
    distinct (distinct combinations of the fields), records_format (objects, lists, csv,
    tsv)."""
    state: ApiState = context.state
    resource_id, info = _table(context, data)
    schema = Schema(info.columns)
    limit = integer(data, "limit", ROWS_DEFAULT, cap=ROWS_MAX)
    offset = integer(data, "offset", 0)
    records_format = str(data.get("records_format") or "objects")
    if records_format not in RECORDS_FORMATS:
        raise validation("records_format", f"Value must be one of {list(RECORDS_FORMATS)}")
    distinct = boolean(data, "distinct", False)
    fields = _datastore_fields(data, schema)
    where = Conditions(filters=_datastore_filters(data, schema), text=_datastore_q(data))
    sort = _datastore_sort(data, schema)
    count = boolean(data, "include_total", True)
    if distinct:
        if any(key.column not in fields for key in sort):
            raise validation("sort", "with distinct, sort only by the fields you select")
        rows, total = state.engine.distinct_sync(
            info, fields, where, sort, limit=limit, offset=offset, count=count
        )
        names = fields
    else:
        query = RowQuery(where=where, sort=sort, fields=tuple(fields), size=limit, count=count)
        page = state.engine.rows_sync(info, query, offset=offset) if limit else None
        total = state.engine.count(info, where) if count else None
        rows = [
            {"_id": number + 1, **row}
            for number, row in zip(page.row_numbers, page.rows, strict=True)
        ] if page else []  # fmt: skip
        names = ["_id", *fields]
    described = [_datastore_field(schema.by_name[name]) for name in fields]
    link = f"/api/3/action/datastore_search?resource_id={resource_id}"
    result: dict[str, Any] = {
        "include_total": count,
        "resource_id": resource_id,
        "fields": described if distinct else [{"id": "_id", "type": "int"}, *described],
        "records_format": records_format,
        "records": _records([_jsonable(row) for row in rows], names, records_format),
        "limit": limit,
        "offset": offset,
        "_links": {"start": link, "next": f"{link}&offset={offset + limit}"},
    }
    if total is not None:
        result["total"] = total
        result["total_was_estimated"] = False
    for key in ("filters", "q", "sort", "distinct"):
        if data.get(key) not in (None, ""):
            result[key] = data[key]
    return result


def _records(rows: list[dict[str, Any]], names: list[str], records_format: str) -> Any:
    """Rows as CKAN's records_format asks: dicts, lists in field order, or CSV / TSV text
    without a header."""
    if records_format == "objects":
        return rows
    lists = [[row.get(name) for name in names] for row in rows]
    if records_format == "lists":
        return lists
    out = io.StringIO()
    writer = csv.writer(out, delimiter="," if records_format == "csv" else "\t",
                        lineterminator="\n")  # fmt: skip
    writer.writerows([["" if value is None else value for value in row] for row in lists])
    return out.getvalue()


def datastore_info(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """The table behind a resource: its row count and each field with its type."""
    resource_id, info = _table(context, data)
    result: dict[str, Any] = {
        "fields": [
            {
                **_datastore_field(column),
                "schema": {
                    "native_type": column.type,
                    "notnull": column.name not in info.nullable,
                    "is_index": column.name in info.cluster,
                    "index_name": None,
                    "uniquekey": False,
                },
            }
            for column in info.columns
        ]
    }
    if boolean(data, "include_meta", True):
        result["meta"] = {
            "id": resource_id,
            "count": info.row_count,
            "aliases": [],
            "table_type": "BASE TABLE",
        }
    return result


def _datastore_field(column: Column) -> dict[str, Any]:
    info = {"label": column.title} if column.title else {}
    return {"id": column.name, "type": _TYPES.get(column.type, "text"), "info": info}


def _datastore_fields(data: dict[str, Any], schema: Schema) -> list[str]:
    names = listed(data, "fields")
    if not names:
        return list(schema.by_name)
    wanted = [name for name in names if name != "_id"]
    for name in wanted:
        if name not in schema.by_name:
            raise validation("fields", f'field "{name}" not in resource')
    return wanted


def _datastore_filters(data: dict[str, Any], schema: Schema) -> tuple[Filter, ...]:
    raw = data.get("filters")
    if raw in (None, "", {}):
        return ()
    if isinstance(raw, str):
        try:
            raw = json_input.loads(raw)
        except json.JSONDecodeError:
            raise validation("filters", "Cannot parse JSON") from None
    if not isinstance(raw, dict):
        raise validation("filters", "Not a JSON object")
    filters = []
    for name, value in raw.items():
        column = schema.by_name.get(name)
        if column is None:
            raise validation("filters", f'field "{name}" not in resource')
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str | int | float | bool) for v in values):
            raise validation("filters", f'invalid value for field "{name}"')
        try:
            typed = [parse_scalar(column, _text(v), "filters") for v in values]
        except ApiError as error:
            raise validation("filters", f'field "{name}": {error.message.en}') from None
        if len(typed) == 1:
            filters.append(Filter(column=name, op=Op.eq, value=typed[0], parameter="filters"))
        else:
            filters.append(Filter(column=name, op=Op.in_, value=typed, parameter="filters"))
    return tuple(filters)


def _text(value: str | int | float | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _datastore_q(data: dict[str, Any]) -> str | None:
    q = data.get("q")
    if q in (None, ""):
        return None
    if isinstance(q, dict):
        raise validation("q", "per-field full-text search is not supported; use filters")
    if isinstance(q, str) and q.strip().startswith("{"):
        raise validation("q", "per-field full-text search is not supported; use filters")
    return search_text(str(q), "q")


def _datastore_sort(data: dict[str, Any], schema: Schema) -> tuple[SortKey, ...]:
    raw = data.get("sort")
    if raw in (None, ""):
        return ()
    items = raw if isinstance(raw, list) else str(raw).split(",")
    keys = []
    for item in items:
        parts = str(item).strip().strip('"').split()
        if not parts or parts[0].strip('"') not in schema.by_name or len(parts) > 2:
            raise validation("sort", f'field "{item}" not in resource')
        direction = parts[1].lower() if len(parts) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise validation("sort", f'invalid sort direction "{parts[1]}"')
        keys.append(SortKey(column=parts[0].strip('"'), descending=direction == "desc"))
    return tuple(keys)


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, dt.date | dt.datetime | dt.time) else value
        for key, value in record.items()
    }
