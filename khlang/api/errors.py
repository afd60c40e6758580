"""Errors the API answers with a 4xx: what was wrong, in which parameter, in Thai and English.

`ApiError` is a `KhlangError`, so the same bad input gets the same message from the CLI and
from HTTP. Each carries a stable `code` a program can branch on, the HTTP status, and the
parameter it is about; khlang's own endpoints and the CKAN-compatible ones render it in their
own envelopes.
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
        """khlang's error body: `{"error": {"status", "code", "parameter", "message"}}`."""
        return {
            "error": {
                "status": self.status,
                "code": self.code,
                "parameter": self.parameter,
                "message": {"th": self.message.th, "en": self.message.en},
            }
        }


def bad_parameter(parameter: str, th: str, en: str, *, code: str = "bad_parameter") -> ApiError:
    return ApiError(Text(th=th, en=en), code=code, status=400, parameter=parameter)


def not_found(what: Text, *, code: str = "not_found") -> ApiError:
    return ApiError(what, code=code, status=404)
