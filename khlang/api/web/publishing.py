"""The data officer's publishing form: sign in with an API key, upload a table, review the
proposed mapping and metadata, check, fix what the check finds, publish. Plain HTML forms,
each step answered on the server, so it works with scripts disabled (the pages' CSP forbids
them); the steps are the command line's (`drafts.py`).

The API key is kept in an HttpOnly, SameSite=Strict cookie (which only these pages read: the
API takes keys from headers alone), and every form carries a token derived from it, so
another site can neither read the key nor make the browser post a form. Signing in and out
have no token yet, so they are refused when the browser says another site sent them
(otherwise a page elsewhere could sign an officer in with its own key, and read back, as
its drafts, the tables the officer then uploads). Who may publish is
decided from the key before an upload is read; the catalog's gate decides again what is
published, as for every other path.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from khlang.api.errors import ApiError
from khlang.api.publishing import publish_folder, receive_form, too_large
from khlang.api.state import ApiState, api_state
from khlang.api.web import drafts
from khlang.api.web.i18n import language_of, localized
from khlang.api.web.mapping_form import (
    FREQUENCIES,
    TYPES,
    FormProblem,
    choices,
    read_form,
    rows,
)
from khlang.api.web.render import render
from khlang.catalog import ANONYMOUS, PermissionDeniedError, Principal, PublishRejectedError
from khlang.catalog.errors import BAD_API_KEY
from khlang.catalog.principals import ROLE_RANK
from khlang.errors import KhlangError
from khlang.i18n import Text

router = APIRouter(include_in_schema=False)
COOKIE = "khlang_publish_key"
FORM_FIELDS_LIMIT = 1 << 20
"""The review form's fields (a few hundred columns at most)."""
PUBLISHES_NOWHERE = Text(
    th="API key นี้ไม่มีสิทธิ์เผยแพร่ในหน่วยงานใด (ต้องเป็น editor ขึ้นไป)",
    en="this API key may not publish to any organisation (editor or above)",
)
"""Why a key is refused at sign-in and at upload: one message for both doors."""
NO_STORE = "no-store"


# --- who is signed in ------------------------------------------------------------------------


async def _signed_in(request: Request) -> tuple[Principal, str] | None:
    """The officer whose key the cookie holds, asked of the catalog on every request (a
    revoked key is refused at once)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    principal = await anyio.to_thread.run_sync(api_state(request).authenticate, token)
    return (principal, token) if principal is not None else None


def _csrf(token: str) -> str:
    """The form token of a signed-in officer: only pages of this site, which hold the key's
    cookie, can write it."""
    return hmac.new(token.encode(), b"khlang publishing form", hashlib.sha256).hexdigest()[:32]


def _check_csrf(form: Any, token: str) -> None:
    if not hmac.compare_digest(str(form.get("csrf", "")), _csrf(token)):
        raise ApiError(
            Text(
                th="แบบฟอร์มหมดอายุ กรุณาเปิดหน้าใหม่แล้วส่งอีกครั้ง",
                en="the form has expired; open the page again and resend it",
            ),
            code="bad_form",
            status=400,
        )


def _check_same_site(request: Request) -> None:
    """Refuse a form another site made the browser send: `Sec-Fetch-Site` says so in every
    current browser, and the `Origin` of a POST in older ones."""
    fetched_from = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if fetched_from is not None:
        foreign = fetched_from not in ("same-origin", "none")
    else:
        foreign = origin is not None and urlsplit(origin).netloc != request.headers.get("host")
    if foreign:
        raise ApiError(
            Text(
                th="แบบฟอร์มนี้ส่งมาจากเว็บไซต์อื่น กรุณาเปิดหน้าเข้าสู่ระบบของเว็บไซต์นี้โดยตรง",
                en="this form was sent from another site; open this site's sign-in page itself",
            ),
            code="cross_site_form",
            status=403,
            parameter="Origin",
        )


def publishing_organizations(state: ApiState, principal: Principal) -> list[str]:
    """Organisations the key may publish to (all of them for a sysadmin)."""
    if principal.sysadmin:
        return sorted(state.organizations())
    return sorted(
        name for name, role in principal.roles.items() if ROLE_RANK[role] >= ROLE_RANK["editor"]
    )


def _home(request: Request) -> str:
    return localized("/publish", language_of(request.url.path))


def _root(state: ApiState) -> Path:
    return state.settings.table_dir.parent / drafts.DRAFTS


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request, template, status_code=status, cache_control=NO_STORE, **context)


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers={"Cache-Control": NO_STORE})


# --- reading forms ---------------------------------------------------------------------------


async def _form(request: Request, limit: int, *, files: int = 0) -> Any:
    """The posted form, read under `limit` bytes; a file part is spooled to disk by the
    parser."""
    try:
        return await receive_form(request, limit, files=files, fields=2_000)
    except ClientDisconnect:
        raise too_large(limit) from None


# --- sign in ---------------------------------------------------------------------------------


@router.get("/publish", response_class=HTMLResponse)
async def start_page(request: Request) -> Response:
    state = api_state(request)
    signed = await _signed_in(request)
    if signed is None:
        return _page(request, "publish.html", principal=None, problem=None)
    principal, token = signed
    mine = await anyio.to_thread.run_sync(drafts.drafts_of, _root(state), principal)
    return _page(
        request,
        "publish.html",
        principal=principal,
        csrf=_csrf(token),
        drafts=mine,
        organizations=publishing_organizations(state, principal),
        problem=None,
    )


@router.post("/publish/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    _check_same_site(request)
    form = await _form(request, FORM_FIELDS_LIMIT)
    token = str(form.get("key", "")).strip()
    state = api_state(request)
    principal = await anyio.to_thread.run_sync(state.authenticate, token) if token else None
    if principal is None or not publishing_organizations(state, principal):
        problem = BAD_API_KEY if principal is None else PUBLISHES_NOWHERE
        return _page(request, "publish.html", status=403, principal=None, problem=problem)
    response = _redirect(_home(request))
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path="/",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/publish/sign-out")
async def sign_out(request: Request) -> Response:
    _check_same_site(request)
    response = _redirect(_home(request))
    response.delete_cookie(COOKIE, path="/")
    return response


async def require_signed_in(request: Request) -> tuple[Principal, str]:
    """The signed-in officer and the key, or a 401 (the publishing and feedback pages')."""
    signed = await _signed_in(request)
    if signed is None or signed[0] == ANONYMOUS:
        raise ApiError(
            Text(th="กรุณาเข้าสู่ระบบด้วย API key ก่อน", en="sign in with an API key first"),
            code="unauthenticated",
            status=401,
        )
    return signed


# --- upload ----------------------------------------------------------------------------------


@router.post("/publish/upload", response_class=HTMLResponse)
async def upload(request: Request) -> Response:
    principal, token = await require_signed_in(request)  # before a byte of the body is read
    state = api_state(request)
    organizations = publishing_organizations(state, principal)
    if not organizations:
        raise PermissionDeniedError(PUBLISHES_NOWHERE)
    form = await _form(request, state.settings.max_upload_bytes, files=1)
    _check_csrf(form, token)
    organization = str(form.get("organization", ""))
    upload_file = form.get("file")
    problem = None
    if organization not in organizations:
        problem = Text(th="เลือกหน่วยงานที่เผยแพร่", en="choose the publishing organisation")
    elif not isinstance(upload_file, UploadFile) or not upload_file.filename:
        problem = Text(th="เลือกไฟล์ตาราง (CSV หรือ XLSX)", en="choose a table file (CSV or XLSX)")
    if problem is None:
        try:
            draft = await _start(
                state,
                principal,
                upload_file,
                organization,  # type: ignore[arg-type]
                str(form.get("email", "")).strip() or None,
            )
        except KhlangError as error:
            problem = Text(
                th=f"{error.where}: {error.message.th}", en=f"{error.where}: {error.message.en}"
            )
        else:
            return _redirect(f"{_home(request)}/draft/{draft.id}")
    mine = await anyio.to_thread.run_sync(drafts.drafts_of, _root(state), principal)
    return _page(
        request,
        "publish.html",
        status=400,
        principal=principal,
        csrf=_csrf(token),
        drafts=mine,
        organizations=organizations,
        problem=problem,
    )


async def _start(
    state: ApiState,
    principal: Principal,
    upload_file: UploadFile,
    organization: str,
    email: str | None,
) -> drafts.Draft:
    root = _root(state)
    name = drafts.safe_file_name(upload_file.filename or "")
    draft_id, folder = await anyio.to_thread.run_sync(drafts.new_folder, root)
    with (folder / "source" / name).open("wb") as out:
        while chunk := await upload_file.read(1 << 20):
            await anyio.to_thread.run_sync(out.write, chunk)
    return await anyio.to_thread.run_sync(
        lambda: drafts.start(
            root,
            draft_id,
            owner=principal,
            file=name,
            organization=organization,
            email=email,
            catalog=state.catalog,
        )
    )


# --- review, check, publish ------------------------------------------------------------------


def _review(
    request: Request,
    state: ApiState,
    principal: Principal,
    token: str,
    draft: drafts.Draft,
    *,
    mapping=None,
    problems=(),
    status: int = 200,
    rejected: dict | None = None,
) -> HTMLResponse:
    root = _root(state)
    mapping = mapping or drafts.mapping_of(root, draft)
    columns = drafts.suggestion_of(root, draft)["columns"]
    return _page(
        request,
        "draft.html",
        status=status,
        principal=principal,
        csrf=_csrf(token),
        draft=draft,
        mapping=mapping,
        rows=rows(mapping, columns),
        choices=choices(mapping),
        types=TYPES,
        frequencies=FREQUENCIES,
        problems=list(problems),
        report=drafts.last_report(root, draft),
        rejected=rejected,
        organizations=publishing_organizations(state, principal),
    )


@router.get("/publish/draft/{draft_id}", response_class=HTMLResponse)
async def review(request: Request, draft_id: str) -> Response:
    if await _signed_in(request) is None:
        return _redirect(_home(request))
    principal, token = await require_signed_in(request)
    state = api_state(request)
    draft = _draft(state, draft_id, principal)
    return await anyio.to_thread.run_sync(lambda: _review(request, state, principal, token, draft))


def _draft(state: ApiState, draft_id: str, principal: Principal) -> drafts.Draft:
    return drafts.load(_root(state), draft_id, principal)


@router.post("/publish/draft/{draft_id}", response_class=HTMLResponse)
async def save_and_check(request: Request, draft_id: str) -> Response:
    principal, token = await require_signed_in(request)
    state = api_state(request)
    draft = _draft(state, draft_id, principal)
    form = await _form(request, FORM_FIELDS_LIMIT)
    _check_csrf(form, token)
    fields = {key: str(value) for key, value in form.items()}
    return await anyio.to_thread.run_sync(
        lambda: _save_and_check(request, state, principal, token, draft, fields)
    )


def _save_and_check(
    request: Request,
    state: ApiState,
    principal: Principal,
    token: str,
    draft: drafts.Draft,
    form: dict[str, str],
) -> Response:
    root = _root(state)
    organization = form.get("organization", draft.organization)
    if organization not in publishing_organizations(state, principal):
        problem = FormProblem(
            where="organization",
            message=Text(th="เลือกหน่วยงานที่เผยแพร่", en="choose the publishing organisation"),
        )
        return _review(request, state, principal, token, draft, problems=[problem], status=400)
    draft.organization = organization
    draft.email = form.get("email", "").strip() or draft.email
    current = drafts.mapping_of(root, draft)
    columns = drafts.suggestion_of(root, draft)["columns"]
    mapping, problems = read_form(form, current, columns)
    if problems:
        return _review(request, state, principal, token, draft, problems=problems, status=400)
    drafts.save_mapping(root, draft, mapping)
    drafts.check(root, draft, state.catalog.organization(draft.organization))
    if form.get("action") != "publish" or not draft.checked:
        status = 200 if draft.checked or form.get("action") != "publish" else 422
        return _review(request, state, principal, token, draft, status=status)
    try:
        names = drafts.publish_checked(
            root,
            draft,
            lambda folder, note: publish_folder(state, principal, folder, change_note=note),
        )
    except PublishRejectedError as error:
        return _review(
            request,
            state,
            principal,
            token,
            draft,
            status=422,
            rejected={"message": error.message},
        )
    lang = language_of(request.url.path)
    return _redirect(localized(f"/dataset/{names[0]}", lang) + "?published=1")
