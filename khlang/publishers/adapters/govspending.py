"""The data.go.th Government Spending extract (`../shared/data/real/govspending_moi`):
Ministry of Interior budget items, allocated (Bureau of the Budget) against disbursed
(GFMIS) by province, FY2559-2562. Name it with `--source govspending`.

Layout (JSON Lines, one item per line; fixed by the data.go.th `bbgfproject` service, so no
mapping file): `bb_code` (16-character budget code), `bb_year` (BE), `min_code`/`min`,
`agc_code`/`agc`, `plan_name`, `stg_name`, `objc_level1_name` (budget type), `name` (free
Thai text naming the village, sub-district, district, province and often the LAO), and
`compare[]`, pairs of `bb_amount`/`bb_province` (allocation by province) and
`gf_amount`/`gf_province` (disbursement by province; `ส่วนกลาง` is central).

The service was paged by offset over items sorted by amount, so items of equal amount that
straddle a page boundary appear twice, identically: those are dropped and reported (never
counted twice). A few different items share one generic code (`...000000`, รายการงบประจำ):
they are kept as separate lines with a suffix.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from khlang.i18n import Text
from khlang.publishers.adapters.base import Adapter, Tables
from khlang.publishers.adapters.common import (
    Context,
    clean_amounts,
    clean_terms,
    clean_years,
    drop_duplicate_records,
    finish,
    phase_amounts,
    resolve_areas,
)
from khlang.publishers.readers import read_json
from khlang.publishers.vocab import BUDGET_TYPES

SYSTEM = "Government Spending (data.go.th)"
ALLOCATED_BY = "สำนักงบประมาณ"
DISBURSED_BY = "GFMIS"


def _records(path: Path) -> pd.DataFrame:
    rows = []
    for position, item in enumerate(read_json(path), start=1):
        rows.append(
            {
                "source_row": position,
                "record": json.dumps(item, ensure_ascii=False, sort_keys=True),
                "line_id": item.get("bb_code"),
                "fiscal_year": item.get("bb_year"),
                "ministry_code": item.get("min_code"),
                "ministry_name": item.get("min"),
                "department_code": item.get("agc_code"),
                "department_name": item.get("agc"),
                "budget_unit_code": item.get("agc_code"),
                "budget_unit_name": item.get("agc"),
                "plan_name": item.get("plan_name"),
                "strategy": item.get("stg_name"),
                "item_name": item.get("name"),
                "budget_type": item.get("objc_level1_name"),
                "compare": item.get("compare") or [],
            }
        )
    return pd.DataFrame(rows)


def _shares(frame: pd.DataFrame, amount_key: str, province_key: str) -> pd.DataFrame:
    """One row per item and compare entry carrying an amount of that kind."""
    rows: list[dict[str, Any]] = []
    for record in frame.itertuples(index=False):
        for entry in record.compare:
            if entry.get(amount_key) is None:
                continue
            rows.append(
                {
                    "line_id": record.line_id,
                    "source_row": record.source_row,
                    "province_name": entry.get(province_key) or "",
                    "value": str(entry[amount_key]),
                }
            )
    return pd.DataFrame(rows, columns=["line_id", "source_row", "province_name", "value"])


def read(path: Path, ctx: Context, mapping: object) -> Tables:
    file = ctx.relative(path)
    frame = _records(path)
    listed = _as_listed(frame)
    compare = frame.set_index("source_row")["compare"]
    frame = drop_duplicate_records(frame.drop(columns="compare"), ctx, file, key=["line_id"])
    frame = frame.drop(columns="record").assign(compare=lambda f: f["source_row"].map(compare))
    frame = clean_years(frame, ctx, file)
    frame = clean_terms(frame, ctx, file, "budget_type", BUDGET_TYPES)
    lines = frame.assign(place_text=frame["item_name"], source_of_funds="budget")
    single = lines["compare"].map(
        lambda compare: {entry.get("bb_province") for entry in compare if entry.get("bb_amount")}
    )
    lines = lines.assign(province_name=single.map(lambda names: next(iter(names)) if len(names)
                                                  == 1 else ""))  # fmt: skip
    lines = resolve_areas(lines.drop(columns="compare"), ctx, file, report_unknown=False)
    amounts = []
    for phase, amount_key, province_key in (
        ("allocated", "bb_amount", "bb_province"),
        ("disbursed", "gf_amount", "gf_province"),
    ):
        shares = _shares(frame, amount_key, province_key)
        shares = clean_amounts(shares, ctx, file, ["value"])
        located = _locate(shares, lines, ctx, file)
        years = frame.set_index("line_id")["fiscal_year"]
        located = located.assign(fiscal_year=located["line_id"].map(years))
        amounts.append(phase_amounts(located, {phase: "value"}, SYSTEM, file))
    return {
        "budget_lines": finish(lines, "budget_lines", SYSTEM, file),
        "amounts": pd.concat(amounts, ignore_index=True),
        "controls": finish(listed, "controls", SYSTEM, file),
    }


def _as_listed(frame: pd.DataFrame) -> pd.DataFrame:
    """The file's totals as listed, every line counted, duplicates included: the figure a
    reader of the raw extract gets, which the report sets against the published total."""
    rows = []
    for phase, key in (("allocated", "bb_amount"), ("disbursed", "gf_amount")):
        by_year: dict[str, Decimal] = {}
        for year, compare in zip(frame["fiscal_year"], frame["compare"], strict=True):
            for entry in compare:
                if entry.get(key) is not None:
                    value = Decimal(str(entry[key]))
                    by_year[year] = by_year.get(year, Decimal(0)) + value
        rows += [
            {"fiscal_year": int(year), "measure": f"{phase}_as_listed", "amount": float(total),
             "source_row": 1}
            for year, total in sorted(by_year.items())
        ]  # fmt: skip
    return pd.DataFrame(rows, columns=["fiscal_year", "measure", "amount", "source_row"])


def _locate(shares: pd.DataFrame, lines: pd.DataFrame, ctx: Context, file: str) -> pd.DataFrame:
    """The area of each share: its province, refined to the line's own sub-district or
    district when the line's text places it inside that province."""
    located = resolve_areas(shares, ctx, file, report_unknown=False)
    own = lines.set_index("line_id")[
        ["area_code", "area_level", "province_code", "district_code", "subdistrict_code", "lao_key"]
    ]
    own = own[~own.index.duplicated()]
    finer = located["line_id"].map(own["province_code"]) == located["province_code"]
    finer &= located["line_id"].map(own["area_level"]).isin(["district", "subdistrict"])
    for column in own.columns:
        located[column] = located[column].mask(finer, located["line_id"].map(own[column]))
    return located


def detect(path: Path, mapping: object) -> float:
    if path.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
        return False
    with path.open("rb") as handle:
        head = handle.read(2048)
    return b'"bb_code"' in head and b'"compare"' in head


ADAPTER = Adapter(
    name="govspending",
    system=SYSTEM,
    description=Text(
        th="รายการงบประมาณกระทรวงมหาดไทย งบที่ได้รับจัดสรร "
        "(สำนักงบประมาณ) เทียบการเบิกจ่าย (GFMIS) รายจังหวัด "
        "จากบริการ Government Spending ของ data.go.th",
        en="Ministry of Interior budget items, allocated (Bureau of the Budget) against "
        "disbursed (GFMIS) by province, from data.go.th's Government Spending service.",
    ),
    kind="real",
    read=read,
    detect=detect,
    uses_mapping=False,
)
