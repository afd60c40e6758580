"""Downloads: every row, in each format, with formula escaping and the optional BOM."""

from __future__ import annotations

import csv
import io
import json
from codecs import BOM_UTF8

import pyarrow.parquet as pq
import pytest

from khlang.api.downloads import escape_formula, stream
from khlang.api.query.language import Schema, parse_download_query


def _download(engine, table, params, format, **options) -> bytes:
    query = parse_download_query(params, Schema(table.columns))
    return b"".join(stream(engine, table, query, format, **options))


@pytest.mark.parametrize(
    ("cell", "shown"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+66", "'+66"), ("-ค่า", "'-ค่า"), ("@x", "'@x"),
     ("\tx", "'\tx"), ("ปกติ", "ปกติ"), ("a=b", "a=b")],
)  # fmt: skip
def test_escape_formula(cell, shown) -> None:
    assert escape_formula(cell) == shown


def test_csv_has_every_row_escaped_and_numbers_untouched(engine, table, sample_rows) -> None:
    data = _download(engine, table, [], "csv")
    assert not data.startswith(BOM_UTF8)
    read = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(read) == len(sample_rows)
    by_id = {row["line_id"]: row for row in read}
    for original in sample_rows:
        row = by_id[original["line_id"]]
        assert row["project_name"] == escape_formula(original["project_name"])
        assert float(row["allocated"]) == original["allocated"]
    assert any(row["project_name"].startswith("'=SUM") for row in read)
    assert any(row["project_name"].startswith("'-") for row in read)


def test_csv_with_bom_for_excel(engine, table) -> None:
    data = _download(engine, table, [("province_code", "50")], "csv", bom=True)
    assert data.startswith(BOM_UTF8)
    assert "เชียงใหม่" in data.decode("utf-8-sig")
    assert "นครนายก" not in data.decode("utf-8-sig")


def test_json_ndjson_and_parquet_agree(engine, table, sample_rows) -> None:
    params = [("fiscal_year", "2566"), ("_sort", "-allocated"), ("_fields", "line_id,allocated")]
    as_json = json.loads(_download(engine, table, params, "json"))
    lines = _download(engine, table, params, "ndjson").decode().splitlines()
    as_ndjson = [json.loads(line) for line in lines]
    as_parquet = pq.read_table(io.BytesIO(_download(engine, table, params, "parquet"))).to_pylist()
    expected = sorted(
        ({"line_id": r["line_id"], "allocated": r["allocated"]} for r in sample_rows
         if r["fiscal_year"] == 2566),
        key=lambda r: (-r["allocated"], r["line_id"]),
    )  # fmt: skip
    assert [r["allocated"] for r in as_json] == [r["allocated"] for r in expected]
    assert as_json == as_ndjson == as_parquet
    assert as_json[0].keys() == {"line_id", "allocated"}


@pytest.mark.parametrize("format", ["csv", "json", "ndjson", "parquet"])
def test_no_matching_row_is_still_a_valid_file(engine, table, format) -> None:
    data = _download(engine, table, [("province_code", "99")], format)
    if format == "json":
        assert json.loads(data) == []
    elif format == "parquet":
        assert pq.read_table(io.BytesIO(data)).num_rows == 0
    elif format == "csv":
        assert data.decode().splitlines()[0].startswith("line_id,")
    else:
        assert data == b""
