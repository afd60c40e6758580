"""khlang's own reference dataset: Thai administrative areas (provinces with their regions,
districts, sub-districts with DOPA codes, Thai and English names), the report of how the two
public lists differ, and, when the LAO list is named, the LAOs tied to their areas.

`khlang areas publish --out DIR` writes it in the same folder contract as every dataset."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from khlang.i18n import t
from khlang.publishers.agency import Agency
from khlang.publishers.areas import AreaRegistry
from khlang.publishers.datasets import DatasetSpec, ResourceSpec
from khlang.publishers.datasets.place import DatasetResult, place_dataset

MIT_SOURCES = (
    "thailand-geography-json (MIT, © 2023 Joe Takara)",
    "kongvut/thai-province-data (MIT, © 2025 Kongvut Sangkla)",
)
LAO_SOURCE = "Ahoerstemeier/tambon (ราชกิจจานุเบกษา กรมการปกครอง กรมส่งเสริมการปกครองท้องถิ่น)"


PROVINCES = ResourceSpec(
    name="provinces",
    title=t("จังหวัด", "Provinces"),
    description=t("77 จังหวัด รหัส 2 หลักของกรมการปกครอง พร้อมภาค", "The 77 provinces with "
                   "their two-digit DOPA codes and regions."),
    columns=("province_code", "province_name", "province_name_en", "region_code",
             "region_name", "region_name_en"),
    query=lambda: """
        SELECT p.province_code, p.name_th AS province_name, p.name_en AS province_name_en,
            p.region_code, r.name_th AS region_name, r.name_en AS region_name_en
        FROM area_provinces p LEFT JOIN area_regions r USING (region_code)
        ORDER BY p.province_code""",
    primary_key=("province_code",),
)  # fmt: skip
DISTRICTS = ResourceSpec(
    name="districts",
    title=t("อำเภอ", "Districts"),
    description=t("อำเภอและเขต รหัส 4 หลัก", "Districts (amphoe and khet), four-digit codes."),
    columns=("district_code", "district_name", "district_name_en", "province_code",
             "postal_code"),
    query=lambda: """
        SELECT district_code, name_th AS district_name, name_en AS district_name_en,
            province_code, postal_code
        FROM area_districts ORDER BY district_code""",
    primary_key=("district_code",),
)  # fmt: skip
SUBDISTRICTS = ResourceSpec(
    name="subdistricts",
    title=t("ตำบล", "Sub-districts"),
    description=t("ตำบลและแขวง รหัส 6 หลัก", "Sub-districts (tambon and khwaeng), six-digit codes."),
    columns=("subdistrict_code", "subdistrict_name", "subdistrict_name_en", "district_code",
             "province_code", "postal_code"),
    query=lambda: """
        SELECT subdistrict_code, name_th AS subdistrict_name, name_en AS subdistrict_name_en,
            district_code, province_code, postal_code
        FROM area_subdistricts ORDER BY subdistrict_code""",
    primary_key=("subdistrict_code",),
)  # fmt: skip
DIFFERENCES = ResourceSpec(
    name="source-differences",
    title=t("ความแตกต่างระหว่างแหล่งข้อมูลพื้นที่", "Differences between the area sources"),
    description=t(
        "รหัสและชื่อที่สองรายการสาธารณะไม่ตรงกัน และวิธีตัดสิน (เสียงข้างมากเมื่อใช้รายการประชากรของ"
        "กรมการปกครองเป็นพยานที่สาม)",
        "Codes and names the two public lists disagree on, and how each was settled (the "
        "majority, with DOPA's population list as third witness).",
    ),
    columns=("area_level", "area_code", "difference", "value_tgj", "value_kongvut",
             "value_dopa", "resolved", "resolution"),
    query=lambda: """
        SELECT level AS area_level, code AS area_code, kind AS difference, tgj AS value_tgj,
            kongvut AS value_kongvut, dopa AS value_dopa, resolved, resolution
        FROM area_differences ORDER BY level, code, kind""",
)  # fmt: skip
LAOS = ResourceSpec(
    name="laos",
    title=t("องค์กรปกครองส่วนท้องถิ่น", "Local administrative organisations"),
    description=t("อปท. และพื้นที่ที่อยู่ในเขต", "LAOs and the areas they cover."),
    columns=("lao_key", "lao_type", "lao_name", "lao_name_en", "province_code",
             "district_code", "subdistrict_code", "covered_subdistricts"),
    query=lambda: """
        SELECT lao_key, lao_type, lao_name_th AS lao_name, name_en AS lao_name_en,
            nullif(province_code, '') AS province_code,
            nullif(district_code, '') AS district_code,
            nullif(subdistrict_code, '') AS subdistrict_code,
            nullif(covered_subdistricts, '') AS covered_subdistricts
        FROM area_laos ORDER BY lao_key""",
    primary_key=("lao_key",),
)  # fmt: skip


def areas_spec(with_laos: bool) -> DatasetSpec:
    return DatasetSpec(
        key="administrative-areas",
        title=t("ข้อมูลอ้างอิงเขตการปกครองของประเทศไทย", "Thai administrative areas (reference)"),
        notes=t(
            "จังหวัด อำเภอ ตำบล พร้อมรหัสของกรมการปกครอง ชื่อภาษาไทยและอังกฤษ และภาค รวบรวมจากสองรายการ"
            "สาธารณะภายใต้สัญญาอนุญาต MIT และรายงานความแตกต่างระหว่างสองรายการ"
            + (" พร้อมองค์กรปกครองส่วนท้องถิ่นและพื้นที่ในเขต" if with_laos else ""),
            "Provinces, districts and sub-districts with DOPA codes, Thai and English names and "
            "regions, compiled from two MIT-licensed public lists, with a report of where they "
            "differ" + (", and the LAOs with the areas they cover." if with_laos else "."),
        ),
        data_type="record",
        frequency=("ปี", "1"),
        requires=(),
        tags=("เขตการปกครอง", "รหัสพื้นที่", "ข้อมูลอ้างอิง", "administrative areas", "DOPA"),
        themes=("REGI", "GOVE"),
        geo="ตำบล",
        reference_data=True,
        license=("อื่นๆ", "MIT: " + "; ".join(MIT_SOURCES)),
        resources=(
            PROVINCES,
            DISTRICTS,
            SUBDISTRICTS,
            DIFFERENCES,
            *((LAOS,) if with_laos else ()),
        ),
    )


def _load(con: duckdb.DuckDBPyConnection, registry: AreaRegistry) -> None:
    file = resources.files("khlang.publishers") / "reference" / "differences.csv"
    with resources.as_file(file) as path:
        differences = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
    tables = {
        "area_regions": registry.regions.reset_index(),
        "area_provinces": registry.provinces.reset_index(),
        "area_districts": registry.districts.reset_index(),
        "area_subdistricts": registry.subdistricts.reset_index(),
        "area_differences": differences,
    }
    if registry.laos is not None:
        tables["area_laos"] = registry.laos.reset_index(drop=True)
    for name, frame in tables.items():
        con.register(f"_{name}", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}")  # noqa: S608
        con.unregister(f"_{name}")


def publish_areas(
    out: Path, *, agency: Agency, registry: AreaRegistry, today: dt.date | None = None
) -> DatasetResult:
    """Write the reference dataset into `out` (checked, then moved in)."""
    today = today or dt.date.today()
    spec = areas_spec(with_laos=registry.laos is not None)
    systems = MIT_SOURCES + ((LAO_SOURCE,) if registry.laos is not None else ())
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-areas-", dir=out.parent))
    try:
        con = duckdb.connect()
        _load(con, registry)
        return place_dataset(con, spec, staging, out, agency=agency, systems=systems,
                             formats=("CSV", "JSON"), today=today)  # fmt: skip
    finally:
        shutil.rmtree(staging, ignore_errors=True)
