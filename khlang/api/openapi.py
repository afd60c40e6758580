"""The error answers of every operation, written into the OpenAPI description.

FastAPI documents only the success answer and a 422 in its own validation format, but
khlang answers a bad parameter with 400 in its own error body (`ApiError.to_json`), every
route may answer 404, 429 (rate limits) or 503 (a table still being built), and the write
API refuses with 401, 403, 409, 413, 415 or 422. A client generated from the description, or
a property-based test of it (tests/api/test_openapi_properties.py), must see every status
it can get, with the body it will get, so the description is completed here once for all
routes instead of repeating `responses=` on each of them.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema


class ErrorMessage(BaseModel):
    th: str
    en: str


class ErrorDetail(BaseModel):
    status: int
    code: str
    parameter: str | None
    message: ErrorMessage
    report: dict[str, Any] | None = None  # the gate's report, on a refused publish (422)


class ErrorBody(BaseModel):
    """khlang's error answer: a stable code, the parameter at fault and a Thai and English
    message."""

    error: ErrorDetail


class CkanErrorBody(BaseModel):
    """CKAN's envelope around a refused action, as CKAN 2.11 answers it."""

    help: str | None = None  # absent or None when no action answered (rate limit, crash)
    success: Literal[False]
    error: dict[str, Any]


EVERY_OPERATION = {
    400: "A parameter is malformed or out of range (`parameter` names it).",
    404: "No such dataset, resource, version or file, or not visible to this caller.",
    429: "Over the rate limit; `Retry-After` says when to come back.",
    500: "An internal error; the answer carries only a bilingual message and an id.",
    503: "Busy, or a table still being prepared; `Retry-After` says when to come back.",
}
READS = {406: "None of the media types in `Accept` can be given."}
WRITES = {
    401: "No API key, or an unknown, revoked or expired one.",
    403: "The key's user may not change this organisation's datasets.",
    409: "Another version was published meanwhile, or the name belongs to another dataset.",
    413: "The upload is larger than the server accepts.",
    415: "The upload is not a zip archive or a dataset folder's files.",
    422: "The publishing gate refused the dataset (metadata or table errors).",
}
CKAN_PREFIX = "/api/3/action/"
WRITE_METHODS = {"post", "put", "patch", "delete"}


def describe_errors(app: FastAPI) -> None:
    """Make `app.openapi()` return the description with every error answer documented."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _complete(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                    tags=app.openapi_tags,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _complete(description: dict[str, Any]) -> dict[str, Any]:
    _, definitions = models_json_schema(
        [(ErrorBody, "serialization"), (CkanErrorBody, "serialization")],
        ref_template="#/components/schemas/{model}",
    )
    schemas = description.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(definitions["$defs"])
    for path, operations in description.get("paths", {}).items():
        body = "CkanErrorBody" if path.startswith(CKAN_PREFIX) else "ErrorBody"
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            answers.pop("422", None)
            statuses = {**EVERY_OPERATION}
            statuses.update(WRITES if method in WRITE_METHODS else READS)
            if path.startswith(CKAN_PREFIX):
                statuses.update({403: WRITES[403], 409: WRITES[409]})
            for status, meaning in sorted(statuses.items()):
                answers.setdefault(
                    str(status),
                    {
                        "description": meaning,
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}
                        },
                    },
                )
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return description
