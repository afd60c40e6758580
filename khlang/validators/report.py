"""Validation reports: exact counts of every error type, the first examples of each, and the
Frictionless JSON form.

A report never stops counting. Each task keeps, per error type, the total and the first
`examples` errors by row number; `Report.to_frictionless()` writes Frictionless's structure
(`valid`, `stats`, `tasks[]`, `errors[]` with its error codes) with khlang's additions:
`stats.errorCounts` (type -> exact total), the detected `encoding`, `format` and openness of
each file, and a Thai message beside the English one.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from khlang.i18n import Text, t
from khlang.validators.codes import ERROR_TYPES, ErrorType
from khlang.validators.sniff import FormatInfo

DEFAULT_EXAMPLES = 10
"""How many examples of each error type a task keeps unless asked for more."""


@dataclass(frozen=True)
class Finding:
    """One error: where it is and what is wrong. `note` is Frictionless's note (English in
    `note`, Thai in the Thai message); `hint` is khlang's likely fix, when it knows one."""

    type: str
    note: Text = field(default_factory=lambda: t("", ""))
    row_number: int | None = None
    field_number: int | None = None
    field_name: str | None = None
    cell: str | None = None
    label: str | None = None
    cells: tuple[str, ...] | None = None
    hint: Text | None = None

    @property
    def error_type(self) -> ErrorType:
        return ERROR_TYPES[self.type]

    def sort_key(self) -> tuple[int, int, int]:
        return (self.row_number or 0, self.error_type.order, self.field_number or 0)

    def message(self, lang: str) -> str:
        template = self.error_type.message.get(lang)
        note = self.note.get(lang)
        if self.hint is not None:
            note = f"{note} ({self.hint.get(lang)})" if note else self.hint.get(lang)
        return template.format(
            rowNumber=self.row_number,
            fieldNumber=self.field_number,
            fieldName=self.field_name,
            cell=self.cell,
            label=self.label,
            note=note,
        )

    def to_frictionless(self) -> dict[str, Any]:
        error_type = self.error_type
        document: dict[str, Any] = {
            "type": self.type,
            "title": error_type.title,
            "description": error_type.description,
            "message": self.message("en"),
            "messageTh": self.message("th"),
            "tags": list(error_type.tags),
            "note": self.note.en,
        }
        if self.hint is not None:
            document["hint"] = self.hint.en
            document["hintTh"] = self.hint.th
        optional = {
            "cells": list(self.cells) if self.cells is not None else None,
            "rowNumber": self.row_number,
            "cell": self.cell,
            "label": self.label,
            "fieldName": self.field_name,
            "fieldNumber": self.field_number,
        }
        document.update({key: value for key, value in optional.items() if value is not None})
        return document


@dataclass
class Tally:
    """Exact counts per error type and the first `limit` findings of each by row number.
    Findings may arrive out of row order (rows re-read after a structural problem), so each
    type's examples are kept sorted and trimmed."""

    limit: int = DEFAULT_EXAMPLES
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[Finding]] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        self.counts[finding.type] += 1
        self._keep(finding)

    def add_counted(self, code: str, count: int, examples: list[Finding]) -> None:
        """Record `count` errors of one type of which `examples` are the first few."""
        if count:
            self.counts[code] += count
            for finding in examples:
                self._keep(finding)

    def wants(self, code: str, row_number: int) -> bool:
        """Whether an example at this row would be kept (to avoid building ones that are not)."""
        kept = self.examples.get(code, [])
        return len(kept) < self.limit or (kept[-1].row_number or 0) > row_number

    def _keep(self, finding: Finding) -> None:
        if self.limit <= 0:
            return
        kept = self.examples.setdefault(finding.type, [])
        if len(kept) >= self.limit and kept[-1].sort_key() <= finding.sort_key():
            return
        bisect.insort(kept, finding, key=Finding.sort_key)
        del kept[self.limit :]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def findings(self) -> list[Finding]:
        every = [finding for kept in self.examples.values() for finding in kept]
        return sorted(every, key=Finding.sort_key)


@dataclass
class TaskReport:
    """The validation of one file (one resource of a package)."""

    path: str
    name: str
    tally: Tally
    format: FormatInfo | None = None
    encoding: str | None = None
    labels: list[str] = field(default_factory=list)
    rows: int = 0
    fields: int = 0
    bytes: int = 0
    seconds: float = 0.0
    warnings: list[Text] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.tally.total == 0

    def to_frictionless(self) -> dict[str, Any]:
        stats = {
            "errors": self.tally.total,
            "warnings": len(self.warnings),
            "seconds": round(self.seconds, 3),
            "bytes": self.bytes,
            "fields": self.fields,
            "rows": self.rows,
            "errorCounts": dict(sorted(self.tally.counts.items())),
        }
        document: dict[str, Any] = {
            "name": self.name,
            "type": "table" if self.format is None or self.format.tabular else "file",
            "valid": self.valid,
            "place": self.path,
            "path": self.path,
            "labels": self.labels,
            "stats": stats,
            "warnings": [str(warning) for warning in self.warnings],
            "errors": [finding.to_frictionless() for finding in self.tally.findings()],
        }
        if self.encoding:
            document["encoding"] = self.encoding
        if self.format is not None:
            document["format"] = self.format.format_name.lower()
            document["mediaType"] = self.format.media_type
            document["openFormat"] = self.format.openness()
        return document


@dataclass
class Report:
    """The validation of a file or a data package: one task per tabular file."""

    tasks: list[TaskReport]
    errors: list[Finding] = field(default_factory=list)
    """Errors of the package itself (an unreadable descriptor, a missing resource)."""
    seconds: float = 0.0

    @property
    def valid(self) -> bool:
        return not self.errors and all(task.valid for task in self.tasks)

    @property
    def error_counts(self) -> Counter[str]:
        counts: Counter[str] = Counter(finding.type for finding in self.errors)
        for task in self.tasks:
            counts.update(task.tally.counts)
        return counts

    @property
    def meets_open_format_rule(self) -> bool:
        """FIELDS.md §3.3: at least one file in a non-proprietary, machine-readable format."""
        return any(task.format is not None and task.format.is_open for task in self.tasks)

    def to_frictionless(self) -> dict[str, Any]:
        """The report in Frictionless's JSON structure, with khlang's additions."""
        return {
            "valid": self.valid,
            "stats": {
                "tasks": len(self.tasks),
                "errors": sum(self.error_counts.values()),
                "warnings": sum(len(task.warnings) for task in self.tasks),
                "seconds": round(self.seconds, 3),
                "errorCounts": dict(sorted(self.error_counts.items())),
            },
            "openFormat": {"meetsRule": self.meets_open_format_rule},
            "warnings": [],
            "errors": [finding.to_frictionless() for finding in self.errors],
            "tasks": [task.to_frictionless() for task in self.tasks],
        }
