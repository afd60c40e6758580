"""The JSON API of public feedback: questions and error reports on datasets, budget lines and
area figures, dataset requests, and the organisations' answers.

Asking needs no account, but an anonymous post carries the answer to a challenge
(`GET /feedback/challenge`) and is counted against tight per-address limits; answering,
closing, moderating and deciding need an API key of an editor of the organisation.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints
from starlette.concurrency import run_in_threadpool

from khlang.api import service as api_service
from khlang.api.feedback import service
from khlang.api.feedback.service import Proof, parse, request_json, services, thread_json
from khlang.api.http import PRIVATE
from khlang.api.openapi import ErrorBody
from khlang.api.publishing import require_key
from khlang.api.state import ApiState, api_state, caller
from khlang.catalog import Principal
from khlang.catalog import feedback_text as text
from khlang.catalog.feedback_records import Subject
from khlang.thai import INVISIBLE_FORMAT

router = APIRouter(prefix=api_service.API, tags=["feedback"])
State = Annotated[ApiState, Depends(api_state)]
Caller = Annotated[Principal, Depends(caller)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
SIGNED_IN = {
    401: {"model": ErrorBody, "description": "No API key, or an unknown, revoked or expired one."},
    403: {"model": ErrorBody, "description": "The key's user is not an editor there."},
}


def _json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The request body's description (the routes read the body themselves, bounded), with
    its definitions written in place: a `$ref` to `#/$defs/...` would point into the
    OpenAPI document's root, where they are not."""
    found = model.model_json_schema()
    schema = _inlined(found, found.pop("$defs", {}))
    return {"requestBody": {"content": {"application/json": {"schema": schema}}, "required": True}}


def _inlined(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inlined(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _inlined(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
    return {
        key: _inlined(value, definitions) for key, value in node.items() if key != "discriminator"
    }


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _text(limit: int) -> Any:
    """Text with something in it once control characters and blanks are set aside (the
    catalog's own check, `feedback_text.clean`, stated for the description)."""
    return Annotated[str, StringConstraints(max_length=limit, pattern=VISIBLE)]


VISIBLE = rf"[^\s\u0000-\u001f\u007f{INVISIBLE_FORMAT}]"
Title = _text(text.TITLE_LIMIT)
Body = _text(text.BODY_LIMIT)
Reason = _text(text.REASON_LIMIT)
Email = Annotated[str, StringConstraints(max_length=text.EMAIL_LIMIT, pattern=text.EMAIL_PATTERN)]
Language = Literal["th", "en"]
Name = Annotated[str, StringConstraints(max_length=100)]


class _Proof(_Body):
    challenge: str | None = Field(default=None, max_length=200)
    challenge_answer: str | None = Field(default=None, max_length=10)
    website: str | None = Field(default=None, max_length=200)


class QuestionBody(_Proof):
    dataset: Name
    resource_id: str | None = Field(default=None, max_length=36)
    row: str | None = Field(default=None, max_length=200)
    figure: str | None = Field(default=None, max_length=300)
    area: Name | None = None
    kind: Literal["question", "error", "missing", "other"] = "question"
    title: Title
    body: Body
    language: Language = "th"
    email: Email | None = None


class ReplyBody(_Proof):
    body: Body
    language: Language = "th"


class AnswerBody(_Body):
    body: Body
    language: Language = "th"
    fixed_in_version: int | None = Field(default=None, ge=1, le=1_000_000)


class CloseBody(_Body):
    reason: Reason


class ModerationBody(_Body):
    approve: bool


class RequestBody(_Proof):
    title: Title
    description: Body
    organization: Name | None = None
    language: Language = "th"
    email: Email | None = None


class _Decision(_Body):
    organization: Name | None = None
    """Who takes up a request made to any agency."""


class Accept(_Decision):
    state: Literal["accepted", "open"]
    reason: Reason | None = None


class Publish(_Decision):
    state: Literal["published"]
    dataset: Name
    reason: Reason | None = None


class Decline(_Decision):
    state: Literal["declined"]
    reason: Reason


class DecisionBody(RootModel[Annotated[Accept | Publish | Decline, Field(discriminator="state")]]):
    """Accepted or open (a note optional), published (the dataset), declined (a reason)."""


class SupportBody(_Proof):
    pass


async def _body(request: Request, model: type[service.M]) -> service.M:
    return parse(model, await service.read_body(request, services(request).settings.max_body_bytes))


def _proof(body: BaseModel) -> Proof:
    return Proof.model_validate(
        body.model_dump(include={"challenge", "challenge_answer", "website"})
    )


def _private(body: Any, status: int = 200) -> JSONResponse:
    """Answers that change with every post, or hold what only an officer sees."""
    return JSONResponse(body, status_code=status, headers={"Cache-Control": PRIVATE})


# --- questions -----------------------------------------------------------------------------


@router.get("/feedback/challenge", summary="A challenge to answer when posting without a key")
def challenge(request: Request) -> JSONResponse:
    found = services(request).guard.challenge()
    return _private(found.model_dump())


@router.get("/feedback/threads", summary="Public questions and answers, newest first")
def threads(
    request: Request,
    state: State,
    principal: Caller,
    dataset: str | None = Query(default=None, max_length=100),
    figure: str | None = Query(default=None, max_length=300),
    organization: str | None = Query(default=None, max_length=100),
    status: Literal["open", "answered", "closed"] | None = Query(default=None, alias="state"),
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    found = state.catalog.feedback.threads(
        dataset=dataset, figure=figure, organization=organization, state=status,
        viewer=principal, limit=limit, offset=offset,
    )  # fmt: skip
    return _private({"threads": [thread_json(request, item) for item in found]})


@router.post(
    "/feedback/threads",
    status_code=201,
    summary="Ask a question or report an error (no account needed)",
    openapi_extra=_json_body(QuestionBody),
)
async def ask(request: Request, background: BackgroundTasks, principal: Caller) -> JSONResponse:
    body = await _body(request, QuestionBody)
    await service.admit(request, principal, _proof(body))
    subject = Subject(
        dataset=body.dataset, resource_id=body.resource_id, row_key=body.row,
        figure=body.figure, area=body.area,
    )  # fmt: skip
    fields = body.model_dump(include={"kind", "title", "body", "language", "email"})
    thread = await run_in_threadpool(service.ask, request, background, subject, fields)
    return _private(thread_json(request, thread), 201)


@router.get("/feedback/threads/{thread_id}", summary="A question with its answers")
def thread(request: Request, state: State, principal: Caller, thread_id: Id) -> JSONResponse:
    return _private(
        thread_json(request, state.catalog.feedback.thread(thread_id, viewer=principal))
    )


@router.post(
    "/feedback/threads/{thread_id}/replies",
    status_code=201,
    summary="Add to a question (no account needed)",
    openapi_extra=_json_body(ReplyBody),
)
async def reply(request: Request, state: State, principal: Caller, thread_id: Id) -> JSONResponse:
    body = await _body(request, ReplyBody)
    await service.admit(request, principal, _proof(body))
    message = await run_in_threadpool(
        state.catalog.feedback.reply, thread_id, body.body, language=body.language
    )
    return _private(message.model_dump(mode="json"), 201)


@router.post(
    "/feedback/threads/{thread_id}/answers",
    status_code=201,
    summary="Answer in public (an editor of the organisation)",
    openapi_extra=_json_body(AnswerBody),
)
async def answer(
    request: Request, background: BackgroundTasks, principal: Caller, thread_id: Id
) -> JSONResponse:
    require_key(principal)
    body = await _body(request, AnswerBody)
    thread = await run_in_threadpool(
        service.answer, request, background, principal, thread_id, body.model_dump()
    )
    return _private(thread_json(request, thread), 201)


@router.post(
    "/feedback/threads/{thread_id}/close",
    summary="Close with a public reason (an editor of the organisation)",
    openapi_extra=_json_body(CloseBody),
)
async def close(request: Request, state: State, principal: Caller, thread_id: Id) -> JSONResponse:
    require_key(principal)
    body = await _body(request, CloseBody)
    thread = await run_in_threadpool(
        state.catalog.feedback.close, thread_id, body.reason, actor=principal
    )
    return _private(thread_json(request, thread))


@router.post(
    "/feedback/messages/{message_id}/moderation",
    summary="Approve or reject a held message (an editor of the organisation)",
    openapi_extra=_json_body(ModerationBody),
)
async def moderate(
    request: Request, state: State, principal: Caller, message_id: Id
) -> JSONResponse:
    require_key(principal)
    body = await _body(request, ModerationBody)
    message = await run_in_threadpool(
        state.catalog.feedback.moderate, message_id, approve=body.approve, actor=principal
    )
    return _private(message.model_dump(mode="json"))


@router.get(
    "/organizations/{name}/feedback",
    responses=SIGNED_IN,  # type: ignore[arg-type]
    summary="The organisation's queue: open questions and held messages (its editors)",
)
def queue(request: Request, state: State, principal: Caller, name: str) -> JSONResponse:
    require_key(principal)
    found = state.catalog.feedback.queue(name, actor=principal)
    times = state.catalog.feedback.response_times(name)
    return _private(
        {
            "queue": [{**thread_json(request, t), "has_email": t.has_email} for t in found],
            "response_times": times.model_dump(mode="json"),
        }
    )


@router.get(
    "/organizations/{name}/feedback/response-times",
    summary="How the organisation answers: questions, answers, median hours to answer",
)
def response_times(state: State, name: str) -> JSONResponse:
    return _private(state.catalog.feedback.response_times(name).model_dump(mode="json"))


# --- dataset requests ----------------------------------------------------------------------


@router.get("/requests", summary="Dataset requests, the most supported first")
def requests(
    request: Request,
    state: State,
    principal: Caller,
    organization: str | None = Query(default=None, max_length=100, description="`*`: any agency"),
    status: Literal["open", "accepted", "published", "declined"] | None = Query(
        default=None, alias="state"
    ),
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    found = state.catalog.feedback.requests(
        organization=organization, state=status, viewer=principal, limit=limit, offset=offset
    )
    return _private({"requests": [request_json(request, item) for item in found]})


@router.post(
    "/requests",
    status_code=201,
    summary="Ask an agency, or any agency, to publish a dataset (no account needed)",
    openapi_extra=_json_body(RequestBody),
)
async def create_request(request: Request, state: State, principal: Caller) -> JSONResponse:
    body = await _body(request, RequestBody)
    await service.admit(request, principal, _proof(body))
    fields = body.model_dump(include={"title", "description", "organization", "language", "email"})
    record = await run_in_threadpool(lambda: state.catalog.feedback.request(**fields))
    return _private(request_json(request, record), 201)


@router.get("/requests/{request_id}", summary="A dataset request and its public status")
def show_request(request: Request, state: State, principal: Caller, request_id: Id) -> JSONResponse:
    record = state.catalog.feedback.request_record(request_id, viewer=principal)
    return _private(request_json(request, record))


@router.post(
    "/requests/{request_id}/support",
    summary="Add your support to a request (no account needed)",
    openapi_extra=_json_body(SupportBody),
)
async def support(
    request: Request, state: State, principal: Caller, request_id: Id
) -> JSONResponse:
    body = await _body(request, SupportBody)
    await service.admit(request, principal, _proof(body))
    record = await run_in_threadpool(state.catalog.feedback.support, request_id)
    return _private(request_json(request, record))


@router.post(
    "/requests/{request_id}/decision",
    summary="Accept, publish (with the dataset) or decline (with a reason) a request",
    openapi_extra=_json_body(DecisionBody),
)
async def decide(request: Request, state: State, principal: Caller, request_id: Id) -> JSONResponse:
    require_key(principal)
    body = (await _body(request, DecisionBody)).root
    record = await run_in_threadpool(
        lambda: state.catalog.feedback.decide(
            request_id,
            body.state,
            actor=principal,
            reason=body.reason,
            dataset=getattr(body, "dataset", None),
            organization=body.organization,
        )
    )
    return _private(request_json(request, record))
