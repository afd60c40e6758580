"""Verdicts of khlang and frictionless-py on the same input, in one comparable form: the valid
flag and the set of errors as (type, row, field number, field name), every error counted
(frictionless-py uncapped). A descriptor either tool refuses outright (khlang's KhlangError,
frictionless-py's package-, resource-, schema-, field- or dialect-error with no table read)
is one `descriptor-error`: both say the descriptor is wrong, each in its own words."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

from khlang.errors import KhlangError
from khlang.validators import validate, validate_package

DESCRIPTOR_ERRORS = {"package-error", "resource-error", "schema-error", "field-error",
                     "dialect-error", "metadata-error"}  # fmt: skip
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".jsonl", ".ndjson",
                  ".parquet", ".csv.gz", ".csv.zip", ".csv.bz2", ".csv.xz")  # fmt: skip

Error = tuple[str, int | None, int | None, str | None]


@dataclass(frozen=True)
class Verdict:
    valid: bool
    errors: frozenset[Error]

    def __str__(self) -> str:
        shown = sorted(self.errors, key=str)
        more = f" (+{len(shown) - 8})" if len(shown) > 8 else ""
        return f"valid={self.valid} {shown[:8]}{more}"


DESCRIPTOR = Verdict(False, frozenset({("descriptor-error", None, None, None)}))


def kind_of(path: Path) -> str | None:
    """table or package for a file frictionless-py's `validate` reads as one; None else."""
    if path.name.lower().endswith(TABLE_SUFFIXES):
        return "table"
    if path.suffix != ".json":
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(document, list):
        return "table"
    if isinstance(document, dict) and isinstance(document.get("resources"), list):
        return "package"
    return None


def frictionless_verdict(path: Path, kind: str, schema: dict | None = None) -> Verdict:
    """frictionless-py's verdict, uncapped; a table is named relative to its folder (the
    way a user in that folder names it: frictionless-py refuses absolute paths)."""
    from frictionless import Schema
    from frictionless import validate as frictionless_validate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "package":
            report = frictionless_validate(str(path), type="package", limit_errors=10**9)
        else:
            options = {"schema": Schema.from_descriptor(schema)} if schema else {}
            report = frictionless_validate(
                path.name, basepath=str(path.parent), limit_errors=10**9, **options
            )
    top = {error.type for error in report.errors}
    if top and top <= DESCRIPTOR_ERRORS and not report.tasks:
        return DESCRIPTOR
    errors = {(error.type, None, None, None) for error in report.errors}
    for task in report.tasks:
        for error in task.errors:
            where = [getattr(error, name, None) for name in ("row_number", "field_number",
                                                               "field_name")]  # fmt: skip
            errors.add((error.type, *where))
    return Verdict(report.valid, frozenset(errors))


def khlang_verdict(
    path: Path, kind: str, schema: dict | None = None, *, frictionless: bool = False
) -> Verdict:
    try:
        if kind == "package":
            report = validate_package(path, examples=10**9, frictionless=frictionless)
        else:
            report = validate(path, schema, examples=10**9, frictionless=frictionless)
    except KhlangError:
        return DESCRIPTOR
    errors = {(finding.type, None, None, None) for finding in report.errors}
    for task in report.tasks:
        for finding in task.tally.findings():
            errors.add((finding.type, finding.row_number, finding.field_number, finding.field_name))
    return Verdict(report.valid, frozenset(errors))
