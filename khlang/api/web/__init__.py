"""khlang's web site: server-rendered pages in Thai (at `/`) and English (at `/en/`) over the
same catalog, search and query engine as the API, in the same FastAPI application.

    from khlang.api.web import mount
    mount(app)      # after the API's routes and error handlers

Pages need no script (charts are SVG drawn on the server), so they work on any phone and
with scripts disabled. See docs/web.md.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from khlang.api.web.dashboard.routes import router as dashboard_router
from khlang.api.web.dashboard.share import share_section
from khlang.api.web.downloads import DownloadCountMiddleware
from khlang.api.web.errors import install_error_pages
from khlang.api.web.feedback import router as feedback_router
from khlang.api.web.i18n import ENGLISH_PREFIX
from khlang.api.web.publishing import router as publishing_router
from khlang.api.web.render import STATIC_PREFIX
from khlang.api.web.routes import root_router, router
from khlang.api.web.sections import add_section

STATIC = Path(__file__).parent / "static"


class _VersionedStatic(StaticFiles):
    """Static files whose URLs carry their content hash (`?v=`), so they can be kept a year."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_cached(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message["headers"],
                    (b"cache-control", b"public, max-age=31536000, immutable"),
                ]
            await send(message)

        await super().__call__(scope, receive, send_cached)


def mount(app: FastAPI, *, dashboard: bool = True) -> None:
    """Add the pages (in both languages), the budget dashboard's when `dashboard` (with its
    section of the dataset and organisation pages), their static files, HTML error pages
    and the download counter to the application."""
    app.include_router(router)
    app.include_router(router, prefix=ENGLISH_PREFIX)
    if dashboard:
        app.include_router(dashboard_router)
        app.include_router(dashboard_router, prefix=ENGLISH_PREFIX)
        add_section(app, share_section)
    app.include_router(publishing_router)
    app.include_router(publishing_router, prefix=ENGLISH_PREFIX)
    app.include_router(feedback_router)
    app.include_router(feedback_router, prefix=ENGLISH_PREFIX)
    app.include_router(root_router)
    app.mount(STATIC_PREFIX, _VersionedStatic(directory=STATIC), name="web-static")
    install_error_pages(app)
    app.add_middleware(DownloadCountMiddleware)
