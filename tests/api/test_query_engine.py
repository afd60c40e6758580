"""The query engine against plain Python over the same rows: filters, sorts, cursors,
counts, facets, aggregates, Thai word search, limits."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import pytest

from khlang.api.errors import ApiError
from khlang.api.query.compile import Sql
from khlang.api.query.engine import QueryEngine, QueryLimits
from khlang.api.query.language import (
    Schema,
    parse_aggregate_query,
    parse_row_query,
)
from khlang.api.query.tables import TableSource, file_sha256
from khlang.errors import KhlangError
from tests.api.sample import rows

DATA = rows()


def _page(engine, table, params):
    return engine.rows_sync(table, parse_row_query(params, Schema(table.columns)))


def _all(engine, table, params):
    found, cursor = [], None
    while True:
        page = _page(engine, table, [*params, *([("_cursor", cursor)] if cursor else [])])
        found.extend(page.rows)
        cursor = page.next_cursor
        if cursor is None:
            return found


def test_table_keeps_every_row_typed(table) -> None:
    assert table.row_count == len(DATA)
    assert table.cluster == ["fiscal_year", "province_code"]
    assert "disbursed" in table.nullable
    assert "project_name" in table.term_columns


def test_filtered_sorted_page_matches_python(engine, table) -> None:
    page = _page(engine, table, [("province_code", "50"), ("allocated__gte", "1000000"),
                                 ("_sort", "-allocated"), ("_size", "10")])  # fmt: skip
    expected = sorted(
        (r for r in DATA if r["province_code"] == "50" and r["allocated"] >= 1_000_000),
        key=lambda r: (-r["allocated"], r["line_id"]),
    )
    assert page.count == len(expected)
    assert [r["allocated"] for r in page.rows] == [r["allocated"] for r in expected[:10]]
    assert page.next_cursor


@pytest.mark.parametrize(
    "sort",
    ["", "-disbursed", "disbursed,-fiscal_year", "project_name,-approved_on", "-is_investment"],
)
def test_cursor_walk_returns_every_row_once(engine, table, sort) -> None:
    params = [("_size", "37"), ("_count", "false"), *([("_sort", sort)] if sort else [])]
    found = _all(engine, table, params)
    assert sorted(r["line_id"] for r in found) == sorted(r["line_id"] for r in DATA)
    if sort == "-disbursed":
        values = [r["disbursed"] for r in found]
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=True)
        assert values[len(present) :] == [None] * (len(values) - len(present))


def test_cursor_from_another_sort_is_refused(engine, table) -> None:
    page = _page(engine, table, [("_sort", "allocated"), ("_size", "5")])
    with pytest.raises(ApiError) as caught:
        _page(engine, table, [("_sort", "-allocated"), ("_cursor", page.next_cursor)])
    assert caught.value.code == "stale_cursor"


@pytest.mark.parametrize("token", ["x", "!!!", "eyJhIjoxfQ", "W10", "WyJhIiwgW10sIC0xXQ"])
def test_malformed_cursor_is_a_400(engine, table, token) -> None:
    with pytest.raises(ApiError) as caught:
        _page(engine, table, [("_cursor", token)])
    assert caught.value.status == 400
    assert caught.value.parameter == "_cursor"


def test_tampered_cursor_values_are_typed(engine, table) -> None:
    import base64

    page = _page(engine, table, [("_sort", "allocated"), ("_size", "5")])
    signature = json.loads(base64.urlsafe_b64decode(page.next_cursor + "==="))[0]
    forged = json.dumps([signature, ["1; DROP TABLE rows"], 3])
    token = base64.urlsafe_b64encode(forged.encode()).decode().rstrip("=")
    with pytest.raises(ApiError) as caught:
        _page(engine, table, [("_sort", "allocated"), ("_cursor", token)])
    assert caught.value.code == "bad_cursor"


def test_filters_of_every_operator(engine, table) -> None:
    def count(params):
        return _page(engine, table, [*params, ("_size", "1")]).count

    assert count([("disbursed__isnull", "true")]) == sum(r["disbursed"] == "" for r in DATA)
    assert count([("budget_type__ne", "งบลงทุน")]) == sum(r["budget_type"] != "งบลงทุน" for r in DATA)
    assert count([("fiscal_year__in", "2565,2567")]) == sum(
        r["fiscal_year"] in (2565, 2567) for r in DATA
    )
    assert count([("approved_on__lte", "2024-02-28")]) == sum(
        r["approved_on"] <= "2024-02-28" for r in DATA
    )
    assert count([("project_name__contains", "SUM(")]) == sum(
        "SUM(" in r["project_name"] for r in DATA
    )
    assert count([("province_code", "50' OR '1'='1")]) == 0


def test_thai_word_search(engine, table) -> None:
    page = _page(engine, table, [("project_name__search", "ถนนคอนกรีต"), ("_size", "500")])
    assert page.count == sum("ถนนคอนกรีต" in r["project_name"] for r in DATA) > 0
    # words, not substrings: นา (rice field) is not found inside บ้านนา's neighbours
    together = _page(engine, table, [("project_name__search", "ขุดลอกคลองส่งน้ำ")]).count
    apart = _page(engine, table, [("project_name__search", "ขุดลอก คลอง ส่งน้ำ")]).count
    assert together == apart == sum("ขุดลอกคลอง" in r["project_name"] for r in DATA)


def test_search_over_every_text_column(engine, table) -> None:
    page = _page(engine, table, [("_q", "ขุดลอก เชียงใหม่"), ("_size", "500")])
    expected = [r for r in DATA if "ขุดลอก" in r["project_name"] and r["province_name"] == "เชียงใหม่"]
    assert page.count == len(expected) > 0


def test_facets_and_counts(engine, table) -> None:
    page = _page(engine, table, [("fiscal_year", "2566"), ("_facet", "budget_type")])
    expected = Counter(r["budget_type"] for r in DATA if r["fiscal_year"] == 2566)
    assert {f["value"]: f["count"] for f in page.facets["budget_type"]} == dict(expected)


def test_group_by_sum(engine, table) -> None:
    query = parse_aggregate_query(
        [("_group", "province_code,fiscal_year"), ("_agg", "sum:allocated,count")],
        Schema(table.columns),
    )
    result = engine.aggregate_sync(table, query)
    expected: dict = defaultdict(float)
    for r in DATA:
        expected[(r["province_code"], r["fiscal_year"])] += r["allocated"]
    assert {(r["province_code"], r["fiscal_year"]): r["sum_allocated"] for r in result.rows} == (
        dict(expected)
    )
    assert not result.truncated
    small = parse_aggregate_query([("_group", "line_id"), ("_size", "10")], Schema(table.columns))
    assert engine.aggregate_sync(table, small).truncated


def test_time_limit_is_a_clear_error(tmp_path) -> None:
    slow = QueryEngine(tmp_path, QueryLimits(timeout_seconds=0.05))
    try:
        with pytest.raises(ApiError) as caught:
            slow._fetch(Sql("SELECT count(*) FROM range(1000000000000)", []))
        assert caught.value.code == "query_timeout"
        assert "0.05" in caught.value.message.en
        assert slow._fetch(Sql("SELECT 42", [])) == [(42,)]  # the engine is still usable
    finally:
        slow.close()


def test_a_file_that_does_not_match_its_schema_is_refused(engine, tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("line_id,fiscal_year\nA,twenty\n", encoding="utf-8")
    schema = {"fields": [{"name": "line_id"}, {"name": "fiscal_year", "type": "integer"}]}
    source = TableSource(path=path, format="csv", schema_=schema, file_hash=file_sha256(path))
    with pytest.raises(KhlangError, match=r"bad\.csv"):
        engine.table_sync(source)
