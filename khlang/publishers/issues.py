"""Problems found in source exports, each pinned to a file, a row and a column.

A malformed row must not stop a national build: adapters record what is wrong and go on,
and the publish report lists every problem so the officer can fix the export. Rows follow
Frictionless's convention (the header is row 1, the first data row is row 2), so a report
from khlang and one from the validators point at the same line of a CSV.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text

Severity = Literal["error", "warning", "info"]

MAX_LISTED_PER_CODE = 50
"""How many issues of one code and file the report lists one by one; the rest are counted.
A national export with a systematic fault would otherwise produce a report bigger than the data."""


class Issue(BaseModel):
    """One problem in one place of one source file."""

    model_config = ConfigDict(frozen=True)

    code: str
    """Stable identifier, e.g. `amount-not-a-number`, so reports can be filtered and counted."""
    severity: Severity
    message: Text
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class IssueLog:
    """The issues of one publish run, with per-code counts that stay exact even when the
    listing is capped."""

    def __init__(self) -> None:
        self.items: list[Issue] = []
        self.counts: Counter[tuple[str, str, str | None]] = Counter()

    def add(
        self,
        code: str,
        message: Text,
        *,
        severity: Severity = "error",
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        key = (code, severity, file)
        self.counts[key] += 1
        if self.counts[key] > MAX_LISTED_PER_CODE:
            return
        self.items.append(
            Issue(
                code=code,
                severity=severity,
                message=message,
                file=file,
                row=row,
                column=column,
                value=None if value is None else str(value)[:200],
            )
        )

    def add_rows(
        self,
        code: str,
        message: Text,
        *,
        rows: list[int],
        values: list[Any],
        file: str,
        column: str | None,
        severity: Severity = "error",
    ) -> None:
        """Record the same problem on many rows (as found by a vectorised check)."""
        for row, value in zip(rows, values, strict=True):
            self.add(
                code, message, severity=severity, file=file, row=row, column=column, value=value
            )

    def count(self, severity: Severity | None = None) -> int:
        return sum(n for (_, sev, _), n in self.counts.items() if severity in (None, sev))

    def to_json(self) -> dict[str, Any]:
        summary = [
            {"code": code, "severity": severity, "file": file, "count": count}
            for (code, severity, file), count in sorted(
                self.counts.items(), key=lambda item: (item[0][2] or "", item[0][0])
            )
        ]
        return {
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "summary": summary,
            "items": [issue.to_json() for issue in self.items],
        }
