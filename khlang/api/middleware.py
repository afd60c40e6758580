"""Cross-cutting HTTP behaviour: rate limits with 429 and Retry-After, compression, and
security headers.

Rate limits use the `limits` library (moving windows, in memory or in Redis so that several
workers share the counts): each valid API key has its own allowance and everyone else
(without a key, or with a key that is unknown, revoked or malformed: khlang.api.identity
verified it) is counted by IP address; expensive requests (`is_expensive`) and cheap
metadata reads are counted apart, so that a bulk client reading metadata is not refused
while the queries keep their tight limit. Every answer says how much is left (`RateLimit-*`
headers); a caller over its limit gets 429 with `Retry-After`, in CKAN's envelope on CKAN's
routes.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable

from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from khlang.api.ckan_common import CKAN_JSON, CkanError
from khlang.api.errors import ApiError
from khlang.api.identity import identity_of
from khlang.api.routes.ckan import WRITE_ACTIONS
from khlang.api.settings import RateLimits
from khlang.i18n import Text

CKAN_PREFIXES = ("/api/3/", "/api/action/")
PUBLISHED_FILE = r"/dataset/(?P<file>[^/]+)(?:/version/\d+)?/resource/[^/]+/download/[^/]+"
"""The catalog's download URLs of published files (routes/files.py)."""
_PUBLISHED_FILE = re.compile(f"^{PUBLISHED_FILE}$")


_EXPENSIVE_PATH = re.compile(
    r"(/rows|/aggregate|/download\.\w+|/download/[^/]+|/catalog(\.\w+)?|/dataset/[^/]+\.\w+)$"
)
"""Table queries, generated downloads and published files, and the DCAT feed (rdflib)."""


def is_ckan_path(path: str) -> bool:
    return path.startswith(CKAN_PREFIXES)


def is_expensive(method: str, path: str) -> bool:
    """Whether a request keeps the tight limits: every write, and the reads whose cost grows
    with the data (table queries, downloads, the DCAT feed, CKAN's datastore actions). Every
    other read is answered from the catalog's indexes and caches in milliseconds. CKAN's
    read actions count as reads whether sent as GET or POST (ckanapi POSTs every call)."""
    if is_ckan_path(path):
        action = path.rsplit("/", 1)[-1]
        return action.startswith("datastore_") or action in WRITE_ACTIONS
    if method not in ("GET", "HEAD"):
        return True
    return _EXPENSIVE_PATH.search(path) is not None


class CompressionMiddleware(GZipMiddleware):
    """gzip for the answers khlang builds; published files leave as they were published.

    A file is served byte for byte with its SHA-256 as ETag and with range requests, which
    name positions in the stored bytes; compressing it on the way out would also cost the
    event loop about 2 ms per 64 KiB chunk (150 ms for a 5 MB CSV), delaying every other
    request the process is serving (measured by bench/load.py)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _PUBLISHED_FILE.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.enabled = limits.enabled
        storage = (
            limits.storage if limits.storage.startswith("async+") else f"async+{limits.storage}"
        )
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage))
        self.anonymous = parse(limits.anonymous)
        self.key = parse(limits.key)
        self.reads = parse(limits.reads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.enabled or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        verified = identity_of(scope)
        expensive = is_expensive(scope["method"], scope["path"])
        if verified is None:
            raise RuntimeError("RateLimitMiddleware needs IdentityMiddleware before it")
        identity = verified.counted_as
        if verified.principal is not None:
            limit = self.key if expensive else self.reads
        else:
            limit = self.anonymous if expensive else self.reads
        kind = "expensive" if expensive else "read"
        allowed = await self.limiter.hit(limit, identity, kind)
        stats = await self.limiter.get_window_stats(limit, identity, kind)
        reset = max(1, math.ceil(stats.reset_time - time.time()))
        quota = {
            "RateLimit-Limit": str(limit.amount),
            "RateLimit-Remaining": str(stats.remaining),
            "RateLimit-Reset": str(reset),
        }
        if not allowed:
            await self._refuse(scope, send, quota, reset, limit)
            return

        async def send_with_quota(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(quota)
            await send(message)

        await self.app(scope, receive, send_with_quota)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, quota: dict[str, str], reset: int, limit) -> None:
        error = ApiError(
            Text(
                th=f"เรียกใช้เกินกำหนด ({limit}) กรุณาลองใหม่ในอีก {reset} วินาที",
                en=f"rate limit exceeded ({limit}); try again in {reset} s",
            ),
            code="rate_limited",
            status=429,
        )
        await send_error(scope, send, error, "Rate Limit Error", [
            (b"retry-after", str(reset).encode()),
            *((key.lower().encode(), value.encode()) for key, value in quota.items()),
        ])  # fmt: skip


async def send_error(
    scope: Scope, send: Send, error: ApiError, ckan_type: str, headers: list[tuple[bytes, bytes]]
) -> None:
    """An error answered by a middleware, before any route: khlang's error body, or CKAN's
    envelope (with `ckan_type`) on CKAN's routes."""
    media = "application/json"
    if is_ckan_path(scope["path"]):
        body = CkanError(ckan_type, error.status, message=error.message.en).envelope()
        media = CKAN_JSON
    else:
        body = error.to_json()
    data = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", media.encode()),
                (b"content-length", str(len(data)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The pages run no script at all (charts are SVG drawn on the server; JSON-LD is data, not
# script); inline styles stay allowed for the SVG charts' style attributes.
PAGE_CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Headers every answer carries, with a Content-Security-Policy: data and API answers
    forbid everything (they are never pages); HTML pages may load only this site's files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
                page = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("Content-Security-Policy", PAGE_CSP if page else API_CSP)
                if scope.get("scheme") == "https":
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class InternalErrorMiddleware:
    """Turns an exception no handler took into `respond(request, error)`'s answer inside the
    other middleware, so that a 500 too carries the security headers (Starlette's own
    last-resort handler answers outside all of them)."""

    def __init__(self, app: ASGIApp, respond: Callable[[Request, Exception], Response]) -> None:
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if started:  # half an answer is out: nothing sensible can follow it
                raise
            await self.respond(Request(scope), error)(scope, receive, send)


class HeadMiddleware:
    """HEAD answered as GET without the body, on every route (RFC 9110: a general-purpose
    server must support both). Link checkers ask with HEAD before they download: the EU
    MQA's check of access and download URLs, CKAN's archiver, harvesters' URL checks; a 405
    there marks every distribution of the catalog broken. FastAPI routes a HEAD only where it
    was declared, so the request is routed as the GET it stands for, with the GET's status
    and headers (its Content-Length and ETag included), and no body bytes leave."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class TrustedHostMiddleware:
    """Answers only requests whose `Host` is one of the site's names (400 otherwise): links
    in answers (redirects, `download_url`, the sitemap, DCAT IRIs) are built from the Host
    when no base URL is configured, and a cache in front would keep a forged one.

    Behind a proxy that sends the name it was asked for in `X-Forwarded-Host` (Apache's
    mod_proxy and Traefik always do; nginx when told to) and its upstream's in `Host`, the
    links must carry the forwarded name, or harvesters follow them to an internal host: so
    an `X-Forwarded-Host` that is one of the site's names becomes the request's Host, and
    one that is not is refused like a wrong Host. It gives a client nothing a Host header
    would not (the same names are accepted in both)."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        forwarded = headers.get("x-forwarded-host", "").split(",")[0].strip()
        if forwarded:
            if not self.allowed(forwarded):
                await self.refuse(scope, send, "X-Forwarded-Host")
                return
            scope = {**scope, "headers": [
                *((k, v) for k, v in scope["headers"] if k not in (b"host", b"x-forwarded-host")),
                (b"host", forwarded.encode("latin-1")),
            ]}  # fmt: skip
        elif not self.allowed(headers.get("host", "")):
            await self.refuse(scope, send, "Host")
            return
        await self.app(scope, receive, send)

    def allowed(self, header: str) -> bool:
        return "*" in self.hosts or _host_name(header) in self.hosts

    async def refuse(self, scope: Scope, send: Send, header: str) -> None:
        error = ApiError(
            Text(th=f"ไม่รู้จักชื่อโฮสต์ในส่วนหัว {header}", en=f"unknown host name in the {header} header"),
            code="unknown_host",
            status=400,
            parameter=header,
        )
        await send_error(scope, send, error, "Bad request", [])


def _host_name(header: str) -> str:
    """`example.org:8000` -> `example.org`; `[::1]:8000` -> `::1`."""
    text = header.strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text
