"""Thai fiscal years: Buddhist era (BE = CE + 543), running from 1 October to 30 September.

Fiscal year 2565 runs from 1 Oct 2021 to 30 Sep 2022. Sources disagree on the era (the
KaoGeek extraction of the budget bill writes 2022 for FY2565), so every year read from a
source goes through `to_be_year`, which converts a CE year and says so; adapters keep the
original value beside the converted one so the conversion can be audited.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.thai import (
    BUDDHIST_ERA_FROM,
    BUDDHIST_ERA_OFFSET,
    FIRST_FISCAL_MONTH,
    TO_ARABIC_DIGITS,
)

BE_RANGE = (BUDDHIST_ERA_FROM, 2700)
CE_RANGE = (1900, 2160)

THAI_MONTHS = (
    ("ม.ค.", "มกราคม"),
    ("ก.พ.", "กุมภาพันธ์"),
    ("มี.ค.", "มีนาคม"),
    ("เม.ย.", "เมษายน"),
    ("พ.ค.", "พฤษภาคม"),
    ("มิ.ย.", "มิถุนายน"),
    ("ก.ค.", "กรกฎาคม"),
    ("ส.ค.", "สิงหาคม"),
    ("ก.ย.", "กันยายน"),
    ("ต.ค.", "ตุลาคม"),
    ("พ.ย.", "พฤศจิกายน"),
    ("ธ.ค.", "ธันวาคม"),
)
_YEAR = re.compile(r"(\d{4})")


def to_be_year(value: object) -> tuple[int, bool]:
    """(BE year, converted_from_ce) for a year written either way: 2565, "พ.ศ. 2565",
    "FY2022", 2022. A value that is no plausible year raises KhlangError."""
    text = str(value).translate(TO_ARABIC_DIGITS).strip() if value is not None else ""
    found = _YEAR.search(text)
    if found:
        year = int(found.group(1))
        if BE_RANGE[0] <= year <= BE_RANGE[1]:
            return year, False
        if CE_RANGE[0] <= year <= CE_RANGE[1]:
            return year + BUDDHIST_ERA_OFFSET, True
    raise KhlangError(
        Text(
            th=f"ไม่ใช่ปีงบประมาณที่อ่านได้: {value!r} (ต้องเป็นปี พ.ศ. หรือ ค.ศ. 4 หลัก)",
            en=f"not a readable fiscal year: {value!r} (a 4-digit BE or CE year is expected)",
        )
    )


def be_years(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised `to_be_year`: (BE years as nullable Int64, converted-from-CE flags).
    Values that are no plausible year come back as <NA> for the caller to report."""
    digits = (
        values.astype("string").str.translate(TO_ARABIC_DIGITS).str.extract(_YEAR, expand=False)
    )
    year = pd.to_numeric(digits, errors="coerce").astype("Int64")
    is_be = year.between(*BE_RANGE)
    is_ce = year.between(*CE_RANGE)
    be = year.where(is_be, year + BUDDHIST_ERA_OFFSET).where(is_be | is_ce)
    return be.astype("Int64"), is_ce.fillna(False).astype(bool)


def fiscal_month_of(month: int) -> int:
    """1 for October ... 12 for September."""
    return (month - FIRST_FISCAL_MONTH) % 12 + 1


def calendar_month(fiscal_year: int, fiscal_month: int) -> tuple[int, int]:
    """(CE year, month) of fiscal month 1-12 of a BE fiscal year."""
    month = (fiscal_month + FIRST_FISCAL_MONTH - 2) % 12 + 1
    year = fiscal_year - BUDDHIST_ERA_OFFSET - (1 if month >= FIRST_FISCAL_MONTH else 0)
    return year, month


def month_sql(fiscal_year: str, fiscal_month: str) -> str:
    """`calendar_month` as a DuckDB expression on two columns, giving the month as the
    datasets publish it (`2021-10`): the SQL that builds a dataset and the Python that reads
    exports count the fiscal calendar from the same constants."""
    month = f"({fiscal_month} + {FIRST_FISCAL_MONTH - 2}) % 12 + 1"
    previous = 13 - FIRST_FISCAL_MONTH  # fiscal months 1 up to this fall in the CE year before
    year = (
        f"{fiscal_year} - {BUDDHIST_ERA_OFFSET} "
        f"- CASE WHEN {fiscal_month} <= {previous} THEN 1 ELSE 0 END"
    )
    return f"strftime(make_date({year}, {month}, 1), '%Y-%m')"


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a BE fiscal year."""
    ce = fiscal_year - BUDDHIST_ERA_OFFSET
    return dt.date(ce - 1, FIRST_FISCAL_MONTH, 1), dt.date(ce, 9, 30)


def parse_month(value: object) -> tuple[int, int] | None:
    """(CE year, month) of a month as exports write it: `2021-10`, `10/2564`, `ต.ค. 64`,
    `ตุลาคม 2564`. Two-digit years are BE (the Thai habit). None when unreadable."""
    text = str(value).translate(TO_ARABIC_DIGITS).strip()
    iso = re.fullmatch(r"(\d{4})[-/](\d{1,2})(?:[-/]\d{1,2})?", text)
    if iso:
        year, month = int(iso.group(1)), int(iso.group(2))
    else:
        slash = re.fullmatch(r"(\d{1,2})[-/](\d{4})", text)
        if slash:
            month, year = int(slash.group(1)), int(slash.group(2))
        else:
            month, year = _thai_month(text)
    if not month or not 1 <= month <= 12:
        return None
    if BE_RANGE[0] <= year <= BE_RANGE[1]:
        year -= BUDDHIST_ERA_OFFSET
    return (year, month) if CE_RANGE[0] <= year <= CE_RANGE[1] else None


def _thai_month(text: str) -> tuple[int, int]:
    for number, (short, full) in enumerate(THAI_MONTHS, start=1):
        for name in (full, short, short.replace(".", "")):
            if text.startswith(name):
                rest = re.search(r"\d{2,4}", text[len(name) :])
                if not rest:
                    return 0, 0
                year = int(rest.group(0))
                return number, year + 2500 if year < 100 else year
    return 0, 0
