"""Error pages. A person who follows a broken link, mistypes an address or sends a strange
query gets a page in their language that says what happened and where to go next, never a
stack trace or a JSON body. Requests to the API keep the API's JSON errors."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from khlang.api.routes.dcat import EXTENSION_PATTERN, wanted_rdf
from khlang.api.web.render import render
from khlang.catalog import NotFoundError
from khlang.errors import KhlangError
from khlang.i18n import Text

log = logging.getLogger("khlang.web")
NOT_FOUND = Text(th="ไม่พบหน้าที่คุณต้องการ", en="Page not found")
BAD_REQUEST = Text(th="คำขอไม่ถูกต้อง", en="Bad request")
_API_PREFIXES = ("/api/", "/static/")
_DCAT_PATHS = re.compile(rf"/catalog(\.\w+)?|/dataset/[^/]+\.({EXTENSION_PATTERN})")
"""ckanext-dcat's URLs (khlang/api/routes/dcat.py): machine doors, answered as the API is."""

REFUSALS = {
    401: Text(th="ต้องเข้าสู่ระบบ", en="Sign in first"),
    403: Text(th="ไม่มีสิทธิ์", en="Not allowed"),
    404: NOT_FOUND,
    413: Text(th="ไฟล์ใหญ่เกินไป", en="The file is too large"),
}


def is_page_path(path: str) -> bool:
    """Whether a path is (or would be) one of the web pages rather than the API or a file."""
    if path == "/api" or path.startswith(_API_PREFIXES) or _DCAT_PATHS.fullmatch(path):
        return False
    return "/resource/" not in path  # downloads: /dataset/{name}/resource/{id}/download/...


def answers_with_page(request: Request) -> bool:
    """Whether an error is answered with a page: on a page path, unless the caller negotiated
    RDF there (ckanext-dcat's `/` and `/dataset/NAME`), which gets the API's JSON error."""
    return is_page_path(request.url.path) and wanted_rdf(request) is None


def not_found_page(request: Request, what: Text, name: str | None = None) -> HTMLResponse:
    return render(
        request,
        "error.html",
        status_code=404,
        cache_control="no-store",
        title=what,
        detail=None,
        name=name,
        status=404,
    )


def error_page(request: Request, status: int, title: Text, detail: Text | None) -> HTMLResponse:
    return render(
        request,
        "error.html",
        status_code=status,
        cache_control="no-store",
        title=title,
        detail=detail,
        name=None,
        status=status,
    )


Handler = Callable[[Request, Exception], Awaitable[Response]]


def install_error_pages(app: FastAPI) -> None:
    """Answer errors on page paths with HTML pages; other paths keep the handler the API
    installed. Call after the API's handlers are in place."""

    def wrap(kind: type[Exception], page: Callable[[Request, Exception], Response]) -> None:
        original: Handler | None = app.exception_handlers.get(kind)  # type: ignore[assignment]

        async def handler(request: Request, error: Exception) -> Response:
            if answers_with_page(request) or original is None:
                return page(request, error)
            return await original(request, error)

        app.add_exception_handler(kind, handler)

    def http_page(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, HTTPException) else 500
        if status == 404:
            return not_found_page(request, NOT_FOUND)
        return error_page(request, status, BAD_REQUEST, None)

    def khlang_page(request: Request, error: Exception) -> Response:
        """Any error that knows its outcome: what could not be found, by its kind and name;
        a refusal (401, 403, 409, 413 ...) or bad input with its message."""
        assert isinstance(error, KhlangError)
        if isinstance(error, NotFoundError) and error.kind is not None:
            kind = error.kind
            title = Text(th=f"ไม่พบ{kind.th}", en=f"No such {kind.en}")
            return not_found_page(request, title, error.where)
        title = REFUSALS.get(error.status, BAD_REQUEST)
        return error_page(request, error.status, title, error.message)

    def bad_input_page(request: Request, error: Exception) -> Response:
        return error_page(request, 400, BAD_REQUEST, None)

    def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on page %s", request.url.path)
        return error_page(
            request,
            500,
            Text(th="ขออภัย ระบบขัดข้อง", en="Sorry, something went wrong"),
            Text(
                th="เราบันทึกปัญหานี้ไว้แล้ว โปรดลองใหม่อีกครั้งภายหลัง",
                en="The problem has been logged; please try again later.",
            ),
        )

    wrap(HTTPException, http_page)
    wrap(RequestValidationError, bad_input_page)
    wrap(KhlangError, khlang_page)
    wrap(Exception, unexpected)
