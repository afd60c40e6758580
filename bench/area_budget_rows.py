"""A national area-budget table of any size for the query bench, deterministic by seed.

Used by `bench/query.py` until the publishers' `khlang generate` lands on main. It follows the
calibration of issue 4 on the real files in ../shared/data/real: every row belongs to one of the
7,848 real local administrative organisations (so provinces are weighted by their LAO count),
fiscal years 2559-2568 in the Buddhist era with ~4.5% yearly growth, item amounts log-normal
(log10 mean 6.18, sd 0.86, rounded to 100 baht), budget types by count 67% subsidies, 27%
investment, 6% other, disbursement ratio 19% zero, 19% full and a median of about 0.79 in
between. Project names come from Thai templates with real place names, and rows are ordered as
an export would be: by fiscal year, province, district and LAO.

    python bench/area_budget_rows.py --rows 1000000 OUT_DIR

writes OUT_DIR/area-budget/{data/area-budget.csv, schemas/area-budget.json, dataset.yaml}, a
published dataset folder (docs/architecture.md), and the same rows as OUT_DIR/area-budget.parquet
for loading other tools (the validators do not read Parquet yet, so the folder holds the CSV).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

SHARED = Path(os.environ.get("KHLANG_SHARED", Path(__file__).resolve().parents[2] / "shared"))
LAO_LIST = SHARED / "data" / "real" / "lao" / "lao_list_hoerstemeier_2022.csv"
YEARS = range(2559, 2569)
GROWTH = 1.045
BUDGET_TYPES = [  # (budget type, share of items, sources of funds it is paid from)
    ("งบเงินอุดหนุน", 0.67, ["เงินอุดหนุนทั่วไป", "เงินอุดหนุนเฉพาะกิจ"]),
    ("งบลงทุน", 0.27, ["เงินอุดหนุนเฉพาะกิจ", "เงินงบประมาณ", "รายได้จัดเก็บเอง"]),
    ("งบบุคลากร", 0.02, ["เงินงบประมาณ", "รายได้จัดเก็บเอง"]),
    ("งบดำเนินงาน", 0.02, ["เงินงบประมาณ", "รายได้จัดเก็บเอง"]),
    ("งบรายจ่ายอื่น", 0.02, ["เงินนอกงบประมาณ", "เงินกู้"]),
]
# {place}: the LAO's sub-district or name; {moo}: a village number. Real LAO budget wording.
TEMPLATES = {
    "งบเงินอุดหนุน": [
        "เงินอุดหนุนอาหารกลางวันโรงเรียนในพื้นที่ตำบล{place}",
        "โครงการอาหารเสริม (นม) โรงเรียน",
        "เบี้ยยังชีพผู้สูงอายุ ตำบล{place}",
        "เบี้ยยังชีพคนพิการ",
        "เงินอุดหนุนการไฟฟ้าส่วนภูมิภาค ขยายเขตไฟฟ้า หมู่ที่ {moo}",
        "เงินอุดหนุนกิจการประปาหมู่บ้าน หมู่ที่ {moo} ตำบล{place}",
        "โครงการสนับสนุนศูนย์พัฒนาเด็กเล็ก",
    ],
    "งบลงทุน": [
        "โครงการก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ {moo} ตำบล{place}",
        "โครงการซ่อมแซมถนนลูกรัง หมู่ที่ {moo}",
        "โครงการก่อสร้างรางระบายน้ำ คสล. หมู่ที่ {moo} ตำบล{place}",
        "โครงการขุดลอกคลองส่งน้ำเพื่อการเกษตร ตำบล{place}",
        "โครงการก่อสร้างฝายกักเก็บน้ำ หมู่ที่ {moo}",
        "โครงการติดตั้งไฟฟ้าส่องสว่างทางสาธารณะ หมู่ที่ {moo}",
        "จัดซื้อรถบรรทุกขยะมูลฝอย",
        "จัดซื้อครุภัณฑ์คอมพิวเตอร์",
    ],
    "งบบุคลากร": ["เงินเดือนพนักงานส่วนตำบล", "ค่าตอบแทนพนักงานจ้าง"],
    "งบดำเนินงาน": [
        "โครงการป้องกันและลดอุบัติเหตุทางถนนช่วงเทศกาล",
        "โครงการฝึกอบรมป้องกันและบรรเทาสาธารณภัย ตำบล{place}",
        "ค่าวัสดุสำนักงาน",
    ],
    "งบรายจ่ายอื่น": ["ค่าจ้างที่ปรึกษาศึกษาความเหมาะสม", "เงินชดเชยสัญญาแบบปรับราคาได้"],
}
MAX_MOO = 15

SCHEMA = {
    "fields": [
        {
            "name": "line_id",
            "type": "string",
            "title": "รหัสรายการงบประมาณ",
        },
        {"name": "fiscal_year", "type": "integer", "title": "ปีงบประมาณ (พ.ศ.)"},
        {"name": "province_code", "type": "string", "title": "รหัสจังหวัด"},
        {"name": "province_name", "type": "string", "title": "จังหวัด"},
        {"name": "district_code", "type": "string", "title": "รหัสอำเภอ"},
        {"name": "district_name", "type": "string", "title": "อำเภอ"},
        {"name": "lao_code", "type": "string", "title": "รหัสองค์กรปกครองส่วนท้องถิ่น"},
        {"name": "lao_name", "type": "string", "title": "องค์กรปกครองส่วนท้องถิ่น"},
        {"name": "lao_type", "type": "string", "title": "ประเภท อปท."},
        {"name": "budget_type", "type": "string", "title": "ประเภทงบรายจ่าย"},
        {"name": "source_of_funds", "type": "string", "title": "แหล่งของเงิน"},
        {"name": "project_name", "type": "string", "title": "ชื่อโครงการหรือรายการ"},
        {"name": "allocated", "type": "number", "title": "งบประมาณที่ได้รับจัดสรร (บาท)"},
        {"name": "committed", "type": "number", "title": "ก่อหนี้ผูกพัน (บาท)"},
        {"name": "disbursed", "type": "number", "title": "เบิกจ่าย (บาท)"},
    ],
    # No primaryKey or unique constraint: the validators' uniqueness check runs out of memory
    # on 10M rows on main today (reported); the bench measures queries, not the validators.
}


def _laos() -> pa.Table:
    with LAO_LIST.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return pa.table(
        {
            "lao": list(range(len(rows))),
            "lao_code": [row["lao_key"] for row in rows],
            "lao_name": [row["lao_name_th"] for row in rows],
            "lao_type": [row["lao_type_abbr_th"] for row in rows],
            "province_code": [row["province_code"] for row in rows],
            "province_name": [row["province_name_th"] for row in rows],
            "district_code": [row["district_code"] or None for row in rows],
            "district_name": [row["district_name_th"] or None for row in rows],
            "place": [row["subdistrict_name_th"] or row["name_th"] for row in rows],
        }
    )


def _templates() -> pa.Table:
    rows = [
        (budget_type, position, template)
        for budget_type, templates in TEMPLATES.items()
        for position, template in enumerate(templates)
    ]
    return pa.table(
        {
            "budget_type": [row[0] for row in rows],
            "template_no": [row[1] for row in rows],
            "template": [row[2] for row in rows],
        }
    )


def random_rows(count: int, seed: int) -> pa.Table:
    """Row-level random draws, as indices and amounts; text is joined in by DuckDB."""
    rng = np.random.default_rng(seed)
    lao_count = _laos().num_rows
    year = rng.integers(0, len(YEARS), count)
    shares = np.array([share for _, share, _ in BUDGET_TYPES])
    budget_type = rng.choice(len(BUDGET_TYPES), count, p=shares / shares.sum())
    template_counts = np.array([len(TEMPLATES[name]) for name, _, _ in BUDGET_TYPES])
    template_no = (rng.random(count) * template_counts[budget_type]).astype(np.int64)
    fund_counts = np.array([len(funds) for _, _, funds in BUDGET_TYPES])
    fund_no = (rng.random(count) * fund_counts[budget_type]).astype(np.int64)
    amount = np.round(10 ** rng.normal(6.18, 0.86, count) * GROWTH**year / 100) * 100
    draw = rng.random(count)
    ratio = np.select([draw < 0.19, draw < 0.38], [0.0, 1.0], rng.beta(3, 1, count))
    disbursed = np.round(amount * ratio / 100) * 100
    committed = np.minimum(amount, np.round(amount * np.minimum(1, ratio + 0.15) / 100) * 100)
    return pa.table(
        {
            "fiscal_year": np.asarray(YEARS)[year],
            "lao": rng.integers(0, lao_count, count),
            "budget_type": np.array([name for name, _, _ in BUDGET_TYPES])[budget_type],
            "template_no": template_no,
            "fund_no": fund_no,
            "moo": rng.integers(1, MAX_MOO + 1, count),
            "allocated": amount,
            "committed": committed,
            "disbursed": disbursed,
        }
    )


def generate(out: Path, rows: int, seed: int = 2567) -> Path:
    """Write the dataset folder and return it."""
    folder = out / "area-budget"
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "schemas").mkdir(exist_ok=True)
    connection = duckdb.connect(config={"threads": 2, "memory_limit": "4GB"})
    connection.register("draws", random_rows(rows, seed))
    connection.register("laos", _laos())
    connection.register("templates", _templates())
    funds = [list(funds) for _, _, funds in BUDGET_TYPES]
    names = [name for name, _, _ in BUDGET_TYPES]
    connection.execute(
        """
        CREATE TABLE budget AS
        SELECT
            d.fiscal_year || '-' || l.lao_code || '-' || lpad(CAST(row_number() OVER (
                PARTITION BY d.fiscal_year, l.lao_code ORDER BY d.allocated DESC)
                AS VARCHAR), 4, '0')
                AS line_id,
            d.fiscal_year, l.province_code, l.province_name, l.district_code, l.district_name,
            l.lao_code, l.lao_name, l.lao_type, d.budget_type,
            list_extract(list_extract($funds, list_position($names, d.budget_type)), d.fund_no + 1)
                AS source_of_funds,
            replace(replace(t.template, '{place}', l.place), '{moo}', CAST(d.moo AS VARCHAR))
                AS project_name,
            d.allocated, d.committed, d.disbursed
        FROM draws d
        JOIN laos l USING (lao)
        JOIN templates t ON t.budget_type = d.budget_type AND t.template_no = d.template_no
        ORDER BY d.fiscal_year, l.province_code, l.district_code NULLS FIRST, l.lao_code, line_id
        """,
        {"funds": funds, "names": names},
    )
    parquet = out / "area-budget.parquet"
    csv_path = folder / "data" / "area-budget.csv"
    connection.execute(f"COPY budget TO '{parquet}' (FORMAT parquet, COMPRESSION zstd)")
    connection.execute(f"COPY budget TO '{csv_path}' (FORMAT csv, HEADER)")
    connection.close()
    (folder / "schemas" / "area-budget.json").write_text(
        json.dumps(SCHEMA, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (folder / "dataset.yaml").write_text(_dataset_yaml(rows), encoding="utf-8")
    return folder


def _dataset_yaml(rows: int) -> str:
    return f"""# Synthetic national area-budget lines for the query bench ({rows:,} rows).
name: national-area-budget-bench
title: รายการงบประมาณรายพื้นที่ขององค์กรปกครองส่วนท้องถิ่นทั่วประเทศ (ข้อมูลสังเคราะห์)
title_en: Area budget lines of every local government, national (synthetic)
data_type: ข้อมูลระเบียน
owner_org: khlang-bench
maintainer: กลุ่มงานข้อมูล
maintainer_email: opendata@example.go.th
tags: [งบประมาณ, งบประมาณเชิงพื้นที่, อปท.]
notes: ข้อมูลสังเคราะห์สำหรับวัดความเร็วของ API จำนวน {rows:,} แถว
objective: [พันธกิจหน่วยงาน]
update_frequency_unit: ปี
update_frequency_interval: 1
geo_coverage: ประเทศ
data_source: ข้อมูลสังเคราะห์ (khlang bench)
data_format: [CSV]
data_category: ข้อมูลสาธารณะ
data_classification: เปิดเผย
license_id: Open Data Common
accessible_condition: ไม่มีการจำกัดการเข้าถึงข้อมูล
allow_harvest: false
data_language: [ไทย]
resources:
  - name: รายการงบประมาณ (CSV)
    name_en: Budget lines (CSV)
    description: รายการงบประมาณหนึ่งแถวต่อรายการ อปท. และปีงบประมาณ พร้อมยอดจัดสรร ก่อหนี้ผูกพัน และเบิกจ่าย
    description_en: >-
      One row per budget line, LAO and fiscal year, with allocated, committed and disbursed
      amounts.
    path: data/area-budget.csv
    format: CSV
    schema: schemas/area-budget.json
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2567)
    arguments = parser.parse_args()
    started = time.perf_counter()
    folder = generate(arguments.out, arguments.rows, arguments.seed)
    print(f"{arguments.rows:,} rows in {time.perf_counter() - started:.1f} s: {folder}")


if __name__ == "__main__":
    main()
