"""The rows/aggregate parameter language: every bad parameter is a 400 naming it."""

from __future__ import annotations

import datetime as dt

import pytest

from khlang.api.errors import ApiError
from khlang.api.query.columns import Op, cluster_columns, columns_from_schema
from khlang.api.query.language import (
    AggFunction,
    Schema,
    parse_aggregate_query,
    parse_download_query,
    parse_row_query,
)
from tests.api.sample import SCHEMA

SAMPLE = Schema(columns_from_schema(SCHEMA))


def _error(params, parse=parse_row_query) -> ApiError:
    with pytest.raises(ApiError) as caught:
        parse(params, SAMPLE)
    assert caught.value.status == 400
    return caught.value


def test_filters_are_typed_by_the_schema() -> None:
    query = parse_row_query(
        [
            ("province_code", "50"),
            ("fiscal_year__gte", "2566"),
            ("allocated__lt", "1e6"),
            ("approved_on__gt", "2024-03-01"),
            ("budget_type__in", "งบลงทุน,งบดำเนินงาน"),
            ("disbursed__isnull", "true"),
            ("project_name__search", "ถนน"),
        ],
        SAMPLE,
    )
    found = {(f.column, f.op): f.value for f in query.where.filters}
    assert found[("province_code", Op.eq)] == "50"
    assert found[("fiscal_year", Op.gte)] == 2566
    assert found[("allocated", Op.lt)] == 1_000_000.0
    assert found[("approved_on", Op.gt)] == dt.date(2024, 3, 1)
    assert found[("budget_type", Op.in_)] == ["งบลงทุน", "งบดำเนินงาน"]
    assert found[("disbursed", Op.isnull)] is True


def test_sort_fields_size_and_facets() -> None:
    query = parse_row_query(
        [("_sort", "-allocated,line_id"), ("_fields", "line_id,allocated"), ("_size", "20"),
         ("_facet", "budget_type"), ("_facet", "province_code"), ("_count", "false")],
        SAMPLE,
    )  # fmt: skip
    assert [(k.column, k.descending) for k in query.sort] == [
        ("allocated", True),
        ("line_id", False),
    ]
    assert query.fields == ("line_id", "allocated")
    assert query.size == 20
    assert query.facets == ("budget_type", "province_code")
    assert query.count is False


@pytest.mark.parametrize(
    ("params", "parameter", "code"),
    [
        ([("provinse_code", "50")], "provinse_code", "unknown_column"),
        ([("province_code__like", "5%")], "province_code__like", "bad_operator"),
        ([("allocated__contains", "5")], "allocated__contains", "bad_operator"),
        ([("fiscal_year", "25x")], "fiscal_year", "bad_value"),
        ([("fiscal_year__gt", "1e400")], "fiscal_year__gt", "bad_value"),
        ([("allocated", "nan")], "allocated", "bad_value"),
        ([("approved_on", "31/12/2567")], "approved_on", "bad_value"),
        ([("is_investment", "maybe")], "is_investment", "bad_value"),
        ([("fiscal_year__in", "[2566, {}]")], "fiscal_year__in", "bad_value"),
        ([("fiscal_year__in", ",".join(["2566"] * 1001))], "fiscal_year__in", "too_many_values"),
        ([("province_code", "x" * 1001)], "province_code", "value_too_long"),
        ([("_size", "100000")], "_size", "size_out_of_range"),
        ([("_size", "-1")], "_size", "size_out_of_range"),
        ([("_size", "ten")], "_size", "bad_parameter"),
        ([("_sort", "allocated;DROP TABLE rows")], "_sort", "unknown_column"),
        ([("_fields", 'line_id,"x" FROM y --')], "_fields", "unknown_column"),
        ([("_limit", "5")], "_limit", "unknown_parameter"),
        ([("_facet", "nope")], "_facet", "unknown_column"),
        ([("_sort", "line_id"), ("_sort", "allocated")], "_sort", "bad_parameter"),
        ([("line_id' OR '1'='1", "x")], "line_id' OR '1'='1", "unknown_column"),
    ],
)
def test_bad_parameters_are_named(params, parameter, code) -> None:
    error = _error(params)
    assert error.parameter == parameter
    assert error.code == code
    assert error.message.th
    assert error.message.en


def test_unknown_column_suggests_a_close_name() -> None:
    error = _error([("alocated__gt", "5")])
    assert "allocated" in error.message.en


def test_an_injection_attempt_in_a_value_is_just_a_value() -> None:
    query = parse_row_query([("province_code", "50' OR '1'='1")], SAMPLE)
    assert query.where.filters[0].value == "50' OR '1'='1"


def test_aggregate_parameters() -> None:
    query = parse_aggregate_query(
        [("_group", "province_code,fiscal_year"), ("_agg", "sum:allocated,count,max:approved_on"),
         ("_sort", "-sum_allocated"), ("budget_type", "งบลงทุน")],
        SAMPLE,
    )  # fmt: skip
    assert query.group_by == ("province_code", "fiscal_year")
    assert [(a.function, a.column) for a in query.aggregates] == [
        (AggFunction.sum, "allocated"),
        (AggFunction.count, None),
        (AggFunction.max, "approved_on"),
    ]
    assert query.sort[0].column == "sum_allocated"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ([("_agg", "median:allocated")], "bad_aggregate"),
        ([("_agg", "sum:project_name")], "bad_aggregate"),
        ([("_agg", "sum")], "bad_aggregate"),
        ([("_agg", "sum:nope")], "unknown_column"),
        ([("_group", "province_code"), ("_sort", "allocated")], "unknown_column"),
        ([("_group", "a,b,c,d,e,f")], "unknown_column"),
        ([("_cursor", "x")], "unknown_parameter"),
    ],
)
def test_bad_aggregates(params, code) -> None:
    assert _error(params, parse_aggregate_query).code == code


def test_downloads_take_no_page_parameters() -> None:
    assert _error([("_size", "10")], parse_download_query).code == "unknown_parameter"
    query = parse_download_query([("_sort", "-allocated"), ("province_code", "50")], SAMPLE)
    assert query.sort[0].descending


def test_a_column_whose_name_starts_with_underscore_is_still_filterable() -> None:
    schema = Schema(columns_from_schema({"fields": [{"name": "_id", "type": "integer"}]}))
    query = parse_row_query([("_id__gt", "3")], schema)
    assert query.where.filters[0].op is Op.gt


def test_cluster_columns_prefer_year_then_coarse_areas() -> None:
    columns = columns_from_schema(
        {"fields": [
            {"name": "subdistrict_code", "type": "string"},
            {"name": "district_code", "type": "string"},
            {"name": "province_code", "type": "string"},
            {"name": "province_name", "type": "string"},
            {"name": "fiscal_year", "type": "integer"},
            {"name": "amount", "type": "number"},
        ]}
    )  # fmt: skip
    assert cluster_columns(columns) == ["fiscal_year", "province_code", "district_code"]
