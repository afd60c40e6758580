"""Catalog errors a caller can tell apart, each with its outcome (`khlang.errors`): the API
answers 404, 409, 403, 422 and 401 for them; the CLI exits 2 for what cannot be found or a
bad key (bad input) and 1 for a refusal (a conflict, a missing right, a version the gate
refused), as docs/catalog.md says. All are KhlangErrors, so code that only knows KhlangError
still shows a clear message."""

from __future__ import annotations

from typing import Any

from khlang.errors import EXIT_FINDINGS, KhlangError
from khlang.i18n import Text
from khlang.publishers.gate import GateReport


class NotFoundError(KhlangError):
    """No such dataset, version, resource, organisation, user or key (or not visible to
    the caller, which must look the same). `kind` names what was looked for."""

    code = "not_found"
    status = 404

    def __init__(
        self, message: Text, *, where: str | None = None, kind: Text | None = None
    ) -> None:
        super().__init__(message, where=where)
        self.kind = kind


class ConflictError(KhlangError):
    """Someone else changed the object since the caller read it, or it already exists."""

    code = "conflict"
    status = 409
    exit_code = EXIT_FINDINGS


class PermissionDeniedError(KhlangError):
    """The caller's role does not allow this."""

    code = "forbidden"
    status = 403
    exit_code = EXIT_FINDINGS


class PublishRejectedError(KhlangError):
    """The version failed the gate (metadata check or table validation); `report` says why."""

    code = "publish_rejected"
    status = 422
    exit_code = EXIT_FINDINGS

    def __init__(self, message: Text, *, where: str | None = None, report: GateReport) -> None:
        super().__init__(message, where=where)
        self.report = report

    def details(self) -> dict[str, Any]:
        return {"report": self.report.to_dict()}


class BadApiKeyError(KhlangError):
    """An API key that is unknown, revoked or expired: refused, never taken as anonymous."""

    code = "bad_api_key"
    status = 401


BAD_API_KEY = Text(
    th="API key ไม่ถูกต้อง ถูกเพิกถอน หรือหมดอายุ", en="the API key is unknown, revoked or expired"
)


def bad_api_key(where: str) -> BadApiKeyError:
    """The refusal of a key, `where` naming how it was given (`--api-key`, `Authorization`)."""
    return BadApiKeyError(BAD_API_KEY, where=where)


def not_found(kind: Text, name: str) -> NotFoundError:
    return NotFoundError(
        Text(th=f"ไม่พบ{kind.th} {name}", en=f"no {kind.en} named {name!r}"), where=name, kind=kind
    )


DATASET = Text(th="ชุดข้อมูล", en="dataset")
VERSION = Text(th="รุ่นของชุดข้อมูล", en="version")
RESOURCE = Text(th="ทรัพยากร", en="resource")
ORGANIZATION = Text(th="หน่วยงาน", en="organisation")
USER = Text(th="ผู้ใช้", en="user")
API_KEY = Text(th="API key", en="API key")
