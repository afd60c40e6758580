"""Fiscal years in the Buddhist era, months, and amounts as exports write them."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from khlang.errors import KhlangError
from khlang.publishers.amounts import parse_amounts, to_decimal
from khlang.publishers.fiscal import (
    be_years,
    calendar_month,
    fiscal_month_of,
    fiscal_year_bounds,
    month_sql,
    parse_month,
    to_be_year,
)
from khlang.thai import fiscal_year_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2565, (2565, False)), ("2022", (2565, True)), ("พ.ศ. ๒๕๖๕", (2565, False)),
     ("FY2022", (2565, True)), (" 2566 ", (2566, False))],
)  # fmt: skip
def test_years_are_read_in_either_era(value, expected) -> None:
    assert to_be_year(value) == expected


def test_a_year_that_is_no_year_is_an_error() -> None:
    with pytest.raises(KhlangError, match="not a readable fiscal year"):
        to_be_year("25")


def test_vectorised_years_flag_the_ce_conversions() -> None:
    years, converted = be_years(pd.Series(["2565", "2022", "abc", None]))
    assert years.tolist()[:2] == [2565, 2565]
    assert years.isna().tolist() == [False, False, True, True]
    assert converted.tolist() == [False, True, False, False]


def test_the_fiscal_year_runs_from_october_to_september() -> None:
    assert fiscal_year_of(dt.date(2021, 10, 1)) == 2565
    assert fiscal_year_of(dt.date(2022, 9, 30)) == 2565
    assert fiscal_year_bounds(2565) == (dt.date(2021, 10, 1), dt.date(2022, 9, 30))
    assert fiscal_month_of(10) == 1
    assert fiscal_month_of(9) == 12
    assert calendar_month(2565, 1) == (2021, 10)
    assert calendar_month(2565, 4) == (2022, 1)


def test_the_datasets_sql_counts_months_as_the_readers_do() -> None:
    """`month_sql` (the monthly datasets' `month` column) agrees with `calendar_month`."""
    pairs = [(year, month) for year in (2565, 2568) for month in range(1, 13)]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (n INTEGER, y INTEGER, m INTEGER)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(n, *pair) for n, pair in enumerate(pairs)])
    month = month_sql("y", "m")  # column names, no input
    rows = con.execute(f"SELECT {month} FROM t ORDER BY n").fetchall()  # noqa: S608
    assert [row[0] for row in rows] == [
        "{}-{:02d}".format(*calendar_month(year, month)) for year, month in pairs
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2021-10", (2021, 10)), ("2564-10", (2021, 10)), ("10/2564", (2021, 10)),
     ("ต.ค. 64", (2021, 10)), ("ตุลาคม 2564", (2021, 10)), ("ม.ค. 65", (2022, 1)),
     ("13/2564", None), ("soon", None)],
)  # fmt: skip
def test_months_are_read_as_exports_write_them(text, expected) -> None:
    assert parse_month(text) == expected


def test_amounts_with_commas_thai_digits_brackets_and_dashes() -> None:
    values, bad = parse_amounts(
        pd.Series(["1,160,100", "๑,๒๓๔.๕๐", "(25,000)", "-", "1,000 บาท", "", None, "12a"])
    )
    assert values.tolist()[:5] == [1160100.0, 1234.5, -25000.0, 0.0, 1000.0]
    assert values.iloc[5:].isna().all()
    assert bad.tolist() == [False] * 7 + [True]


def test_amounts_become_exact_decimals() -> None:
    values, _ = parse_amounts(pd.Series(["49,945,518,500.50", "0.1", "0.2"]))
    decimals = to_decimal(values).to_pylist()
    assert str(decimals[0]) == "49945518500.50"
    assert str(decimals[1] + decimals[2]) == "0.30"
