"""The khlang web application: khlang's JSON API under /api/v1, CKAN's Action API under
/api/3/action and /api/action, and the published files at the catalog's download URLs.
The web pages (khlang/api/web) are added to the same application by `create_app`."""

from __future__ import annotations

import logging
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import pyarrow
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES

from khlang import __version__
from khlang.api import service, web
from khlang.api.ckan_common import CKAN_JSON, CkanError
from khlang.api.errors import ApiError, error_body, headers_of
from khlang.api.feedback.routes import router as feedback_router
from khlang.api.identity import IdentityMiddleware
from khlang.api.middleware import (
    CompressionMiddleware,
    HeadMiddleware,
    InternalErrorMiddleware,
    RateLimitMiddleware,
    SecurityHeadersMiddleware,
    TrustedHostMiddleware,
    is_ckan_path,
)
from khlang.api.openapi import describe_errors
from khlang.api.routes import area_budget, ckan, datasets, dcat, files, publish, tables
from khlang.api.settings import ApiSettings
from khlang.api.state import ApiState
from khlang.catalog.area_budget.places import place
from khlang.catalog.search.words import query_terms
from khlang.errors import KhlangError
from khlang.i18n import Text

log = logging.getLogger("khlang.api")
SETTINGS_ENV = "KHLANG_API_SETTINGS"
GIL_SWITCH_SECONDS = 0.0005
"""The settings of `khlang serve --workers N`, as JSON, handed by the parent to each worker."""
DESCRIPTION = """khlang (คลัง) serves Thailand's area-based budget open data.

* **Search** datasets in Thai or English, with facets (`/api/v1/datasets`).
* **Metadata** in every standard form: JSON with the GD Catalog's fields and Thai values,
  DCAT-AP 3 (Turtle, JSON-LD, RDF/XML) and Frictionless `datapackage.json`.
* **Rows and aggregates** of any table without downloading it
  (`/api/v1/datasets/{name}/resources/{id}/rows`, `/aggregate`), downloads in CSV, JSON,
  NDJSON and Parquet. Each table describes its own filters at `.../openapi.json`.
* **CKAN's Action API** (`/api/3/action/package_search`, ...), so `ckanapi` and CKAN
  harvesters work unchanged.

Errors name the parameter at fault in Thai and English: `{"error": {"status": 400, "code":
"unknown_column", "parameter": "provinse", "message": {"th": "...", "en": "..."}}}`.
Calls are rate limited per valid API key or per IP address (429 with `Retry-After`); an
unknown, revoked or malformed key is a 401 and counts against the IP address.

Query limits: a text search (`_q`, `__search`, `__contains`, CKAN's `q`) holds at most
200 characters and 10 words; one request's queries share a 10 s deadline (`query_timeout`
400); expensive queries run in a pool shared fairly between clients (a client holds at most
2 of its places; `busy` 503 with `Retry-After` when its queue is full).
"""


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()
    state = ApiState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The event loop's thread gets the GIL back every 0.5 ms instead of 5 ms while query
        # threads turn big answers into JSON: a cheap request is not held up behind them
        # (bench/heavy_queries.py: the cheap query's p95 under heavy load went from 13x to
        # under 10x its idle value).
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        # Taking requests at once, whatever the catalog's size: search is in the catalog's
        # database, and the query tables are prepared in the background from the catalog's
        # short list of them. A request for a table not prepared yet has it built first,
        # ahead of the preparation, and waits for it (QueryEngine.prepare): answered, not
        # told to come back.
        async with anyio.create_task_group() as tasks:
            if settings.prepare_tables:
                await anyio.to_thread.run_sync(_warm_up_search)
                tasks.start_soon(_prepare, state)
            yield
            tasks.cancel_scope.cancel()
        state.close()

    app = FastAPI(
        title="khlang API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{service.API}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "datasets", "description": "Search, metadata, versions, compliance"},
            {
                "name": "tables",
                "description": "Rows, aggregates and downloads of tabular resources",
            },
            {"name": "files", "description": "Published files, byte for byte"},
            {"name": "publishing", "description": "The write API for publishers (API key)"},
            {"name": "CKAN API", "description": "CKAN 2.11's read actions"},
            {"name": "DCAT", "description": "DCAT-AP 3 at ckanext-dcat's URLs"},
            {
                "name": "area budget",
                "description": "The integrated area-budget picture: totals, evidence, conflicts",
            },
            {"name": "feedback", "description": "Public questions, dataset requests, answers"},
        ],
    )
    app.state.khlang = state
    routers = (datasets.router, dcat.router, tables.router, files.router, publish.router,
               ckan.router, area_budget.router, feedback_router)  # fmt: skip
    for router in routers:
        app.include_router(router)
    app.add_api_route(f"{service.API}", _index, include_in_schema=False)
    _errors(app)
    describe_errors(app)
    web.mount(app, dashboard=settings.dashboard)
    app.add_middleware(InternalErrorMiddleware, respond=_unexpected)
    app.add_middleware(
        CompressionMiddleware,
        minimum_size=1024,
        compresslevel=6,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/vnd.apache.parquet"),
    )
    app.add_middleware(RateLimitMiddleware, limits=settings.rate_limits)
    app.add_middleware(IdentityMiddleware, authenticate=state.authenticate)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "If-None-Match", "Accept"],
        expose_headers=["ETag", "Retry-After", "Content-Disposition", "RateLimit-Limit",
                        "RateLimit-Remaining", "RateLimit-Reset"],
        max_age=86_400,
    )  # fmt: skip
    app.add_middleware(TrustedHostMiddleware, hosts=settings.trusted_hosts)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadMiddleware)
    return app


def app_from_environment() -> FastAPI:
    """The application each uvicorn worker process builds for `khlang serve --workers N`:
    workers are started by importing a factory, so the parent passes its settings through
    the environment instead of as an object."""
    return create_app(ApiSettings.model_validate_json(os.environ[SETTINGS_ENV]))


def _index(request: Request) -> dict:
    base = str(request.base_url).rstrip("/")
    return {
        "name": "khlang API",
        "version": __version__,
        "links": {
            "datasets": f"{base}{service.API}/datasets",
            "catalog_dcat": f"{base}{service.API}/catalog.ttl",
            "organizations": f"{base}{service.API}/organizations",
            "area_budget": f"{base}{service.API}/area-budget/totals",
            "openapi": f"{base}{service.API}/openapi.json",
            "ckan": f"{base}/api/3/action/status_show",
        },
    }


def _warm_up_search() -> None:
    """pythainlp's dictionary, which segmenting the first Thai query would otherwise load
    (about a second) while other requests wait: the one start-up cost paid before the
    server takes requests."""
    try:
        query_terms("งบประมาณ")
    except Exception:  # the request that needs it reports the problem
        log.exception("warming up search stopped")


def _warm_up() -> None:
    """Pay in the background what the first requests would otherwise pay while every other
    request to the process waits behind them: the dashboard's place names (the area master
    and its LAO keys, a few seconds) and pyarrow's first array (the first download would
    pay it). Under bench/load.py's 200 clients these
    stalls of a fresh worker took several seconds."""
    try:
        place("province", "10")  # the dashboard's place names, a few seconds to build

        pyarrow.array([0])
    except Exception:  # the request that needs it reports the problem
        log.exception("warming up stopped")


async def _prepare(state: ApiState) -> None:
    """Warm up and build the query table of every distinct current table, one at a time,
    after the server has started taking requests (tables already built are only attached).
    A table that cannot be built is reported when it is asked for."""
    started = time.monotonic()
    await anyio.to_thread.run_sync(_warm_up)
    prepared = failed = 0
    try:
        sources = await anyio.to_thread.run_sync(service.current_table_sources, state)
    except Exception:
        log.exception("the catalog's table sources could not be read; tables are built on request")
        return
    for source in sources:
        try:
            await anyio.to_thread.run_sync(state.engine.prepare, source)
            prepared += 1
        except Exception as error:  # reported again to whoever asks for the table
            failed += 1
            log.warning("table %s not prepared: %s", source.key, type(error).__name__)
    log.info("%d query tables prepared (%d failed) in %.1f s", prepared, failed,
             time.monotonic() - started)  # fmt: skip


def _error_response(request: Request, error: KhlangError) -> JSONResponse:
    """The one answer to an error, from its own `status` and `code` (`khlang.errors`)."""
    headers = headers_of(error)
    if is_ckan_path(request.url.path):
        body = CkanError("Bad request", error.status, message=error.message.en).envelope()
        return JSONResponse(body, status_code=error.status, headers=headers, media_type=CKAN_JSON)
    return JSONResponse(error_body(error), status_code=error.status, headers=headers)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(KhlangError)
    async def khlang_error(request: Request, error: KhlangError) -> JSONResponse:
        return _error_response(request, error)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        location = [
            str(part)
            for part in first.get("loc", ())
            if part not in ("query", "path", "header", "body")
        ]
        parameter = ".".join(location) or None
        message = first.get("msg", "invalid request")
        value = first.get("input")
        shown = (
            f" (got {str(value)[:60]!r})"
            if value is not None and not isinstance(value, dict)
            else ""
        )
        return _error_response(
            request,
            ApiError(
                Text(th=f"ค่าพารามิเตอร์ไม่ถูกต้อง: {message}{shown}", en=f"{message}{shown}"),
                code="bad_parameter",
                status=400,
                parameter=parameter,
            ),
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 404:
            text = Text(th="ไม่พบหน้าที่ขอ", en="no such endpoint")
        elif error.status_code == 405:
            text = Text(th="ใช้ method นี้ไม่ได้", en="method not allowed")
        else:
            text = Text(th=str(error.detail), en=str(error.detail))
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return _error_response(request, ApiError(text, code=code, status=error.status_code))


def _unexpected(request: Request, error: Exception) -> JSONResponse:
    """An exception nothing else handled. The client gets an id to quote, never the
    exception: the log holds the rest."""
    incident = uuid.uuid4().hex[:12]
    log.error("unexpected error %s on %s", incident, request.url.path, exc_info=error)
    return _error_response(
        request,
        ApiError(
            Text(
                th=f"เกิดข้อผิดพลาดภายในเซิร์ฟเวอร์ (รหัสเหตุการณ์ {incident})",
                en=f"internal server error (incident {incident})",
            ),
            code="internal_error",
            status=500,
        ),
    )
