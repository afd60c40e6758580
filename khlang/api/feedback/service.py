"""What the JSON API and the web pages share about public feedback: one guard and one
notifier per application, reading a bounded body, and the steps of asking, replying,
requesting and answering (guard, catalog, notification), so both doors behave alike."""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from fastapi import BackgroundTasks, Request
from pydantic import BaseModel, ValidationError

from khlang.api.errors import ApiError
from khlang.api.feedback.guard import Guard
from khlang.api.feedback.notify import Notifier
from khlang.api.http import base_url
from khlang.api.publishing import too_large
from khlang.api.state import ApiState, api_state
from khlang.catalog import Principal
from khlang.catalog.feedback_records import RequestRecord, Subject, ThreadRecord
from khlang.i18n import Text

_lock = threading.Lock()
M = TypeVar("M", bound=BaseModel)
PUBLIC_EXCLUDE = {"has_email"}
"""Left out of every public answer: even whether the asker left an email."""


class Services:
    def __init__(self, state: ApiState) -> None:
        settings = state.settings.feedback
        self.settings = settings
        self.guard = Guard(
            settings,
            state.settings.rate_limits.storage,
            state.settings.table_dir.parent / "feedback.key",
        )
        self.notifier = Notifier(settings, state.catalog)


def services(request: Request) -> Services:
    """The application's feedback services, made on first use."""
    app_state = request.app.state
    with _lock:
        found = getattr(app_state, "khlang_feedback", None)
        if found is None:
            found = Services(api_state(request))
            app_state.khlang_feedback = found
    return found


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused unread when its declared length passes `limit`, and as soon as
    the bytes received pass it."""
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > limit:
        raise too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def parse(model: type[M], body: bytes) -> M:
    """A JSON body as `model`: wrong types, unknown fields and absurd nesting get a 400
    naming the field."""
    try:
        return model.model_validate_json(body or b"{}")
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())) or "body"
        raise ApiError(
            Text(th=f"ข้อมูลไม่ถูกต้อง: {first['msg']}", en=str(first["msg"])),
            code="bad_parameter",
            status=400,
            parameter=field,
        ) from None


def thread_url(request: Request, thread_id: int) -> str:
    return f"{base_url(request)}/questions/{thread_id}"


def request_url(request: Request, request_id: int) -> str:
    return f"{base_url(request)}/requests/{request_id}"


def thread_json(request: Request, thread: ThreadRecord) -> dict[str, Any]:
    return {
        **thread.model_dump(mode="json", exclude=PUBLIC_EXCLUDE),
        "links": {"page": thread_url(request, thread.id)},
    }


def request_json(request: Request, record: RequestRecord) -> dict[str, Any]:
    links = {"page": request_url(request, record.id)}
    if record.dataset:
        links["dataset"] = f"{base_url(request)}/dataset/{record.dataset}"
    return {**record.model_dump(mode="json", exclude=PUBLIC_EXCLUDE), "links": links}


class Proof(BaseModel):
    """What an anonymous post carries against bots."""

    challenge: str | None = None
    challenge_answer: str | None = None
    website: str | None = None


async def admit(request: Request, principal: Principal, proof: Proof) -> None:
    """Let a post through the guard: counted against the address's limits, and, without
    an API key, only with the challenge answered."""
    guard = services(request).guard
    await guard.hit(request)
    if principal.name == "anonymous":
        await guard.check(proof.challenge, proof.challenge_answer, proof.website)


def ask(
    request: Request,
    background: BackgroundTasks,
    subject: Subject,
    fields: dict[str, Any],
) -> ThreadRecord:
    thread = api_state(request).catalog.feedback.ask(subject, **fields)
    notifier = services(request).notifier
    if notifier.configured:
        background.add_task(notifier.question, thread, thread_url(request, thread.id))
    return thread


def answer(
    request: Request,
    background: BackgroundTasks,
    principal: Principal,
    thread_id: int,
    fields: dict[str, Any],
) -> ThreadRecord:
    thread = api_state(request).catalog.feedback.answer(thread_id, actor=principal, **fields)
    notifier = services(request).notifier
    if notifier.configured:
        background.add_task(notifier.answer, thread, thread_url(request, thread.id))
    return thread
