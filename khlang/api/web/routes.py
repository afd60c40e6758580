"""The web pages' routes: each gathers its parameters, asks a page module for its model and
renders a template. Pages read as anonymous visitors: they show public datasets only, so any
page can be cached and shared."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from khlang.api.http import base_url
from khlang.api.routes.datasets import metadata_as
from khlang.api.routes.dcat import catalog_feed, feed_position, wanted_rdf
from khlang.api.service import API
from khlang.api.state import api_state, caller
from khlang.api.web import home as home_module
from khlang.api.web import organization as organization_module
from khlang.api.web.dataset import dataset_page
from khlang.api.web.docs import LOCATIONS, docs_page, markdown
from khlang.api.web.i18n import localized, with_query
from khlang.api.web.officer import officer_view
from khlang.api.web.preview import AGG_LABELS, operators_for_form, page_filters
from khlang.api.web.render import render
from khlang.api.web.request import formatter, query_params
from khlang.api.web.search import SORT_LABELS, run_search
from khlang.api.web.sections import section_makers
from khlang.api.web.seo import sitemap
from khlang.catalog import ANONYMOUS
from khlang.i18n import Text

router = APIRouter(include_in_schema=False)
"""Pages, mounted at `/` (Thai) and `/en` (English)."""
root_router = APIRouter(include_in_schema=False)
"""Files about the whole site, in one place only."""
CATALOG_TYPES = {
    "agency": Text(th="บัญชีข้อมูลหน่วยงาน", en="Agency catalog"),
    "area_based": Text(th="บัญชีข้อมูลเชิงพื้นที่", en="Area-based catalog"),
    "local_government": Text(th="องค์กรปกครองส่วนท้องถิ่น", en="Local government"),
    "data_center": Text(th="ศูนย์ข้อมูล", en="Data centre"),
}


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    if (extension := wanted_rdf(request)) is not None:
        # ckanext-dcat's content negotiation: the site's root as RDF is the catalog.
        state, principal = api_state(request), await run_in_threadpool(caller, request)
        page, size, after = feed_position(request)
        return await run_in_threadpool(
            lambda: catalog_feed(
                request,
                state,
                principal,
                extension,
                page,
                size,
                after,
                links_to=f"/catalog.{extension}",
            )
        )
    model = await run_in_threadpool(home_module.home_model, api_state(request))
    return _varies(render(request, "home.html", m=model))


@router.get("/search", response_class=HTMLResponse)
async def search(request: Request) -> Response:
    fmt = formatter(request)
    path = localized("/search", fmt.lang)
    model = await run_in_threadpool(
        run_search, api_state(request), query_params(request), fmt, lambda p: with_query(path, p)
    )
    return render(request, "search.html", m=model, sort_labels=SORT_LABELS)


@router.get("/organization", response_class=HTMLResponse)
async def organizations(request: Request) -> Response:
    model = await run_in_threadpool(organization_module.organizations, api_state(request))
    return render(request, "organizations.html", organizations=model)


@router.get("/organization/{name}", response_class=HTMLResponse)
async def organization(request: Request, name: str) -> Response:
    model = await run_in_threadpool(
        lambda: organization_module.organization_page(
            api_state(request),
            name,
            base=base_url(request),
            lang=formatter(request).lang,
            sections=section_makers(request.app),
        )
    )
    return render(request, "organization.html", m=model, catalog_types=CATALOG_TYPES)


@router.get("/organization/{name}/officer", response_class=HTMLResponse)
async def officer(request: Request, name: str) -> Response:
    state = api_state(request)
    view = await run_in_threadpool(officer_view, state, name, base_url(request))
    org = await run_in_threadpool(state.catalog.organization, name)
    times = await run_in_threadpool(state.catalog.feedback.response_times, name)
    return render(request, "officer.html", v=view, org=org, times=times)


@router.get("/dataset/{name}", response_class=HTMLResponse)
async def dataset(request: Request, name: str) -> Response:
    fmt = formatter(request)
    params = query_params(request)
    version = _version(params)
    if (extension := wanted_rdf(request)) is not None:
        # ckanext-dcat's content negotiation: the dataset's IRI as RDF is its DCAT-AP.
        state, principal = api_state(request), await run_in_threadpool(caller, request)
        return await run_in_threadpool(
            metadata_as, request, state, principal, name, extension, version
        )
    path = localized(f"/dataset/{name}", fmt.lang)
    if any(key == "fcol" for key, _ in params):
        # The add-filter form: go to the page's own address for the new set of filters, so
        # it can be bookmarked and every sort and page link keeps the filter.
        kept = [(k, v) for k, v in params if k not in ("fcol", "fop", "fval", "filter", "page")]
        filters = [("filter", item) for item in page_filters(params)]
        return RedirectResponse(with_query(path, kept + filters) + "#preview", status_code=303)
    base = base_url(request)
    model = await dataset_page(
        api_state(request),
        name,
        version=version,
        params=params,
        base=base,
        fmt=fmt,
        page_url=base + path,
        url_for=lambda p: with_query(path, p),
        sections=section_makers(request.app),
    )
    status = 400 if model.preview and model.preview.error else 200
    page = render(
        request,
        "dataset.html",
        status_code=status,
        d=model,
        operators=operators_for_form(),
        agg_labels=AGG_LABELS,
    )
    return _varies(page)


def _varies(page: Response) -> Response:
    """A page whose address also answers RDF (by the Accept header) says so, so that no
    shared cache hands the HTML to an RDF client or the Turtle to a browser."""
    vary = [item.strip() for item in page.headers.get("Vary", "").split(",") if item.strip()]
    page.headers["Vary"] = ", ".join(["Accept", *vary])
    return page


def _version(params: list[tuple[str, str]]) -> int | None:
    raw = dict(params).get("version", "")
    return int(raw) if raw.isdecimal() and 0 < int(raw) < 1_000_000 else None


@router.get("/docs", response_class=HTMLResponse)
async def docs(request: Request) -> Response:
    """The API documentation, drawn from the OpenAPI description with this catalog's names."""
    model = await run_in_threadpool(
        docs_page, api_state(request), request.app.openapi(), base_url(request)
    )
    return render(request, "docs.html", m=model, locations=LOCATIONS, markdown=markdown)


@root_router.get(f"{API}/docs")
async def api_docs() -> Response:
    """Where FastAPI applications usually keep their documentation."""
    return RedirectResponse("/docs", status_code=308)


@root_router.get("/sitemap.xml")
async def sitemap_xml(request: Request) -> Response:
    state = api_state(request)
    datasets = await run_in_threadpool(lambda: state.catalog.datasets(viewer=ANONYMOUS))
    organizations = sorted({summary.organization for summary in datasets})
    body = sitemap(base_url(request), datasets, organizations, dashboard=state.settings.dashboard)
    return Response(
        body,
        media_type="application/xml",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@root_router.get("/robots.txt")
async def robots(request: Request) -> Response:
    body = f"User-agent: *\nAllow: /\nSitemap: {base_url(request)}/sitemap.xml\n"
    return Response(
        body, media_type="text/plain", headers={"Cache-Control": "public, max-age=86400"}
    )
