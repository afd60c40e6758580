"""Reports: Frictionless's JSON structure and error codes, exact counts with a few examples
of each type, Thai and English messages; and every error code khlang can emit is emitted
by some input."""

from __future__ import annotations

import json
import zipfile

import pytest

from khlang.validators import validate, validate_package
from khlang.validators.codes import ERROR_TYPES
from tests.validators.conftest import write_csv

ERROR_KEYS = {"type", "title", "description", "message", "messageTh", "tags", "note"}


def test_frictionless_structure(tmp_path) -> None:
    path = write_csv(tmp_path / "t.csv", [["id", "amount"], ["1", "x"], ["1", "2"], ["3"]])
    schema = {"fields": [{"name": "id", "type": "integer", "constraints": {"unique": True}},
                         {"name": "amount", "type": "number"}]}  # fmt: skip
    document = validate(path, schema).to_frictionless()
    assert set(document) >= {"valid", "stats", "warnings", "errors", "tasks"}
    assert document["valid"] is False
    assert document["stats"]["tasks"] == 1
    assert document["stats"]["errors"] == 3
    task = document["tasks"][0]
    assert set(task) >= {"name", "type", "valid", "place", "path", "labels", "stats", "errors",
                         "encoding", "format", "mediaType", "openFormat", "warnings"}  # fmt: skip
    assert (task["path"], task["encoding"], task["format"]) == (str(path), "utf-8", "csv")
    assert task["stats"]["errorCounts"] == {"type-error": 1, "unique-error": 1, "missing-cell": 1}
    assert task["stats"]["rows"] == 3
    assert task["labels"] == ["id", "amount"]
    type_error = task["errors"][0]
    assert set(type_error) >= ERROR_KEYS
    assert type_error | {"description": "", "messageTh": ""} == type_error | {
        "type": "type-error",
        "title": "Type Error",
        "rowNumber": 2,
        "fieldName": "amount",
        "fieldNumber": 2,
        "cell": "x",
        "cells": ["1", "x"],
        "note": 'type is "number/default"',
        "message": 'Type error in the cell "x" in row "2" and field "amount" at position "2": '
        'type is "number/default"',
        "tags": ["#table", "#row", "#cell"],
        "description": "",
        "messageTh": "",
    }
    assert "ไม่ตรงชนิดข้อมูล" in type_error["messageTh"]
    json.dumps(document, ensure_ascii=False)  # serialisable as is


def test_examples_are_the_first_by_row_and_counts_are_exact(tmp_path) -> None:
    rows = [["n", "m"]] + [["x" if i % 3 else "1", "y"] for i in range(9_000)]
    path = write_csv(tmp_path / "t.csv", rows)
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "m", "type": "integer"}]}
    report = validate(path, schema, examples=4)
    assert report.error_counts == {"type-error": 6_000 + 9_000}
    kept = report.tasks[0].tally.examples["type-error"]
    assert [(f.row_number, f.field_number) for f in kept] == [(2, 2), (3, 1), (3, 2), (4, 1)]
    assert report.to_frictionless()["stats"]["errorCounts"] == {"type-error": 15_000}


def _zip_bomb(path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (40 << 20))


def _producers(tmp_path):
    """One input per error code."""

    def table(rows, schema=None, name="t.csv"):
        return validate(write_csv(tmp_path / name, rows), schema)

    ints = {"fields": [{"name": "a", "type": "integer"}, {"name": "b"}]}
    yield "source-error", lambda: validate((tmp_path / "e.csv").open("wb").close() or
                                           tmp_path / "e.csv")  # fmt: skip
    yield "format-error", lambda: validate(_write(tmp_path / "x.csv", b"%PDF-1.4\n"))
    yield (
        "encoding-error",
        lambda: validate(_write(tmp_path / "m.csv", "a\nข\n".encode() + "ค\n".encode("cp874"))),
    )
    yield (
        "compression-error",
        lambda: _zip_bomb(tmp_path / "b.xlsx") or validate(tmp_path / "b.xlsx"),
    )
    yield "unmatched-header", lambda: table(
        [["x"], ["1"]], {"fieldsMatch": "partial", "fields": [{"name": "a"}]})  # fmt: skip
    yield "blank-label", lambda: table([["a", ""], ["1", "2"]])
    yield "duplicate-label", lambda: table([["a", "a"], ["1", "2"]])
    yield "extra-label", lambda: table([["a", "b", "c"], ["1", "2", "3"]], ints)
    yield "missing-label", lambda: table([["a"], ["1"]], ints)
    yield "incorrect-label", lambda: table([["a", "z"], ["1", "2"]], ints)
    yield "type-error", lambda: table([["a", "b"], ["x", "2"]], ints)
    yield "constraint-error", lambda: table(
        [["a"], ["5"]], {"fields": [{"name": "a", "type": "integer",
                                     "constraints": {"maximum": 1}}]})  # fmt: skip
    yield (
        "calendar-error",
        lambda: table(
            [["y"], ["2022"]], {"fields": [{"name": "y", "type": "year", "calendar": "buddhist"}]}
        ),
    )
    yield "extra-cell", lambda: table([["a", "b"], ["1", "2", "3"]])
    yield "missing-cell", lambda: table([["a", "b"], ["1"]])
    yield (
        "unique-error",
        lambda: table(
            [["a"], ["1"], ["1"]], {"fields": [{"name": "a", "constraints": {"unique": True}}]}
        ),
    )
    yield "blank-row", lambda: table([["a", "b"], ["", ""]])
    yield "primary-key", lambda: table([["a"], ["1"], ["1"]],
                                       {"fields": [{"name": "a"}], "primaryKey": "a"})  # fmt: skip
    yield "foreign-key", lambda: _package(tmp_path, with_reference=True)
    yield "scheme-error", lambda: _package(tmp_path, with_reference=False)
    yield "byte-count", lambda: _declared(tmp_path, {"bytes": 1})
    yield "hash-count", lambda: _declared(tmp_path, {"hash": "sha256:00"})


def _declared(folder, stats: dict):
    """A package whose resource's declared size or hash is not the file's."""
    write_csv(folder / "s.csv", [["a"], ["1"]])
    resources = [{"name": "s", "path": "s.csv", **stats}]
    (folder / "stats.json").write_text(json.dumps({"resources": resources}))
    return validate_package(folder / "stats.json")


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def _package(folder, *, with_reference: bool):
    write_csv(folder / "codes.csv", [["code"], ["10"]])
    write_csv(folder / "rows.csv", [["code"], ["10"], ["11"]])
    schema = {"fields": [{"name": "code"}],
              "foreignKeys": [{"fields": "code", "reference": {"resource": "codes",
                                                               "fields": "code"}}]}  # fmt: skip
    resources = [{"name": "codes", "path": "codes.csv" if with_reference else "gone.csv"},
                 {"name": "rows", "path": "rows.csv", "schema": schema}]  # fmt: skip
    (folder / "datapackage.json").write_text(json.dumps({"resources": resources}))
    return validate_package(folder / "datapackage.json")


def test_every_error_code_is_reachable(tmp_path) -> None:
    produced = {}
    for code, produce in _producers(tmp_path):
        report = produce()
        produced[code] = set(report.error_counts)
        assert code in produced[code], (code, produced[code])
    # blank-header and resource-error are Frictionless codes khlang reads in others' reports
    # but, like frictionless-py 5, never reports: a blank header row is blank labels, and a
    # resource that cannot be loaded is a scheme- or source-error.
    assert set(produced) == set(ERROR_TYPES) - {"blank-header", "resource-error"}


@pytest.mark.parametrize("code", sorted(ERROR_TYPES))
def test_every_code_has_both_languages(code) -> None:
    error_type = ERROR_TYPES[code]
    assert error_type.message.th
    assert error_type.message.en
    assert error_type.message.th != error_type.message.en
