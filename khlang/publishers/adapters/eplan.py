"""e-Plan: projects of the local development plans, with planned amounts.

Layout: `mappings/eplan.yaml`, one row per project and fiscal year of the plan. A project
that received a budget carries the budget line code, which links it to the allocation,
disbursement and contracts.
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
    drop_duplicate_records,
    finish,
    resolve_areas,
)
from khlang.publishers.mapping import ColumnMapping, apply_mapping
from khlang.publishers.readers import read_table
from khlang.publishers.vocab import PROJECT_STATUSES

SYSTEM = "e-Plan"
REQUIRED = ("project_id", "lao_name", "fiscal_year", "project_name", "planned")


def read(path: Path, ctx: Context, mapping: ColumnMapping | None) -> Tables:
    assert mapping is not None
    file = ctx.relative(path)
    frame = apply_mapping(read_table(path), mapping, REQUIRED, file, ctx.issues)
    frame = clean_years(frame, ctx, file)
    frame = clean_amounts(frame, ctx, file, ["planned"])
    frame = clean_terms(frame, ctx, file, "project_status", PROJECT_STATUSES, default="planned")
    if "place_text" not in frame:
        frame = frame.assign(place_text=frame["project_name"])
    frame = resolve_areas(frame, ctx, file)
    frame = drop_duplicate_records(frame, ctx, file, key=["project_id", "fiscal_year"])
    return {"plan_projects": finish(frame, "plan_projects", SYSTEM, file)}


ADAPTER = Adapter(
    name="eplan",
    system=SYSTEM,
    description=Text(
        th="โครงการในแผนพัฒนาท้องถิ่นของ อปท. และงบประมาณตามแผน "
        "จากระบบ e-Plan ของกรมส่งเสริมการปกครองท้องถิ่น",
        en="Projects of the local development plans of LAOs with planned amounts, from the "
        "Department of Local Administration's e-Plan.",
    ),
    kind="export",
    read=read,
    detect=detect_table,
    required=REQUIRED,
)
