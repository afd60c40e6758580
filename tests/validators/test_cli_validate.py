"""`khlang validate` as an officer runs it: text and JSON reports, exit codes, --infer,
Data Packages; through the command's entry point (`khlang.cli.main`) in this process. Real
processes run it in test_bad_input.py (memory and time bounds) and test_no_traceback.py."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.validators.conftest import write_csv

SCHEMA = {"fields": [{"name": "year", "type": "year", "calendar": "buddhist"},
                     {"name": "amount", "type": "number"}]}  # fmt: skip


def _files(tmp_path, rows):
    data = write_csv(tmp_path / "budget.csv", rows)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    return str(data), str(schema)


def test_valid_file_exits_0(khlang_here, tmp_path) -> None:
    data, schema = _files(tmp_path, [["year", "amount"], ["2565", "10.5"]])
    result = khlang_here("validate", data, "--schema", schema)
    assert result.returncode == 0, result.stderr
    assert "ถูกต้อง / valid" in result.stdout
    assert "CSV" in result.stdout


def test_findings_exit_1_in_both_languages(khlang_here, tmp_path) -> None:
    data, schema = _files(tmp_path, [["year", "amount"], ["2022", "1,000"], ["2566", "x"]])
    result = khlang_here("validate", data, "--schema", schema, "--lang", "th")
    assert result.returncode == 1
    assert "ใช้ศักราชผิด" in result.stdout
    assert 'น่าจะเป็น พ.ศ. "2565"' in result.stdout
    english = khlang_here("validate", data, "-s", schema, "--lang", "en", "-n", "1")
    assert "type-error: 2 first 1" in english.stdout
    assert 'likely BE "2565"' in english.stdout


def test_json_report(khlang_here, tmp_path) -> None:
    data, schema = _files(tmp_path, [["year", "amount"], ["2022", "1"]])
    result = khlang_here("validate", data, "--schema", schema, "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["stats"]["errorCounts"] == {"calendar-error": 1}
    assert document["tasks"][0]["errors"][0]["rowNumber"] == 2


def test_infer_prints_a_schema_the_file_passes(khlang_here, tmp_path) -> None:
    data, _ = _files(tmp_path, [["year", "amount"], *([str(2565 + n % 2), "1,5"] for n in
                                                      range(20))])  # fmt: skip
    result = khlang_here("validate", data, "--infer")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["fields"][0]["calendar"] == "buddhist"
    (tmp_path / "inferred.json").write_text(result.stdout, encoding="utf-8")
    check = khlang_here("validate", data, "--schema", str(tmp_path / "inferred.json"))
    assert check.returncode == 0, check.stdout


def test_data_package(khlang_here, tmp_path) -> None:
    write_csv(tmp_path / "a.csv", [["x"], ["1"]])
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "a", "path": "a.csv",
                                   "schema": {"fields": [{"name": "x", "type": "integer"}]}}]}),
        encoding="utf-8",
    )  # fmt: skip
    result = khlang_here("validate", str(tmp_path / "datapackage.json"), "-f", "json")
    assert result.returncode == 0, result.stdout
    document = json.loads(result.stdout)
    assert document["openFormat"]["meetsRule"] is True
    assert document["tasks"][0]["name"] == "a"


@pytest.mark.slow  # 11 s: three runs of the command, one importing frictionless-py
def test_frictionless_verdict_and_compressed_files(khlang_here, tmp_path) -> None:
    """Without a schema khlang guesses types from the first 100 rows as frictionless-py
    does, and reports the cell after them that does not fit, with or without
    --frictionless. A gzip-compressed table is read as the table it holds."""
    import gzip

    rows = [["id", "name"], *([str(n), "x"] for n in range(150)), ["abc", "y"]]
    data = write_csv(tmp_path / "rows.csv", rows)
    for options in ([], ["--frictionless"]):
        result = khlang_here("validate", str(data), *options, "--format", "json")
        assert result.returncode == 1, result.stderr
        errors = json.loads(result.stdout)["tasks"][0]["errors"]
        assert [(e["type"], e["rowNumber"], e["fieldName"]) for e in errors] == [
            ("type-error", 152, "id")
        ]
    packed = tmp_path / "rows.csv.gz"
    packed.write_bytes(gzip.compress(write_csv(tmp_path / "good.csv", rows[:-1]).read_bytes()))
    result = khlang_here("validate", str(packed), "--format", "json")
    assert result.returncode == 0, result.stderr
    task = json.loads(result.stdout)["tasks"][0]
    assert (task["format"], task["openFormat"]["compression"]) == ("csv", "gz")


def test_a_binary_format_says_what_its_text_is(khlang_here, tmp_path) -> None:
    """A Parquet file has no encoding to detect: the report says its text is UTF-8, as the
    format specifies, rather than "encoding -"."""
    path = tmp_path / "budget.parquet"
    pq.write_table(pa.table({"year": [2565], "name": ["ถนน"]}), path)
    english = khlang_here("validate", str(path), "--lang", "en")
    assert english.returncode == 0, english.stderr
    assert "binary file, its text UTF-8 as Parquet specifies" in english.stdout
    assert "encoding -" not in english.stdout
    thai = khlang_here("validate", str(path), "--lang", "th")
    assert "ไฟล์ไบนารี ข้อความภายในเป็น UTF-8" in thai.stdout
