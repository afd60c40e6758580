"""BBL: LAO subsidy requests, allocations and transfers, one row per LAO project.

Layout: `mappings/bbl.yaml`. The budget line code links a row to e-Budgeting when the
export carries it; otherwise reconciliation matches it by name and area. Only the year, the
LAO and the project are required: a phase a file does not carry (a list of allocations
without the requests) is unknown, not zero, and a disbursed column (an LAO's own follow-up
of its projects) is read as the year's disbursement.
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

SYSTEM = "BBL"
REQUIRED = ("fiscal_year", "lao_name", "project_name")
PHASES = ("requested", "allocated", "transferred", "disbursed")
LINE_ID_PARTS = ["fiscal_year", "budget_unit_name", "item_name", "area_code"]


def read(path: Path, ctx: Context, mapping: ColumnMapping | None) -> Tables:
    assert mapping is not None
    file = ctx.relative(path)
    frame = apply_mapping(read_table(path), mapping, REQUIRED, file, ctx.issues)
    frame = clean_years(frame, ctx, file)
    frame = clean_amounts(frame, ctx, file, list(PHASES))
    frame = clean_terms(frame, ctx, file, "budget_type", BUDGET_TYPES, default="subsidy")
    frame = clean_terms(
        frame, ctx, file, "source_of_funds", FUND_SOURCES, default="specific_subsidy"
    )
    frame = frame.assign(
        item_name=frame["project_name"],
        budget_unit_name=frame["lao_name"],
        place_text=frame["project_name"],
    )
    frame = resolve_areas(frame, ctx, file)
    frame = fill_ids(frame, "line_id", LINE_ID_PARTS)
    frame = drop_duplicate_records(frame, ctx, file, key=["line_id", "area_code"])
    return {
        "budget_lines": collapse_lines(frame, SYSTEM, file),
        "amounts": phase_amounts(frame, {phase: phase for phase in PHASES}, SYSTEM, file),
    }


ADAPTER = Adapter(
    name="bbl",
    system=SYSTEM,
    description=Text(
        th="คำขอเงินอุดหนุนเฉพาะกิจของ อปท. การจัดสรรและการโอนจัดสรร จากระบบ BBL ของสำนักงบประมาณ",
        en="LAO specific-purpose subsidy requests, allocations and transfers, from the Bureau "
        "of the Budget's BBL system.",
    ),
    kind="export",
    read=read,
    detect=detect_table,
    required=REQUIRED,
)
