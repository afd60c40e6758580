"""The fields of the GD Catalog profile: key, official Thai label, English label, kind,
vocabulary, which data types show them, and which of the 14 mandatory items each is.

This table drives the model's checks, the compliance report, the fill-in template, the
CKAN mapping and the web pages, so that a field is described once. The order is the GD
Catalog schema's own order (ckanext-thai_gdc 2.2.4 `ckan_dataset.json`).
"""

from __future__ import annotations

import enum

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text
from khlang.metadata.vocabularies import ALL_VERSIONS, CURRENT_VERSION, VOCABULARIES, Vocabulary


class Kind(enum.StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    EMAIL = "email"
    URL = "url"
    DATE = "date"
    YEAR = "year"
    NUMBER = "number"
    SELECT = "select"
    MULTI = "multi"
    YES_NO = "yes_no"
    TAGS = "tags"
    ORGANIZATION = "organization"
    SLUG = "slug"


ALL_TYPES = frozenset({"record", "statistical", "geospatial", "mixed", "other"})
R, S, G, M, OT = "record", "statistical", "geospatial", "mixed", "other"


class FieldSpec(BaseModel):
    """How one metadata field is named, shown, stored and checked."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: Text
    kind: Kind
    vocabulary_key: str | None = None
    mandatory_item: int | None = None
    """Its number among the 14 mandatory items (9 covers both frequency keys)."""
    data_types: frozenset[str] = ALL_TYPES
    other_key: str | None = None
    """Where the free text goes when the value is the vocabulary's 'other' term."""
    help: Text | None = None
    versions: frozenset[str] = ALL_VERSIONS
    """GD Catalog schema versions that have the field."""

    @property
    def vocabulary(self) -> Vocabulary | None:
        return VOCABULARIES[self.vocabulary_key] if self.vocabulary_key else None

    @property
    def required(self) -> bool:
        return self.mandatory_item is not None


def _field(
    key: str,
    th: str,
    en: str,
    kind: Kind,
    *,
    vocabulary: str | None = None,
    item: int | None = None,
    types: frozenset[str] | set[str] = ALL_TYPES,
    other: bool = False,
    help_th: str | None = None,
    help_en: str | None = None,
    versions: frozenset[str] = ALL_VERSIONS,
) -> FieldSpec:
    return FieldSpec(
        key=key,
        label=Text(th=th, en=en),
        kind=kind,
        vocabulary_key=vocabulary,
        mandatory_item=item,
        data_types=frozenset(types),
        other_key=f"{key}_other" if other else None,
        help=Text(th=help_th, en=help_en) if help_th and help_en else None,
        versions=versions,
    )


DATASET_FIELDS: tuple[FieldSpec, ...] = (
    _field(
        "data_type", "ประเภทชุดข้อมูล", "Data type", Kind.SELECT,
        vocabulary="data_type", item=1, other=True,
        help_th="ข้อมูลงบประมาณที่สรุปเป็นยอดรวมมักเป็นข้อมูลสถิติ รายการรายโครงการมักเป็นข้อมูลระเบียน",
        help_en="Aggregated amounts are usually statistical data; line items are record data.",
    ),
    _field("title", "ชื่อชุดข้อมูล", "Dataset name", Kind.TEXT, item=2,
           help_th="ต้องไม่ซ้ำกับชุดข้อมูลอื่นในบัญชีข้อมูล",
           help_en="Must be unique among the catalog's datasets."),
    _field("name", "URL", "URL name (slug)", Kind.SLUG,
           help_th="ตัวอักษรภาษาอังกฤษพิมพ์เล็ก ตัวเลข - และ _ ยาว 2–70 ตัวอักษร",
           help_en="Lower-case ASCII letters, digits, - and _, 2 to 70 characters."),
    _field("owner_org", "องค์กร", "Organization", Kind.ORGANIZATION, item=3),
    _field("allow_harvest", "ยินยอมให้นำชื่อชุดข้อมูลไปใช้ที่ GD-Catalog",
           "Allow harvest to the GD Catalog", Kind.YES_NO, vocabulary="allow_harvest"),
    _field("reference_url_catalog", "อ้างอิง URL Catalog", "Reference URL catalog", Kind.URL),
    _field("maintainer", "ชื่อฝ่ายงานสำหรับติดต่อ", "Contact person or unit", Kind.TEXT, item=4,
           help_th="ชื่อฝ่ายหรือกลุ่มงาน ไม่ใช่ชื่อบุคคล",
           help_en="A unit or work group, not a person's name."),
    _field("maintainer_email", "อีเมลสำหรับติดต่อ", "Contact email", Kind.EMAIL, item=5),
    _field("tags", "คำสำคัญ", "Tags", Kind.TAGS, item=6,
           help_th="อย่างน้อย 1 คำ แต่ละคำยาว 2–100 ตัวอักษร",
           help_en="At least one, each 2 to 100 characters."),
    _field("notes", "รายละเอียด", "Description", Kind.MARKDOWN, item=7),
    _field("objective", "วัตถุประสงค์", "Objective", Kind.MULTI,
           vocabulary="objective", item=8, other=True),
    _field("update_frequency_unit", "หน่วยความถี่ของการปรับปรุงข้อมูล", "Update frequency unit",
           Kind.SELECT, vocabulary="update_frequency_unit", item=9, other=True),
    _field("update_frequency_interval", "ค่าความถี่ของการปรับปรุงข้อมูล (ความถี่น้อยที่สุด)",
           "Update frequency interval", Kind.NUMBER, item=9,
           help_th="จำนวนครั้งต่อหน่วยความถี่ เช่น 1 (ปีละ 1 ครั้ง)",
           help_en="How many updates per unit, e.g. 1 (once a year)."),
    _field("geo_coverage", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "Geographic coverage",
           Kind.SELECT, vocabulary="geo_coverage", item=10, other=True),
    _field("data_source", "แหล่งที่มา", "Data source", Kind.TEXT, item=11,
           help_th="ระบบหรือหน่วยงานที่เป็นต้นทางของข้อมูล",
           help_en="The systems or agencies the data comes from."),
    _field("data_format", "รูปแบบการเก็บข้อมูล", "Data format (as kept)", Kind.MULTI,
           vocabulary="data_format", item=12, other=True,
           help_th="รูปแบบที่หน่วยงานจัดเก็บข้อมูล ไม่ใช่นามสกุลไฟล์ที่เผยแพร่",
           help_en="How the agency keeps the data, not the published file's format."),
    _field("data_category", "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ",
           "Data category", Kind.SELECT, vocabulary="data_category", item=13),
    _field("data_classification", "ระดับชั้นข้อมูล", "Data classification", Kind.SELECT,
           vocabulary="data_classification", versions=frozenset({CURRENT_VERSION})),
    _field("license_id", "สัญญาอนุญาตให้ใช้ข้อมูล", "Licence", Kind.SELECT,
           vocabulary="license_id", item=14, other=True),
    _field("accessible_condition", "เงื่อนไขในการเข้าถึงข้อมูล", "Access conditions",
           Kind.MARKDOWN),
    _field("data_support", "ผู้สนับสนุนหรือผู้ร่วมดำเนินการ", "Supporter or partner",
           Kind.SELECT, vocabulary="data_support", types={R, M, OT}, other=True),
    _field("data_collect", "หน่วยที่ย่อยที่สุดของการจัดเก็บข้อมูล", "Smallest unit of collection",
           Kind.SELECT, vocabulary="data_collect", types={R, M, OT}, other=True),
    _field("url", "URL", "Dataset web page", Kind.URL),
    _field("data_language", "ภาษาที่ใช้", "Data language", Kind.MULTI,
           vocabulary="data_language", other=True),
    _field("created_date", "วันที่เริ่มต้นสร้าง", "Created date", Kind.DATE, types={R, M, OT}),
    _field("last_updated_date", "วันที่ปรับปรุงข้อมูลล่าสุด", "Last updated date", Kind.DATE),
    _field("data_release_calendar", "วันที่กำหนดเผยแพร่ข้อมูล", "Data release calendar",
           Kind.DATE, types={S, G}),
    _field("first_year_of_data", "ปีข้อมูลที่เริ่มต้นจัดทำ", "First year of data", Kind.YEAR,
           types={S}),
    _field("last_year_of_data", "ปีข้อมูลล่าสุดที่เผยแพร่", "Last year of data", Kind.YEAR,
           types={S}),
    _field("disaggregate", "การจัดจำแนก", "Disaggregation", Kind.MULTI,
           vocabulary="disaggregate", types={S}, other=True),
    _field("unit_of_measure", "หน่วยวัด", "Unit of measure", Kind.TEXT, types={S}),
    _field("unit_of_multiplier", "หน่วยตัวคูณ", "Unit multiplier", Kind.SELECT,
           vocabulary="unit_of_multiplier", types={S}, other=True),
    _field("calculation_method", "วิธีการคำนวณ", "Calculation method", Kind.MARKDOWN, types={S}),
    _field("standard", "มาตรฐานการจัดทำข้อมูล", "Standard", Kind.TEXT, types={S}),
    _field("geographic_data_set", "ชุดข้อมูลภูมิศาสตร์", "Geographic data set", Kind.SELECT,
           vocabulary="geographic_data_set", types={G}),
    _field("equivalent_scale", "มาตราส่วน", "Equivalent scale", Kind.SELECT,
           vocabulary="equivalent_scale", types={G}, other=True),
    _field("west_bound_longitude", "ค่าพิกัดกรอบพื้นที่ด้านทิศตะวันตก", "West bound longitude",
           Kind.TEXT, types={G}),
    _field("east_bound_longitude", "ค่าพิกัดกรอบพื้นที่ด้านทิศตะวันออก", "East bound longitude",
           Kind.TEXT, types={G}),
    _field("north_bound_longitude", "ค่าพิกัดกรอบพื้นที่ด้านทิศเหนือ", "North bound latitude",
           Kind.TEXT, types={G}),
    _field("south_bound_longitude", "ค่าพิกัดกรอบพื้นที่ด้านทิศใต้", "South bound latitude",
           Kind.TEXT, types={G}),
    _field("positional_accuracy", "ความถูกต้องของตำแหน่ง", "Positional accuracy", Kind.TEXT,
           types={G}),
    _field("reference_period", "เวลาอ้างอิง", "Reference period", Kind.TEXT, types={G}),
    _field("data_release_date", "วันที่เผยแพร่ข้อมูล", "Data release date", Kind.DATE, types={G}),
    _field("high_value_dataset", "ชุดข้อมูลที่มีคุณค่าสูง", "High-value dataset", Kind.YES_NO,
           vocabulary="yes_no", types={R, M, OT}),
    _field("reference_data", "ข้อมูลอ้างอิง", "Reference data", Kind.YES_NO,
           vocabulary="yes_no", types={R, M, OT}),
    _field("official_statistics", "สถิติทางการ", "Official statistics", Kind.YES_NO,
           vocabulary="yes_no", types={S}),
)  # fmt: skip

RESOURCE_FIELDS: tuple[FieldSpec, ...] = (
    _field("url", "URL", "URL", Kind.URL),
    _field("name", "ชื่อทรัพยากร", "Name", Kind.TEXT),
    _field("description", "คำอธิบายทรัพยากร", "Description", Kind.MARKDOWN),
    _field("resource_accessible_condition", "เงื่อนไขในการเข้าถึงข้อมูล", "Access conditions",
           Kind.MARKDOWN),
    _field("resource_data_collect", "หน่วยที่ย่อยที่สุดของการจัดเก็บข้อมูล",
           "Smallest unit of collection", Kind.SELECT, vocabulary="data_collect",
           types={R, M, OT}, other=True),
    _field("resource_first_year_of_data", "ปีข้อมูลที่เริ่มต้นจัดทำ", "First year of data",
           Kind.YEAR, types={S}),
    _field("resource_last_year_of_data", "ปีข้อมูลล่าสุดที่เผยแพร่", "Last year of data",
           Kind.YEAR, types={S}),
    _field("resource_disaggregate", "การจัดจำแนก", "Disaggregation", Kind.MULTI,
           vocabulary="disaggregate", types={S}, other=True),
    _field("resource_unit_of_measure", "หน่วยวัด", "Unit of measure", Kind.TEXT, types={S}),
    _field("resource_unit_of_multiplier", "หน่วยตัวคูณ", "Unit multiplier", Kind.SELECT,
           vocabulary="unit_of_multiplier", types={S}, other=True),
    _field("resource_geographic_data_set", "ชุดข้อมูลภูมิศาสตร์", "Geographic data set",
           Kind.SELECT, vocabulary="geographic_data_set", types={G}),
    _field("resource_equivalent_scale", "มาตราส่วน", "Equivalent scale", Kind.SELECT,
           vocabulary="equivalent_scale", types={G}, other=True),
    _field("resource_positional_accuracy", "ความถูกต้องของตำแหน่ง", "Positional accuracy",
           Kind.TEXT, types={G}),
    _field("resource_created_date", "วันที่เริ่มต้นสร้าง", "Created date", Kind.DATE,
           types={R, G, M, OT}),
    _field("resource_last_updated_date", "วันที่ปรับปรุงข้อมูลล่าสุด", "Last updated date",
           Kind.DATE),
    _field("resource_data_release_calendar", "วันที่กำหนดเผยแพร่ข้อมูล", "Data release calendar",
           Kind.DATE, types={S}),
    _field("resource_official_statistics", "สถิติทางการ", "Official statistics", Kind.YES_NO,
           vocabulary="yes_no", types={S}),
    _field("resource_data_release_date", "วันที่เผยแพร่ข้อมูล", "Data release date", Kind.DATE,
           types={G}),
    _field("format", "นามสกุลของไฟล์", "Format", Kind.TEXT),
)  # fmt: skip

DATASET_FIELD_BY_KEY = {spec.key: spec for spec in DATASET_FIELDS}
RESOURCE_FIELD_BY_KEY = {spec.key: spec for spec in RESOURCE_FIELDS}
MANDATORY_FIELDS = tuple(spec for spec in DATASET_FIELDS if spec.required)
"""The 14 mandatory items (15 keys: item 9 is the frequency unit and its interval)."""

KHLANG_FIELD_LABELS: dict[str, Text] = {
    "title_en": Text(th="ชื่อชุดข้อมูล (ภาษาอังกฤษ)", en="Dataset name in English"),
    "notes_en": Text(th="รายละเอียด (ภาษาอังกฤษ)", en="Description in English"),
    "private": Text(th="ชุดข้อมูลส่วนตัว (ไม่เผยแพร่)", en="Private dataset"),
    "publisher": Text(th="หน่วยงานผู้เผยแพร่", en="Publisher"),
    "temporal": Text(th="ช่วงเวลาของข้อมูล", en="Temporal coverage"),
    "spatial": Text(th="รหัสพื้นที่ที่ข้อมูลครอบคลุม", en="Spatial coverage (area codes)"),
    "themes": Text(th="หมวดหมู่ตามมาตรฐานสหภาพยุโรป", en="EU data themes"),
    "issued": Text(th="วันที่เผยแพร่ครั้งแรก", en="Date issued"),
    "modified": Text(th="วันที่แก้ไขล่าสุด", en="Date modified"),
    "uses": Text(th="การนำข้อมูลไปใช้ประโยชน์", en="Uses of the data"),
    "resources": Text(th="ทรัพยากร (ไฟล์หรือลิงก์)", en="Resources (files or links)"),
    "path": Text(th="ที่อยู่ไฟล์", en="File path"),
    "media_type": Text(th="ชนิดสื่อ (media type)", en="Media type"),
    "byte_size": Text(th="ขนาดไฟล์ (ไบต์)", en="File size in bytes"),
    "hash": Text(th="ค่าแฮชของไฟล์", en="File hash"),
    "schema": Text(th="โครงสร้างตาราง (Table Schema)", en="Table Schema"),
    "name_en": Text(th="ชื่อทรัพยากร (ภาษาอังกฤษ)", en="Resource name in English"),
    "description_en": Text(th="คำอธิบายทรัพยากร (ภาษาอังกฤษ)", en="Resource description in English"),
}
"""Labels of khlang's own additions to the GD Catalog fields (dataset and resource)."""


def field_label(key: str, *, resource: bool = False) -> Text:
    """The Thai and English label of a dataset (or resource) key, `<key>_other` included."""
    table = RESOURCE_FIELD_BY_KEY if resource else DATASET_FIELD_BY_KEY
    if key in table:
        return table[key].label
    if key.endswith("_other") and key.removesuffix("_other") in table:
        base = table[key.removesuffix("_other")].label
        return Text(th=f"{base.th} (อื่นๆ โปรดระบุ)", en=f"{base.en} (other, please specify)")
    return KHLANG_FIELD_LABELS.get(key, Text(th=key, en=key))
