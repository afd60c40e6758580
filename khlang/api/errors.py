"""Errors the API answers with a 4xx: what was wrong, in which parameter, in Thai and English.

`ApiError` is a `KhlangError` whose `code` and `status` are chosen where it is raised (every
other error class carries its own, `khlang.errors`), so the same bad input gets the same
message from the CLI and from HTTP. `error_body` is khlang's JSON for any of them;
khlang's own endpoints and the CKAN-compatible ones render it in their own envelopes.
"""

from __future__ import annotations

from typing import Any

from khlang.errors import KhlangError
from khlang.i18n import Text


class ApiError(KhlangError):
    """A request khlang will not run, with the reason."""

    def __init__(
        self,
        message: Text,
        *,
        code: str,
        status: int = 400,
        parameter: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, where=parameter)
        self.code = code
        self.status = status
        self.parameter = parameter
        self.headers = headers or {}

    def to_json(self) -> dict[str, Any]:
        return error_body(self)


def error_body(error: KhlangError) -> dict[str, Any]:
    """khlang's error body: `{"error": {"status", "code", "parameter", "message", ...}}`,
    with what the error adds for programs (a refused publish's `report`)."""
    return {
        "error": {
            "status": error.status,
            "code": error.code,
            "parameter": error.where,
            "message": {"th": error.message.th, "en": error.message.en},
            **error.details(),
        }
    }


def headers_of(error: KhlangError) -> dict[str, str]:
    """The response headers an error needs: its own (an ApiError's `Retry-After`), and the
    scheme to authenticate with on a 401 (RFC 9110)."""
    headers = dict(error.headers) if isinstance(error, ApiError) else {}
    if error.status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return headers


def bad_parameter(parameter: str, th: str, en: str, *, code: str = "bad_parameter") -> ApiError:
    return ApiError(Text(th=th, en=en), code=code, status=400, parameter=parameter)


def not_found(what: Text, *, code: str = "not_found") -> ApiError:
    return ApiError(what, code=code, status=404)
