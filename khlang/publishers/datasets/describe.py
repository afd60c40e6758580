"""The GD Catalog metadata of a built dataset: the spec's fixed texts plus what the data
itself says (years, provinces, geographic level, the systems it came from)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text
from khlang.metadata.model import SYNTHETIC_TAGS, Dataset, Organization, Resource, Temporal
from khlang.publishers.agency import Agency
from khlang.publishers.datasets import DatasetSpec
from khlang.publishers.fiscal import fiscal_year_bounds
from khlang.publishers.population import METHOD as POPULATION_METHOD
from khlang.thai import BUDDHIST_ERA_OFFSET

OTHER = "อื่นๆ"
SYNTHETIC_NOTE = (
    "ข้อมูลสังเคราะห์: ตัวเลขในชุดข้อมูลนี้สร้างขึ้นเพื่อการสาธิตและทดสอบ ไม่ใช่งบประมาณจริง\n\n",
    "Synthetic data: the figures in this dataset are made up for demonstration and testing; "
    "they are not a real budget.\n\n",
)
GEO_BY_LEVEL = {"subdistrict": "ตำบล", "district": "อำเภอ", "province": "จังหวัด"}
AGENCY_OF_SYSTEM = {
    "e-Budgeting": ("สำนักงบประมาณ", "Bureau of the Budget"),
    "BBL": ("สำนักงบประมาณ", "Bureau of the Budget"),
    "GFMIS": ("กรมบัญชีกลาง", "Comptroller General's Department"),
    "e-GP": ("กรมบัญชีกลาง", "Comptroller General's Department"),
    "e-LAAS": ("กรมส่งเสริมการปกครองท้องถิ่น", "Department of Local Administration"),
    "e-Plan": ("กรมส่งเสริมการปกครองท้องถิ่น", "Department of Local Administration"),
    "Citizens' needs": ("ผู้นำชุมชน", "community leaders"),
    "กรมการปกครอง (ประชากรตามทะเบียนราษฎร)": (
        "กรมการปกครอง",
        "Department of Provincial Administration",
    ),
}
DATA_COLLECT = {
    "projects": ("อื่นๆ", "โครงการ"),
    "procurement-contracts": ("อื่นๆ", "สัญญาจัดซื้อจัดจ้าง"),
    "lao-revenue-expenditure": ("อื่นๆ", "องค์กรปกครองส่วนท้องถิ่น"),
    "citizens-needs": ("ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", None),
}
CALCULATIONS = {
    "disbursement-progress": Text(
        th="อัตราการเบิกจ่าย = เบิกจ่ายสะสมตั้งแต่ต้นปีงบประมาณ ÷ งบประมาณที่ได้รับจัดสรรทั้งปีของพื้นที่ × 100",
        en="Disbursement rate = disbursed since the start of the fiscal year ÷ the area's "
        "annual allocation × 100.",
    ),
    "lao-benchmark": Text(
        th="งบประมาณต่อหัว = งบประมาณรายจ่าย ÷ จำนวนประชากร; อัตราการเบิกจ่าย = เบิกจ่าย ÷ จัดสรร × 100 "
        "ของรายการงบประมาณของ อปท.; สัดส่วนงบลงทุน = งบลงทุน ÷ งบประมาณรายจ่าย × 100; "
        "สัดส่วนรายได้จัดเก็บเอง = รายได้จัดเก็บเอง ÷ รายรับ × 100; อันดับ 1 = งบประมาณต่อหัวสูงสุด "
        "ใน อปท. ประเภทเดียวกัน. " + POPULATION_METHOD.th,
        en="Budget per capita = expenditure budget ÷ population; disbursement rate = disbursed ÷ "
        "allocated × 100 over the LAO's budget lines; investment share = investment ÷ "
        "expenditure budget × 100; own-revenue share = own revenue ÷ revenue × 100; rank 1 = "
        "the highest budget per capita among LAOs of the same type. " + POPULATION_METHOD.en,
    ),
}


class DataFacts(BaseModel):
    """What the built tables say about themselves."""

    model_config = ConfigDict(frozen=True)

    first_year: int | None
    last_year: int | None
    fiscal_years: bool = True
    """Whether the years are fiscal years (October to September) or calendar years."""
    provinces: tuple[str, ...]
    levels: dict[str, int]
    """Rows per area level of the main resource."""
    systems: tuple[str, ...]
    source_formats: tuple[str, ...]


def geo_coverage(spec: DatasetSpec, facts: DataFacts) -> str:
    """The finest area level most rows are given at (GD Catalog item 10)."""
    if spec.geo != "area":
        return spec.geo
    order = ("subdistrict", "district", "province")
    total = sum(facts.levels.get(level, 0) for level in order)
    running = 0
    for level in order:
        running += facts.levels.get(level, 0)
        if total and running * 2 >= total:
            return GEO_BY_LEVEL[level]
    return "ประเทศ"


def data_source(facts: DataFacts) -> tuple[str, str]:
    """Thai and English text naming each source agency with its systems."""
    by_agency_th: dict[str, list[str]] = {}
    by_agency_en: dict[str, list[str]] = {}
    for system in facts.systems:
        agency_th, agency_en = AGENCY_OF_SYSTEM.get(system, (system, system))
        if agency_th == system:
            by_agency_th.setdefault(system, [])
            by_agency_en.setdefault(system, [])
            continue
        by_agency_th.setdefault(agency_th, []).append(system)
        by_agency_en.setdefault(agency_en, []).append(system)

    def join(groups: dict[str, list[str]], word: str) -> str:
        return "; ".join(
            f"{agency} ({word} {', '.join(systems)})" if systems else agency
            for agency, systems in groups.items()
        )

    return join(by_agency_th, "ระบบ"), join(by_agency_en, "systems")


def _scope(agency: Agency) -> tuple[str, str]:
    title = agency.title or Text(th=agency.name, en=agency.name)
    return title.th, title.en


def _years(facts: DataFacts) -> tuple[str, str]:
    if facts.first_year is None:
        return "", ""
    th, en = ("ปีงบประมาณ", "fiscal year") if facts.fiscal_years else ("ปี", "year")
    if facts.first_year == facts.last_year:
        return f" {th} {facts.first_year}", f", {en} {facts.first_year}"
    return (
        f" {th} {facts.first_year}–{facts.last_year}",
        f", {en}s {facts.first_year}-{facts.last_year}",
    )


def _period(facts: DataFacts) -> Temporal:
    """The dates the years cover: fiscal years run October to September."""
    assert facts.first_year is not None
    assert facts.last_year is not None
    if facts.fiscal_years:
        return Temporal(start=fiscal_year_bounds(facts.first_year)[0],
                        end=fiscal_year_bounds(facts.last_year)[1])  # fmt: skip
    return Temporal(start=dt.date(facts.first_year - BUDDHIST_ERA_OFFSET, 1, 1),
                    end=dt.date(facts.last_year - BUDDHIST_ERA_OFFSET, 12, 31))  # fmt: skip


def describe(
    spec: DatasetSpec,
    *,
    agency: Agency,
    facts: DataFacts,
    resources: list[Resource],
    today: dt.date,
) -> Dataset:
    scope_th, scope_en = _scope(agency)
    years_th, years_en = _years(facts)
    source_th, source_en = data_source(facts)
    statistical = spec.data_type == "statistical"
    synthetic_th, synthetic_en = SYNTHETIC_NOTE if agency.synthetic else ("", "")
    values: dict[str, Any] = {
        "name": f"{agency.name}-{spec.key}"[:70],
        "title": f"{spec.title.th} – {scope_th}{years_th}",
        "title_en": f"{spec.title.en} – {scope_en}{years_en}",
        "data_type": "ข้อมูลสถิติ" if statistical else "ข้อมูลระเบียน",
        "owner_org": agency.name,
        "publisher": Organization(
            name=agency.name,
            title=agency.title,
            url=agency.url,
            email=agency.email,
            catalog_type=agency.catalog_type,
        ),
        "maintainer": agency.maintainer or scope_th,
        "maintainer_email": agency.email,
        "tags": [*spec.tags, *(SYNTHETIC_TAGS if agency.synthetic else ())],
        "notes": f"{synthetic_th}{spec.notes.th}\n\nแหล่งที่มา: {source_th}",
        "notes_en": f"{synthetic_en}{spec.notes.en}\n\nSources: {source_en}",
        "objective": ["พันธกิจหน่วยงาน", "เพื่อการให้บริการประชาชน"],
        "update_frequency_unit": spec.frequency[0],
        "update_frequency_interval": spec.frequency[1],
        "geo_coverage": geo_coverage(spec, facts),
        "data_source": source_th,
        "data_format": list(facts.source_formats),
        "data_category": "ข้อมูลสาธารณะ",
        "data_classification": "เปิดเผย",
        "license_id": agency.license,
        "accessible_condition": "ไม่มีการจำกัดการเข้าถึงข้อมูล",
        "allow_harvest": True,
        "data_language": ["ไทย"],
        "last_updated_date": today,
        "spatial": list(facts.provinces),
        "themes": list(spec.themes),
        "issued": dt.datetime.combine(today, dt.time()),
        "modified": dt.datetime.combine(today, dt.time()),
        "resources": resources,
    }
    if facts.first_year is not None and facts.last_year is not None:
        values["temporal"] = _period(facts)
    if statistical:
        values |= {
            "first_year_of_data": facts.first_year,
            "last_year_of_data": facts.last_year,
            "disaggregate": ["ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"],
            "unit_of_measure": spec.unit,
            "unit_of_multiplier": "หน่วย",
            "official_statistics": False,
        }
        calculation = CALCULATIONS.get(spec.key)
        if calculation:
            values["calculation_method"] = f"{calculation.th}\n\n{calculation.en}"
    else:
        collect, collect_other = DATA_COLLECT.get(spec.key, ("ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", None))
        values |= {
            "data_support": "หน่วยงานของรัฐ",
            "data_collect": collect,
            "data_collect_other": collect_other,
            "created_date": today,
            "high_value_dataset": spec.high_value,
            "reference_data": spec.reference_data,
        }
    if spec.license:
        values["license_id"], values["license_id_other"] = spec.license
    elif agency.license == OTHER:
        values["license_id_other"] = "ดูเงื่อนไขในคำอธิบายชุดข้อมูล"
    return Dataset.model_validate(values)
