"""The published files themselves, at the catalog's download URLs (CKAN's own URL shape):
byte for byte what was published, with its checksum as ETag and range requests."""

from __future__ import annotations

import datetime as dt
import os
from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import FileResponse

from khlang.api.http import CURRENT, IMMUTABLE, PRIVATE, not_modified
from khlang.api.state import ApiState, api_state, caller
from khlang.catalog import Principal

router = APIRouter(tags=["files"])
State = Annotated[ApiState, Depends(api_state)]
Caller = Annotated[Principal, Depends(caller)]


def _serve(
    request: Request,
    state: ApiState,
    principal: Principal,
    name: str,
    resource_id: str,
    version: int | None,
) -> Response:
    stored = state.catalog.resource_file(name, resource_id, version=version, viewer=principal)
    private = state.catalog.dataset(name, viewer=principal).private
    etag = f'"{stored.sha256.removeprefix("sha256:")}"'
    headers = {
        "ETag": etag,
        "Cache-Control": PRIVATE if private else IMMUTABLE if version is not None else CURRENT,
    }
    # The Last-Modified FileResponse states: the stored file's time, read the same way.
    modified = dt.datetime.fromtimestamp(os.stat(stored.path).st_mtime, dt.UTC)
    if not_modified(request, etag, modified):
        headers["Last-Modified"] = format_datetime(modified.replace(microsecond=0), usegmt=True)
        return Response(status_code=304, headers=headers)
    return FileResponse(
        stored.path,
        media_type=stored.media_type,
        # Saved as <dataset>-<file>: the same table name (budget-lines.csv) recurs across
        # datasets, and a download folder should still say which dataset a file came from.
        filename=f"{name}-{stored.filename}",
        headers=headers,
        content_disposition_type="attachment",
    )


@router.get(
    "/dataset/{name}/resource/{resource_id}/download/{filename}",
    summary="A resource's file of the current version, as published",
)
def current_file(
    request: Request, state: State, principal: Caller, name: str, resource_id: str, filename: str
) -> Response:
    return _serve(request, state, principal, name, resource_id, None)


@router.get(
    "/dataset/{name}/version/{number}/resource/{resource_id}/download/{filename}",
    summary="A resource's file of one version, as published (never changes)",
)
def version_file(
    request: Request,
    state: State,
    principal: Caller,
    name: str,
    number: Annotated[int, Path(ge=1)],
    resource_id: str,
    filename: str,
) -> Response:
    return _serve(request, state, principal, name, resource_id, number)
