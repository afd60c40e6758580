"""GFMIS: monthly commitments and disbursement by budget line and area.

Layout: `mappings/gfmis.yaml`. Amounts are those of the month; a month outside the row's
fiscal year is reported. Each line also yields a `budget_lines` row (its code, unit, name
and area), so lines known only to GFMIS still appear, and matching by name works.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from khlang.i18n import Text
from khlang.publishers.adapters.base import Adapter, Tables, detect_table
from khlang.publishers.adapters.common import (
    Context,
    clean_amounts,
    clean_years,
    collapse_lines,
    drop_duplicate_records,
    phase_amounts,
    resolve_areas,
)
from khlang.publishers.fiscal import fiscal_month_of, parse_month
from khlang.publishers.mapping import ColumnMapping, apply_mapping
from khlang.publishers.readers import read_table
from khlang.thai import fiscal_year_of

SYSTEM = "GFMIS"
REQUIRED = ("fiscal_year", "month", "line_id", "disbursed")


def _months(frame: pd.DataFrame, ctx: Context, file: str) -> pd.DataFrame:
    """Fiscal month and calendar month of each row; unreadable months, and months outside
    the row's fiscal year, are reported and their rows skipped."""
    parsed = {value: parse_month(value) for value in frame["month"].dropna().unique()}
    ym = frame["month"].map(parsed)
    readable = ym.map(lambda value: isinstance(value, tuple)).astype(bool)
    year_of = {v: fiscal_year_of(dt.date(v[0], v[1], 1)) for v in parsed.values() if v}
    month_year = ym.map(lambda value: year_of.get(value) if isinstance(value, tuple) else None)
    outside = readable & (month_year.astype("Int64") != frame["fiscal_year"]).fillna(True)
    for code, mask, text in (
        ("month-unreadable", ~readable,
         Text(th="อ่านเดือนไม่ได้ แถวนี้ไม่ถูกนำไปใช้", en="unreadable month; row skipped")),
        ("month-outside-year", outside,
         Text(th="เดือนไม่อยู่ในปีงบประมาณของแถว แถวนี้ไม่ถูกนำไปใช้",
              en="month outside the row's fiscal year; row skipped")),
    ):  # fmt: skip
        if mask.any():
            ctx.issues.add_rows(
                code,
                text,
                rows=[int(row) for row in frame.loc[mask, "source_row"]],
                values=list(frame.loc[mask, "month"]),
                file=file,
                column="month",
            )
    keep = readable & ~outside
    kept = ym[keep]
    return frame[keep].assign(
        fiscal_month=pd.to_numeric(kept.map(lambda value: fiscal_month_of(value[1]))),
        month=kept.map(lambda value: f"{value[0]:04d}-{value[1]:02d}"),
    )


def read(path: Path, ctx: Context, mapping: ColumnMapping | None) -> Tables:
    assert mapping is not None
    file = ctx.relative(path)
    frame = apply_mapping(read_table(path), mapping, REQUIRED, file, ctx.issues)
    frame = clean_years(frame, ctx, file)
    frame = _months(frame, ctx, file)
    frame = clean_amounts(frame, ctx, file, ["committed", "disbursed"])
    frame = frame.assign(line_id=frame["line_id"].astype("string").str.strip())
    if "item_name" not in frame:
        frame = frame.assign(item_name=frame["line_id"])
    frame = resolve_areas(frame.assign(place_text=frame["item_name"]), ctx, file)
    frame = drop_duplicate_records(frame, ctx, file, key=["line_id", "area_code", "fiscal_month"])
    per_area = frame.drop_duplicates(["line_id", "area_code"])
    return {
        "budget_lines": collapse_lines(per_area, SYSTEM, file),
        "amounts": phase_amounts(
            frame, {"committed": "committed", "disbursed": "disbursed"}, SYSTEM, file
        ),
    }


ADAPTER = Adapter(
    name="gfmis",
    system=SYSTEM,
    description=Text(
        th="การก่อหนี้ผูกพันและการเบิกจ่ายรายเดือน รายรายการงบประมาณและพื้นที่ จากระบบ GFMIS ของกรมบัญชีกลาง",
        en="Monthly commitments and disbursement by budget line and area, from the "
        "Comptroller General's Department's GFMIS.",
    ),
    kind="export",
    read=read,
    detect=detect_table,
    required=REQUIRED,
)
