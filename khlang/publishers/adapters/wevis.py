"""WeVis x ACT's budgets of provincial administrative organisations (อบจ.), FY2565-2566
(`../shared/data/real/pao_budget_wevis`), aggregated from the PAOs' budget ordinances.

Layout (JSON, one file per PAO and year under a folder named by the BE year; fixed by the
WeVis site, so no mapping file): `pao.name` (province), `pao.incomes[]` (revenue by type and
`categories[]`), `tasks[]` (งาน x แผนงาน x ด้าน x budget type with its `total`) and `total`.
The tasks are the expenditure appropriated by the ordinance (estimate); the incomes are the
revenue estimate. `nation-wide.json` holds the national sums, read as control totals the PAO
sums must equal.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.metadata.matching import MatchKind, closest_term
from khlang.publishers.adapters.base import Adapter, Tables
from khlang.publishers.adapters.common import Context, finish
from khlang.publishers.adapters.elaas import categories
from khlang.publishers.readers import read_json
from khlang.publishers.vocab import REVENUE_CATEGORIES, squash

SYSTEM = "ข้อบัญญัติงบประมาณ อบจ. (WeVis × ACT)"
_YEAR_FOLDER = re.compile(r"^25\d\d$")


def _year(path: Path) -> str:
    if not _YEAR_FOLDER.match(path.parent.name):
        raise KhlangError(
            Text(
                th="ไฟล์ต้องอยู่ในโฟลเดอร์ที่ตั้งชื่อตามปีงบประมาณ (เช่น 2565/)",
                en="the file must sit in a folder named by its fiscal year (e.g. 2565/)",
            ),
            where=str(path),
        )
    return path.parent.name


_INCOME_TYPE_FALLBACK = {
    "รายได้จัดเก็บเอง": "หมวดรายได้เบ็ดเตล็ด",
    "รายได้จากภาษีที่รัฐบาลจัดเก็บแล้วจัดสรรให้": "หมวดภาษีจัดสรร",
    "รายได้ที่รัฐบาลอุดหนุนให้": "หมวดเงินอุดหนุนทั่วไป",
    "รายได้งบเฉพาะการ": "รายได้งบเฉพาะการ",
}


def _revenue_category(income_type: str, category: str) -> str:
    """The DLA revenue category of a WeVis income line. A few ordinances subdivide a
    category (`หมวดเงินอุดหนุนทั่วไป (การศึกษา)`): those take the category they name; a
    misspelt one is kept as written, for the reader to report; a single item listed in the
    category's place takes the catch-all of its income type."""
    match = closest_term(category, REVENUE_CATEGORIES)
    if match is None:
        return _INCOME_TYPE_FALLBACK.get(squash(income_type), category)
    return match.term.value if match.kind is MatchKind.AFFIX else category


def _pao(document: dict, path: Path, ctx: Context, file: str) -> Tables:
    province = ctx.registry.province_by_name(document["pao"]["name"])
    if province is None:
        raise KhlangError(
            Text(
                th=f"ไม่รู้จักจังหวัด {document['pao']['name']}",
                en=f"unknown province {document['pao']['name']}",
            ),
            where=f"{file}: pao.name",
        )
    year = int(_year(path))
    rows = [
        {
            "kind": "expenditure",
            "category": task["type"],
            "item": f"{task['area']} / {task['plan']} / {task['task']}",
            "estimate": task["total"],
            "source_row": position,
        }
        for position, task in enumerate(document.get("tasks", []), start=1)
    ]
    offset = len(rows)
    for income in document["pao"].get("incomes", []):
        for category in income.get("categories", []):
            offset += 1
            rows.append(
                {
                    "kind": "revenue",
                    "category": _revenue_category(income["type"], category["category"]),
                    "item": f"{income['type']} / {category['category']}".replace("\n", ""),
                    "estimate": category["total"],
                    "source_row": offset,
                }
            )
    frame = pd.DataFrame(rows).assign(lao_key=f"PAO-{province}", fiscal_year=year)
    frame = categories(frame, ctx, file)
    stated = document.get("total")
    spent = frame.loc[frame["kind"] == "expenditure", "estimate"].sum()
    if stated is not None and round(spent, 2) != round(float(stated), 2):
        ctx.issues.add(
            "control-total-mismatch",
            Text(
                th=f"ผลรวมรายจ่ายตามงาน {spent:,.2f} ไม่เท่ากับยอดรวมในไฟล์ {float(stated):,.2f}",
                en=f"tasks sum to {spent:,.2f}, the file states {float(stated):,.2f}",
            ),
            file=file,
            column="total",
        )
    return {"lao_finance": finish(frame, "lao_finance", SYSTEM, file)}


def _nation(document: dict, path: Path, file: str) -> Tables:
    frame = pd.DataFrame(
        [{"fiscal_year": int(_year(path)), "measure": "pao_expenditure_estimate",
          "amount": document["total"], "source_row": 1}]
    )  # fmt: skip
    return {"controls": finish(frame, "controls", SYSTEM, file)}


def read(path: Path, ctx: Context, mapping: object) -> Tables:
    file = ctx.relative(path)
    document = read_json(path)
    if isinstance(document, dict) and "pao" in document:
        return _pao(document, path, ctx, file)
    return _nation(document, path, file)


def detect(path: Path, mapping: object) -> float:
    if path.suffix.lower() != ".json":
        return False
    with path.open("rb") as handle:
        head = handle.read(256)
    return head.lstrip().startswith(b'{\n  "total"') or b'"groupedByArea"' in head


ADAPTER = Adapter(
    name="wevis",
    system=SYSTEM,
    description=Text(
        th="งบประมาณตามข้อบัญญัติของ อบจ. ปี 2565-2566 ที่ WeVis "
        "และ ACT รวบรวม (รายจ่ายตามงานและประเภทงบ รายรับตามหมวด)",
        en="PAO budget ordinances FY2565-2566 as compiled by WeVis and ACT (expenditure by task "
        "and budget type, revenue by category).",
    ),
    kind="real",
    read=read,
    detect=detect,
    uses_mapping=False,
)
