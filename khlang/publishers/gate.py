"""The checks a built dataset must pass before it is published: khlang's GD Catalog
compliance check of its metadata, and khlang's validators on every file (CSV, JSON and
Parquet) against its Table Schema: the same checks `khlang catalog add` runs, so a folder
`khlang publish` writes is one the catalog accepts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from khlang.metadata.compliance import check_dataset
from khlang.metadata.model import Dataset
from khlang.validators import validate

MAX_LISTED = 20


def validate_files(folder: Path, dataset: Dataset) -> dict[str, Any]:
    """Validate every resource file; {"valid", "errorCounts", "errors_listed"}."""
    errors: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for resource in dataset.resources:
        schema = folder / str(resource.table_schema) if resource.table_schema else None
        report = validate(folder / str(resource.path), schema).to_frictionless()
        for name, count in report["stats"]["errorCounts"].items():
            counts[name] = counts.get(name, 0) + count
        for task in report["tasks"]:
            errors += [{**error, "resource": resource.path} for error in task["errors"]]
    return {"valid": not counts, "errorCounts": counts, "errors_listed": errors[:MAX_LISTED]}


def check_dataset_folder(folder: Path, dataset: Dataset, *, today: dt.date) -> dict[str, Any]:
    """{"passed": bool, "compliance": {...}, "validation": {...}} for a built dataset."""
    compliance = check_dataset(dataset, source=str(folder / "dataset.yaml"), today=today)
    findings = [
        finding.model_dump(mode="json", exclude_none=True)
        for finding in compliance.findings
        if finding.severity == "error"
    ]
    validation = validate_files(folder, dataset)
    return {
        "passed": compliance.ok and validation["valid"],
        "compliance": {**compliance.summary(), "errors_listed": findings[:MAX_LISTED]},
        "validation": validation,
    }
