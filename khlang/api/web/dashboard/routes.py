"""The budget dashboard's pages (`/dashboard`, its tables as CSV, the amounts behind a figure,
the glossary): a part of the web site that `khlang.api.web.mount` adds when
`ApiSettings.dashboard` is on. It reads the area-budget model (`khlang.catalog.area_budget`)
through that package's interface; the generic catalog pages do not depend on it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from khlang.api.http import base_url
from khlang.api.state import api_state
from khlang.api.web.dashboard.evidence import EvidenceError, evidence_page
from khlang.api.web.dashboard.export import panel_csv
from khlang.api.web.dashboard.page import DashboardModel
from khlang.api.web.dashboard.page import dashboard as dashboard_model
from khlang.api.web.errors import error_page, not_found_page
from khlang.api.web.i18n import localized, with_query
from khlang.api.web.render import render
from khlang.api.web.request import formatter, query_params
from khlang.catalog.area_budget.glossary import GLOSSARY, TERMS
from khlang.i18n import Text

router = APIRouter(include_in_schema=False)
"""The dashboard's pages, mounted at `/` (Thai) and `/en` (English) beside the site's."""


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request) -> Response:
    model = await _dashboard_model(request)
    return render(request, "dashboard.html", m=model, glossary=TERMS)


async def _dashboard_model(request: Request) -> DashboardModel:
    fmt = formatter(request)
    path = localized("/dashboard", fmt.lang)
    return await dashboard_model(
        api_state(request),
        query_params(request),
        fmt,
        base=base_url(request),
        url_for=lambda p: with_query(path, p),
        rows_path=localized("/dashboard/amounts", fmt.lang),
    )


@router.get("/dashboard/table.csv")
async def dashboard_table(request: Request, panel: str = "") -> Response:
    """One panel of the dashboard, for the same selection, as CSV with a byte-order mark."""
    model = await _dashboard_model(request)
    found = model.panel(panel)
    if found is None:
        return not_found_page(
            request, Text(th="ไม่มีตารางนี้ในแดชบอร์ด", en="No such dashboard table"), panel
        )
    return Response(
        panel_csv(found, model.totals, base_url(request)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="khlang-{found.key}.csv"',
            "Cache-Control": "public, max-age=60",
        },
    )


@router.get("/dashboard/amounts", response_class=HTMLResponse)
async def dashboard_amounts(request: Request) -> Response:
    """The amounts behind a dashboard figure, each with its dataset, version, table and row."""
    try:
        model = await run_in_threadpool(
            evidence_page, api_state(request), query_params(request), base_url(request)
        )
    except EvidenceError as error:
        return error_page(
            request,
            400,
            Text(th="คำค้นไม่ถูกต้อง", en="Bad query"),
            Text(
                th=f"{error.parameter}: {error.message.th}",
                en=f"{error.parameter}: {error.message.en}",
            ),
        )
    return render(request, "dashboard_amounts.html", m=model, glossary=TERMS)


@router.get("/dashboard/glossary", response_class=HTMLResponse)
async def glossary(request: Request) -> Response:
    return render(request, "glossary.html", terms=GLOSSARY)
