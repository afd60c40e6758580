"""Helpers for the validator tests: write tables and run khlang and frictionless-py."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from khlang.validators import validate


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", **dialect) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", **dialect).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def errors_of(report: Any) -> set[tuple[int | None, int | None, str]]:
    """(row, field number, type) of every error a khlang report kept."""
    return {
        (finding.row_number, finding.field_number, finding.type)
        for task in report.tasks
        for finding in task.tally.findings()
    }


@pytest.fixture
def check(tmp_path):
    """check(rows, schema) -> khlang Report of a CSV made of `rows` (header first)."""

    def run(rows: list[list[str]], schema: dict[str, Any] | None = None, **options: Any):
        path = write_csv(tmp_path / "table.csv", rows)
        return validate(path, schema, examples=10_000, **options)

    return run


def frictionless_errors(
    folder: Path, name: str, schema: dict[str, Any], delimiter: str = ","
) -> tuple[set[tuple[int | None, int | None, str]], int]:
    """(row, field number, type) of frictionless-py's errors, and their count."""
    from frictionless import Dialect, Resource, Schema
    from frictionless.formats import CsvControl

    resource = Resource(
        path=name,
        basepath=str(folder),
        schema=Schema.from_descriptor(json.loads(json.dumps(schema))),
        dialect=Dialect(controls=[CsvControl(delimiter=delimiter)]),
    )
    report = resource.validate()
    errors = report.tasks[0].errors if report.tasks else report.errors
    found = {
        (getattr(e, "row_number", None), getattr(e, "field_number", None), e.type) for e in errors
    }
    return found, len(errors)
