"""A small real catalog for the web tests: three area-budget datasets with the columns the
dashboard reads (budget lines, LAO benchmark indicators, citizens' needs), published through
the catalog's own gate, plus text that tries to inject markup.

Two provinces (Chiang Mai 50, Nakhon Nayok 26), two or three districts each, two LAOs per
district, fiscal years 2566-2568; amounts are deterministic, so tests can compute any
figure the pages show from `budget_rows()`.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

from ruamel.yaml import YAML

from khlang.catalog import Catalog, Principal
from khlang.i18n import Text
from khlang.publishers.tables import COLUMNS

EXAMPLES = Path(__file__).resolve().parents[2] / "khlang" / "metadata" / "examples"
OPERATOR = Principal.operator("web-tests")
ORGANIZATION = "chiang-mai-provincial-office"
YEARS = (2566, 2567, 2568)
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"
DISTRICTS = {
    "50": ("เชียงใหม่", {"5001": "เมืองเชียงใหม่", "5002": "จอมทอง", "5003": "แม่แจ่ม"}),
    "26": ("นครนายก", {"2601": "เมืองนครนายก", "2602": "ปากพลี"}),
}
LAO_NAMES = ("เทศบาลตำบล{d}", "องค์การบริหารส่วนตำบล{d}")
LAO_TYPES = ("ThesabanTambon", "TAO")
BUDGET_TYPES = ("subsidy", "investment", "operating")
STRATEGIC_AREAS = ("economy", "society", "environment", "infrastructure", "security")


def laos() -> list[dict]:
    found = []
    for province, (province_name, districts) in DISTRICTS.items():
        for district, district_name in districts.items():
            for index, (pattern, kind) in enumerate(zip(LAO_NAMES, LAO_TYPES, strict=True)):
                found.append(
                    {
                        "lao_key": f"{kind}-{district}{index:02d}",
                        "lao_name": pattern.format(d=district_name),
                        "lao_type": kind,
                        "province_code": province,
                        "province_name": province_name,
                        "district_code": district,
                        "district_name": district_name,
                    }
                )
    return found


def budget_rows() -> list[dict]:
    rng = random.Random(50)
    rows = []
    for year in YEARS:
        for lao in laos():
            for number in range(3):
                allocated = rng.randrange(5, 500) * 10_000
                committed = allocated * rng.choice((0.5, 0.8, 1.0))
                disbursed = committed * rng.choice((0, 0.6, 1.0))
                rows.append(
                    {
                        "line_id": f"{year}-{lao['lao_key']}-{number}",
                        "fiscal_year": year,
                        "province_code": lao["province_code"],
                        "province_name": lao["province_name"],
                        "district_code": lao["district_code"],
                        "district_name": lao["district_name"],
                        "lao_key": lao["lao_key"],
                        "budget_type": BUDGET_TYPES[number],
                        "item_name": HOSTILE if number == 2 and year == 2568 else
                        f"โครงการก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ {number + 1}",
                        "allocated": allocated,
                        "committed": round(committed, 2),
                        "disbursed": round(disbursed, 2),
                    }
                )  # fmt: skip
        # a line of a central agency, attributed to no area
        rows.append(
            {"line_id": f"{year}-central", "fiscal_year": year, "province_code": "",
             "province_name": "", "district_code": "", "district_name": "", "lao_key": "",
             "budget_type": "operating", "item_name": "ค่าใช้จ่ายส่วนกลาง",
             "allocated": 1_000_000, "committed": 900_000, "disbursed": 450_000}
        )  # fmt: skip
    return rows


def benchmark_rows() -> list[dict]:
    totals: dict[tuple[int, str], list[float]] = {}
    for row in budget_rows():
        if row["lao_key"]:
            pair = totals.setdefault((row["fiscal_year"], row["lao_key"]), [0.0, 0.0])
            pair[0] += row["allocated"]
            pair[1] += row["disbursed"]
    rows = []
    for lao in laos():
        population = 2_000 + int(lao["district_code"]) % 97 * 100
        for year in YEARS:
            allocated, disbursed = totals[(year, lao["lao_key"])]
            rows.append(
                {
                    "fiscal_year": year,
                    **lao,
                    "population": population,
                    "budget_per_capita": round(allocated / population, 2),
                    "disbursement_rate": round(disbursed / allocated * 100, 2),
                }
            )
    for year in YEARS:
        in_year = [row for row in rows if row["fiscal_year"] == year]
        for key, rank_column in (("province_code", "rank_in_province"), (None, "rank_in_type")):
            groups: dict[tuple, list[dict]] = {}
            for row in in_year:
                groups.setdefault((row[key] if key else "", row["lao_type"]), []).append(row)
            for group in groups.values():
                ordered = sorted(group, key=lambda row: -row["budget_per_capita"])
                for rank, row in enumerate(ordered, start=1):
                    row[rank_column] = rank
    return rows


def needs_rows() -> list[dict]:
    rng = random.Random(26)
    rows = []
    for year in YEARS:
        for lao in laos():
            for number, area in enumerate(STRATEGIC_AREAS):
                answered = rng.random() < 0.4
                rows.append(
                    {
                        "need_id": f"N-{year}-{lao['lao_key']}-{number}",
                        "fiscal_year": year,
                        "province_code": lao["province_code"],
                        "district_code": lao["district_code"],
                        "lao_key": lao["lao_key"],
                        "strategic_area": area,
                        "description": "ถนนชำรุด ขอซ่อมแซม",
                        "answered_by": f"P-{year}-{number}" if answered else "",
                    }
                )
    return rows


def _field(name: str, kind: str, th: str, en: str) -> dict:
    """The field as the publishers write it (with its code labels and `rdfType`) for a
    column of the model, else a plain one."""
    if name in COLUMNS:
        return {**COLUMNS[name].table_schema_field(), "type": kind}
    return {"name": name, "type": kind, "title": en, "title_th": th}


YEAR_FIELD = _field("fiscal_year", "integer", "ปีงบประมาณ (พ.ศ.)", "Fiscal year (BE)")
AREA_FIELDS = [
    _field("province_code", "string", "รหัสจังหวัด", "Province code"),
    _field("province_name", "string", "จังหวัด", "Province"),
    _field("district_code", "string", "รหัสอำเภอ", "District code"),
    _field("district_name", "string", "อำเภอ", "District"),
]
SCHEMAS = {
    "budget-lines": [
        _field("line_id", "string", "รหัสรายการงบประมาณ", "Budget line identifier"),
        YEAR_FIELD,
        *AREA_FIELDS,
        _field("lao_key", "string", "รหัส อปท.", "LAO key"),
        _field("budget_type", "string", "ประเภทงบรายจ่าย", "Budget type"),
        _field("item_name", "string", "รายการ", "Item"),
        _field("allocated", "number", "จัดสรร (บาท)", "Allocated (baht)"),
        _field("committed", "number", "ก่อหนี้ผูกพัน (บาท)", "Committed (baht)"),
        _field("disbursed", "number", "เบิกจ่าย (บาท)", "Disbursed (baht)"),
    ],
    "lao-benchmark": [
        YEAR_FIELD,
        _field("lao_key", "string", "รหัส อปท.", "LAO key"),
        _field("lao_name", "string", "ชื่อ อปท.", "LAO"),
        _field("lao_type", "string", "ประเภท อปท.", "LAO type"),
        *AREA_FIELDS,
        _field("population", "integer", "จำนวนประชากร", "Population"),
        _field("budget_per_capita", "number", "งบประมาณต่อหัว (บาท)", "Budget per capita (baht)"),
        _field("disbursement_rate", "number", "อัตราการเบิกจ่าย (%)", "Disbursement rate (%)"),
        _field("rank_in_province", "integer", "อันดับในจังหวัด", "Rank in province"),
        _field("rank_in_type", "integer", "อันดับในประเภท", "Rank in type"),
    ],
    "needs": [
        _field("need_id", "string", "รหัสความต้องการ", "Need identifier"),
        YEAR_FIELD,
        _field("province_code", "string", "รหัสจังหวัด", "Province code"),
        _field("district_code", "string", "รหัสอำเภอ", "District code"),
        _field("lao_key", "string", "รหัส อปท.", "LAO key"),
        _field("strategic_area", "string", "ด้าน", "Strategic area"),
        _field("description", "string", "รายละเอียด", "Description"),
        _field("answered_by", "string", "โครงการที่ตอบสนอง", "Answered by project"),
    ],
}

PRIMARY_KEYS = {"budget-lines": {"primaryKey": "line_id"}}
"""A line table keyed by line_id feeds the area-budget store (and so the dashboard)."""

DATASETS = {
    "chiang-mai-budget-allocation": ("budget-allocation.yaml", "budget-lines", budget_rows,
        "งบประมาณรายจ่ายที่ได้รับจัดสรรรายพื้นที่ จังหวัดเชียงใหม่",
        "Budget allocation by area, Chiang Mai"),
    "chiang-mai-lao-benchmark": ("lao-finance.yaml", "lao-benchmark", benchmark_rows,
        "ตัวชี้วัดเปรียบเทียบองค์กรปกครองส่วนท้องถิ่น จังหวัดเชียงใหม่",
        "LAO benchmark indicators, Chiang Mai"),
    "chiang-mai-citizens-needs": ("citizens-needs.yaml", "needs", needs_rows,
        "ความต้องการของประชาชนและการติดตามผล จังหวัดเชียงใหม่",
        "Citizens' needs and their follow-up, Chiang Mai"),
}  # fmt: skip


def dataset_folder(root: Path, name: str) -> Path:
    """A folder as `khlang publish` writes it, with complete GD Catalog metadata."""
    template, resource, make_rows, title, title_en = DATASETS[name]
    folder = root / name
    fields = SCHEMAS[resource]
    data = folder / "data" / f"{resource}.csv"
    data.parent.mkdir(parents=True)
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[field["name"] for field in fields])
        writer.writeheader()
        writer.writerows(make_rows())
    schema = folder / "schemas" / f"{resource}.json"
    schema.parent.mkdir()
    schema.write_text(
        json.dumps(
            {"fields": fields, "missingValues": [""], **PRIMARY_KEYS.get(resource, {})},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    yaml = YAML()
    metadata = yaml.load((EXAMPLES / template).read_text(encoding="utf-8"))
    metadata.update(name=name, title=title, title_en=title_en, owner_org=ORGANIZATION)
    metadata["publisher"]["name"] = ORGANIZATION
    metadata["resources"] = [
        {
            "name": f"{title} (CSV)",
            "name_en": f"{title_en} (CSV)",
            "description": f"ตาราง {resource} หนึ่งแถวต่อรายการ",
            "description_en": f"The {resource} table, one row per record.",
            "path": f"data/{resource}.csv",
            "format": "CSV",
            "schema": f"schemas/{resource}.json",
        }
    ]
    with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(metadata, handle)
    return folder


def build(root: Path) -> Path:
    """A catalog home under `root` with the three datasets (the budget lines twice
    published, so they have a version history). Tests copy the one conftest.py's
    web_template builds once a session (copy_of) rather than build another."""
    home = root / "home"
    folders = root / "folders"
    with Catalog.open(home, create=True) as catalog:
        catalog.accounts.create_organization(
            ORGANIZATION,
            actor=OPERATOR,
            title=Text(th="สำนักงานจังหวัดเชียงใหม่", en="Chiang Mai Provincial Office"),
            catalog_type="area_based",
        )
        for name in DATASETS:
            catalog.publish(dataset_folder(folders, name), actor=OPERATOR, change_note="ฉบับแรก")
        # a second version of the budget lines, with a longer description
        folder = dataset_folder(folders / "v2", "chiang-mai-budget-allocation")
        yaml = YAML()
        metadata = yaml.load((folder / "dataset.yaml").read_text(encoding="utf-8"))
        metadata["notes"] = metadata["notes"] + " ปรับปรุงคำอธิบาย"
        with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
            yaml.dump(metadata, handle)
        catalog.publish(folder, actor=OPERATOR, change_note="ปรับปรุงคำอธิบาย")
    return home


def copy_of(template: Path, root: Path) -> Path:
    """The catalog home `build(template)` made, copied under `root` (a catalog on SQLite
    copies as a unit: khlang/catalog/location.py), in milliseconds where a build publishes
    four versions through the gate."""
    shutil.copytree(template, root, dirs_exist_ok=True)
    return root / "home"
