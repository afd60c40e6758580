"""Unique fields, primary keys and foreign keys: within a table, between the resources of a
Data Package, and against a reference table of real Thai province codes."""

from __future__ import annotations

import json
import shutil

import pytest

from khlang.errors import KhlangError
from khlang.validators import validate_package
from tests.validators.conftest import errors_of, frictionless_errors, write_csv


def test_unique_and_primary_key(check) -> None:
    schema = {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"unique": True}},
            {"name": "year", "type": "year"},
            {"name": "x"},
        ],
        "primaryKey": ["id", "year"],
    }
    rows = [["id", "year", "x"], ["1", "2565", "a"], ["01", "2566", "b"], ["1", "2565", "c"],
            ["", "", "d"], ["2", "bad", "e"], ["1", "2565", "f"]]  # fmt: skip
    report = check(rows, schema)
    assert errors_of(report) == {
        (3, 1, "unique-error"),  # 01 is 1 once read as an integer
        (4, 1, "unique-error"),
        (4, None, "primary-key"),
        (5, None, "primary-key"),  # every key cell blank
        (6, 2, "type-error"),
        (7, 1, "unique-error"),
        (7, None, "primary-key"),
    }
    notes = {(f.row_number, f.type): f.note.en for f in report.tasks[0].tally.findings()}
    assert notes[(7, "unique-error")] == "the same as in the row at position 4"
    assert notes[(5, "primary-key")] == 'cells composing the primary keys are all "None"'


def test_counts_are_exact_beyond_the_examples(tmp_path) -> None:
    rows = [["id"], *([str(n % 1000)] for n in range(30_000))]
    path = write_csv(tmp_path / "ids.csv", rows)
    from khlang.validators import validate

    schema = {"fields": [{"name": "id", "type": "integer"}], "primaryKey": "id"}
    report = validate(path, schema, examples=3)
    assert report.error_counts == {"primary-key": 29_000}
    assert [f.row_number for f in report.tasks[0].tally.findings()] == [1002, 1003, 1004]


def _package(folder, resources) -> str:
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": resources}, ensure_ascii=False), encoding="utf-8"
    )
    return str(folder / "datapackage.json")


def test_foreign_key_against_province_codes(tmp_path, shared_dir) -> None:
    """The area codes are a resource of the package; budget rows must name real provinces."""
    shutil.copy(shared_dir / "data/real/geo/tgj_provinces.json", tmp_path / "provinces.json")
    write_csv(tmp_path / "budget.csv", [["province_code", "amount"], ["10", "5"], ["50", "7"],
                                        ["99", "1"], ["", "2"], ["๕๐", "3"]])  # fmt: skip
    path = _package(tmp_path, [
        {"name": "provinces", "path": "provinces.json",
         "schema": {"fields": [{"name": "id", "type": "integer"},
                               {"name": "provinceCode", "type": "integer"},
                               {"name": "provinceNameEn"}, {"name": "provinceNameTh"}]}},
        {"name": "budget", "path": "budget.csv",
         "schema": {"fields": [{"name": "province_code", "type": "integer"},
                               {"name": "amount", "type": "number"}],
                    "foreignKeys": [{"fields": "province_code",
                                     "reference": {"resource": "provinces",
                                                   "fields": "provinceCode"}}]}},
    ])  # fmt: skip
    report = validate_package(path)
    assert [task.name for task in report.tasks] == ["provinces", "budget"]
    assert report.tasks[0].valid
    assert report.tasks[0].rows == 77
    assert errors_of(report) == {(4, None, "foreign-key")}
    finding = report.tasks[1].tally.findings()[0]
    assert finding.note.en == (
        'for "province_code": values "99" not found in the lookup table "provinces" as '
        '"provinceCode"'
    )
    assert report.meets_open_format_rule


def test_self_referencing_foreign_key(tmp_path) -> None:
    write_csv(tmp_path / "areas.csv", [["code", "parent"], ["10", ""], ["1001", "10"],
                                       ["1002", "11"]])  # fmt: skip
    schema = {"fields": [{"name": "code"}, {"name": "parent"}],
              "foreignKeys": [{"fields": "parent", "reference": {"resource": "",
                                                                 "fields": "code"}}]}  # fmt: skip
    path = _package(tmp_path, [{"name": "areas", "path": "areas.csv", "schema": schema}])
    assert errors_of(validate_package(path)) == {(4, None, "foreign-key")}


def test_package_problems(tmp_path) -> None:
    write_csv(tmp_path / "a.csv", [["x"], ["1"]])
    missing_file = _package(tmp_path, [{"name": "a", "path": "a.csv"},
                                       {"name": "b", "path": "b.csv"}])  # fmt: skip
    report = validate_package(missing_file)
    assert errors_of(report) == {(None, None, "scheme-error")}  # in resource b's task
    assert not report.valid
    unknown = {"fields": [{"name": "x"}],
               "foreignKeys": [{"fields": "x", "reference": {"resource": "nowhere",
                                                             "fields": "y"}}]}  # fmt: skip
    with pytest.raises(KhlangError, match="nowhere"):
        validate_package(_package(tmp_path, [{"name": "a", "path": "a.csv", "schema": unknown}]))
    with pytest.raises(KhlangError, match="not safe"):
        validate_package(_package(tmp_path, [{"name": "a", "path": "../a.csv"}]))


def _text_key_rows() -> list[list[str]]:
    keys = ["ก-1", "ก-2", "", "ข-1", "ก-1", "ข-1", "ขก", "กข", "ก-1", ""]
    return [["code", "part"], *([key, str(n % 2)] for n, key in enumerate(keys))]


TEXT_KEY_SCHEMA = {
    "fields": [{"name": "code", "type": "string", "constraints": {"unique": True}},
               {"name": "part", "type": "integer"}],
    "primaryKey": ["code", "part"],
}  # fmt: skip


def test_text_keys_repeat_and_blank(check, tmp_path) -> None:
    report = check(_text_key_rows(), TEXT_KEY_SCHEMA)
    assert errors_of(report) == {
        (6, 1, "unique-error"), (7, 1, "unique-error"), (10, 1, "unique-error"),
        (6, None, "primary-key"), (7, None, "primary-key"), (10, None, "primary-key"),
    }  # fmt: skip
    assert errors_of(report) == frictionless_errors(tmp_path, "table.csv", TEXT_KEY_SCHEMA)[0]
    notes = {(f.row_number, f.type): f.note.en for f in report.tasks[0].tally.findings()}
    assert notes[(10, "unique-error")] == "the same as in the row at position 6"


def test_hash_collisions_are_settled_by_value(check, monkeypatch) -> None:
    """Every key hashing alike makes every row a candidate: the value comparison must
    still find exactly the same errors."""
    import numpy as np

    from khlang.validators import integrity

    expected = errors_of(check(_text_key_rows(), TEXT_KEY_SCHEMA))
    monkeypatch.setattr(
        integrity, "hash_keys", lambda keys: np.zeros(len(keys[0]), dtype=np.uint64)
    )
    assert errors_of(check(_text_key_rows(), TEXT_KEY_SCHEMA)) == expected


def test_text_hashes_tell_keys_apart() -> None:
    import numpy as np
    import pyarrow as pa

    from khlang.validators.keyhash import hash_keys

    words = [f"{a}{b}" for a in ["", "ก", "ab", "ba", "x" * 300] for b in ["", "ข", "1", "01"]]
    words += [f"LAO-{n:07d}" for n in range(100_000)]
    hashes = hash_keys([pa.array(words)])
    assert len(np.unique(hashes)) == len(set(words))
    sliced = pa.array(["pad", *words]).slice(1)  # an offset into the buffers
    assert (hash_keys([sliced]) == hashes).all()
    assert hash_keys([pa.array([1, None, 1])])[0] != hash_keys([pa.array([1, None, 1])])[1]
