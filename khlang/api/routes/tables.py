"""Rows, aggregates and downloads of a tabular resource, and a description of them generated
from its Table Schema."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated
from urllib.parse import quote, urlencode

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from khlang.api import service
from khlang.api.downloads import HEADER_STYLES, MEDIA_TYPES, stream
from khlang.api.errors import ApiError, bad_parameter
from khlang.api.http import (
    IMMUTABLE,
    PRIVATE,
    base_url,
    cached_response,
    etag_of,
    json_bytes,
    not_modified,
)
from khlang.api.openapi_tables import resource_openapi
from khlang.api.query.language import (
    Schema,
    parse_aggregate_query,
    parse_download_query,
    parse_row_query,
)
from khlang.api.query.values import parse_flag
from khlang.api.state import ApiState, api_state, caller
from khlang.catalog import Principal
from khlang.catalog.records import ResourceRecord
from khlang.i18n import Text

router = APIRouter(
    prefix=f"{service.API}/datasets/{{name}}/resources/{{resource_id}}", tags=["tables"]
)
State = Annotated[ApiState, Depends(api_state)]
Caller = Annotated[Principal, Depends(caller)]
VERSION = "version"
ENDPOINT_PARAMETERS = frozenset({VERSION})
Version = Annotated[
    int | None, Query(ge=1, description="Pin a version; the current one when left out.")
]
ROWS_DESCRIPTION = """Rows of the table, filtered, sorted and paged by cursor.

Filters name a column of the resource's Table Schema: `column=value` (equals) or
`column__op=value` with op one of `eq ne lt lte gt gte in contains search isnull`
(`in` takes a comma-separated list or a JSON array; `search` matches Thai and English
words). `_q` searches words in every text column. `_sort=-allocated,line_id`,
`_fields=a,b`, `_size` (1-1000, default 100; 0 for counts and facets only), `_cursor` (the
`next_cursor` of the previous page), `_count=false` to skip the exact count,
`_facet=column` (repeatable) for value counts. See `/openapi.json` of the resource for its
columns and the filters each allows."""


def _params(request: Request) -> list[tuple[str, str]]:
    return list(request.query_params.multi_items())


def _cache(private: bool, version: int | None) -> str:
    if private:
        return PRIVATE
    return IMMUTABLE if version is not None else "public, max-age=60"


@router.get("", summary="A resource: metadata, Table Schema and query links")
def resource(
    request: Request,
    state: State,
    principal: Caller,
    name: str,
    resource_id: str,
    version: Version = None,
) -> Response:
    record = service.version_record(state, principal, name, version)
    item = record.resource(resource_id)
    if item is None:
        raise service.no_resource(name, resource_id)
    view = service.resource_view(name, item, base_url(request))
    body = {
        **view.model_dump(mode="json"),
        "schema": item.metadata.table_schema,
        "version": record.number,
    }
    return cached_response(
        request,
        json_bytes(body),
        media_type="application/json",
        etag=etag_of("resource", record.content_hash, resource_id, base_url(request)),
        cache_control=_cache(service.dataset_record(state, principal, name).private, version),
    )


@router.get(
    "/rows", summary="Rows: filter, sort, select, page by cursor", description=ROWS_DESCRIPTION
)
async def rows(
    request: Request,
    state: State,
    principal: Caller,
    name: str,
    resource_id: str,
    version: Version = None,
) -> Response:
    table, info, params = await _open(request, state, principal, name, resource_id, version)
    query = parse_row_query(params, Schema(info.columns), extra=ENDPOINT_PARAMETERS)
    etag, cache = etag_of("rows", info.key, params), _cache(table.private, version)
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": cache})
    next_base = f"{base_url(request)}{request.url.path}"

    def answer() -> bytes:  # in the query pool: the JSON of a big page costs as much as its SQL
        page = state.engine.rows_sync(info, query)
        next_url = None
        if page.next_cursor:
            kept = [(k, v) for k, v in params if k != "_cursor"] + [("_cursor", page.next_cursor)]
            next_url = f"{next_base}?{urlencode(kept)}"
        return json_bytes(
            {
                "dataset": name,
                "resource": table.resource.id,
                "version": table.version.number,
                "columns": [
                    {"name": c.name, "type": c.type, "title": c.title} for c in page.columns
                ],
                "rows": page.rows,
                "count": page.count,
                "next_cursor": page.next_cursor,
                "next": next_url,
                "facets": page.facets,
            }
        )

    content = await state.engine.run(answer)
    return cached_response(
        request, content, media_type="application/json", etag=etag, cache_control=cache
    )


@router.get(
    "/aggregate",
    summary="Group and sum, average, count, min or max",
    description="`_group=province_code,fiscal_year&_agg=sum:allocated,count` with the same "
    "filters as rows; `_sort` by a group column or an aggregate (`-sum_allocated`); `_size` "
    "groups at most (default 1000, at most 10000; `truncated` says when there were more).",
)
async def aggregate(
    request: Request,
    state: State,
    principal: Caller,
    name: str,
    resource_id: str,
    version: Version = None,
) -> Response:
    table, info, params = await _open(request, state, principal, name, resource_id, version)
    query = parse_aggregate_query(params, Schema(info.columns), extra=ENDPOINT_PARAMETERS)
    etag, cache = etag_of("aggregate", info.key, params), _cache(table.private, version)
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": cache})

    def answer() -> bytes:  # in the query pool, as the rows' JSON
        result = state.engine.aggregate_sync(info, query)
        return json_bytes(
            {
                "dataset": name,
                "resource": table.resource.id,
                "version": table.version.number,
                **result.model_dump(mode="json"),
            }
        )

    content = await state.engine.run(answer)
    return cached_response(
        request, content, media_type="application/json", etag=etag, cache_control=cache
    )


@router.get(
    "/download.{format}",
    summary="Download every row (or the filtered rows): csv, json, ndjson or parquet",
    description="Streams. Takes the filters, `_sort` and `_fields` of rows. CSV is UTF-8; "
    "`bom=1` adds the byte-order mark Excel needs for Thai; `headers=th` (or `en`) writes the "
    "Table Schema's Thai (or English) column titles as the header row instead of the column "
    "names; text cells starting with = + - @ are prefixed with ' so a spreadsheet does not "
    "run them. The file is named after the dataset, the table and the version. The file "
    "exactly as published is at the resource's `download_url`.",
)
async def download(
    request: Request,
    state: State,
    principal: Caller,
    name: str,
    resource_id: str,
    format: str,
    version: Version = None,
) -> Response:
    if format not in MEDIA_TYPES:
        raise ApiError(
            Text(th="ใช้ได้: csv, json, ndjson, parquet", en="use one of csv, json, ndjson, parquet"),
            code="not_found",
            status=404,
            parameter="format",
        )
    table, info, params = await _open(request, state, principal, name, resource_id, version)
    bom_values = [value for key, value in params if key in ("bom", "_bom")]
    bom = parse_flag(bom_values[-1], "bom") if bom_values else False
    header_style = _header_style(params, format)
    query = parse_download_query(
        params, Schema(info.columns), extra=ENDPOINT_PARAMETERS | {"bom", "_bom", "headers"}
    )
    etag = etag_of("download", info.key, params, format)
    filename = download_filename(name, table.resource, table.version.number, format)
    headers = {
        "ETag": etag,
        "Cache-Control": _cache(table.private, version),
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
    }
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    chunks = stream(
        state.engine,
        info,
        query,
        format,  # type: ignore[arg-type]
        bom=bom,
        header_style=header_style,
        schema=table.resource.metadata.table_schema,
    )
    return StreamingResponse(chunks, media_type=MEDIA_TYPES[format], headers=headers)


def _header_style(params: list[tuple[str, str]], format: str) -> str:
    """`headers=name|th|en`: a CSV's header row (column names, Thai or English titles)."""
    values = [value for key, value in params if key == "headers"]
    if not values:
        return "name"
    if format != "csv":
        raise bad_parameter(
            "headers", "headers ใช้ได้กับ CSV เท่านั้น", "headers applies to CSV downloads only"
        )
    style = values[-1].strip().lower()
    if style not in HEADER_STYLES:
        raise bad_parameter(
            "headers", "ใช้ได้: name, th, en", f"'{values[-1][:40]}': use one of name, th, en"
        )
    return style


def download_filename(dataset: str, resource: ResourceRecord, version: int, format: str) -> str:
    """`<dataset>-<table>-v<version>.<format>`: the table named by its published file name
    (without the extension), so downloads of several tables and datasets stay apart and say
    what they hold."""
    table = PurePosixPath(resource.filename or "").stem or resource.id
    return f"{dataset}-{table}-v{version}.{format}"


@router.get(
    "/openapi.json",
    summary="An OpenAPI description of this resource's rows, aggregate and download endpoints",
    description="Generated from the Table Schema: every column with its type and the filters "
    "it allows.",
)
def openapi(
    request: Request,
    state: State,
    principal: Caller,
    name: str,
    resource_id: str,
    version: Version = None,
) -> Response:
    table = service.table_source(state, principal, name, resource_id, version)
    record, item = table.version, table.resource
    document = resource_openapi(name, item, table.source.columns, base_url(request), record.number)
    return cached_response(
        request,
        json_bytes(document),
        media_type="application/json",
        etag=etag_of("openapi", record.content_hash, resource_id, base_url(request)),
        cache_control=_cache(table.private, version),
    )


async def _open(
    request: Request,
    state: ApiState,
    principal: Principal,
    name: str,
    resource_id: str,
    version: int | None,
):
    """The resource's table, ready to query, and the request's parameters."""
    table = await _resolve(state, principal, name, resource_id, version)
    info = await state.engine.table(table.source)
    return table, info, _params(request)


async def _resolve(
    state: ApiState, principal: Principal, name: str, resource_id: str, version: int | None
) -> service.ResolvedTable:
    return await anyio.to_thread.run_sync(
        service.table_source, state, principal, name, resource_id, version
    )
