"""Every controlled vocabulary of the GD Catalog profile, in one place.

Each term has a stable code (ours: the GD Catalog stores no codes, only the Thai strings),
the value the GD Catalog's CKAN stores (the exact Thai string of the schema's `choices`), a
Thai label and an English label. Terms that only GD Catalog 2.1.0 (or an older schema) knew
are kept so old records can be read, marked with the schema versions that accept them and the
current term that replaces them.

The values are facts of the standard, taken from ckanext-thai_gdc's dataset schema (2.1.0
and 2.2.4); tests/metadata/test_vocabularies.py proves each one against those files.
English labels are our translations except where the schema itself gives one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text

CURRENT_VERSION = "2.2"
LEGACY_VERSION = "2.1"
ALL_VERSIONS = frozenset({LEGACY_VERSION, CURRENT_VERSION})
OTHER_VALUE = "อื่นๆ"
OTHER_CODE = "other"


class Term(BaseModel):
    """One allowed value of a vocabulary."""

    model_config = ConfigDict(frozen=True)

    code: str
    value: str
    label: Text
    versions: frozenset[str] = ALL_VERSIONS
    replaced_by: str | None = None
    """Code of the current term that a legacy term maps to when written as 2.2.x."""
    aliases: tuple[str, ...] = ()
    """Spellings used by schemas older than 2.1.0, read as this term."""

    @property
    def is_current(self) -> bool:
        return CURRENT_VERSION in self.versions


class Vocabulary(BaseModel):
    """A named list of terms, as one `choices` list of the GD Catalog schema."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: Text
    terms: tuple[Term, ...]

    def by_value(self, value: str) -> Term | None:
        for term in self.terms:
            if value == term.value or value in term.aliases:
                return term
        return None

    def by_code(self, code: str) -> Term:
        for term in self.terms:
            if term.code == code:
                return term
        raise KeyError(f"{self.key} has no term with code {code!r}")

    def values(self, version: str = CURRENT_VERSION) -> list[str]:
        return [term.value for term in self.terms if version in term.versions]

    def current(self, term: Term) -> Term:
        """The term to write in 2.2.x for a term read from any version."""
        return self.by_code(term.replaced_by) if term.replaced_by else term

    @property
    def other(self) -> Term | None:
        """The 'other' term whose free text goes in `<field>_other`, if the list has one."""
        for term in self.terms:
            if term.code == OTHER_CODE:
                return term
        return None


def build_vocabulary(key: str, th: str, en: str, rows: Iterable[tuple[Any, ...]]) -> Vocabulary:
    """Build a vocabulary from rows of (code, value, english[, thai_label[, extras]]): khlang's
    one builder, for the GD Catalog's vocabularies here and the publishers' code lists
    (`khlang.publishers.vocab`); `extras` sets further `Term` fields, e.g. `aliases`."""
    terms = []
    for row in rows:
        code, value, english = row[:3]
        thai = row[3] if len(row) > 3 and row[3] else value
        extras = row[4] if len(row) > 4 else {}
        terms.append(Term(code=code, value=value, label=Text(th=thai, en=english), **extras))
    return Vocabulary(key=key, label=Text(th=th, en=en), terms=tuple(terms))


_OTHER = (OTHER_CODE, OTHER_VALUE, "Other")
_UNKNOWN = ("unknown", "ไม่ทราบ", "Unknown")
_NONE = ("none", "ไม่มี", "None")
_ONLY_21 = {"versions": frozenset({LEGACY_VERSION})}
_ONLY_22 = {"versions": frozenset({CURRENT_VERSION})}

DATA_TYPE = build_vocabulary(
    "data_type",
    "ประเภทชุดข้อมูล",
    "Data type",
    [
        ("record", "ข้อมูลระเบียน", "Record data", None, {"aliases": ("ข้อมูลรายทะเบียน",)}),
        ("statistical", "ข้อมูลสถิติ", "Statistical data", None, {"aliases": ("สถิติ",)}),
        ("geospatial", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "Geospatial data"),
        ("mixed", "ข้อมูลหลากหลายประเภท", "Mixed data types"),
        (OTHER_CODE, "ข้อมูลประเภทอื่นๆ", "Other data type"),
    ],
)

OBJECTIVE = build_vocabulary(
    "objective",
    "วัตถุประสงค์",
    "Objective",
    [
        ("national_strategy", "ยุทธศาสตร์ชาติ", "National Strategy"),
        (
            "nesdp",
            "แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ",
            "National Economic and Social Development Plan",
        ),
        ("national_security_plan", "แผนความมั่นคงแห่งชาติ", "National Security Plan"),
        ("master_plan", "แผนแม่บทภายใต้ยุทธศาสตร์ชาติ", "Master plans under the National Strategy"),
        ("reform_plan", "แผนปฏิรูปประเทศ", "National Reform Plan"),
        (
            "level3_plan",
            "แผนระดับที่ 3 (มติครม. 4 ธ.ค. 2560)",
            "Level-3 plans (Cabinet resolution of 4 Dec 2017)",
        ),
        (
            "government_policy",
            "นโยบายรัฐบาล/ข้อสั่งการนายกรัฐมนตรี",
            "Government policy / Prime Minister's order",
        ),
        ("cabinet_resolution", "มติคณะรัฐมนตรี", "Cabinet resolution"),
        ("public_service", "เพื่อการให้บริการประชาชน", "Public service"),
        ("law", "กฎหมายที่เกี่ยวข้อง", "Relevant law"),
        ("agency_mission", "พันธกิจหน่วยงาน", "Agency mission"),
        ("international_index", "ดัชนี/ตัวชี้วัดระดับนานาชาติ", "International index or indicator"),
        _UNKNOWN,
        _OTHER,
    ],
)

UPDATE_FREQUENCY_UNIT = build_vocabulary(
    "update_frequency_unit",
    "หน่วยความถี่ของการปรับปรุงข้อมูล",
    "Update frequency unit",
    [
        _UNKNOWN,
        ("year", "ปี", "Year"),
        ("half_year", "ครึ่งปี", "Half-year"),
        ("quarter", "ไตรมาส", "Quarter"),
        ("month", "เดือน", "Month"),
        ("week", "สัปดาห์", "Week"),
        ("day", "วัน", "Day"),
        ("working_day", "วันทำการ", "Working day"),
        ("hour", "ชั่วโมง", "Hour"),
        ("minute", "นาที", "Minute"),
        ("real_time", "ตามเวลาจริง", "Real time"),
        ("never", "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", "Not updated after collection"),
        _OTHER,
    ],
)

GEO_COVERAGE = build_vocabulary(
    "geo_coverage",
    "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่",
    "Geographic coverage",
    [
        _NONE,
        ("world", "โลก", "World"),
        ("continent", "ทวีป/กลุ่มประเทศในทวีป", "Continent or group of countries in a continent"),
        ("economic_group", "กลุ่มประเทศทางเศรษฐกิจ", "Economic group of countries"),
        ("country", "ประเทศ", "Country"),
        ("region", "ภาค", "Region"),
        ("province", "จังหวัด", "Province"),
        ("district", "อำเภอ", "District"),
        ("subdistrict", "ตำบล", "Sub-district"),
        ("village", "หมู่บ้าน", "Village"),
        ("local_government", "เทศบาล/อบต.", "Municipality or SAO (local government)"),
        ("coordinates", "พิกัด", "Coordinates"),
        _UNKNOWN,
        _OTHER,
    ],
)

DATA_FORMAT = build_vocabulary(
    "data_format",
    "รูปแบบการเก็บข้อมูล",
    "Data format",
    [
        ("database", "Database", "Database"),
        ("csv", "CSV", "CSV"),
        ("xml", "XML", "XML"),
        ("image", "Image", "Image"),
        ("video", "Video", "Video"),
        ("audio", "Audio", "Audio"),
        ("text", "Text", "Text"),
        ("json", "JSON", "JSON"),
        ("html", "HTML", "HTML"),
        ("doc", "DOC/DOCX", "DOC/DOCX"),
        ("xls", "XLS", "XLS/XLSX", "XLS/XLSX"),
        ("pdf", "PDF", "PDF"),
        ("rdf", "RDF", "RDF"),
        ("nosql", "NoSQL", "NoSQL"),
        ("arcinfo", "Arc/Info Coverage", "Arc/Info Coverage"),
        ("shapefile", "Shapefile", "Shapefile"),
        ("geotiff", "GeoTiff", "GeoTiff"),
        ("gml", "GML", "GML"),
        _UNKNOWN,
        _OTHER,
    ],
)

DATA_CATEGORY = build_vocabulary(
    "data_category",
    "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ",
    "Data category (government data governance)",
    [
        ("public", "ข้อมูลสาธารณะ", "Public data"),
        ("internal", "ข้อมูลใช้ภายใน", "Internal-use data", None, _ONLY_22),
        ("personal", "ข้อมูลส่วนบุคคล", "Personal data"),
        ("security", "ข้อมูลความมั่นคง", "Security data"),
        ("secret", "ข้อมูลความลับทางราชการ", "Official-secret data"),
    ],
)

DATA_CLASSIFICATION = build_vocabulary(
    "data_classification",
    "ระดับชั้นข้อมูล",
    "Data classification",
    [
        ("open", "เปิดเผย", "Open"),
        (
            "internal",
            "ชั้นเผยแพร่ภายในองค์กร",
            "Internal distribution",
            None,
            {"aliases": ("เผยแพร่ภายในองค์กร",)},
        ),
        ("confidential", "ลับ", "Confidential"),
        ("secret", "ลับมาก", "Secret"),
        ("top_secret", "ลับที่สุด", "Top secret"),
    ],
)

CLASSIFICATIONS_BY_CATEGORY: dict[str, frozenset[str]] = {
    "public": frozenset({"open"}),
    "internal": frozenset({"internal"}),
    "personal": frozenset({"internal", "confidential", "secret"}),
    "security": frozenset({"confidential", "secret", "top_secret"}),
    "secret": frozenset({"confidential", "secret", "top_secret"}),
}
"""Which classification levels the GD Catalog form allows for each data category (by code)."""

LICENSE = build_vocabulary(
    "license_id",
    "สัญญาอนุญาตให้ใช้ข้อมูล",
    "Licence",
    [
        ("odc", "Open Data Common", "Open Data Common"),
        ("cc_by", "Creative Commons Attributions", "Creative Commons Attribution"),
        (
            "cc_by_nc",
            "Creative Commons Attribution Non-Commercial",
            "Creative Commons Attribution Non-Commercial",
            None,
            _ONLY_22,
        ),
        (
            "cc_by_sa",
            "Creative Commons Attribution Share-Alike",
            "Creative Commons Attribution Share-Alike",
        ),
        (
            "cc_by_nc_sa",
            "Creative Commons Attribution Non-Commercial Share-Alike",
            "Creative Commons Attribution Non-Commercial Share-Alike",
            None,
            _ONLY_22,
        ),
        (
            "cc_by_nc_nd",
            "Creative Commons Attribution Non-Commercial No-Derivs",
            "Creative Commons Attribution Non-Commercial No-Derivs",
            None,
            _ONLY_22,
        ),
        (
            "cc_by_nd",
            "Creative Commons Attribution No-Derivs",
            "Creative Commons Attribution No-Derivs",
            None,
            _ONLY_22,
        ),
        _OTHER,
        (
            "not_specified",
            "License not specified",
            "License not specified",
            None,
            {**_ONLY_21, "replaced_by": OTHER_CODE},
        ),
        (
            "cc_nc_any",
            "Creative Commons Non-Commercial (Any)",
            "Creative Commons Non-Commercial (Any)",
            None,
            {**_ONLY_21, "replaced_by": "cc_by_nc"},
        ),
        (
            "gfdl",
            "GNU Free Documentation License",
            "GNU Free Documentation License",
            None,
            {**_ONLY_21, "replaced_by": OTHER_CODE},
        ),
    ],
)

DATA_LANGUAGE = build_vocabulary(
    "data_language",
    "ภาษาที่ใช้",
    "Data language",
    [
        ("th", "ไทย", "Thai"),
        ("en", "อังกฤษ", "English"),
        ("zh", "จีน", "Chinese"),
        ("ms", "มลายู", "Malay"),
        ("my", "พม่า", "Burmese"),
        ("lo", "ลาว", "Lao"),
        ("km", "เขมร", "Khmer"),
        ("ja", "ญี่ปุ่น", "Japanese"),
        ("ko", "เกาหลี", "Korean"),
        ("fr", "ฝรั่งเศส", "French"),
        ("de", "เยอรมัน", "German"),
        ("ar", "อารบิก", "Arabic"),
        _UNKNOWN,
        _OTHER,
    ],
)

DATA_SUPPORT = build_vocabulary(
    "data_support",
    "ผู้สนับสนุนหรือผู้ร่วมดำเนินการ",
    "Supporter or partner",
    [
        _NONE,
        ("government", "หน่วยงานของรัฐ", "Government agency"),
        ("private", "หน่วยงานเอกชน", "Private organisation"),
        ("international", "หน่วยงาน/องค์กรระหว่างประเทศ", "International organisation"),
        ("foundation", "มูลนิธิ/สมาคม", "Foundation or association"),
        ("academic", "สถาบันการศึกษา", "Educational institution"),
        _OTHER,
    ],
)

DATA_COLLECT = build_vocabulary(
    "data_collect",
    "หน่วยที่ย่อยที่สุดของการจัดเก็บข้อมูล",
    "Smallest unit of collection",
    [
        _NONE,
        ("person", "บุคคล", "Person"),
        ("household", "ครัวเรือน/ครอบครัว", "Household or family"),
        ("dwelling", "บ้าน/ที่อยู่อาศัย", "House or dwelling"),
        ("establishment", "บริษัท/ห้างร้าน/สถานประกอบการ", "Company, shop or establishment"),
        ("building", "อาคาร/สิ่งปลูกสร้าง", "Building or structure"),
        ("agri_area", "พื้นที่การเกษตร ประมง ป่าไม้", "Agricultural, fishery or forest area"),
        ("species", "สัตว์และพันธุ์พืช", "Animals and plant species"),
        ("area", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "Geographic or spatial area"),
        ("water_body", "แหล่งน้ำ เช่น แม่น้ำ อ่างเก็บน้ำ", "Water body such as a river or reservoir"),
        ("route", "เส้นทางการเดินทาง เช่น ถนน ทางรถไฟ", "Route such as a road or railway"),
        _UNKNOWN,
        _OTHER,
    ],
)

DISAGGREGATE = build_vocabulary(
    "disaggregate",
    "การจัดจำแนก",
    "Disaggregation",
    [
        _NONE,
        ("sex", "เพศ", "Sex"),
        ("age", "อายุ/กลุ่มอายุ", "Age or age group"),
        ("marital_status", "สถานภาพสมรส", "Marital status"),
        ("religion", "ศาสนา", "Religion"),
        ("education", "ระดับการศึกษา", "Education level"),
        ("occupation", "อาชีพ", "Occupation"),
        ("work_status", "สถานภาพการทำงาน", "Work status"),
        ("industry", "อุตสาหกรรม/ประเภทกิจการ", "Industry or type of business"),
        ("income", "รายได้", "Income"),
        ("area", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "Geographic or spatial area"),
        ("product", "ผลิตภัณฑ์", "Product"),
        _UNKNOWN,
        _OTHER,
    ],
)

UNIT_OF_MULTIPLIER = build_vocabulary(
    "unit_of_multiplier",
    "หน่วยตัวคูณ",
    "Unit multiplier",
    [
        ("1", "หน่วย", "Units"),
        ("10", "สิบ", "Tens"),
        ("100", "ร้อย", "Hundreds"),
        ("1e3", "พัน", "Thousands"),
        ("1e4", "หมื่น", "Ten thousands"),
        ("1e5", "แสน", "Hundred thousands"),
        ("1e6", "ล้าน", "Millions"),
        ("1e7", "สิบล้าน", "Ten millions"),
        ("1e8", "ร้อยล้าน", "Hundred millions"),
        ("1e9", "พันล้าน", "Billions"),
        ("1e10", "หมื่นล้าน", "Ten billions"),
        ("1e11", "แสนล้าน", "Hundred billions"),
        ("1e12", "ล้านล้าน", "Trillions"),
        _UNKNOWN,
        _OTHER,
    ],
)

GEOGRAPHIC_DATA_SET = build_vocabulary(
    "geographic_data_set",
    "ชุดข้อมูลภูมิศาสตร์",
    "Geographic data set",
    [
        # Reproduced verbatim, including the schema's own spellings.
        ("land_parcel", "ชั้นข้อมูลแปลงที่ดิน", "Land parcels"),
        ("admin_boundary", "ชั้นข้อมูลขอบเขตการปกครอง", "Administrative boundaries"),
        ("transport", "ชั้นข้อมูลเส้นทางคมนาคม", "Transport network"),
        ("settlement", "ชั้นข้อมูลชุมนุม/อาคาร", "Settlements and buildings"),
        ("forest", "ชั้นข้อมูลป่าไม้", "Forests"),
        ("land_use", "ชั้นข้อมูลการใช้ประโยชน์ที่ดิน", "Land use"),
        ("water_source", "ชั้นข้อมูลแหล่งน้ำ", "Water sources"),
        ("hydrography", "ชั้นข้อมูลอุทกศาสตร์", "Hydrography"),
        ("geodetic_marks", "ชั้นข้อมูลหมุดหลักฐานแผนที่", "Geodetic control marks"),
        ("elevation", "ชั้นข้อมูลความสูงภูมิประเทศเชิงตัวเลข", "Digital elevation"),
        ("topographic_map", "ชั้นข้อมูลภาพแผนที่ภูมิประเทศ", "Topographic map images"),
        ("orthophoto", "ชั้นข้อมูลแผนที่ภาพถ่ายทางอากาศ", "Aerial photo maps"),
        ("satellite", "ชั้นข้อมูลภาพวาดดาวเทียมดัดแก้", "Rectified satellite imagery"),
    ],
)

EQUIVALENT_SCALE = build_vocabulary(
    "equivalent_scale",
    "มาตราส่วน",
    "Equivalent scale",
    [
        ("4000", "1:4,000", "1:4,000"),
        ("10000", "1:10,000", "1:10,000"),
        ("25000", "1:25,000", "1:25,000"),
        ("50000", "1:50,000", "1:50,000"),
        ("250000", "1:250,000", "1:250,000"),
        _OTHER,
    ],
)

YES_NO = build_vocabulary(
    "yes_no",
    "ใช่/ไม่ใช่",
    "Yes/No",
    [("false", "False", "No", "ไม่ใช่"), ("true", "True", "Yes", "ใช่")],
)

ALLOW_HARVEST = build_vocabulary(
    "allow_harvest",
    "ยินยอมให้นำชื่อชุดข้อมูลไปใช้ที่ GD-Catalog",
    "Allow harvest to the GD Catalog",
    [("false", "False", "No", "ไม่ยินยอม"), ("true", "True", "Yes", "ยินยอม")],
)

VOCABULARIES: dict[str, Vocabulary] = {
    vocabulary.key: vocabulary
    for vocabulary in (
        DATA_TYPE,
        OBJECTIVE,
        UPDATE_FREQUENCY_UNIT,
        GEO_COVERAGE,
        DATA_FORMAT,
        DATA_CATEGORY,
        DATA_CLASSIFICATION,
        LICENSE,
        DATA_LANGUAGE,
        DATA_SUPPORT,
        DATA_COLLECT,
        DISAGGREGATE,
        UNIT_OF_MULTIPLIER,
        GEOGRAPHIC_DATA_SET,
        EQUIVALENT_SCALE,
        YES_NO,
        ALLOW_HARVEST,
    )
}
