"""The publishing gate: the one set of checks a dataset must pass before it is published,
whichever door it comes through. `khlang publish` runs it on each folder it builds before
moving it into place, and the catalog runs it on each version (`khlang catalog add`, the
write API, CKAN writes) before it becomes visible, so a folder `khlang publish` writes is one
the catalog accepts, and a refusal reads the same in both.

Two checks, both required, neither ever skipped:

* the metadata compliance check (`khlang.metadata.compliance.check_dataset`): no finding of
  severity `error`;
* the validators on every resource's file that is a table (by its content) or has a Table
  Schema: valid. Any other file (a PDF, an image, an archive) is a document: its sniffed
  format is what the catalog records, and no table check applies to it, so a dataset may
  carry its documentation.

It lives here, in the lowest layer that runs it (publishers sit below the catalog), and
returns typed reports; they become dicts only at the edges (`GateReport.to_dict()`: the
publish report, the version's stored checks, the API's answer).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text
from khlang.metadata.compliance import ComplianceReport, Severity, check_dataset
from khlang.metadata.model import Dataset
from khlang.validators import Report, sniff_format

EXAMPLES = 5
"""Examples of each error type a file's report keeps (counts are always complete)."""


class StagedFile(BaseModel):
    """A resource's file as the gate sees it: the copy to check and where it came from."""

    position: int
    path: Path
    """The copy checked (in the catalog, the stored copy: exactly the bytes that will be
    served)."""
    source: Path
    """The file in the published folder (its name and extension are the real ones)."""
    relative: str
    """Its path in the dataset folder, as reports show it (`data/allocation.csv`)."""
    table_schema: dict[str, Any] | Path | None = None


class CheckedFile(BaseModel):
    """What the validators found in one resource's file."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    position: int
    file: str
    report: Report

    @property
    def valid(self) -> bool:
        return self.report.valid

    def to_dict(self) -> dict[str, Any]:
        """Frictionless's report, the file named as the publisher knows it."""
        document = self.report.to_frictionless()
        for task in document["tasks"]:
            task["path"] = task["place"] = self.file
        return {"position": self.position, "file": self.file, **document}


class GateReport(BaseModel):
    """The gate's verdict and everything it found."""

    compliance: ComplianceReport
    validation: list[CheckedFile]
    """One entry per file checked by the validators, in resource order."""
    problems: list[Text]
    """Why the dataset was refused, one line per reason (empty when it passed)."""

    @property
    def passed(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON: what a version keeps (`VersionRecord.checks`), what the
        publish report and a refusal's answer show."""
        return {
            "passed": self.passed,
            "problems": [problem.model_dump() for problem in self.problems],
            "compliance": self.compliance.as_dict(),
            "validation": [checked.to_dict() for checked in self.validation],
        }


def is_table(staged: StagedFile) -> bool:
    """Whether the validators check this file: a table by its content (the bytes checked,
    not the name), or a file with a Table Schema."""
    return staged.table_schema is not None or sniff_format(staged.path).tabular


def check(
    dataset: Dataset, files: list[StagedFile], *, source: str, today: dt.date | None = None
) -> GateReport:
    """Run the compliance check on the metadata and the validators on every file that
    `is_table` (its name taken from the published file, its bytes from `path`)."""
    # lazy: the validators (pyarrow), +114 ms, which every CLI command reaching the catalog
    # would pay at start-up
    from khlang.validators import validate

    compliance = check_dataset(dataset, source=source, today=today)
    problems = [
        Text(
            th=f"{finding.field}: {finding.message.th}",
            en=f"{finding.field}: {finding.message.en}",
        )
        for finding in compliance.findings
        if finding.severity is Severity.ERROR
    ]
    validation = []
    for staged in files:
        if not is_table(staged):
            continue
        report = validate(
            staged.path, staged.table_schema, name=staged.source.name, examples=EXAMPLES
        )
        validation.append(
            CheckedFile(position=staged.position, file=staged.relative, report=report)
        )
        if not report.valid:
            counts = ", ".join(f"{kind} {count}" for kind, count in report.error_counts.items())
            problems.append(
                Text(
                    th=f"{staged.relative}: ตารางไม่ผ่านการตรวจ ({counts})",
                    en=f"{staged.relative}: the table is not valid ({counts})",
                )
            )
    return GateReport(compliance=compliance, validation=validation, problems=problems)


def check_dataset_folder(folder: Path, dataset: Dataset, *, today: dt.date) -> GateReport:
    """The gate on a dataset folder as `khlang publish` writes it (each resource's `path`
    and `schema` relative to the folder)."""
    files = [
        StagedFile(
            position=position,
            path=folder / str(resource.path),
            source=folder / str(resource.path),
            relative=str(resource.path),
            table_schema=folder / str(resource.table_schema) if resource.table_schema else None,
        )
        for position, resource in enumerate(dataset.resources)
    ]
    return check(dataset, files, source=str(folder / "dataset.yaml"), today=today)
