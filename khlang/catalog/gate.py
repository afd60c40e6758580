"""The publishing gate: the checks a version must pass before it may become visible.

Two checks, both required, neither ever skipped:

* the metadata compliance check (`khlang.metadata.compliance.check_dataset`): no finding of
  severity `error`;
* the table validators (`khlang.validators`) on every file that is a table or has a Table
  Schema: valid.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from khlang.i18n import Text
from khlang.metadata.formats import FileFormat
from khlang.metadata.model import Dataset


class StagedFile(BaseModel):
    """A resource's file as the gate sees it: the stored copy and where it came from."""

    position: int
    path: Path
    """The stored copy (its bytes are exactly those that will be served)."""
    source: Path
    """The file in the published folder (its name and extension are the real ones)."""
    relative: str
    """Its path in the dataset folder, as reports show it (`data/allocation.csv`)."""
    table_schema: dict[str, Any] | None = None


class GateReport(BaseModel):
    passed: bool
    compliance: dict[str, Any]
    """The compliance report (`ComplianceReport.as_dict()`)."""
    validation: list[dict[str, Any]]
    """One entry per checked file: its position, path, validity and error counts."""
    problems: list[Text]
    """Why the version was refused, one line per reason (empty when it passed)."""

    def summary(self) -> dict[str, Any]:
        """What a version keeps of its checks (`VersionRecord.checks`)."""
        return {"compliance": self.compliance, "validation": self.validation}


# Examples of each error type a version keeps in its checks (counts are always complete).
EXAMPLES = 5

Gate = Callable[[Dataset, list[StagedFile]], GateReport]


def sniff(path: Path) -> FileFormat | None:
    """The format of a stored file, from its content (the validators' sniffing)."""
    from khlang.validators import sniff_format

    return sniff_format(path).format


def default_gate(dataset: Dataset, files: list[StagedFile]) -> GateReport:
    """Run the compliance check on the metadata, and the validators on every stored file
    that is a table or has a Table Schema (the stored copy: exactly the bytes that will be
    served, sniffed by content)."""
    from khlang.metadata.compliance import check_dataset
    from khlang.validators import sniff_format, validate

    report = check_dataset(dataset, source=dataset.name)
    problems = [
        Text(
            th=f"{finding.field}: {finding.message.th}",
            en=f"{finding.field}: {finding.message.en}",
        )
        for finding in report.findings
        if finding.severity == "error"
    ]
    validation = []
    for staged in files:
        if staged.table_schema is None and not sniff_format(staged.path).tabular:
            continue
        result = validate(
            staged.path, staged.table_schema, name=staged.source.name, examples=EXAMPLES
        )
        document = result.to_frictionless()
        for task in document["tasks"]:  # name the file as the publisher knows it
            task["path"] = task["place"] = staged.relative
        validation.append({"position": staged.position, "file": staged.relative, **document})
        if not result.valid:
            counts = ", ".join(f"{kind} {count}" for kind, count in result.error_counts.items())
            problems.append(
                Text(
                    th=f"{staged.relative}: ตารางไม่ผ่านการตรวจ ({counts})",
                    en=f"{staged.relative}: the table is not valid ({counts})",
                )
            )
    return GateReport(
        passed=not problems,
        compliance=report.as_dict(),
        validation=validation,
        problems=problems,
    )
