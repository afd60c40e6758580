"""A table an agency keeps of its own, as an officer would type it in a spreadsheet: Thai
headers (one with a unit in brackets, one with a stray space), amounts with thousands
separators, Chiang Mai's districts and sub-districts by name, and a column no adapter
knows (who is responsible). Deterministic, so tests can compute every published figure."""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ["ปีงบประมาณ", "จังหวัด", "อำเภอ", "ตำบล ", "ชื่อโครงการ", "งบประมาณ (บาท)",
          "เบิกจ่ายแล้ว", "จำนวนผู้ได้รับประโยชน์ (คน)", "ผู้รับผิดชอบ"]  # fmt: skip
PLACES = [
    ("แม่ริม", "ริมใต้", "500701"),
    ("แม่ริม", "แม่แรม", "500707"),
    ("สันทราย", "สันทรายหลวง", "501401"),
    ("หางดง", "หนองควาย", "501509"),
    ("สารภี", "ยางเนิ้ง", "501901"),
]
UNITS = ["กองช่าง", "กองสาธารณสุข", "สำนักปลัด", "กองการศึกษา"]
WORKS = ["ก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ {n}", "ขุดลอกลำเหมือง หมู่ที่ {n}",
         "ติดตั้งไฟฟ้าส่องสว่าง หมู่ที่ {n}", "ซ่อมแซมฝายชะลอน้ำ หมู่ที่ {n}"]  # fmt: skip


def rows(count: int = 20) -> list[dict[str, str | int]]:
    """`count` projects over fiscal years 2567-2568: budget, disbursed, beneficiaries."""
    found = []
    for index in range(count):
        district, subdistrict, code = PLACES[index % len(PLACES)]
        budget = 150_000 + 37_500 * index
        found.append(
            {
                "year": 2567 + index % 2,
                "district": district,
                "subdistrict": subdistrict,
                "subdistrict_code": code,
                "project": WORKS[index % len(WORKS)].format(n=index % 9 + 1),
                "budget": budget,
                "disbursed": budget * (index % 3) // 2,
                "people": 120 + 15 * index,
                "unit": UNITS[index % len(UNITS)],
            }
        )
    return found


def write(path: Path, count: int = 20) -> Path:
    """The table as a UTF-8 CSV (with the BOM Excel writes)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows(count):
            writer.writerow([row["year"], "เชียงใหม่", row["district"], row["subdistrict"],
                             row["project"], f"{row['budget']:,}", row["disbursed"], row["people"],
                             row["unit"]])  # fmt: skip
    return path
