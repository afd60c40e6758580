"""HTTP details every khlang endpoint shares: content negotiation, ETags with 304s, cache
policies, absolute links."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from email.utils import parsedate_to_datetime
from typing import Any

from fastapi import Request, Response

from khlang.api.errors import ApiError
from khlang.i18n import Text

CURRENT = "public, max-age=60"
"""The current version of something can change with the next publish."""
IMMUTABLE = "public, max-age=31536000, immutable"
"""A numbered version never changes."""
PRIVATE = "private, no-store"
"""Seen only by members: never kept by a shared cache."""


def base_url(request: Request) -> str:
    configured = request.app.state.khlang.settings.base_url
    return (configured or str(request.base_url)).rstrip("/")


def accepted(request: Request, offered: list[str]) -> str | None:
    """The offered media type the client prefers by its Accept header (first offered when it
    accepts anything), or None when it accepts none of them."""
    header = request.headers.get("accept", "")
    if not header.strip():
        return offered[0]
    ranges: list[tuple[float, str]] = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((quality, media.lower()))
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, media in enumerate(offered):
        for quality, pattern in ranges:
            if quality <= 0 or not _matches(pattern, media):
                continue
            specificity = 0 if pattern == "*/*" else 1 if pattern.endswith("/*") else 2
            key = (quality, specificity, -index)
            if best is None or key > best:
                best, chosen = key, media
    return chosen


def _matches(pattern: str, media: str) -> bool:
    if pattern == "*/*":
        return True
    if pattern.endswith("/*"):
        return media.split("/")[0] == pattern[:-2]
    return pattern == media


def not_acceptable(offered: list[str]) -> ApiError:
    return ApiError(
        Text(
            th=f"ไม่มีรูปแบบที่ขอ รูปแบบที่มี: {', '.join(offered)}",
            en=f"none of the requested media types is available; offered: {', '.join(offered)}",
        ),
        code="not_acceptable",
        status=406,
        parameter="Accept",
    )


def etag_of(*parts: Any) -> str:
    digest = hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()
    return f'"{digest[:32]}"'


def not_modified(request: Request, etag: str, modified: dt.datetime | None = None) -> bool:
    """Whether the client's copy is current (RFC 9110 13.2.2): by `If-None-Match` when it
    sends one, else by `If-Modified-Since` against `modified` (when the answer has a
    Last-Modified time: `wget -N`, `curl -z` and HTTP caches ask that way)."""
    header = request.headers.get("if-none-match")
    if header:
        tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if modified is None or not since:
        return False
    try:
        asked = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as the RFC says
    if asked.tzinfo is None:
        return False
    return modified.replace(microsecond=0) <= asked


def accepts_gzip(request: Request) -> bool:
    """Whether `Accept-Encoding` takes gzip (named, or `*`, with a q above 0)."""
    for item in request.headers.get("accept-encoding", "").split(","):
        name, _, parameters = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = parameters.strip().removeprefix("q=")
            try:
                return float(q) > 0 if q else True
            except ValueError:
                return False
    return False


def cached_response(
    request: Request,
    body: bytes | str,
    *,
    media_type: str,
    etag: str,
    cache_control: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """The body with its ETag and cache policy, or 304 when the client already has it."""
    all_headers = {
        "ETag": etag,
        "Cache-Control": cache_control,
        "Vary": "Accept",
        **(headers or {}),
    }
    if not_modified(request, etag):
        return Response(status_code=304, headers=all_headers)
    return Response(body, media_type=media_type, headers=all_headers)


def json_bytes(document: Any) -> bytes:
    """JSON with Thai readable (not \\u-escaped), as the CLI writes it."""
    return json.dumps(document, ensure_ascii=False, default=str, separators=(",", ":")).encode()
