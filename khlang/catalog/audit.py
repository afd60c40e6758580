"""The audit log: one row for every write, in the same transaction as the write, so the log
can never claim a change that did not happen nor miss one that did."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from khlang.catalog.tables import AuditEntry


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    *,
    object_id: str | None = None,
    object_name: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_name=object_name,
            detail=detail,
        )
    )
