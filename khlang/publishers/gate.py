"""The checks a built dataset must pass before it is published: khlang's GD Catalog
compliance check of its metadata, and khlang's validators on every file against its Table
Schema.

The validators read CSV and JSON; a Parquet twin is written by DuckDB from the same table as
its CSV, so it is checked for what can differ: that it opens, and has the schema's columns
and the CSV's number of rows.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from khlang.metadata.compliance import check_dataset
from khlang.metadata.model import Dataset
from khlang.validators import validate

MAX_LISTED = 20


def _parquet_problems(path: Path, schema: dict[str, Any], rows: int | None) -> list[str]:
    try:
        metadata = pq.read_metadata(path)
    except (OSError, ValueError) as error:
        return [f"{path.name}: not a readable Parquet file ({error})"]
    names = [field["name"] for field in schema["fields"]]
    problems = []
    if metadata.schema.names != names:
        problems.append(f"{path.name}: columns {metadata.schema.names} differ from the schema")
    if rows is not None and metadata.num_rows != rows:
        problems.append(f"{path.name}: {metadata.num_rows} rows, the CSV has {rows}")
    return problems


def validate_files(folder: Path, dataset: Dataset) -> dict[str, Any]:
    """Validate every resource file; {"valid", "errors", "errorCounts", "problems"}."""
    errors: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    problems: list[str] = []
    rows_of: dict[str, int] = {}
    parquet = []
    for resource in dataset.resources:
        path = folder / str(resource.path)
        schema_path = folder / str(resource.table_schema)
        if path.suffix == ".parquet":
            parquet.append((path, schema_path))
            continue
        report = validate(path, schema_path).to_frictionless()
        for name, count in report["stats"]["errorCounts"].items():
            counts[name] = counts.get(name, 0) + count
        for task in report["tasks"]:
            errors += [{**error, "resource": resource.path} for error in task["errors"]]
            if path.suffix == ".csv":
                rows_of[path.stem] = task["stats"].get("rows")
    for path, schema_path in parquet:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        problems += _parquet_problems(path, schema, rows_of.get(path.stem))
    return {
        "valid": not counts and not problems,
        "errorCounts": counts,
        "errors_listed": errors[:MAX_LISTED],
        "problems": problems,
    }


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
