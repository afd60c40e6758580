"""Rows, aggregates, downloads and the per-resource OpenAPI over HTTP, and every kind of bad
input answered with a 400 that names the parameter."""

from __future__ import annotations

import csv
import io

import pytest

API = "/api/v1"


@pytest.fixture(scope="module")
def table_url(resource_id) -> str:
    return f"{API}/datasets/chiang-mai-allocation/resources/{resource_id('chiang-mai-allocation')}"


@pytest.mark.slow
def test_rows_filtered_sorted_with_count_facets_and_next(client, table_url, sample_rows) -> None:
    response = client.get(
        f"{table_url}/rows",
        params={"province_code": "50", "_sort": "-allocated", "_size": 5, "_facet": "budget_type"},
    )
    body = response.json()
    expected = sorted(
        (r for r in sample_rows if r["province_code"] == "50"), key=lambda r: -r["allocated"]
    )
    assert body["count"] == len(expected)
    assert [r["allocated"] for r in body["rows"]] == [r["allocated"] for r in expected[:5]]
    assert sum(f["count"] for f in body["facets"]["budget_type"]) == len(expected)
    following = client.get(body["next"]).json()
    assert following["rows"][0]["allocated"] <= body["rows"][-1]["allocated"]
    assert {c["name"] for c in body["columns"]} >= {"line_id", "allocated"}


def test_rows_walk_every_page(client, table_url, sample_rows) -> None:
    seen, url = [], f"{table_url}/rows?_size=250&_count=false&_fields=line_id"
    while url:
        body = client.get(url).json()
        seen += [row["line_id"] for row in body["rows"]]
        url = body["next"]
    assert sorted(seen) == sorted(r["line_id"] for r in sample_rows)


def test_counts_and_facets_only(client, table_url, sample_rows) -> None:
    body = client.get(f"{table_url}/rows", params={"_size": 0, "_facet": "province_code"}).json()
    assert body["rows"] == []
    assert body["count"] == len(sample_rows)


def test_thai_word_search(client, table_url, sample_rows) -> None:
    body = client.get(f"{table_url}/rows", params={"project_name__search": "ถนนคอนกรีต"}).json()
    assert body["count"] == sum("ถนนคอนกรีต" in r["project_name"] for r in sample_rows)


def test_aggregate(client, table_url, sample_rows) -> None:
    body = client.get(
        f"{table_url}/aggregate",
        params={
            "_group": "province_code",
            "_agg": "sum:allocated,count",
            "_sort": "-sum_allocated",
        },
    ).json()
    totals: dict[str, float] = {}
    for row in sample_rows:
        totals[row["province_code"]] = totals.get(row["province_code"], 0) + row["allocated"]
    assert {r["province_code"]: r["sum_allocated"] for r in body["rows"]} == totals
    assert body["rows"][0]["sum_allocated"] == max(totals.values())
    assert body["truncated"] is False


def test_download_csv_with_bom_and_formula_escaping(client, table_url, sample_rows) -> None:
    response = client.get(f"{table_url}/download.csv", params={"bom": "1"})
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    read = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(read) == len(sample_rows)
    formulas = [r["project_name"] for r in read if "SUM(" in r["project_name"]]
    assert formulas
    assert all(cell.startswith("'=") for cell in formulas)


@pytest.mark.parametrize(
    ("format", "media"),
    [("json", "application/json"), ("ndjson", "application/x-ndjson"),
     ("parquet", "application/vnd.apache.parquet")],
)  # fmt: skip
def test_download_formats(client, table_url, format, media) -> None:
    response = client.get(f"{table_url}/download.{format}", params={"fiscal_year": "2566"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)


def test_conditional_requests_of_rows(client, table_url) -> None:
    first = client.get(f"{table_url}/rows", params={"_size": 1})
    again = client.get(
        f"{table_url}/rows", params={"_size": 1}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304


def test_version_pinned_rows_are_immutable(client, table_url) -> None:
    response = client.get(f"{table_url}/rows", params={"_size": 1, "version": 1})
    assert response.headers["cache-control"].endswith("immutable")


def test_resource_openapi_from_the_table_schema(client, table_url) -> None:
    document = client.get(f"{table_url}/openapi.json").json()
    rows = next(path for path in document["paths"] if path.endswith("/rows"))
    names = {p["name"] for p in document["paths"][rows]["get"]["parameters"]}
    assert {"fiscal_year", "fiscal_year__gte", "project_name__search", "_cursor"} <= names
    assert "allocated__contains" not in names
    gte = next(
        p for p in document["paths"][rows]["get"]["parameters"] if p["name"] == "fiscal_year__gte"
    )
    assert gte["schema"]["type"] == "integer"
    assert "ปีงบประมาณ" in gte["description"]


def test_a_file_that_is_not_a_table(client, resource_id) -> None:
    text = resource_id("chiang-mai-allocation", "method.txt")
    response = client.get(f"{API}/datasets/chiang-mai-allocation/resources/{text}/rows")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_tabular"
    missing = client.get(f"{API}/datasets/chiang-mai-allocation/resources/nope/rows")
    assert missing.status_code == 404


INJECTIONS = ["1; DROP TABLE rows", "' OR 1=1 --", '"; SELECT * FROM duckdb_settings(); --',
              "50) UNION SELECT 1 --", "\x00", "ไทย'\"", "%27"]  # fmt: skip


@pytest.mark.parametrize(
    ("endpoint", "params", "parameter", "code"),
    [
        ("rows", {"nope": "1"}, "nope", "unknown_column"),
        ("rows", {"fiscal_year": "two"}, "fiscal_year", "bad_value"),
        ("rows", {"fiscal_year__like": "2"}, "fiscal_year__like", "bad_operator"),
        ("rows", {"_size": "100000"}, "_size", "size_out_of_range"),
        ("rows", {"_cursor": "not-a-cursor"}, "_cursor", "bad_cursor"),
        ("rows", {"_sort": "allocated desc"}, "_sort", "unknown_column"),
        ("rows", {"_fields": "*"}, "_fields", "unknown_column"),
        ("rows", {"_whatever": "1"}, "_whatever", "unknown_parameter"),
        ("aggregate", {"_agg": "sum:project_name"}, "_agg", "bad_aggregate"),
        ("aggregate", {"_group": "1"}, "_group", "unknown_column"),
        ("aggregate", {"_size": "10000000"}, "_size", "size_out_of_range"),
        ("download.csv", {"bom": "maybe"}, "bom", "bad_parameter"),
        ("download.csv", {"_size": "5"}, "_size", "unknown_parameter"),
    ],
)
def test_bad_input_is_a_precise_400(client, table_url, endpoint, params, parameter, code) -> None:
    response = client.get(f"{table_url}/{endpoint}", params=params)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["parameter"], error["code"]) == (parameter, code)
    assert error["message"]["th"]
    assert error["message"]["en"]


@pytest.mark.parametrize("attempt", INJECTIONS)
@pytest.mark.parametrize(
    "key",
    ["province_code", "fiscal_year", "approved_on__gt", "project_name__search", "_sort", "_fields",
     "_cursor", "_facet", "_q", "budget_type__in"],
)  # fmt: skip
def test_injection_attempts_never_reach_sql(client, table_url, key, attempt) -> None:
    response = client.get(f"{table_url}/rows", params={key: attempt})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["error"]["parameter"] == key
    else:  # a plain value compared with the column finds nothing (or the text itself)
        assert response.json()["count"] in (0, None) or key in ("_q", "project_name__search")
    # the table is still there
    assert client.get(f"{table_url}/rows", params={"_size": 1}).json()["count"] > 0


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_injection_in_a_column_name_is_an_unknown_column(client, table_url, attempt) -> None:
    response = client.get(f"{table_url}/rows", params={f"{attempt}__eq": "1"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("unknown_column", "unknown_parameter")


def test_download_csv_with_thai_headers_for_spreadsheets(client, table_url, sample_rows) -> None:
    from tests.api.sample import SCHEMA

    response = client.get(f"{table_url}/download.csv", params={"bom": "1", "headers": "th"})
    assert response.status_code == 200
    header, *body = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # the Table Schema's titles; a column without one keeps its name
    assert header == [field.get("title", field["name"]) for field in SCHEMA["fields"]]
    assert len(body) == len(sample_rows)
    plain = client.get(f"{table_url}/download.csv").text.splitlines()[0]
    assert plain.split(",") == [field["name"] for field in SCHEMA["fields"]]


def test_download_headers_parameter_is_checked(client, table_url) -> None:
    response = client.get(f"{table_url}/download.csv", params={"headers": "thai"})
    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == "headers"
    assert "use one of name, th, en" in response.json()["error"]["message"]["en"]
    json_answer = client.get(f"{table_url}/download.json", params={"headers": "th"})
    assert json_answer.status_code == 400
    assert json_answer.json()["error"]["parameter"] == "headers"


def test_downloads_are_named_after_the_dataset_and_table(client, table_url, resource_id) -> None:
    disposition = client.get(f"{table_url}/download.parquet").headers["content-disposition"]
    filename = disposition.split("filename*=UTF-8''", 1)[1]
    assert filename.startswith("chiang-mai-allocation-")
    assert filename.endswith("-v1.parquet")
    assert resource_id("chiang-mai-allocation") not in filename
