"""The controlled values of the area-budget model: budget types, sources of funds, budget
phases, local administrative organisation types, procurement methods, statuses, and the five
strategic areas of citizens' needs with their topics.

Values are the Thai terms the Budget Bureau, the Comptroller General's Department and the
Department of Local Administration use in their systems; each carries a stable English code
for programs and the spellings found in real exports as aliases. `khlang.metadata.matching.
closest_term` reads a raw value as one of them the way an officer would: ignoring spacing,
accepting the aliases, and recognising an OCR slip (`งบรายจ่ายอิ่น`) as the term it obviously
is, while saying it did so (`Match.fuzzy`).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text
from khlang.metadata.vocabularies import Vocabulary, build_vocabulary


def _vocab(key: str, th: str, en: str, rows: list[tuple]) -> Vocabulary:
    """A code list from rows of (code, value, english[, aliases]): the value is its Thai
    label, the aliases are other spellings the matcher accepts."""
    return build_vocabulary(
        key,
        th,
        en,
        ((*row[:3], None, {"aliases": tuple(row[3])} if len(row) > 3 else {}) for row in rows),
    )


BUDGET_TYPES = _vocab(
    "budget_type",
    "ประเภทงบรายจ่าย",
    "Budget type",
    [
        ("personnel", "งบบุคลากร", "Personnel"),
        ("operating", "งบดำเนินงาน", "Operating"),
        ("investment", "งบลงทุน", "Investment"),
        ("subsidy", "งบเงินอุดหนุน", "Subsidies", ("งบอุดหนุน", "เงินอุดหนุน")),
        ("other", "งบรายจ่ายอื่น", "Other expenditure", ("รายจ่ายอื่น", "งบรายจ่ายอื่นๆ")),
        # Not one of the five types of the national budget bill, but a budget category of
        # every local budget ordinance (ข้อบัญญัติงบประมาณ) and of the central fund.
        ("central", "งบกลาง", "Central fund", ("รายจ่ายงบกลาง",)),
    ],
)

FUND_SOURCES = _vocab(
    "source_of_funds",
    "แหล่งเงิน",
    "Source of funds",
    [
        ("budget", "เงินงบประมาณ", "Government budget", ("งบประมาณ", "เงินงบประมาณแผ่นดิน")),
        ("general_subsidy", "เงินอุดหนุนทั่วไป", "General subsidy"),
        ("specific_subsidy", "เงินอุดหนุนเฉพาะกิจ", "Specific-purpose subsidy"),
        ("own_revenue", "รายได้จัดเก็บเอง", "Own-source revenue", ("เงินรายได้", "รายได้")),
        ("loan", "เงินกู้", "Loan", ("เงินกู้ยืม",)),
        ("off_budget", "เงินนอกงบประมาณ", "Off-budget funds", ("นอกงบประมาณ",)),
    ],
)

PHASES = _vocab(
    "phase",
    "ขั้นตอนของงบประมาณ",
    "Budget phase",
    [
        ("requested", "คำขอ", "Requested", ("คำขอตั้งงบประมาณ", "งบประมาณที่ขอ")),
        ("allocated", "จัดสรร", "Allocated", ("ได้รับจัดสรร", "งบประมาณที่ได้รับจัดสรร")),
        ("transferred", "โอนจัดสรร", "Transferred", ("โอน", "โอนเงิน")),
        ("committed", "ก่อหนี้ผูกพัน", "Committed", ("ผูกพัน", "PO")),
        ("disbursed", "เบิกจ่าย", "Disbursed", ("เบิกจ่ายแล้ว", "จ่ายจริง")),
        # A multi-year commitment's amount for a year other than the budget's own: owed in
        # that year, not allocated by this budget (the budget bill lists both).
        ("obligated", "ผูกพันข้ามปี", "Multi-year obligation", ("รายการผูกพันข้ามปี",)),
    ],
)
PHASE_ORDER = tuple(term.code for term in PHASES.terms)

LAO_TYPES = _vocab(
    "lao_type",
    "ประเภทองค์กรปกครองส่วนท้องถิ่น",
    "Type of local administrative organisation",
    [
        ("PAO", "องค์การบริหารส่วนจังหวัด", "Provincial administrative organisation", ("อบจ.",)),
        ("ThesabanNakhon", "เทศบาลนคร", "City municipality", ("ทน.",)),
        ("ThesabanMueang", "เทศบาลเมือง", "Town municipality", ("ทม.",)),
        ("ThesabanTambon", "เทศบาลตำบล", "Sub-district municipality", ("ทต.",)),
        ("TAO", "องค์การบริหารส่วนตำบล", "Sub-district administrative organisation", ("อบต.",)),
        ("Bangkok", "กรุงเทพมหานคร", "Bangkok Metropolitan Administration", ("กทม.",)),
        ("Pattaya", "เมืองพัทยา", "Pattaya City"),
    ],
)
PROCUREMENT_METHODS = _vocab(
    "procurement_method",
    "วิธีการจัดซื้อจัดจ้าง",
    "Procurement method",
    [
        ("e-bidding", "ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", "Electronic bidding",
         ("e-bidding", "ประกวดราคาอิเล็กทรอนิกส์", "วิธีประกวดราคาอิเล็กทรอนิกส์")),
        ("e-market", "ตลาดอิเล็กทรอนิกส์ (e-market)", "Electronic market",
         ("e-market", "ตลาดอิเล็กทรอนิกส์", "วิธีตลาดอิเล็กทรอนิกส์")),
        ("selection", "วิธีคัดเลือก", "Selection", ("คัดเลือก",)),
        ("specific", "วิธีเฉพาะเจาะจง", "Specific (direct)", ("เฉพาะเจาะจง",)),
    ],
)  # fmt: skip
OCDS_METHODS = {"e-bidding": "open", "e-market": "open", "selection": "selective"}
OCDS_METHODS |= {"specific": "limited"}
"""OCDS `tender.procurementMethod` of each Thai method (OCDS method codelist)."""

PROJECT_STATUSES = _vocab(
    "project_status",
    "สถานะโครงการ",
    "Project status",
    [
        ("planned", "อยู่ในแผน", "In the plan", ("บรรจุในแผน", "ตามแผน")),
        ("budgeted", "ได้รับงบประมาณ", "Budgeted", ("ได้รับจัดสรร",)),
        ("contracted", "ลงนามสัญญาแล้ว", "Contracted", ("ทำสัญญาแล้ว",)),
        ("in_progress", "อยู่ระหว่างดำเนินการ", "In progress", ("ระหว่างดำเนินการ", "ดำเนินการ")),
        ("completed", "ดำเนินการแล้วเสร็จ", "Completed", ("แล้วเสร็จ", "เสร็จสิ้น")),
        ("cancelled", "ยกเลิก", "Cancelled", ("ไม่ดำเนินการ",)),
    ],
)

NEED_STATUSES = _vocab(
    "need_status",
    "สถานะความต้องการ",
    "Status of a need",
    [
        ("received", "รับเรื่องแล้ว", "Received", ("รับเรื่อง", "ใหม่")),
        ("reviewing", "อยู่ระหว่างพิจารณา", "Under review", ("พิจารณา",)),
        ("planned", "บรรจุในแผนพัฒนาท้องถิ่น", "In the local development plan", ("บรรจุในแผน",)),
        ("funded", "ได้รับงบประมาณ", "Funded", ("ได้รับจัดสรร",)),
        ("done", "ดำเนินการแล้วเสร็จ", "Done", ("แล้วเสร็จ",)),
        ("declined", "ไม่สามารถดำเนินการได้", "Declined", ("ไม่ดำเนินการ", "ยกเลิก")),
    ],
)

LAO_FINANCE_KINDS = _vocab(
    "finance_kind",
    "ประเภทรายการ",
    "Kind of entry",
    [("revenue", "รายรับ", "Revenue", ("รายได้",)), ("expenditure", "รายจ่าย", "Expenditure")],
)

REVENUE_CATEGORIES = _vocab(
    "revenue_category",
    "หมวดรายรับ",
    "Revenue category",
    [
        ("tax", "หมวดภาษีอากร", "Taxes", ("ภาษีอากร",)),
        ("fees", "หมวดค่าธรรมเนียม ค่าปรับและใบอนุญาต", "Fees, fines and licences",
         ("ค่าธรรมเนียม ค่าปรับและใบอนุญาต", "หมวดค่าธรรมเนียมค่าปรับและใบอนุญาต")),
        ("property", "หมวดรายได้จากทรัพย์สิน", "Income from property", ("รายได้จากทรัพย์สิน",)),
        ("utilities", "หมวดรายได้จากสาธารณูปโภคและการพาณิชย์", "Utilities and commerce",
         ("รายได้จากสาธารณูปโภคและการพาณิชย์", "หมวดรายได้จากสาธารณูปโภคและกิจการพาณิชย์")),
        ("misc", "หมวดรายได้เบ็ดเตล็ด", "Miscellaneous income", ("รายได้เบ็ดเตล็ด",)),
        ("capital", "หมวดรายได้จากทุน", "Capital income", ("รายได้จากทุน",)),
        ("shared_tax", "หมวดภาษีจัดสรร", "Taxes shared by the government", ("ภาษีจัดสรร",)),
        ("general_subsidy", "หมวดเงินอุดหนุนทั่วไป", "General subsidy", ("เงินอุดหนุนทั่วไป",)),
        ("specific_subsidy", "หมวดเงินอุดหนุนเฉพาะกิจ", "Specific-purpose subsidy",
         ("เงินอุดหนุนเฉพาะกิจ",)),
        ("enterprise", "รายได้งบเฉพาะการ", "Special-purpose accounts (LAO enterprises)",
         ("งบเฉพาะการ",)),
    ],
)  # fmt: skip
REVENUE_GROUPS = {
    "own": ("tax", "fees", "property", "utilities", "misc", "capital", "enterprise"),
    "shared": ("shared_tax",),
    "subsidy": ("general_subsidy", "specific_subsidy"),
}
"""The three kinds of LAO revenue the DLA reports: collected by the LAO itself, taxes the
government collects and shares, and subsidies."""


class Topic(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    label: Text


class StrategicArea(BaseModel):
    """One of the five strategic areas of participatory budgeting, with its topics."""

    model_config = ConfigDict(frozen=True)

    code: str
    label: Text
    topics: tuple[Topic, ...]


def _area(code: str, th: str, en: str, topics: list[tuple[str, str, str]]) -> StrategicArea:
    return StrategicArea(
        code=code,
        label=Text(th=th, en=en),
        topics=tuple(Topic(code=c, label=Text(th=t, en=e)) for c, t, e in topics),
    )


STRATEGIC_AREAS: tuple[StrategicArea, ...] = (
    _area("economy", "ด้านเศรษฐกิจ", "Economy", [
        ("agriculture", "การเกษตรและการแปรรูป", "Agriculture and processing"),
        ("occupation", "กลุ่มอาชีพและแรงงาน", "Occupational groups and labour"),
        ("community_products", "ผลิตภัณฑ์ชุมชน", "Community products"),
        ("tourism", "การท่องเที่ยว", "Tourism"),
        ("entrepreneurs", "ผู้ประกอบการ", "Entrepreneurs"),
    ]),
    _area("society", "ด้านสังคม", "Society", [
        ("health", "สุขภาพ", "Health"),
        ("poor", "คนยากจนและผู้ด้อยโอกาส", "The poor and disadvantaged"),
        ("elderly", "ผู้สูงอายุ", "The elderly"),
        ("welfare", "สวัสดิการสังคม", "Welfare"),
        ("culture", "ศาสนาและวัฒนธรรม", "Religion and culture"),
    ]),
    _area("environment", "ด้านสิ่งแวดล้อม", "Environment", [
        ("green_space", "พื้นที่สีเขียว", "Green space"),
        ("waste_water", "น้ำเสีย", "Waste water"),
        ("noise", "มลพิษทางเสียง", "Noise"),
        ("air", "มลพิษทางอากาศและฝุ่นละออง", "Air pollution and dust"),
        ("stray_dogs", "สุนัขจรจัด", "Stray dogs"),
    ]),
    _area("infrastructure", "ด้านโครงสร้างพื้นฐาน", "Infrastructure", [
        ("roads", "ถนนและสะพาน", "Roads and bridges"),
        ("utilities", "ไฟฟ้าและประปา", "Electricity and water supply"),
        ("water", "น้ำเพื่อการเกษตรและอุตสาหกรรม", "Water for farming and industry"),
        ("transit", "ระบบขนส่งมวลชน", "Mass transit"),
        ("telecom", "โทรคมนาคมและอินเทอร์เน็ต", "Telecom and internet"),
    ]),
    _area("security", "ด้านความมั่นคงปลอดภัย", "Security", [
        ("safety", "ความปลอดภัยในชีวิตและทรัพย์สิน", "Safety"),
        ("crime", "อาชญากรรม", "Crime"),
        ("drugs", "ยาเสพติด", "Drugs"),
        ("disasters", "ภัยธรรมชาติ", "Natural disasters"),
        ("human_rights", "สิทธิมนุษยชน", "Human rights"),
    ]),
)  # fmt: skip

STRATEGIC_AREA_VOCAB = _vocab(
    "strategic_area",
    "ด้านยุทธศาสตร์",
    "Strategic area",
    [(a.code, a.label.th, a.label.en, (a.label.th.removeprefix("ด้าน"),)) for a in STRATEGIC_AREAS],
)
TOPIC_VOCAB = _vocab(
    "topic",
    "ประเด็น",
    "Topic",
    [(f"{a.code}.{t.code}", t.label.th, t.label.en) for a in STRATEGIC_AREAS for t in a.topics],
)

_SPACES = re.compile(r"\s+")


def squash(value: str) -> str:
    """A value with all whitespace removed: Thai exports differ mostly in spacing."""
    return _SPACES.sub("", value)
