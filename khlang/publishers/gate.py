"""The checks a built dataset must pass before it is published: khlang's own GD Catalog
compliance check of its metadata and khlang's validators on its files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from khlang.metadata.compliance import check_dataset
from khlang.metadata.model import Dataset

MAX_LISTED = 20


def check_dataset_folder(folder: Path, dataset: Dataset, *, today: dt.date) -> dict[str, Any]:
    """{"passed": bool, "compliance": {...}} for a dataset folder and its metadata."""
    compliance = check_dataset(dataset, source=str(folder / "dataset.yaml"), today=today)
    errors = [
        finding.model_dump(mode="json", exclude_none=True)
        for finding in compliance.findings
        if finding.severity == "error"
    ]
    return {
        "passed": compliance.ok,
        "compliance": {**compliance.summary(), "errors_listed": errors[:MAX_LISTED]},
    }
