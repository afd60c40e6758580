"""CKAN's Action API routes, `/api/3/action/{name}` and `/api/action/{name}`, GET or POST
(JSON, a url-encoded form, or multipart with a file for resource_create), answered in CKAN's
envelope: `help`, `success`, and `result` or `error`.

The caller is identified before the body is read; a write action without a key is refused
then, and its body never read."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qsl

import anyio
from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response

from khlang.api import (
    ckan_actions,
    ckan_datastore,
    ckan_search,
    ckan_site,
    ckan_writes,
    json_input,
    publishing,
)
from khlang.api.ckan_common import CKAN_JSON, CkanError, Context
from khlang.api.errors import ApiError, headers_of
from khlang.api.http import base_url, json_bytes
from khlang.api.state import api_state, caller
from khlang.catalog import ANONYMOUS
from khlang.errors import KhlangError

router = APIRouter(tags=["CKAN API"])
Action = Callable[[Context, dict[str, Any]], Any]
ACTIONS: dict[str, Action] = {
    "package_search": ckan_search.package_search,
    "package_show": ckan_actions.package_show,
    "current_package_list_with_resources": ckan_search.current_package_list_with_resources,
    "package_list": ckan_actions.package_list,
    "package_activity_list": ckan_site.package_activity_list,
    "organization_list": ckan_actions.organization_list,
    "organization_show": ckan_actions.organization_show,
    "group_list": ckan_actions.group_list,
    "group_show": ckan_actions.group_show,
    "tag_list": ckan_actions.tag_list,
    "resource_show": ckan_actions.resource_show,
    "datastore_search": ckan_datastore.datastore_search,
    "datastore_info": ckan_datastore.datastore_info,
    "license_list": ckan_site.license_list,
    "status_show": ckan_site.status_show,
}
WRITE_ACTIONS: dict[str, Action] = {
    "package_create": ckan_writes.package_create,
    "package_update": ckan_writes.package_update,
    "package_patch": ckan_writes.package_patch,
    "package_delete": ckan_writes.package_delete,
    "resource_create": ckan_writes.resource_create,
}
ACTIONS.update(WRITE_ACTIONS)
ACTIONS["help_show"] = ckan_site.help_show(ACTIONS)
ACTION_DESCRIPTION = (
    "CKAN 2.11's actions: "
    + ", ".join(sorted(ACTIONS))
    + ". Parameters as CKAN takes them (query string, JSON body or form; resource_create's "
    "`upload` as multipart); the answer is CKAN's envelope. Package dicts carry the GD "
    "Catalog fields with their Thai values. Writes need an API key and pass khlang's "
    "publishing gate (docs/api.md, the CKAN compatibility table)."
)


@router.get("/api/3", include_in_schema=False)
@router.get("/api", include_in_schema=False)
def api_version() -> dict[str, int]:
    return {"version": 3}


async def _parameters(request: Request, limit: int) -> tuple[dict[str, Any], Any]:
    """The action's parameters (query string, then the body), and the parsed form to close
    when the body was multipart (its files are spooled to disk)."""
    data: dict[str, Any] = dict(request.query_params)
    if request.method != "POST":
        return data, None
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await publishing.receive_form(request, limit)
        data.update(form.multi_items())
        return data, form
    body = await publishing.receive(request, limit)
    if not body.strip():
        return data, None
    if kind == "application/x-www-form-urlencoded":
        data.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return data, None
    try:
        parsed = json_input.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CkanError(
            "Bad request", 400, message="Bad request - JSON Error: the body is not valid JSON"
        ) from None
    if not isinstance(parsed, dict):
        raise CkanError("Bad request", 400, message="Bad request - JSON Error: not a JSON object")
    data.update(parsed)
    return data, None


def _is_upload(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind == "multipart/form-data"


def _help_url(request: Request, action: str) -> str:
    return f"{base_url(request)}/api/3/action/help_show?name={action}"


def _envelope(request: Request, action: str, **content: Any) -> dict[str, Any]:
    return {"help": _help_url(request, action), **content}


@router.get(
    "/api/3/action/{action}",
    summary="CKAN Action API (read actions), GET",
    description=ACTION_DESCRIPTION,
    operation_id="ckan_action_get",
)
@router.post(
    "/api/3/action/{action}",
    summary="CKAN Action API (read and write actions), POST with a JSON, form or multipart body",
    description=ACTION_DESCRIPTION,
    operation_id="ckan_action_post",
)
@router.api_route("/api/action/{action}", methods=["GET", "POST"], include_in_schema=False)
async def call_action(
    request: Request,
    action: Annotated[
        str,
        # Documented, not enforced here: an unknown action gets CKAN's own 400 envelope.
        Path(json_schema_extra={"enum": sorted(ACTIONS)}),
    ],
) -> Response:
    try:
        function = ACTIONS.get(action)
        if function is None:
            raise CkanError(
                "Bad request", 400, message=f"Bad request - Action name not known: {action}"
            )
        state = api_state(request)
        principal = await anyio.to_thread.run_sync(caller, request)
        if action in WRITE_ACTIONS and principal == ANONYMOUS:
            raise CkanError(
                "Authorization Error",
                403,
                message=f"Access denied: Action {action} requires an API key",
            )
        if action in WRITE_ACTIONS and _is_upload(request):  # who, before reading a file
            await anyio.to_thread.run_sync(publishing.require_publisher, state, principal, None)
        data, form = await _parameters(request, state.settings.max_upload_bytes)
        context = Context(state=state, principal=principal, base=base_url(request))

        def answer() -> bytes:  # the JSON of 32,000 records is work too: not on the loop
            result = function(context, data)
            return json_bytes(_envelope(request, action, success=True, result=result))

        try:
            if action.startswith("datastore_"):  # queries: through the engine's fair pool
                content = await state.engine.run(answer)
            else:
                content = await anyio.to_thread.run_sync(answer)
        finally:
            if form is not None:
                await form.close()
    except CkanError as error:
        return _error(request, action, error)
    except KhlangError as error:
        response = _error(request, action, ckan_error(error))
        response.headers.update(headers_of(error))
        return response
    # An answer to a key may hold private datasets: no shared cache may keep it.
    private = {} if principal == ANONYMOUS else {"Cache-Control": "private, no-store"}
    return Response(content, media_type=CKAN_JSON, headers=private)


def ckan_error(error: KhlangError) -> CkanError:
    """CKAN's error for one of khlang's, from the error's own status (`khlang.errors`), in
    CKAN's words: 401/403 an Authorization Error, 404 a Not Found Error, other refusals and
    bad input a Validation Error (409, CKAN's status for it) naming the parameter."""
    message = error.message.en
    if error.status in (401, 403):
        return CkanError("Authorization Error", error.status, message=f"Access denied: {message}")
    if error.status == 404:
        return CkanError("Not Found Error", 404, message=f"Not found: {message}")
    if error.status >= 500:
        return CkanError("Internal Server Error", error.status, message=message)
    status = 409 if error.status in (400, 409, 422) else error.status
    if isinstance(error, ApiError):  # a bad parameter: named as CKAN names a field
        fields = {error.where or "query": [message]}
    else:
        fields = {"message": [error.render("en")]}
    return CkanError("Validation Error", status, fields=fields)


def _error(request: Request, action: str, error: CkanError) -> JSONResponse:
    return JSONResponse(
        error.envelope(_help_url(request, action)), status_code=error.status, media_type=CKAN_JSON
    )
