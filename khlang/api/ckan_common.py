"""What every CKAN action shares: CKAN's error types and envelope, the request context,
and reading parameters the way CKAN's validators read them."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from khlang.api import json_input
from khlang.catalog import Principal

CKAN_JSON = "application/json;charset=utf-8"
"""The media type of every CKAN answer, errors included, as CKAN sends it: clients that read
the text (ckanext-harvest reads `response.text`) need not guess the encoding of Thai."""


class CkanError(Exception):
    """An error in CKAN's envelope: `__type` and either a message or per-field messages."""

    def __init__(
        self,
        kind: str,
        status: int,
        message: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message or kind)
        self.kind = kind
        self.status = status
        self.message = message
        self.fields = fields or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"__type": self.kind}
        if self.message is not None:
            error["message"] = self.message
        error.update(self.fields)
        return error

    def envelope(self, help_url: str | None = None) -> dict[str, Any]:
        """CKAN's whole answer to the refused action. `help` is the action's help_show link,
        or None when no action answered (an error before dispatch: rate limit, bad key)."""
        return {"help": help_url, "success": False, "error": self.body()}


def validation(field: str, message: str) -> CkanError:
    return CkanError("Validation Error", 409, fields={field: [message]})


def not_found(message: str = "Not found") -> CkanError:
    return CkanError("Not Found Error", 404, message=message)


def search_error(message: str) -> CkanError:
    return CkanError("Search Query Error", 400, message=f"Search Query is invalid: {message}")


class Context(BaseModel):
    """What an action knows of the request."""

    model_config = {"arbitrary_types_allowed": True}

    state: Any
    principal: Principal
    base: str


# --- parameters --------------------------------------------------------------------------


MAX_INTEGER = 2**31 - 1
"""The largest count, limit or offset a caller may give (a database cannot take 2**70)."""


def integer(data: dict[str, Any], key: str, default: int, *, cap: int | None = None) -> int:
    value = data.get(key, default)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise validation(key, "Invalid integer") from None
    if number < 0:
        raise validation(key, "Must be a positive integer")
    if number > MAX_INTEGER:
        raise validation(key, f"Must be at most {MAX_INTEGER}")
    return min(number, cap) if cap is not None else number


def boolean(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise validation(key, f"Value must be one of {['true', 'false']}")


def listed(data: dict[str, Any], key: str) -> list[str] | None:
    """A list parameter: a JSON list (as `facet.field=["tags"]`), a list, or comma-separated."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return [str(item) for item in value]
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json_input.loads(text)
        except json.JSONDecodeError:
            raise validation(key, "Invalid JSON list") from None
        if not isinstance(parsed, list):
            raise validation(key, "Must be a list")
        return [str(item) for item in parsed]
    return [item.strip() for item in text.split(",") if item.strip()]


def identifier(data: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise validation(keys[0], "Missing value")
