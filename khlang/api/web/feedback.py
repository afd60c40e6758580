"""The pages of public feedback, in Thai and English, plain HTML forms that need no script:

* `/questions?dataset=NAME[&figure=KEY&area=LAO][&resource=ID&row=KEY]`: what has been asked
  about a dataset, a budget line or an area figure (the figure's page), and the form to ask;
* `/questions/{id}`: one question with its answers, and a form to add to it;
* `/requests` and `/requests/{id}`: dataset requests, the form to make one, support;
* `/organization/{name}/feedback`: the organisation's queue for its editors (signed in with
  the publishing form's API key cookie): answer, close with a reason, approve or reject held
  messages, decide requests.

Public forms go through the same guard and catalog calls as the JSON API
(`khlang.api.feedback.service`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi import Path as PathParameter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from khlang.api.feedback import service
from khlang.api.feedback.service import Proof, services
from khlang.api.publishing import receive_form
from khlang.api.state import api_state
from khlang.api.web import feedback_format
from khlang.api.web.i18n import Formatter, language_of, localized, with_query
from khlang.api.web.publishing import _check_csrf, _csrf, _signed_in, require_signed_in
from khlang.api.web.render import render
from khlang.catalog import Principal
from khlang.catalog.feedback_records import Subject
from khlang.errors import KhlangError
from khlang.i18n import Text

router = APIRouter(include_in_schema=False)
NO_STORE = "no-store"
TOO_MANY = 429
ANSWERED_BY_THE_HANDLER = (404, TOO_MANY)
"""Errors a form does not show again but leaves to the pages' one handler: what the form is
about does not exist (404 page), or the client posts too often (429)."""
SUBJECT_KEYS = ("dataset", "figure", "area", "resource", "row")
Id = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]


def _fmt(request: Request) -> Formatter:
    return Formatter(language_of(request.url.path))


def _path(request: Request, path: str) -> str:
    return localized(path, language_of(request.url.path))


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Feedback pages change with every post and carry a fresh challenge: never cached."""
    return render(
        request,
        template,
        status_code=status,
        cache_control=NO_STORE,
        fb=feedback_format,
        **context,
    )


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers={"Cache-Control": NO_STORE})


async def _form(request: Request) -> dict[str, str]:
    limit = services(request).settings.max_body_bytes
    form = await receive_form(request, limit, files=0, fields=40)
    return {key: str(value) for key, value in form.items()}


def _problem(error: KhlangError) -> Text:
    where = f"{error.where}: " if error.where else ""
    return Text(th=f"{where}{error.message.th}", en=f"{where}{error.message.en}")


def _proof(form: dict[str, str]) -> Proof:
    return Proof(
        challenge=form.get("challenge"),
        challenge_answer=form.get("challenge_answer"),
        website=form.get("website"),
    )


def _bounded(params: Any) -> dict[str, str]:
    return {key: str(params.get(key, ""))[:300] for key in SUBJECT_KEYS}


# --- questions -----------------------------------------------------------------------------


@router.get("/questions", response_class=HTMLResponse)
async def questions(request: Request) -> Response:
    values = {**_bounded(request.query_params), "kind": request.query_params.get("kind", "")[:20]}
    return await _subject_page(request, values, sent=request.query_params.get("sent"))


async def _subject_page(
    request: Request,
    values: dict[str, str],
    *,
    problem: Text | None = None,
    sent: str | None = None,
    status: int = 200,
) -> Response:
    state = api_state(request)
    dataset = None
    if values["dataset"]:
        dataset = await run_in_threadpool(state.catalog.dataset, values["dataset"])
    found = await run_in_threadpool(
        lambda: state.catalog.feedback.threads(
            dataset=dataset.name if dataset else None, figure=values["figure"] or None
        )
    )
    return _page(
        request,
        "feedback_subject.html",
        status=status,
        dataset=dataset,
        values=values,
        threads=found,
        challenge=services(request).guard.challenge(),
        problem=problem,
        sent=sent,
        figure_label=feedback_format.figure_label(values["figure"], _fmt(request)),
    )


@router.post("/questions", response_class=HTMLResponse)
async def ask(request: Request, background: BackgroundTasks) -> Response:
    form = await _form(request)
    values = _bounded(form)
    principal = Principal(name="anonymous")
    try:
        await service.admit(request, principal, _proof(form))
        subject = Subject(
            dataset=values["dataset"], resource_id=values["resource"] or None,
            row_key=values["row"] or None, figure=values["figure"] or None,
            area=values["area"] or None,
        )  # fmt: skip
        fields = {key: form.get(key, "") for key in ("kind", "title", "body", "language", "email")}
        fields["language"] = fields["language"] or language_of(request.url.path)
        thread = await run_in_threadpool(service.ask, request, background, subject, fields)
    except KhlangError as error:
        if error.status in ANSWERED_BY_THE_HANDLER:
            raise
        return await _subject_page(request, form_values(form), problem=_problem(error), status=400)
    if thread.moderation != "visible":
        query = [(key, values[key]) for key in SUBJECT_KEYS if values[key]]
        return _redirect(with_query(_path(request, "/questions"), [*query, ("sent", "held")]))
    return _redirect(_path(request, f"/questions/{thread.id}") + "#answers")


def form_values(form: dict[str, str]) -> dict[str, str]:
    """What the asker typed, to fill the form again after a problem."""
    keep = (*SUBJECT_KEYS, "kind", "title", "body", "email")
    return {key: str(form.get(key, ""))[:6000] for key in keep}


@router.get("/questions/{thread_id}", response_class=HTMLResponse)
async def thread_page(request: Request, thread_id: Id) -> Response:
    return await _thread_page(request, thread_id)


async def _thread_page(
    request: Request, thread_id: Id, *, problem: Text | None = None, status: int = 200
) -> Response:
    state = api_state(request)
    thread = await run_in_threadpool(state.catalog.feedback.thread, thread_id)
    return _page(
        request,
        "feedback_thread.html",
        status=status,
        thread=thread,
        challenge=services(request).guard.challenge(),
        problem=problem,
        figure_label=feedback_format.figure_label(thread.figure, _fmt(request)),
    )


@router.post("/questions/{thread_id}/reply", response_class=HTMLResponse)
async def reply(request: Request, thread_id: Id) -> Response:
    form = await _form(request)
    state = api_state(request)
    try:
        await service.admit(request, Principal(name="anonymous"), _proof(form))
        await run_in_threadpool(
            lambda: state.catalog.feedback.reply(
                thread_id, form.get("body", ""), language=language_of(request.url.path)
            )
        )
    except KhlangError as error:
        if error.status in ANSWERED_BY_THE_HANDLER:
            raise
        return await _thread_page(request, thread_id, problem=_problem(error), status=400)
    return _redirect(_path(request, f"/questions/{thread_id}") + "#answers")


# --- dataset requests ----------------------------------------------------------------------


@router.get("/requests", response_class=HTMLResponse)
async def requests_page(request: Request) -> Response:
    organization = request.query_params.get("organization", "")[:100]
    return await _requests_page(request, {"organization": organization})


async def _requests_page(
    request: Request, values: dict[str, str], *, problem: Text | None = None, status: int = 200
) -> Response:
    state = api_state(request)
    found = await run_in_threadpool(state.catalog.feedback.requests)
    return _page(
        request,
        "feedback_requests.html",
        status=status,
        requests=found,
        organizations=sorted(state.organizations()),
        values=values,
        challenge=services(request).guard.challenge(),
        problem=problem,
        sent=request.query_params.get("sent"),
    )


@router.post("/requests", response_class=HTMLResponse)
async def make_request(request: Request) -> Response:
    form = await _form(request)
    state = api_state(request)
    values = {key: form.get(key, "")[:6000] for key in ("organization", "title", "description")}
    try:
        await service.admit(request, Principal(name="anonymous"), _proof(form))
        record = await run_in_threadpool(
            lambda: state.catalog.feedback.request(
                title=form.get("title", ""),
                description=form.get("description", ""),
                organization=form.get("organization") or None,
                language=language_of(request.url.path),
                email=form.get("email"),
            )
        )
    except KhlangError as error:
        if error.status == TOO_MANY:  # an unknown organisation is the form's to show
            raise
        return await _requests_page(request, values, problem=_problem(error), status=400)
    if record.moderation != "visible":
        return _redirect(with_query(_path(request, "/requests"), [("sent", "held")]))
    return _redirect(_path(request, f"/requests/{record.id}"))


@router.get("/requests/{request_id}", response_class=HTMLResponse)
async def request_page(request: Request, request_id: Id) -> Response:
    return await _request_page(request, request_id)


async def _request_page(
    request: Request, request_id: Id, *, problem: Text | None = None, status: int = 200
) -> Response:
    state = api_state(request)
    record = await run_in_threadpool(state.catalog.feedback.request_record, request_id)
    return _page(
        request,
        "feedback_request.html",
        status=status,
        item=record,
        challenge=services(request).guard.challenge(),
        problem=problem,
    )


@router.post("/requests/{request_id}/support", response_class=HTMLResponse)
async def support(request: Request, request_id: Id) -> Response:
    form = await _form(request)
    state = api_state(request)
    try:
        await service.admit(request, Principal(name="anonymous"), _proof(form))
        await run_in_threadpool(state.catalog.feedback.support, request_id)
    except KhlangError as error:
        if error.status in ANSWERED_BY_THE_HANDLER:
            raise
        return await _request_page(request, request_id, problem=_problem(error), status=400)
    return _redirect(_path(request, f"/requests/{request_id}"))


# --- the organisation's queue --------------------------------------------------------------


@router.get("/organization/{name}/feedback", response_class=HTMLResponse)
async def queue(request: Request, name: str) -> Response:
    return await _queue_page(request, name)


async def _queue_page(
    request: Request, name: str, *, problem: Text | None = None, status: int = 200
) -> Response:
    state = api_state(request)
    org = await run_in_threadpool(state.catalog.organization, name)
    signed = await _signed_in(request)
    times = await run_in_threadpool(state.catalog.feedback.response_times, name)
    context: dict[str, Any] = {"org": org, "times": times, "problem": problem, "allowed": False}
    if signed is not None and signed[0].can_publish(name):
        principal, token = signed
        feedback = state.catalog.feedback
        context.update(
            allowed=True,
            principal=principal,
            csrf=_csrf(token),
            queue=await run_in_threadpool(lambda: feedback.queue(name, actor=principal)),
            requests=await run_in_threadpool(
                lambda: [
                    *feedback.requests(organization=name, viewer=principal),
                    *feedback.requests(organization="*", state="open"),
                ]
            ),
            versions=await run_in_threadpool(_versions, state, name),
        )
    elif signed is not None:
        status = 403
    return _page(
        request, "feedback_queue.html", status=status, signed=signed is not None, **context
    )


def _versions(state, organization: str) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """Each of the organisation's public datasets -> its published version numbers, newest
    first, for an answer's "fixed in version" choice."""
    return {
        summary.name: list(range(summary.version, 0, -1))
        for summary in state.catalog.datasets(organization=organization)
    }


async def _officer(request: Request, name: str) -> tuple[Principal, dict[str, str]]:
    """The signed-in editor and the posted form (with its token checked)."""
    principal, token = await require_signed_in(request)
    form = await _form(request)
    _check_csrf(form, token)
    return principal, form


async def _act(request: Request, name: str, anchor: str, action) -> Response:  # type: ignore[no-untyped-def]
    """Run an officer's action; back to the queue, or the queue with the problem."""
    try:
        await action()
    except KhlangError as error:
        return await _queue_page(request, name, problem=_problem(error), status=error.status)
    return _redirect(_path(request, f"/organization/{name}/feedback") + anchor)


@router.post("/organization/{name}/feedback/threads/{thread_id}", response_class=HTMLResponse)
async def officer_thread(
    request: Request, background: BackgroundTasks, name: str, thread_id: Id
) -> Response:
    principal, form = await _officer(request, name)
    feedback = api_state(request).catalog.feedback

    async def action() -> None:
        if form.get("action") == "close":
            await run_in_threadpool(
                lambda: feedback.close(thread_id, form.get("reason", ""), actor=principal)
            )
            return
        version = form.get("fixed_in_version", "")
        fields = {
            "body": form.get("body", ""),
            "language": language_of(request.url.path),
            "fixed_in_version": int(version) if version.isdecimal() and len(version) < 7 else None,
        }
        await run_in_threadpool(service.answer, request, background, principal, thread_id, fields)

    return await _act(request, name, f"#thread-{thread_id}", action)


@router.post("/organization/{name}/feedback/messages/{message_id}", response_class=HTMLResponse)
async def officer_moderate(request: Request, name: str, message_id: Id) -> Response:
    principal, form = await _officer(request, name)
    feedback = api_state(request).catalog.feedback

    async def action() -> None:
        approve = form.get("action") == "approve"
        await run_in_threadpool(
            lambda: feedback.moderate(message_id, approve=approve, actor=principal)
        )

    return await _act(request, name, "#queue", action)


@router.post("/organization/{name}/feedback/requests/{request_id}", response_class=HTMLResponse)
async def officer_decide(request: Request, name: str, request_id: Id) -> Response:
    principal, form = await _officer(request, name)
    feedback = api_state(request).catalog.feedback

    async def action() -> None:
        await run_in_threadpool(
            lambda: feedback.decide(
                request_id,
                form.get("state", ""),
                actor=principal,
                reason=form.get("reason") or None,
                dataset=form.get("dataset") or None,
                organization=name,
            )
        )

    return await _act(request, name, f"#request-{request_id}", action)
