"""The budget words the store's figures are named by, in Thai and English, with what each
means: the stages of a baht (requested, allocated, transferred, committed, disbursed,
obligated), the budget types and the measures the dashboard computes from them. The web
site's glossary page shows them, and every measure's label links to its entry."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text


class Term(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    """The anchor of its entry (`/dashboard/glossary#allocated`)."""
    name: Text
    meaning: Text


def _term(key: str, name_th: str, name_en: str, meaning_th: str, meaning_en: str) -> Term:
    return Term(
        key=key, name=Text(th=name_th, en=name_en), meaning=Text(th=meaning_th, en=meaning_en)
    )


GLOSSARY: tuple[Term, ...] = (
    _term(
        "requested",
        "คำขอ",
        "Requested",
        ("จำนวนเงินที่หน่วยงานเสนอขอในร่างพระราชบัญญัติงบประมาณรายจ่าย ก่อนการพิจารณา"),
        ("What an agency asked for in the draft budget bill, before it was debated."),
    ),
    _term(
        "allocated",
        "จัดสรร",
        "Allocated",
        ("จำนวนเงินที่ได้รับตามพระราชบัญญัติงบประมาณรายจ่าย สำหรับ อปท. คืองบประมาณรายจ่ายตามข้อบัญญัติ/เทศบัญญัติ"),
        (
            "What the budget act gives a line; for an LAO’s own budget, its budget "
            "ordinance’s estimate."
        ),
    ),
    _term(
        "transferred",
        "โอนจัดสรร",
        "Transferred",
        ("เงินที่ส่วนราชการโอนจัดสรรต่อให้หน่วยเบิกจ่ายหรือ อปท. (เช่น เงินอุดหนุนเฉพาะกิจ)"),
        ("Money an agency passes on to the unit or LAO that spends it (e.g. a specific subsidy)."),
    ),
    _term(
        "committed",
        "ก่อหนี้ผูกพัน",
        "Committed",
        "เงินที่ผูกพันแล้วด้วยสัญญาหรือใบสั่งซื้อสั่งจ้าง แต่ยังอาจไม่ได้จ่าย",
        "Money bound by a contract or purchase order, not necessarily paid yet.",
    ),
    _term(
        "disbursed",
        "เบิกจ่าย",
        "Disbursed",
        "เงินที่จ่ายออกจากคลังจริงในระบบ GFMIS (สำหรับ อปท. คือรายจ่ายจริง)",
        ("Money actually paid out of the treasury in GFMIS (for an LAO, its actual expenditure)."),
    ),
    _term(
        "obligated",
        "ผูกพันข้ามปีงบประมาณ",
        "Multi-year obligation",
        ("ส่วนของรายการผูกพันงบประมาณข้ามปีที่ตกอยู่ในปีงบประมาณอื่น เป็นภาระที่ต้องจ่าย ไม่ใช่งบที่ได้รับจัดสรรในปีนั้น"),
        (
            "The share of a multi-year commitment falling in another fiscal year: "
            "owed, not allocated that year."
        ),
    ),
    _term(
        "disbursement-rate",
        "อัตราการเบิกจ่าย",
        "Disbursement rate",
        ("เบิกจ่าย ÷ จัดสรร × 100 ไม่คำนวณเมื่อไม่มีข้อมูลอย่างใดอย่างหนึ่ง (แสดงว่า ไม่มีข้อมูล ไม่ใช่ 0%)"),
        (
            "Disbursed ÷ allocated × 100; not computed when either has no data "
            "(shown as no data, never 0%)."
        ),
    ),
    _term(
        "per-capita",
        "งบประมาณต่อหัวประชากร",
        "Budget per capita",
        "งบประมาณจัดสรรของพื้นที่ ÷ ประชากรตามทะเบียนราษฎร",
        "The area’s allocated budget ÷ its registered population.",
    ),
    _term(
        "investment",
        "งบลงทุน",
        "Investment",
        "รายจ่ายเพื่อจัดหาครุภัณฑ์ ที่ดิน และสิ่งก่อสร้าง",
        "Spending on equipment, land and construction.",
    ),
    _term(
        "subsidy",
        "งบเงินอุดหนุน",
        "Subsidies",
        ("เงินที่จ่ายอุดหนุนหน่วยงานอื่น เช่น อปท. (เงินอุดหนุนทั่วไปและเฉพาะกิจ)"),
        "Grants to other bodies such as LAOs (general and specific subsidies).",
    ),
    _term(
        "operating",
        "งบดำเนินงาน",
        "Operating",
        "ค่าตอบแทน ใช้สอย วัสดุ และสาธารณูปโภค",
        "Allowances, services, materials and utilities.",
    ),
    _term(
        "personnel",
        "งบบุคลากร",
        "Personnel",
        "เงินเดือน ค่าจ้าง และค่าตอบแทนพนักงาน",
        "Salaries and wages.",
    ),
    _term(
        "scope",
        "งบประมาณแผ่นดิน / งบประมาณของ อปท.",
        "State budget / LAO budget",
        (
            "งบประมาณแผ่นดินและงบประมาณของ อปท. แสดงแยกกัน ไม่นำมารวมกัน "
            "เพราะเงินอุดหนุนจากรัฐจะนับซ้ำในงบของ อปท."
        ),
        ("Shown apart and never added: a state subsidy is spent again from the LAO’s own budget."),
    ),
    _term(
        "no-data",
        "ไม่มีข้อมูล",
        "No data",
        "ไม่มีแหล่งข้อมูลใดรายงานขั้นนี้ ไม่ได้แปลว่าศูนย์",
        "No source reports this stage; it does not mean zero.",
    ),
)
"""The entries, in the order the glossary page lists them."""
TERMS = {term.key: term for term in GLOSSARY}
