"""The FY2565 budget bill as extracted by KaoGeek (`../shared/data/real/budget_bill_2565`).

Layout: `mappings/kaogeek.yaml`. What the extraction does that an officer's export does not,
and how it is read:

* FISCAL_YEAR is a CE year (2022 = BE 2565): converted, the original kept.
* AMOUNT is text with thousands separators: parsed exactly.
* OCR slips in the budget type (`งบรายจ่ายอิ่น`): read as the nearest type, with a warning.
* MINISTRY carries a volume suffix (`จังหวัดและกลุ่มจังหวัด (1)`): removed.
* A multi-year commitment (OBLIGED? = True) has one row per year: each row is that year's
  amount. The bill's own year (that of its other rows) is allocated; every other year's row
  is an obligation of that year (phase `obligated`), never an allocation of it.
* ITEM_DESCRIPTION is sometimes empty: the deepest category names the line instead.
* The only area signal is the text (about one item in five names a province): parsed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from khlang.i18n import Text
from khlang.metadata.matching import closest_term
from khlang.publishers.adapters.base import Adapter, Tables, detect_table
from khlang.publishers.adapters.common import (
    Context,
    clean_amounts,
    clean_terms,
    clean_years,
    drop_duplicate_records,
    fill_ids,
    finish,
    phase_amounts,
    resolve_areas,
)
from khlang.publishers.mapping import ColumnMapping, apply_mapping
from khlang.publishers.readers import read_table
from khlang.publishers.vocab import BUDGET_TYPES, FUND_SOURCES

SYSTEM = "ร่าง พ.ร.บ. งบประมาณ 2565 (KaoGeek)"
REQUIRED = ("budget_unit_name", "fiscal_year", "amount", "budget_type")
LINE_ID_PARTS = ["fiscal_year", "budget_unit_name", "plan_name", "output_name", "project_name",
                 "budget_type", "category_2", "category_3", "item_name", "item_id"]  # fmt: skip
CATEGORY_LEVELS = ["category_6", "category_5", "category_4", "category_3", "category_2"]


def _item_names(frame: pd.DataFrame) -> pd.Series:
    names = frame.get("item_name", pd.Series(pd.NA, index=frame.index)).astype("string")
    for level in CATEGORY_LEVELS:
        if level in frame:
            level_values = frame[level].astype("string").replace("", pd.NA)
            names = names.replace("", pd.NA).fillna(level_values)
    return names.fillna(frame["budget_unit_name"])


def _fund_sources(frame: pd.DataFrame) -> pd.Series:
    """The subsidy kind of LAO lines (CATEGORY_LV2) is their source of funds; every other
    line of the bill is government budget."""
    category = frame.get("category_2", pd.Series("", index=frame.index)).fillna("")
    codes = {value: closest_term(value, FUND_SOURCES) for value in category.unique()}
    return category.map(lambda value: codes[value].term.code if codes[value] else "budget")


PHASE_COLUMNS = {"allocated": "allocated_amount", "obligated": "obligated_amount"}


def _by_phase(frame: pd.DataFrame) -> pd.DataFrame:
    """Each row's amount under its phase: allocated in the bill's year (the year of its rows
    that are not multi-year), obligated in the other years of a multi-year commitment."""
    obliged = frame.get("obliged", pd.Series("", index=frame.index)).astype("string")
    obliged = obliged.str.strip().str.lower().isin(["true", "1", "yes", "ใช่"])
    years = frame.loc[~obliged, "fiscal_year"]
    bill_year = (years if len(years) else frame["fiscal_year"]).mode()
    other_year = frame["fiscal_year"] != (bill_year.iloc[0] if len(bill_year) else None)
    obligation = obliged & other_year
    return frame.assign(
        allocated_amount=frame["amount"].where(~obligation),
        obligated_amount=frame["amount"].where(obligation),
    )


def read(path: Path, ctx: Context, mapping: ColumnMapping | None) -> Tables:
    assert mapping is not None
    file = ctx.relative(path)
    frame = apply_mapping(read_table(path), mapping, REQUIRED, file, ctx.issues)
    logged = frame.get("debug_log", pd.Series(dtype="string")).fillna("").str.strip() != ""
    if logged.any():
        ctx.issues.add(
            "extraction-debug-log",
            Text(
                th=f"{int(logged.sum())} แถวมีหมายเหตุจากการสกัดข้อมูล (DEBUG_LOG) ควรตรวจกับเอกสารต้นฉบับ",
                en=f"{int(logged.sum())} rows carry an extraction note (DEBUG_LOG); check them "
                "against the printed document",
            ),
            severity="info",
            file=file,
            column="DEBUG_LOG",
        )
    frame = clean_years(frame, ctx, file)
    frame = clean_amounts(frame, ctx, file, ["amount"])
    frame = clean_terms(frame, ctx, file, "budget_type", BUDGET_TYPES)
    frame = frame.assign(
        ministry_name=frame["ministry_name"]
        .astype("string")
        .str.replace(r"\s*\(\d+\)\s*$", "", regex=True),
        item_name=_item_names(frame),
        source_of_funds=_fund_sources(frame),
    )
    frame = frame.assign(
        place_text=frame["item_name"].fillna("") + " " + frame["budget_unit_name"].fillna("")
    )
    frame = resolve_areas(frame, ctx, file, report_unknown=False)
    frame = fill_ids(frame.assign(line_id=None), "line_id", LINE_ID_PARTS)
    frame = drop_duplicate_records(frame, ctx, file, key=["line_id"])
    return {
        "budget_lines": finish(frame, "budget_lines", SYSTEM, file),
        "amounts": phase_amounts(_by_phase(frame), PHASE_COLUMNS, SYSTEM, file),
    }


ADAPTER = Adapter(
    name="kaogeek",
    system=SYSTEM,
    description=Text(
        th="รายการในเอกสารงบประมาณปี 2565 ที่ KaoGeek สกัดเป็น "
        "CSV (ปี ค.ศ. จำนวนเงินเป็นข้อความ มีข้อผิดพลาดจาก OCR)",
        en="Line items of the FY2565 budget documents extracted to CSV by KaoGeek (CE years, "
        "amounts as text, OCR noise).",
    ),
    kind="real",
    read=read,
    detect=detect_table,
    required=REQUIRED,
)
