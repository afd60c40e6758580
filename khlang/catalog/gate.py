"""The publishing gate: the checks a version must pass before it may become visible.

Two checks, both required, neither ever skipped:

* the metadata compliance check (`khlang.metadata.compliance.check_dataset`): no finding of
  severity `error`;
* the table validators (`khlang.validators`) on every file that is a table or has a Table
  Schema: valid.

When this build of khlang lacks either component, the gate refuses to publish with a message
saying which one is missing, instead of letting an unchecked version through.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from khlang.errors import KhlangError
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


class GateUnavailableError(KhlangError):
    """A check the gate needs is not part of this build."""


def _component(module: str, attribute: str, what: Text) -> Callable[..., Any]:
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as error:
        raise GateUnavailableError(
            Text(
                th=f"เผยแพร่ไม่ได้: khlang รุ่นนี้ไม่มี{what.th} ({module}.{attribute}) "
                "ซึ่งต้องผ่านก่อนเผยแพร่ทุกครั้ง",
                en=f"cannot publish: this build of khlang lacks {what.en} "
                f"({module}.{attribute}), which every version must pass",
            )
        ) from error


def _compliance_check() -> Callable[..., Any]:
    return _component(
        "khlang.metadata.compliance",
        "check_dataset",
        Text(th="การตรวจความครบถ้วนของ metadata", en="the metadata compliance check"),
    )


def _validators() -> tuple[Callable[..., Any], Callable[..., Any]]:
    what = Text(th="ตัวตรวจตารางข้อมูล", en="the table validators")
    return (
        _component("khlang.validators", "sniff_format", what),
        _component("khlang.validators", "validate", what),
    )


def sniff(path: Path) -> FileFormat | None:
    """The format of a stored file, from its content (the validators' sniffing)."""
    sniff_format, _ = _validators()
    return sniff_format(path).format


def ensure_ready(gate: Gate) -> None:
    """Fail before anything is staged or stored when the default gate cannot run."""
    if gate is default_gate:
        _compliance_check()
        _validators()


def default_gate(dataset: Dataset, files: list[StagedFile]) -> GateReport:
    """Run the compliance check on the metadata, and the validators on every stored file
    that is a table or has a Table Schema (the stored copy: exactly the bytes that will be
    served, sniffed by content)."""
    check_dataset = _compliance_check()
    sniff_format, validate = _validators()
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
        sniffed = sniff_format(staged.path).format
        if staged.table_schema is None and not (sniffed and sniffed.tabular):
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
