"""An OpenAPI description of one tabular resource, generated from its Table Schema.

khlang's own `/openapi.json` documents the rows endpoint in general terms; this one names the
resource's real columns, their types and titles, and every filter each allows, so a client
generator or a person reading Swagger sees `fiscal_year__gte: integer` instead of "any
column".
"""

from __future__ import annotations

from typing import Any

from khlang.api.query.columns import SQL_TYPES, Column, Op
from khlang.api.query.language import DEFAULT_PAGE_SIZE, MAX_GROUPS, MAX_PAGE_SIZE, AggFunction
from khlang.catalog.records import ResourceRecord

_JSON_TYPES = {
    "integer": {"type": "integer"},
    "year": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "time": {"type": "string", "format": "time"},
}
_OP_TEXT = {
    Op.eq: "equals",
    Op.ne: "does not equal (rows without a value included)",
    Op.lt: "less than",
    Op.lte: "at most",
    Op.gt: "greater than",
    Op.gte: "at least",
    Op.in_: "one of (comma-separated, or a JSON array)",
    Op.contains: "contains the text (case-insensitive)",
    Op.search: "contains every word (Thai segmented with pythainlp)",
    Op.isnull: "has no value (true) or has one (false)",
}


def _value_schema(column: Column) -> dict[str, Any]:
    return dict(_JSON_TYPES.get(column.type, {"type": "string"}))


def _filters(columns: list[Column]) -> list[dict[str, Any]]:
    parameters = []
    for column in columns:
        label = f"{column.title} ({column.name})" if column.title else column.name
        for op in sorted(column.operators, key=list(Op).index):
            name = column.name if op is Op.eq else f"{column.name}__{op.value}"
            if op is Op.isnull:
                schema: dict[str, Any] = {"type": "boolean"}
            elif op in (Op.in_, Op.contains, Op.search):
                schema = {"type": "string"}
            else:
                schema = _value_schema(column)
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "description": f"{label}: {_OP_TEXT[op]}",
                    "schema": schema,
                }
            )
    return parameters


def _option(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def resource_openapi(
    dataset: str, item: ResourceRecord, columns: list[Column], base: str, version: int
) -> dict[str, Any]:
    names = [column.name for column in columns]
    row_schema = {
        "type": "object",
        "properties": {
            c.name: {
                **_value_schema(c),
                "title": c.title or c.name,
                "description": c.description or "",
            }
            for c in columns
        },
    }
    version_parameter = _option(
        "version", "A version number; the current one when left out.", {"type": "integer"}
    )
    shared = [
        *_filters(columns),
        _option("_q", "Words to find in any text column.", {"type": "string"}),
    ]
    sort = _option(
        "_sort",
        "Comma-separated columns, `-` for descending: " + ", ".join(names),
        {"type": "string"},
    )
    fields = _option(
        "_fields", "Comma-separated columns to return: " + ", ".join(names), {"type": "string"}
    )
    title = item.metadata.name or item.id
    prefix = f"/api/v1/datasets/{dataset}/resources/{item.id}"
    numeric = [c.name for c in columns if c.is_numeric]
    example_group = next((c.name for c in columns if c.sql_type != "DOUBLE"), names[0])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{title}: rows and aggregates",
            "version": str(version),
            "description": item.metadata.description or "",
        },
        "servers": [{"url": base}],
        "paths": {
            f"{prefix}/rows": {
                "get": {
                    "summary": f"Rows of {title}",
                    "parameters": [
                        *shared,
                        sort,
                        fields,
                        _option(
                            "_size",
                            f"Rows per page (0-{MAX_PAGE_SIZE}).",
                            {"type": "integer", "default": DEFAULT_PAGE_SIZE},
                        ),
                        _option(
                            "_cursor", "The next_cursor of the previous page.", {"type": "string"}
                        ),
                        _option(
                            "_count",
                            "Include the exact count.",
                            {"type": "boolean", "default": True},
                        ),
                        _option(
                            "_facet",
                            "A column to count values of (repeatable).",
                            {"type": "string", "enum": names},
                        ),
                        version_parameter,
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of rows",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "rows": {"type": "array", "items": row_schema},
                                            "count": {"type": ["integer", "null"]},
                                            "next_cursor": {"type": ["string", "null"]},
                                            "next": {"type": ["string", "null"]},
                                        },
                                    }
                                }
                            },
                        },
                        "400": {"description": "A parameter is wrong; the error names it."},
                    },
                }
            },
            f"{prefix}/aggregate": {
                "get": {
                    "summary": f"Aggregates of {title}",
                    "parameters": [
                        *shared,
                        _option(
                            "_group",
                            "Comma-separated columns to group by: " + ", ".join(names),
                            {"type": "string", "example": example_group},
                        ),
                        _option(
                            "_agg",
                            "Comma-separated function:column; functions "
                            + ", ".join(f.value for f in AggFunction)
                            + (
                                f"; sum and avg take a numeric column: {', '.join(numeric)}"
                                if numeric
                                else ""
                            ),
                            {
                                "type": "string",
                                "example": f"sum:{numeric[0]},count" if numeric else "count",
                            },
                        ),
                        _option(
                            "_sort",
                            "A group column or an aggregate name, `-` for descending.",
                            {"type": "string"},
                        ),
                        _option(
                            "_size",
                            f"Groups at most (1-{MAX_GROUPS}).",
                            {"type": "integer", "default": 1000},
                        ),
                        version_parameter,
                    ],
                    "responses": {
                        "200": {"description": "Groups"},
                        "400": {"description": "Bad parameter"},
                    },
                }
            },
            **{
                f"{prefix}/download.{fmt}": {
                    "get": {
                        "summary": f"Download {title} as {fmt.upper()}",
                        "parameters": [
                            *shared,
                            sort,
                            fields,
                            version_parameter,
                            *(
                                [
                                    _option(
                                        "bom",
                                        "Add a UTF-8 byte-order mark for Excel.",
                                        {"type": "boolean"},
                                    ),
                                    _option(
                                        "headers",
                                        "The header row: column names, or the Table "
                                        "Schema's Thai (th) or English (en) titles.",
                                        {"type": "string", "enum": ["name", "th", "en"]},
                                    ),
                                ]
                                if fmt == "csv"
                                else []
                            ),
                        ],
                        "responses": {
                            "200": {"description": f"The rows as {fmt.upper()}, streamed"}
                        },
                    }
                }
                for fmt in ("csv", "json", "ndjson", "parquet")
            },
        },
        "x-khlang-columns": [
            {
                "name": c.name,
                "type": c.type,
                "sql_type": SQL_TYPES.get(c.type, "VARCHAR"),
                "title": c.title,
                "filters": sorted(op.value for op in c.operators),
            }
            for c in columns
        ],
    }
