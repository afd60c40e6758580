"""e-Budgeting / BB EvMIS: budget lines with requested and allocated amounts by area.

Layout: `mappings/ebudget.yaml`. A line worked in several areas has one row per area with
the same line code; its amounts stay per area and the line takes the area the rows share.
"""

from __future__ import annotations

from pathlib import Path

from khlang.i18n import Text
from khlang.publishers.adapters.base import Adapter, Tables, detect_table
from khlang.publishers.adapters.common import (
    Context,
    clean_amounts,
    clean_terms,
    clean_years,
    collapse_lines,
    drop_duplicate_records,
    fill_ids,
    phase_amounts,
    resolve_areas,
)
from khlang.publishers.mapping import ColumnMapping, apply_mapping
from khlang.publishers.readers import read_table
from khlang.publishers.vocab import BUDGET_TYPES, FUND_SOURCES

SYSTEM = "e-Budgeting"
REQUIRED = ("fiscal_year", "item_name", "allocated")
LINE_ID_PARTS = ["fiscal_year", "budget_unit_name", "item_name", "area_code"]


def read(path: Path, ctx: Context, mapping: ColumnMapping | None) -> Tables:
    assert mapping is not None
    file = ctx.relative(path)
    frame = apply_mapping(read_table(path), mapping, REQUIRED, file, ctx.issues)
    frame = clean_years(frame, ctx, file)
    frame = clean_amounts(frame, ctx, file, ["requested", "allocated"])
    frame = clean_terms(frame, ctx, file, "budget_type", BUDGET_TYPES)
    frame = clean_terms(frame, ctx, file, "source_of_funds", FUND_SOURCES, default="budget")
    frame = resolve_areas(frame.assign(place_text=frame["item_name"]), ctx, file)
    frame = fill_ids(frame, "line_id", LINE_ID_PARTS)
    frame = drop_duplicate_records(frame, ctx, file, key=["line_id", "area_code"])
    return {
        "budget_lines": collapse_lines(frame, SYSTEM, file),
        "amounts": phase_amounts(
            frame, {"requested": "requested", "allocated": "allocated"}, SYSTEM, file
        ),
    }


ADAPTER = Adapter(
    name="ebudget",
    system=SYSTEM,
    description=Text(
        th="คำขอและงบประมาณที่ได้รับจัดสรรรายรายการและพื้นที่ "
        "จากระบบ e-Budgeting และ BB EvMIS ของสำนักงบประมาณ",
        en="Requested and allocated budget by line and area, from the Bureau of the Budget's "
        "e-Budgeting and BB EvMIS.",
    ),
    kind="export",
    read=read,
    detect=detect_table,
    required=REQUIRED,
)
