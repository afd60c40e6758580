"""The area-budget store over HTTP: totals by any breakdown with filters, the amounts behind
each total (dataset, version, table and row), conflicts between sources, and the tables
that feed the store. Every figure links to its evidence. See docs/area-budget.md."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request, Response

from khlang.api import service
from khlang.api.area_params import (
    area_query,
    check_names,
    counted,
    dimensions,
    integer,
    query_string,
    uncounted,
)
from khlang.api.http import PRIVATE, base_url, cached_response, etag_of, json_bytes
from khlang.api.state import ApiState, api_state, caller
from khlang.catalog import ANONYMOUS, Principal
from khlang.catalog.area_budget import (
    STAGES,
    AmountRecord,
    AreaQuery,
    amounts,
    conflicts,
    per_scope,
    sources,
    stamp,
    totals,
)

PATH = f"{service.API}/area-budget"
router = APIRouter(prefix=PATH, tags=["area budget"])
State = Annotated[ApiState, Depends(api_state)]
Caller = Annotated[Principal, Depends(caller)]
MAX_PAGE = 1000
NO_DATA = {
    "th": "null = ไม่มีข้อมูล (ไม่มีแหล่งใดรายงานขั้นตอนนี้) ไม่ใช่ศูนย์ จำนวนเงินเป็นบาท (ข้อความทศนิยม 2 ตำแหน่ง)",
    "en": "null = no data (no source reports this stage), not zero; amounts are baht, as "
    "decimal strings with two places",
}
FILTER_HELP = (
    "Filters (repeat one, or separate values with commas, to accept any; an empty value "
    "selects amounts with none there): scope (state, local), fiscal_year, stage, area_level, "
    "province, district, subdistrict (DOPA codes), lao (LAO key), ministry, department, "
    "budget_unit (code, or name where a source has none), budget_type, source_of_funds, "
    "source_system, organization, dataset."
)


def _params(request: Request) -> list[tuple[str, str]]:
    return list(request.query_params.multi_items())


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _answer(request: Request, state: State, principal: Principal, body: Any) -> Response:
    """Anonymous answers may be cached by anyone; a signed-in caller's may include private
    datasets and are not shared."""
    public = principal == ANONYMOUS
    return cached_response(
        request,
        json_bytes(body),
        media_type="application/json",
        etag=etag_of("area-budget", str(request.url), stamp(state.catalog), principal.name),
        cache_control="public, max-age=60" if public else PRIVATE,
    )


@router.get(
    "/totals",
    summary="Counted baht by stage, broken down by any dimensions",
    description="`by` names the dimensions (repeat or comma-separate): scope, fiscal_year, "
    "area_level, province, district, subdistrict, lao, ministry, department, budget_unit, "
    "budget_type, source_of_funds, source_system, organization, dataset. Each row carries "
    "the counted amounts by stage (null where no source reports the stage: no data, not "
    "zero); the disbursement rate over the lines that report both allocated and disbursed "
    "(`rate_allocated`, `rate_disbursed`; null when none does: a line whose disbursement "
    "no source reports is not 0 % disbursed); how many amounts were counted and how many "
    "duplicates were left out; the datasets behind "
    "it, and the URLs of its amounts and duplicates. A row whose every amount is a "
    "duplicate (a dataset that repeats lines another source's counts) is left out, unless "
    "`uncounted=true`: then it is listed with no figures and its number of duplicates. "
    + FILTER_HELP,
)
def area_totals(request: Request, state: State, principal: Caller) -> Response:
    params = _params(request)
    check_names(params, ["by", "uncounted"])
    query = area_query(params)
    by = per_scope(query, dimensions(params))
    base = base_url(request)
    rows = totals(state.catalog, query, by, viewer=principal, uncounted=uncounted(params))
    body = {
        "by": by,
        "filters": query.filters(),
        "unit": "THB",
        "note": NO_DATA,
        "rows": [
            {
                "key": row.key,
                **{stage: _money(getattr(row.figures, stage)) for stage in STAGES},
                "disbursement_rate": row.disbursement_rate,
                "rate_allocated": _money(row.rate_allocated),
                "rate_disbursed": _money(row.rate_disbursed),
                "amounts": row.amounts,
                "duplicates": row.duplicates,
                "datasets": row.datasets,
                "evidence": f"{base}{PATH}/amounts?{query_string(row.evidence)}",
                "duplicates_url": f"{base}{PATH}/amounts?"
                + query_string(row.evidence, counted="false"),
            }
            for row in rows
        ],
        "links": _links(base, query),
    }
    return _answer(request, state, principal, body)


def _links(base: str, query: AreaQuery) -> dict[str, str]:
    filters = query_string(query)
    return {
        "amounts": f"{base}{PATH}/amounts?{filters}",
        "conflicts": f"{base}{PATH}/conflicts?{filters}",
        "sources": f"{base}{PATH}/sources",
        "documentation": f"{base}/docs",
    }


def table_rows_url(base: str, item: AmountRecord) -> str:
    """The source table's rows holding this amount, through the table API."""
    if item.scope == "local":
        filters: dict[str, Any] = {"lao_key": item.lao, "kind": "expenditure"}
    else:
        filters = {"line_id": item.line_id, "phase": item.stage}
    filters |= {"fiscal_year": item.fiscal_year, "version": item.version}
    resource = f"{service.API}/datasets/{quote(item.dataset)}/resources/{item.resource_id}"
    return f"{base}{resource}/rows?{urlencode(filters)}"


@router.get(
    "/amounts",
    summary="The amounts behind a total, each with its dataset, version, table and row",
    description="`counted=true` (default) for the amounts a total sums, `false` for the "
    "duplicates left out of it (the same line from another source), `all` for both. "
    "`limit` (1-1000, default 100) and `offset` page them, in dataset, table and row order. "
    + FILTER_HELP,
)
def area_amounts(request: Request, state: State, principal: Caller) -> Response:
    params = _params(request)
    check_names(params, ["counted", "limit", "offset"])
    query = area_query(params)
    limit = integer(params, "limit", 100, 1, MAX_PAGE)
    offset = integer(params, "offset", 0, 0, 10**9)
    which = counted(params)
    page, count = amounts(
        state.catalog, query, counted=which, limit=limit, offset=offset, viewer=principal
    )
    base = base_url(request)
    body = {
        "filters": query.filters(),
        "counted": which,
        "count": count,
        "offset": offset,
        "unit": "THB",
        "amounts": [
            {
                **item.model_dump(mode="json", exclude={"amount"}),
                "amount": _money(item.amount),
                "table_rows": table_rows_url(base, item),
            }
            for item in page
        ],
    }
    if offset + limit < count:
        body["next"] = f"{base}{PATH}/amounts?" + query_string(
            query,
            counted={True: "true", False: "false", None: "all"}[which],
            limit=limit,
            offset=offset + limit,
        )
    return _answer(request, state, principal, body)


@router.get(
    "/conflicts",
    summary="Budget lines whose sources report different amounts (never summed)",
    description="Each conflict names the line, fiscal year, stage and month, the counted "
    "source's total and every other source's. `limit` (1-1000, default 100). " + FILTER_HELP,
)
def area_conflicts(request: Request, state: State, principal: Caller) -> Response:
    params = _params(request)
    check_names(params, ["limit"])
    query = area_query(params)
    limit = integer(params, "limit", 100, 1, MAX_PAGE)
    found = conflicts(state.catalog, query, limit=limit, viewer=principal)
    body = {
        "filters": query.filters(),
        "conflicts": [
            {**item.model_dump(mode="json"), "difference": _money(item.difference)}
            for item in found
        ],
    }
    return _answer(request, state, principal, body)


@router.get("/sources", summary="The tables that feed the area-budget store")
def area_sources(request: Request, state: State, principal: Caller) -> Response:
    check_names(_params(request), [])
    base = base_url(request)
    body = {
        "sources": [
            {
                **item.model_dump(mode="json"),
                "resource": f"{base}{service.API}/datasets/{quote(item.dataset)}/resources/"
                f"{item.resource_id}?version={item.version}",
            }
            for item in sources(state.catalog, viewer=principal)
        ]
    }
    return _answer(request, state, principal, body)
