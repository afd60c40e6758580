"""What every door that writes to the catalog shares: khlang's write API (routes/publish.py)
and CKAN's write actions (ckan_writes.py) both check the key, read the upload and publish
through these functions, so both pass the same gate (`Catalog.publish`: the metadata check,
the table validators, versions) with the same authorization, and refresh this process's
answers the same way."""

from __future__ import annotations

from pathlib import Path

import anyio
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Message

from khlang.api.errors import ApiError
from khlang.api.state import ApiState
from khlang.catalog import ANONYMOUS, NotFoundError, Principal
from khlang.catalog.publish import PublishResult
from khlang.i18n import Text

MAX_FORM_FILES = 10
MAX_FORM_FIELDS = 1000


def require_key(principal: Principal) -> None:
    """Writing needs an API key: anonymous callers are refused before the body is read."""
    if principal == ANONYMOUS:
        raise ApiError(
            Text(th="ต้องใช้ API key", en="an API key is required"),
            code="unauthenticated",
            status=401,
            parameter="Authorization",
            headers={"WWW-Authenticate": "Bearer"},
        )


def require_publisher(state: ApiState, principal: Principal, name: str | None) -> None:
    """Checked before an upload's body is read: the key may publish somewhere (editor or
    admin of an organisation, or a sysadmin), and to the organisation of the dataset named,
    when it exists. The catalog's gate checks the organisation the metadata names again."""
    require_key(principal)
    allowed = principal.sysadmin or any(principal.can_publish(org) for org in principal.roles)
    if allowed and name is not None:
        try:
            organization = state.catalog.dataset(name, viewer=principal).organization
        except NotFoundError:
            organization = None  # a new dataset (or one the key may not see: refused later)
        allowed = organization is None or principal.can_publish(organization)
    if not allowed:
        raise ApiError(
            Text(
                th="API key นี้ไม่มีสิทธิ์เผยแพร่ในองค์กรนี้",
                en="this API key may not publish to this organisation",
            ),
            code="forbidden",
            status=403,
            parameter="Authorization",
        )


def too_large(limit: int) -> ApiError:
    return ApiError(
        Text(th=f"ไฟล์ใหญ่เกิน {limit:,} ไบต์", en=f"the upload exceeds {limit:,} bytes"),
        code="too_large",
        status=413,
    )


def limited(request: Request, limit: int) -> Request:
    """The request with its body cut off at `limit` bytes: 413 at once when its
    Content-Length says it will pass them, or as soon as it does (a chunked body declares
    nothing). Every door that takes a body reads it through this."""
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > limit:
        raise too_large(limit)
    size = 0

    async def receive() -> Message:
        nonlocal size
        message = await request.receive()
        size += len(message.get("body", b""))
        if size > limit:
            raise too_large(limit)
        return message

    return Request(request.scope, receive)


async def receive(request: Request, limit: int) -> bytes:
    """The body, in memory: for JSON bodies, which are small."""
    return await limited(request, limit).body()


async def receive_to_file(request: Request, limit: int, path: Path) -> None:
    """Stream the body to `path`: memory stays at one chunk."""
    with path.open("wb") as out:
        async for chunk in limited(request, limit).stream():
            await anyio.to_thread.run_sync(out.write, chunk)


async def receive_form(
    request: Request, limit: int, *, files: int = MAX_FORM_FILES, fields: int = MAX_FORM_FIELDS
) -> FormData:
    """A multipart or url-encoded form (CKAN's resource_create with `upload`, the web
    forms): its files are spooled to disk by Starlette's parser."""
    return await limited(request, limit).form(max_files=files, max_fields=fields)


def publish_folder(
    state: ApiState,
    principal: Principal,
    folder: Path,
    *,
    change_note: str | None = None,
    expected_version: int | None = None,
) -> PublishResult:
    """Publish a dataset folder through the catalog's gate, then let this process see it at
    once (its remembered answers and its search index)."""
    result = state.catalog.publish(
        folder, actor=principal, change_note=change_note, expected_version=expected_version
    )
    changed(state)
    return result


def withdraw(state: ApiState, principal: Principal, name: str, note: str | None = None) -> None:
    state.catalog.withdraw(name, actor=principal, note=note)
    changed(state)


def reinstate(state: ApiState, principal: Principal, name: str) -> None:
    state.catalog.reinstate(name, actor=principal)
    changed(state)


def changed(state: ApiState) -> None:
    state.forget()
