"""Parquet files are validated like the CSV of the same table (added for the publishers'
Parquet twins, which `khlang catalog add` validates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from khlang.validators import validate

SCHEMA = {
    "fields": [
        {"name": "code", "type": "string", "constraints": {"required": True}},
        {"name": "amount", "type": "number"},
        {"name": "day", "type": "date"},
        {"name": "year", "type": "integer", "constraints": {"minimum": 2500}},
    ]
}


def _write(path, years) -> None:
    table = pa.table(
        {
            "code": pa.array(["10", "11", None]),
            "amount": pa.array([Decimal("1.50"), None, Decimal("2.00")], pa.decimal128(18, 2)),
            "day": pa.array([dt.date(2024, 1, 1)] * 3),
            "year": pa.array(years, pa.int64()),
        }
    )
    pq.write_table(table, path)


def test_a_valid_parquet_file(tmp_path) -> None:
    path = tmp_path / "table.parquet"
    _write(path, [2566, 2567, 2568])
    schema = {**SCHEMA, "fields": [dict(SCHEMA["fields"][0], constraints={}),
                                   *SCHEMA["fields"][1:]]}  # fmt: skip
    report = validate(path, schema).to_frictionless()
    assert report["valid"], report
    assert report["tasks"][0]["stats"]["rows"] == 3


def test_parquet_cells_are_checked_with_row_numbers(tmp_path) -> None:
    path = tmp_path / "table.parquet"
    _write(path, [2566, 2022, 2568])
    report = validate(path, SCHEMA).to_frictionless()
    assert not report["valid"]
    errors = {(error["type"], error.get("rowNumber")) for error in report["tasks"][0]["errors"]}
    assert errors == {("constraint-error", 3), ("constraint-error", 4)}


def test_a_broken_parquet_file_is_a_format_error(tmp_path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 and nothing else PAR1")
    report = validate(path, SCHEMA).to_frictionless()
    assert report["tasks"][0]["errors"][0]["type"] == "format-error"


def test_stored_types_are_checked_as_values(tmp_path) -> None:
    """Stored integers, decimals, dates and booleans are the field's values as they are;
    a stored type that is not the field's is read as the text a CSV would hold."""
    path = tmp_path / "typed.parquet"
    table = pa.table(
        {
            "id": pa.array([1, 2, 2, None], pa.int32()),
            "amount": pa.array(
                [Decimal("1.50"), Decimal("-2.00"), None, Decimal("3")], pa.decimal128(18, 2)
            ),
            "day": pa.array([dt.date(2567, 1, 1), dt.date(2024, 1, 1), None, None]),
            "done": pa.array([True, False, None, True]),
            "ratio": pa.array([1.0, 1.5, 2.0, None], pa.float64()),  # an integer field
        }
    )
    pq.write_table(table, path)
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "amount", "type": "number", "constraints": {"minimum": 0}},
            {"name": "day", "type": "date", "calendar": "buddhist"},
            {"name": "done", "type": "boolean", "constraints": {"enum": [True]}},
            {"name": "ratio", "type": "integer"},
        ],
        "primaryKey": ["id"],
    }
    report = validate(path, schema, examples=100)
    errors = {(f.row_number, f.field_number, f.type) for f in report.tasks[0].tally.findings()}
    assert errors == {
        (3, 2, "constraint-error"),  # -2.00 < 0
        (3, 5, "type-error"),  # 1.5 is not an integer
        (3, 3, "calendar-error"),  # 2024 in a Buddhist-era column
        (3, 4, "constraint-error"),  # False is not in the enum
        (4, None, "primary-key"),  # 2 again
        (5, None, "primary-key"),  # blank
    }
    cells = {(f.row_number, f.field_number): f.cell for f in report.tasks[0].tally.findings()}
    assert cells[(3, 2)] == "-2"
