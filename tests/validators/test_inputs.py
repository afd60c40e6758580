"""XLSX, JSON and NDJSON tables are validated by the same rules as CSV."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from khlang.validators import validate
from tests.validators.conftest import errors_of

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "amount", "type": "number", "constraints": {"minimum": 0}},
        {"name": "approved", "type": "date"},
        {"name": "active", "type": "boolean"},
        {"name": "note", "type": "string"},
    ],
    "primaryKey": "id",
}
# Row 5's id is not an integer, so its key is blank: a primary-key error too, as in
# Frictionless.
EXPECTED = {
    (3, 2, "constraint-error"),
    (4, None, "primary-key"),
    (5, 1, "type-error"),
    (5, None, "primary-key"),
}


def test_xlsx_typed_cells(tmp_path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "งบประมาณ"
    sheet.append(["id", "amount", "approved", "active", "note"])
    sheet.append([1, 1500.5, dt.datetime(2022, 10, 1), True, "ถนน"])
    sheet.append([2, -3, dt.date(2022, 10, 2), False, None])
    sheet.append([2, 7.0, dt.datetime(2022, 10, 3), True, "x"])
    sheet.append(["สาม", 1, dt.datetime(2022, 10, 3), True, "y"])
    workbook.create_sheet("other").append(["z"])
    path = tmp_path / "budget.xlsx"
    workbook.save(path)
    report = validate(path, SCHEMA)
    assert errors_of(report) == EXPECTED
    task = report.tasks[0]
    assert task.format.format_name == "XLSX"
    assert task.format.openness()["stars"] == 2
    assert not task.format.is_open
    other = validate(path, {"fields": [{"name": "z"}]}, sheet="other")
    assert other.valid
    missing = validate(path, sheet="nope")
    assert set(missing.error_counts) == {"format-error"}


ROWS = [
    {"id": 1, "amount": 1500.5, "approved": "2022-10-01", "active": True, "note": "ถนน"},
    {"id": 2, "amount": -3, "approved": "2022-10-02", "active": False, "note": None},
    {"id": 2, "amount": 7, "approved": "2022-10-03", "active": True, "note": "x"},
    {"id": "สาม", "amount": 1, "approved": "2022-10-03", "active": True, "note": "y"},
]


@pytest.mark.parametrize("shape", ["objects", "arrays", "ndjson"])
def test_json_shapes(tmp_path, shape) -> None:
    path = tmp_path / ("t.ndjson" if shape == "ndjson" else "t.json")
    if shape == "objects":
        path.write_text(json.dumps(ROWS, ensure_ascii=False), encoding="utf-8")
    elif shape == "arrays":
        arrays = [list(ROWS[0])] + [list(row.values()) for row in ROWS]
        path.write_text(json.dumps(arrays, ensure_ascii=False), encoding="utf-8")
    else:
        lines = [json.dumps(row, ensure_ascii=False) for row in ROWS]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate(path, SCHEMA)
    assert errors_of(report) == EXPECTED
    assert report.tasks[0].format.format_name == ("NDJSON" if shape == "ndjson" else "JSON")


def test_json_that_is_not_a_table(tmp_path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"title": "not rows"}', encoding="utf-8")
    assert set(validate(path).error_counts) == {"source-error"}
    broken = tmp_path / "b.ndjson"
    broken.write_text('{"a": 1}\n{"a": 2}\n{"a": \n', encoding="utf-8")
    finding = validate(broken).tasks[0].tally.findings()[0]
    assert finding.type == "source-error"  # as frictionless-py's JSON Lines reader says
    assert "line 3" in finding.note.en
