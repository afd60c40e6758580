"""Placing one built dataset: write it beside the output folder, check it with the one
publishing gate, and move it in by renames only if it passes. Here, below both `publish.py`
and the dataset builders (`areas.py`), so that neither imports the other."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.publishers.agency import Agency
from khlang.publishers.datasets import DatasetSpec
from khlang.publishers.datasets.write import write_dataset
from khlang.publishers.gate import GateReport, check_dataset_folder


@dataclass
class DatasetResult:
    key: str
    name: str | None
    status: str
    """published, failed or skipped."""
    rows: dict[str, int] = field(default_factory=dict)
    reason: Text | None = None
    checks: GateReport | None = None

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"key": self.key, "name": self.name, "status": self.status}
        if self.rows:
            result["rows"] = self.rows
        if self.reason:
            result["reason"] = self.reason.model_dump()
        if self.checks is not None:
            result["checks"] = self.checks.to_dict()
        return result


def place_dataset(
    con,
    spec: DatasetSpec,
    built: Path,
    out: Path,
    *,
    agency: Agency,
    systems: tuple[str, ...],
    formats: tuple[str, ...],
    today: dt.date,
) -> DatasetResult:
    """Write the dataset under `built`, check it, and move it into `out` only if it passes."""
    name = f"{agency.name}-{spec.key}"[:70]
    folder = built / name
    try:
        dataset, rows = write_dataset(con, spec, folder, agency=agency, systems=systems,
                                      formats=formats, today=today)  # fmt: skip
    except KhlangError as error:
        return DatasetResult(spec.key, name, "failed", reason=error.message)
    checks = check_dataset_folder(folder, dataset, today=today)
    if not checks.passed:
        shutil.rmtree(folder, ignore_errors=True)
        return DatasetResult(
            spec.key, name, "failed", rows=rows, checks=checks,
            reason=Text(th="ไม่ผ่านการตรวจสอบของ khlang จึงไม่เผยแพร่", en="failed khlang's checks; "
                        "not published"),
        )  # fmt: skip
    _move_into(folder, out / name)
    return DatasetResult(spec.key, name, "published", rows=rows, checks=checks)


def _move_into(folder: Path, target: Path) -> None:
    """Replace `target` with `folder` by renames only, so a reader sees the old dataset or
    the new one, never a mixture."""
    if target.exists():
        old = folder.with_name(folder.name + ".old")
        os.replace(target, old)
        os.replace(folder, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(folder, target)
