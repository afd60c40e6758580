"""A small area-budget table for the API tests: deterministic, with Thai text, NULLs,
cells that look like spreadsheet formulas, and every column type the engine handles."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

PROVINCES = [
    ("50", "เชียงใหม่", "Chiang Mai"),
    ("26", "นครนายก", "Nakhon Nayok"),
    ("10", "กรุงเทพมหานคร", "Bangkok"),
]
BUDGET_TYPES = ["งบบุคลากร", "งบดำเนินงาน", "งบลงทุน", "งบเงินอุดหนุน", "งบรายจ่ายอื่น"]
PROJECTS = [
    "โครงการก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ {n}",
    "โครงการขุดลอกคลองส่งน้ำ บ้าน{place}",
    "โครงการจัดซื้อครุภัณฑ์สำนักงาน",
    "โครงการอบรมส่งเสริมอาชีพ ตำบล{place}",
    "=SUM(A1:A9) budget line",
    "-ค่าใช้จ่ายอื่น",
]
PLACES = ["สุเทพ", "ช้างเผือก", "บ้านนา", "องครักษ์"]

SCHEMA = {
    "fields": [
        {"name": "line_id", "type": "string", "title": "รหัสรายการ"},
        {"name": "fiscal_year", "type": "integer", "title": "ปีงบประมาณ"},
        {"name": "province_code", "type": "string", "title": "รหัสจังหวัด"},
        {"name": "province_name", "type": "string", "title": "จังหวัด"},
        {"name": "budget_type", "type": "string", "title": "ประเภทงบรายจ่าย"},
        {"name": "project_name", "type": "string", "title": "ชื่อโครงการ"},
        {"name": "allocated", "type": "number", "title": "งบประมาณที่ได้รับจัดสรร (บาท)"},
        {"name": "disbursed", "type": "number", "title": "เบิกจ่าย (บาท)"},
        {"name": "approved_on", "type": "date", "title": "วันที่อนุมัติ"},
        {"name": "is_investment", "type": "boolean"},
    ],
    "primaryKey": ["line_id"],
    "missingValues": [""],
}


def rows(count: int = 600, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    result = []
    for index in range(count):
        code, name, _ = PROVINCES[index % len(PROVINCES)]
        budget_type = BUDGET_TYPES[rng.randrange(len(BUDGET_TYPES))]
        template = PROJECTS[rng.randrange(len(PROJECTS))]
        result.append(
            {
                "line_id": f"BL-{index:05d}",
                "fiscal_year": 2565 + (index // 3) % 3,
                "province_code": code,
                "province_name": name,
                "budget_type": budget_type,
                "project_name": template.format(n=rng.randrange(1, 12), place=rng.choice(PLACES)),
                "allocated": float(rng.randrange(1, 5000) * 1000),
                "disbursed": "" if index % 17 == 0 else float(rng.randrange(0, 4000) * 1000),
                "approved_on": f"2024-{1 + index % 12:02d}-{1 + index % 28:02d}",
                "is_investment": "true" if budget_type == "งบลงทุน" else "false",
            }
        )
    return result


def write_csv(path: Path, data: list[dict] | None = None) -> Path:
    data = rows() if data is None else data
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[f["name"] for f in SCHEMA["fields"]])
        writer.writeheader()
        writer.writerows(data)
    return path


def write_schema(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(SCHEMA, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
