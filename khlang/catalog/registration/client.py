"""Calling a target CKAN through ckanapi, with every failure turned into a `TargetError`
that says whether trying again can help.

* transient (retried with backoff): a timeout, a refused or dropped connection, HTTP 5xx,
  HTTP 429;
* permanent (recorded, not retried until something changes): CKAN's validation errors (409,
  with its message per field), authorization errors (403: a wrong token acts as anonymous on
  CKAN, so it shows up here), a reply that is not CKAN's JSON (an HTML page: usually the
  URL is not the CKAN site's root), and any other 4xx.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO, Literal, cast

import ckanapi
import requests
from ckanapi.errors import CKANAPIError, ServerIncompatibleError

from khlang import __version__
from khlang.i18n import Text

WRITE_ACTIONS = frozenset(
    {
        "organization_create",
        "package_create",
        "package_patch",
        "package_update",
        "package_delete",
        "resource_create",
        "resource_patch",
    }
)


class TargetError(Exception):
    def __init__(
        self,
        kind: Literal["transient", "permanent"],
        message: Text,
        *,
        action: str,
        status: int | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        self.kind = kind
        self.message = message
        self.action = action
        self.status = status
        self.fields = fields or {}
        super().__init__(str(message))

    @property
    def transient(self) -> bool:
        return self.kind == "transient"

    def record(self) -> dict[str, Any]:
        """What a registration keeps of the error (and the compliance view shows)."""
        return {
            "kind": self.kind,
            "action": self.action,
            "status": self.status,
            "message": self.message.en,
            "message_th": self.message.th,
            "fields": self.fields,
        }


class RemoteNotFoundError(Exception):
    """The object asked for does not exist on the target (an ordinary answer, not a fault)."""


class CkanClient:
    """One target's API. Counts the write calls it made (`writes`), so a run can prove it
    made none when nothing changed."""

    def __init__(self, url: str, token: str | None, *, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.writes = 0
        self.calls = 0
        self._last_response: requests.Response | None = None
        session = requests.Session()
        session.hooks["response"].append(self._remember)
        self._ckan = ckanapi.RemoteCKAN(
            self.url, apikey=token, user_agent=f"khlang/{__version__}", session=session
        )

    def _remember(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        self._last_response = response

    def close(self) -> None:
        self._ckan.close()

    def call(
        self,
        action: str,
        data: dict[str, Any] | None = None,
        *,
        files: dict[str, tuple[str, BinaryIO]] | None = None,
    ) -> Any:
        self._last_response = None
        self.calls += 1
        try:
            result = self._ckan.call_action(
                action, data or {}, files=files, requests_kwargs={"timeout": self.timeout}
            )
        except ckanapi.NotFound as error:
            raise RemoteNotFoundError(str(error)) from error
        except ckanapi.ValidationError as error:
            raise _validation_error(action, error) from error
        except ckanapi.NotAuthorized as error:
            raise TargetError(
                "permanent",
                Text(
                    th=f"CKAN ปฏิเสธสิทธิ์ ({_ckan_message(error)}): token อาจผิด "
                    "หรือไม่มีสิทธิ์เขียนในหน่วยงานนี้",
                    en=f"CKAN denied access ({_ckan_message(error)}): the token may be wrong, or "
                    "may not write to this organisation",
                ),
                action=action,
                status=403,
            ) from error
        except requests.Timeout as error:
            raise TargetError(
                "transient",
                Text(
                    th=f"CKAN ไม่ตอบภายใน {self.timeout:g} วินาที",
                    en=f"CKAN did not answer within {self.timeout:g} s",
                ),
                action=action,
            ) from error
        except requests.ConnectionError as error:
            raise TargetError(
                "transient",
                Text(th=f"เชื่อมต่อ {self.url} ไม่ได้", en=f"cannot connect to {self.url}"),
                action=action,
            ) from error
        except (ServerIncompatibleError, CKANAPIError) as error:
            raise self._unexpected_reply(action) from error
        if action in WRITE_ACTIONS:
            self.writes += 1
        return result

    def _unexpected_reply(self, action: str) -> TargetError:
        response = self._last_response
        status = response.status_code if response is not None else None
        text = response.text if response is not None else ""
        if status is not None and (status >= 500 or status == 429):
            return TargetError(
                "transient",
                Text(th=f"CKAN ขัดข้อง (HTTP {status})", en=f"CKAN failed (HTTP {status})"),
                action=action,
                status=status,
            )
        if not _is_json(text):
            kind = "HTML" if "<html" in text[:2000].lower() else "text"
            return TargetError(
                "permanent",
                Text(
                    th=f"ปลายทางตอบเป็น {kind} ไม่ใช่ JSON ของ CKAN (HTTP {status}): "
                    "URL ควรเป็นหน้าแรกของเว็บ CKAN",
                    en=f"the target answered with {kind}, not CKAN's JSON (HTTP {status}): the "
                    "URL should be the CKAN site's root",
                ),
                action=action,
                status=status,
            )
        return TargetError(
            "permanent",
            Text(
                th=f"CKAN ตอบข้อผิดพลาด (HTTP {status}): {text[:300]}",
                en=f"CKAN answered with an error (HTTP {status}): {text[:300]}",
            ),
            action=action,
            status=status,
        )

    # --- the actions khlang uses ----------------------------------------------------------

    def show(self, action: str, identifier: str) -> dict[str, Any] | None:
        """package_show / organization_show / ...; None when it does not exist."""
        try:
            return cast(dict[str, Any], self.call(action, {"id": identifier}))  # an object
        except RemoteNotFoundError:
            return None

    def answers(self) -> bool:
        """Whether the target answers at all now (status_show, anonymous and cheap): tells
        a target that is down from a push that fails while the target works."""
        try:
            self.call("status_show")
        except TargetError:
            return False
        return True

    def upload(self, resource_id: str, path: Path, filename: str, fields: dict[str, Any]) -> Any:
        with path.open("rb") as handle:
            return self.call(
                "resource_patch",
                {"id": resource_id, **fields},
                files={"upload": (filename, handle)},
            )

    def search(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """Every package a package_search matches (paged)."""
        found: list[dict[str, Any]] = []
        rows = 500
        while True:
            page = self.call("package_search", {**query, "rows": rows, "start": len(found)})
            found.extend(page["results"])
            if not page["results"] or len(found) >= page["count"]:
                return found


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _ckan_message(error: Exception) -> str:
    detail = error.args[0] if error.args else error
    if isinstance(detail, dict):
        return str(detail.get("message", detail))
    return str(detail)


def _validation_error(action: str, error: Exception) -> TargetError:
    """CKAN's per-field messages (`{"title": ["That title is already in use."]}`)."""
    details = getattr(error, "error_dict", None) or (error.args[0] if error.args else {})
    fields: dict[str, list[str]] = {}
    if isinstance(details, dict):
        for key, value in details.items():
            if key.startswith("__"):
                continue
            fields[key] = _messages(value)
    summary = "; ".join(f"{key}: {' '.join(messages)}" for key, messages in fields.items())
    return TargetError(
        "permanent",
        Text(th=f"CKAN ไม่รับข้อมูล: {summary}", en=f"CKAN refused the data: {summary}"),
        action=action,
        status=409,
        fields=fields,
    )


def _messages(value: Any) -> list[str]:
    """CKAN nests errors for lists (resources, tags): flatten them to readable strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [f"{key}: {text}" for key, item in value.items() for text in _messages(item)]
    if isinstance(value, list):
        flattened = []
        for index, item in enumerate(value):
            for text in _messages(item):
                flattened.append(f"[{index}] {text}" if isinstance(item, dict) and item else text)
        return flattened
    return [str(value)]
