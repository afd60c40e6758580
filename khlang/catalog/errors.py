"""Catalog errors a caller can tell apart: the API answers 404, 409 and 403 for these, the
CLI exits 2 with the message. All are KhlangErrors, so code that only knows KhlangError
still shows a clear message."""

from __future__ import annotations

from typing import Any

from khlang.errors import KhlangError
from khlang.i18n import Text


class NotFoundError(KhlangError):
    """No such dataset, version, resource, organisation, user or key (or not visible to
    the caller, which must look the same)."""


class ConflictError(KhlangError):
    """Someone else changed the object since the caller read it, or it already exists."""


class PermissionDeniedError(KhlangError):
    """The caller's role does not allow this."""


class PublishRejectedError(KhlangError):
    """The version failed the gate (metadata check or table validation); `report` says why."""

    def __init__(
        self, message: Text, *, where: str | None = None, report: dict[str, Any] | None = None
    ):
        super().__init__(message, where=where)
        self.report = report or {}


def not_found(kind: Text, name: str) -> NotFoundError:
    return NotFoundError(
        Text(th=f"ไม่พบ{kind.th} {name}", en=f"no {kind.en} named {name!r}"), where=name
    )


DATASET = Text(th="ชุดข้อมูล", en="dataset")
VERSION = Text(th="รุ่นของชุดข้อมูล", en="version")
RESOURCE = Text(th="ทรัพยากร", en="resource")
ORGANIZATION = Text(th="หน่วยงาน", en="organisation")
USER = Text(th="ผู้ใช้", en="user")
API_KEY = Text(th="API key", en="API key")
