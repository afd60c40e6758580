"""The columns of the area-budget model, described once.

Every column khlang writes (in the canonical tables adapters produce, and in the published
datasets) is defined here with its type, Thai and English title, description and
constraints. Adapters check their output against these names, builders select them, and the
Table Schema of each published resource is generated from the same definitions, so a column
means the same thing everywhere it appears.
"""

from __future__ import annotations

from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, model_validator

from khlang.i18n import Text
from khlang.metadata.field_semantics import categories, semantic_type
from khlang.metadata.vocabularies import Vocabulary
from khlang.publishers.amounts import AMOUNT_TYPE
from khlang.publishers.vocab import (
    BUDGET_TYPES,
    FUND_SOURCES,
    LAO_FINANCE_KINDS,
    LAO_TYPES,
    NEED_STATUSES,
    PHASES,
    PROCUREMENT_METHODS,
    PROJECT_STATUSES,
    STRATEGIC_AREA_VOCAB,
    TOPIC_VOCAB,
)

FieldType = Literal["string", "integer", "number", "boolean", "date", "datetime"]
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("s"),
}


class Column(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    type: FieldType
    title: Text
    description: Text
    amount: bool = False
    """Baht, kept as DECIMAL(18,2) and written with two decimals."""
    required: bool = False
    enum: tuple[str, ...] | None = None
    vocabulary: Vocabulary | None = None
    """The code list of a coded column: its codes are the `enum`, and its labels go into
    the schema's `categories` (khlang.metadata.field_semantics)."""
    rdf_type: str | None = None
    """What the column holds, as a URI (`rdfType`): the model's own columns carry theirs."""
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _enum_of_vocabulary(cls, values: Any) -> Any:
        """A coded column's `enum` is its vocabulary's codes."""
        vocabulary = values.get("vocabulary") if isinstance(values, dict) else None
        if vocabulary is not None and values.get("enum") is None:
            values = {**values, "enum": tuple(term.code for term in vocabulary.terms)}
        return values

    @property
    def arrow_type(self) -> pa.DataType:
        return AMOUNT_TYPE if self.amount else ARROW_TYPES[self.type]

    def table_schema_field(self) -> dict[str, Any]:
        """The Frictionless Table Schema field, with English title and description and the
        Thai ones beside them (khlang's `title_th`/`description_th` extensions), the code
        labels of a coded column (`categories`) and what the column holds (`rdfType`)."""
        field: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "title": self.title.en,
            "description": self.description.en,
            "title_th": self.title.th,
            "description_th": self.description.th,
        }
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.vocabulary is not None:
            field["categories"] = categories(self.vocabulary)
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if constraints:
            field["constraints"] = constraints
        if self.amount:
            field["unit"] = "THB"
        if self.rdf_type:
            field["rdfType"] = self.rdf_type
        return field


def _c(
    name: str,
    type_: FieldType,
    th: str,
    en: str,
    desc_th: str,
    desc_en: str,
    **extra: Any,
) -> Column:
    """A column of the model, typed in khlang's namespace."""
    return Column(
        name=name,
        type=type_,
        title=Text(th=th, en=en),
        description=Text(th=desc_th, en=desc_en),
        rdf_type=semantic_type(name),
        **extra,
    )


def _amount(name: str, th: str, en: str, desc_th: str, desc_en: str) -> Column:
    return _c(name, "number", th, en, desc_th, desc_en, amount=True)


_COLUMNS: list[Column] = [
    # --- identity and time ------------------------------------------------------------
    _c("line_id", "string", "รหัสรายการงบประมาณ", "Budget line identifier",
       "รหัสของรายการงบประมาณ จากระบบต้นทาง หรือรหัสที่ khlang สร้างจากปี "
       "หน่วยรับงบประมาณ ชื่อรายการ และพื้นที่ (ขึ้นต้นด้วย kl-)",
       "The source system's identifier of the budget line, or one khlang "
       "derives from the year, budget unit, item name and area (prefixed kl-)."),
    _c("fiscal_year", "integer", "ปีงบประมาณ (พ.ศ.)", "Fiscal year (BE)",
       "ปีงบประมาณตามพุทธศักราช (1 ต.ค. – 30 ก.ย.)",
       "Fiscal year in the Buddhist era, October to September.",
       required=True, minimum=2500, maximum=2700),
    _c("fiscal_year_original", "string", "ปีตามต้นฉบับ", "Year as written in the source",
       "ปีตามที่ระบบต้นทางบันทึก เก็บไว้เมื่อมีการแปลงจาก ค.ศ. เป็น พ.ศ.",
       "The year as the source wrote it, kept when it was converted from CE to BE."),
    _c("fiscal_month", "integer", "เดือนของปีงบประมาณ", "Fiscal month",
       "ลำดับเดือนในปีงบประมาณ 1 = ตุลาคม ถึง 12 = กันยายน",
       "Month of the fiscal year: 1 = October ... 12 = September.",
       minimum=1, maximum=12),
    _c("month", "string", "เดือน (ค.ศ.)", "Calendar month",
       "เดือนตามปฏิทินในรูปแบบ YYYY-MM (ค.ศ.)", "Calendar month as YYYY-MM (CE).",
       pattern=r"\d{4}-\d{2}"),
    # --- agency ----------------------------------------------------------------------
    _c("ministry_code", "string", "รหัสกระทรวง", "Ministry code",
       "รหัสกระทรวงตามสำนักงบประมาณ", "The Budget Bureau's ministry code."),
    _c("ministry_name", "string", "กระทรวง", "Ministry", "ชื่อกระทรวงหรือส่วนราชการระดับกระทรวง",
       "Ministry or ministry-level body."),
    _c("department_code", "string", "รหัสกรม", "Department code", "รหัสกรมหรือหน่วยงานเทียบเท่า",
       "Department (or equivalent) code."),
    _c("department_name", "string", "กรม", "Department", "ชื่อกรมหรือหน่วยงานเทียบเท่า",
       "Department or equivalent body."),
    _c("budget_unit_code", "string", "รหัสหน่วยรับงบประมาณ", "Budget unit code",
       "รหัสหน่วยรับงบประมาณ", "Code of the budget-receiving unit."),
    _c("budget_unit_name", "string", "หน่วยรับงบประมาณ", "Budget unit",
       "หน่วยรับงบประมาณ (รวมถึง อปท. ที่ได้รับเงินอุดหนุน)",
       "The budget-receiving unit (including LAOs receiving subsidies)."),
    # --- programme ---------------------------------------------------------------------
    _c("plan_name", "string", "แผนงาน", "Plan", "แผนงานตามพระราชบัญญัติงบประมาณ",
       "Plan (แผนงาน) of the budget act."),
    _c("output_name", "string", "ผลผลิต/โครงการ", "Output or programme",
       "ผลผลิตหรือโครงการตามเอกสารงบประมาณ", "Output or programme of the budget documents."),
    _c("project_name", "string", "โครงการ", "Project", "ชื่อโครงการ", "Project name."),
    _c("item_name", "string", "รายการ", "Item", "ชื่อรายการงบประมาณตามต้นฉบับ",
       "Budget line item as written in the source.", required=True),
    _c("budget_type", "string", "ประเภทงบรายจ่าย", "Budget type",
       "งบบุคลากร งบดำเนินงาน งบลงทุน งบเงินอุดหนุน งบรายจ่ายอื่น หรืองบกลาง (รหัส)",
       "Personnel, operating, investment, subsidies, other expenditure or central fund (code).",
       vocabulary=BUDGET_TYPES),
    _c("budget_type_th", "string", "ประเภทงบรายจ่าย (ชื่อ)", "Budget type (Thai)",
       "ชื่อประเภทงบรายจ่ายภาษาไทย", "The budget type's Thai name."),
    _c("source_of_funds", "string", "แหล่งเงิน", "Source of funds",
       "เงินงบประมาณ เงินอุดหนุนทั่วไป เงินอุดหนุนเฉพาะกิจ รายได้จัดเก็บเอง เงินกู้ หรือเงินนอกงบประมาณ (รหัส)",
       "Budget, general subsidy, specific subsidy, own revenue, loan or off-budget funds (code).",
       vocabulary=FUND_SOURCES),
    _c("phase", "string", "ขั้นตอน", "Phase",
       "ขั้นตอนของเงิน: คำขอ จัดสรร โอนจัดสรร ก่อหนี้ผูกพัน เบิกจ่าย (รหัส)",
       "Budget phase: requested, allocated, transferred, committed, disbursed (code).",
       vocabulary=PHASES, required=True),
    # --- area ----------------------------------------------------------------------------
    _c("area_code", "string", "รหัสพื้นที่", "Area code",
       "รหัสพื้นที่ของกรมการปกครองระดับที่ละเอียดที่สุดที่ทราบ (2, 4 หรือ 6 หลัก) หรือ TH ทั้งประเทศ",
       "The DOPA code of the most specific known area (2, 4 or 6 digits), or TH for nationwide.",
       pattern=r"TH|\d{2}|\d{4}|\d{6}"),
    _c("area_level", "string", "ระดับพื้นที่", "Area level",
       "ประเทศ ภาค จังหวัด อำเภอ ตำบล หลายพื้นที่ หรือส่วนกลาง", "Country, region, province, "
       "district, sub-district, several areas, or central (not attributed to an area).",
       enum=("country", "region", "province", "district", "subdistrict", "multiple", "central",
             "unknown")),
    _c("region_code", "string", "รหัสภาค", "Region code", "รหัสภาค (6 ภาค)",
       "Region code (six regions)."),
    _c("region_name", "string", "ภาค", "Region", "ชื่อภาค", "Region name (Thai)."),
    _c("province_code", "string", "รหัสจังหวัด", "Province code", "รหัสจังหวัด 2 หลักของกรมการปกครอง",
       "Two-digit DOPA province code.", pattern=r"\d{2}"),
    _c("province_name", "string", "จังหวัด", "Province", "ชื่อจังหวัด", "Province name (Thai)."),
    _c("district_code", "string", "รหัสอำเภอ", "District code", "รหัสอำเภอ 4 หลักของกรมการปกครอง",
       "Four-digit DOPA district code.", pattern=r"\d{4}"),
    _c("district_name", "string", "อำเภอ", "District", "ชื่ออำเภอ", "District name (Thai)."),
    _c("subdistrict_code", "string", "รหัสตำบล", "Sub-district code",
       "รหัสตำบล 6 หลักของกรมการปกครอง", "Six-digit DOPA sub-district code.", pattern=r"\d{6}"),
    _c("subdistrict_name", "string", "ตำบล", "Sub-district", "ชื่อตำบล", "Sub-district name (Thai)."),
    _c("village_no", "integer", "หมู่ที่", "Village number", "หมู่ที่ของหมู่บ้าน",
       "Village (หมู่) number.", minimum=1),
    _c("lao_key", "string", "รหัส อปท.", "LAO key",
       "รหัสองค์กรปกครองส่วนท้องถิ่นในทะเบียน อปท. (<ประเภท>-<รหัส>)",
       "Key of the local administrative organisation in the LAO register (<type>-<code>)."),
    _c("lao_name", "string", "ชื่อ อปท.", "LAO", "ชื่อเต็มขององค์กรปกครองส่วนท้องถิ่น",
       "Full name of the local administrative organisation."),
    _c("lao_type", "string", "ประเภท อปท.", "LAO type",
       "อบจ. เทศบาลนคร เทศบาลเมือง เทศบาลตำบล หรือ อบต. (รหัส)",
       "PAO, city, town or sub-district municipality, or SAO (code).", vocabulary=LAO_TYPES),
    # --- amounts ---------------------------------------------------------------------------
    _amount("amount", "จำนวนเงิน (บาท)", "Amount (baht)", "จำนวนเงินเป็นบาท ทศนิยม 2 ตำแหน่ง",
            "Amount in baht, two decimals."),
    _amount("requested", "คำขอ (บาท)", "Requested (baht)", "วงเงินที่เสนอขอ",
            "Amount requested."),
    _amount("allocated", "จัดสรร (บาท)", "Allocated (baht)",
            "วงเงินที่ได้รับจัดสรรตามพระราชบัญญัติงบประมาณหรือข้อบัญญัติ",
            "Amount allocated by the budget act or ordinance."),
    _amount("transferred", "โอนจัดสรร (บาท)", "Transferred (baht)",
            "วงเงินที่โอนจัดสรรให้หน่วยงานหรือ อปท.", "Amount transferred to the unit or LAO."),
    _amount("committed", "ก่อหนี้ผูกพัน (บาท)", "Committed (baht)",
            "วงเงินที่ก่อหนี้ผูกพันแล้ว (ใบสั่งซื้อ/สัญญา)",
            "Amount committed (purchase orders, contracts)."),
    _amount("disbursed", "เบิกจ่าย (บาท)", "Disbursed (baht)", "วงเงินที่เบิกจ่ายแล้ว",
            "Amount disbursed."),
    _amount("committed_cumulative", "ก่อหนี้ผูกพันสะสม (บาท)", "Committed to date (baht)",
            "ยอดก่อหนี้ผูกพันสะสมตั้งแต่ต้นปีงบประมาณถึงสิ้นเดือน",
            "Commitments from the start of the fiscal year to the end of the month."),
    _amount("disbursed_cumulative", "เบิกจ่ายสะสม (บาท)", "Disbursed to date (baht)",
            "ยอดเบิกจ่ายสะสมตั้งแต่ต้นปีงบประมาณถึงสิ้นเดือน",
            "Disbursement from the start of the fiscal year to the end of the month."),
    _c("disbursement_rate", "number", "อัตราการเบิกจ่าย (%)", "Disbursement rate (%)",
       "เบิกจ่ายสะสม ÷ จัดสรร × 100", "Disbursed to date ÷ allocated × 100.", minimum=0),
    # --- provenance ------------------------------------------------------------------------
    _c("source_system", "string", "ระบบต้นทาง", "Source system",
       "ระบบที่เป็นต้นทางของตัวเลข", "The system the figure comes from.", required=True),
    _c("source_file", "string", "ไฟล์ต้นทาง", "Source file",
       "ไฟล์ส่งออกที่อ่าน (เทียบกับโฟลเดอร์ต้นทาง)",
       "The export file read (relative to the sources folder).",
       required=True),
    _c("source_row", "integer", "แถวต้นทาง", "Source row",
       "แถวในไฟล์ต้นทาง (แถวหัวตารางคือแถวที่ 1) หรือลำดับรายการในไฟล์ JSON",
       "Row in the source file (the header is row 1), or the record's position in a JSON file.",
       required=True, minimum=1),
    _c("systems", "string", "ปรากฏในระบบ", "Systems",
       "ระบบที่พบโครงการหรือรายการนี้ คั่นด้วย ;",
       "Systems the project or line appears in, separated by ;."),
    # --- procurement (OCDS) ------------------------------------------------------------------
    _c("ocid", "string", "รหัส OCDS", "OCID", "รหัสกระบวนการจัดซื้อจัดจ้างตามมาตรฐาน OCDS",
       "Open Contracting ID of the contracting process.", required=True),
    _c("egp_project_id", "string", "เลขที่โครงการ e-GP", "e-GP project number",
       "เลขที่โครงการในระบบ e-GP", "Project number in e-GP."),
    _c("buyer_name", "string", "หน่วยงานผู้จัดซื้อจัดจ้าง", "Buyer", "หน่วยงานที่จัดซื้อจัดจ้าง",
       "The procuring entity."),
    _c("title", "string", "ชื่อโครงการจัดซื้อจัดจ้าง", "Tender title", "ชื่อโครงการจัดซื้อจัดจ้าง",
       "Title of the procurement."),
    _c("method", "string", "วิธีการจัดหา", "Procurement method",
       "วิธีการจัดซื้อจัดจ้าง (รหัส)", "Procurement method (code).", vocabulary=PROCUREMENT_METHODS),
    _c("ocds_method", "string", "วิธีการจัดหา (OCDS)", "OCDS method",
       "open, selective หรือ limited ตาม codelist ของ OCDS", "OCDS procurementMethod: open, "
       "selective or limited.", enum=("open", "selective", "limited", "direct")),
    _amount("budget_amount", "วงเงินงบประมาณ (บาท)", "Budget (baht)",
            "วงเงินงบประมาณของโครงการจัดซื้อจัดจ้าง", "Budget of the procurement."),
    _amount("tender_value", "ราคากลาง (บาท)", "Reference price (baht)", "ราคากลางของการจัดซื้อจัดจ้าง",
            "Reference (median) price of the tender."),
    _amount("award_value", "ราคาที่ตกลง (บาท)", "Award value (baht)", "ราคาที่ตกลงซื้อหรือจ้าง",
            "Value of the award."),
    _amount("contract_value", "มูลค่าสัญญา (บาท)", "Contract value (baht)", "มูลค่าตามสัญญา",
            "Value of the signed contract."),
    _c("supplier_id", "string", "เลขประจำตัวผู้เสียภาษีผู้ขาย", "Supplier tax ID",
       "เลขประจำตัวผู้เสียภาษีอากรของผู้ชนะ (นิติบุคคล)", "Tax identification number of the winning "
       "supplier (a juristic person).", pattern=r"\d{13}"),
    _c("supplier_name", "string", "ผู้ขาย/ผู้รับจ้าง", "Supplier", "ชื่อผู้ชนะการเสนอราคา",
       "Name of the winning supplier."),
    _c("tender_date", "date", "วันที่ประกาศ", "Tender date", "วันที่ประกาศเชิญชวน",
       "Date the tender was published."),
    _c("award_date", "date", "วันที่ประกาศผู้ชนะ", "Award date", "วันที่ประกาศผู้ชนะ",
       "Date of the award."),
    _c("contract_date", "date", "วันที่ลงนามสัญญา", "Contract signed", "วันที่ลงนามในสัญญา",
       "Date the contract was signed."),
    _c("contract_end", "date", "วันสิ้นสุดสัญญา", "Contract end", "วันสิ้นสุดสัญญา",
       "End date of the contract."),
    _c("contract_status", "string", "สถานะสัญญา", "Contract status",
       "สถานะของสัญญาตาม codelist ของ OCDS", "Contract status (OCDS codelist).",
       enum=("pending", "active", "cancelled", "terminated")),
    # --- projects, plans, needs ----------------------------------------------------------
    _c("project_id", "string", "รหัสโครงการ", "Project identifier",
       "รหัสโครงการจากระบบต้นทาง (e-Plan) หรือรหัสรายการงบประมาณ", "Project identifier from the "
       "source (e-Plan) or the budget line identifier."),
    _c("plan_period", "string", "ช่วงแผนพัฒนาท้องถิ่น", "Plan period",
       "ช่วงปีของแผนพัฒนาท้องถิ่น เช่น 2566-2570", "Years of the local development plan, e.g. 2566-2570."),
    _c("strategy", "string", "ยุทธศาสตร์", "Strategy", "ยุทธศาสตร์การพัฒนาของแผน",
       "Development strategy of the plan."),
    _amount("planned", "งบประมาณตามแผน (บาท)", "Planned (baht)", "งบประมาณที่ตั้งไว้ในแผนพัฒนา",
            "Amount set in the development plan."),
    _c("project_status", "string", "สถานะโครงการ", "Project status", "สถานะโครงการ (รหัส)",
       "Project status (code).", vocabulary=PROJECT_STATUSES),
    _c("need_id", "string", "รหัสความต้องการ", "Need identifier", "รหัสความต้องการของชุมชน",
       "Identifier of the community need.", required=True),
    _c("community", "string", "ชุมชน/หมู่บ้าน", "Community", "ชื่อชุมชนหรือหมู่บ้าน",
       "Community or village name."),
    _c("strategic_area", "string", "ด้าน", "Strategic area",
       "ด้านเศรษฐกิจ สังคม สิ่งแวดล้อม โครงสร้างพื้นฐาน หรือความมั่นคงปลอดภัย (รหัส)",
       "Economy, society, environment, infrastructure or security (code).",
       vocabulary=STRATEGIC_AREA_VOCAB),
    _c("topic", "string", "ประเด็น", "Topic", "ประเด็นภายใต้ด้าน (รหัส ด้าน.ประเด็น)",
       "Topic within the strategic area (code area.topic).", vocabulary=TOPIC_VOCAB),
    _c("strategic_area_th", "string", "ด้าน (ชื่อ)", "Strategic area (Thai)", "ชื่อด้านภาษาไทย",
       "Thai name of the strategic area."),
    _c("topic_th", "string", "ประเด็น (ชื่อ)", "Topic (Thai)", "ชื่อประเด็นภาษาไทย",
       "Thai name of the topic."),
    _c("description", "string", "รายละเอียด", "Description", "รายละเอียดความต้องการ",
       "What the community asks for."),
    _c("leader_role", "string", "ผู้บันทึก (ตำแหน่ง)", "Entered by (role)",
       "ตำแหน่งของผู้นำชุมชนที่บันทึก เช่น ผู้ใหญ่บ้าน กำนัน ประธานชุมชน (ไม่เผยแพร่ชื่อบุคคล)",
       "Role of the community leader who entered it, e.g. village head (names are not published)."),
    _c("leader_id", "string", "รหัสผู้บันทึก", "Leader identifier",
       "รหัสผู้นำชุมชนในระบบต้นทาง (ไม่ใช่ชื่อบุคคล)", "The source system's identifier of the leader "
       "(not a name)."),
    _c("entered_date", "date", "วันที่บันทึก", "Date entered", "วันที่บันทึกความต้องการ",
       "Date the need was entered."),
    _c("need_status", "string", "สถานะ", "Status", "สถานะการติดตามความต้องการ (รหัส)",
       "Follow-up status of the need (code).", vocabulary=NEED_STATUSES),
    _c("answered_by", "string", "โครงการที่ตอบสนอง", "Answered by project",
       "รหัสโครงการที่ตอบสนองความต้องการนี้ (ถ้ามี)", "Identifier of the project that answered the "
       "need, if any."),
    # --- LAO finance -----------------------------------------------------------------------
    _c("kind", "string", "รายรับ/รายจ่าย", "Revenue or expenditure", "ประเภทรายการ (รหัส)",
       "Revenue or expenditure (code).", vocabulary=LAO_FINANCE_KINDS),
    _c("category", "string", "หมวด", "Category",
       "หมวดรายรับ หรือประเภทงบรายจ่าย (รหัส)", "Revenue category or budget type (code)."),
    _c("category_th", "string", "หมวด (ชื่อ)", "Category (Thai)", "ชื่อหมวดภาษาไทย",
       "Thai name of the category."),
    _c("item", "string", "รายการ", "Item", "รายการย่อยตามต้นฉบับ", "Item as written in the source."),
    _amount("estimate", "ประมาณการ (บาท)", "Estimate (baht)",
            "ประมาณการรายรับหรืองบประมาณรายจ่ายตามข้อบัญญัติ",
            "Estimated revenue or appropriated expenditure."),
    _amount("actual", "รับจริง/จ่ายจริง (บาท)", "Actual (baht)", "รายรับจริงหรือรายจ่ายจริง",
            "Actual revenue or expenditure."),
    # --- population and indicators --------------------------------------------------------
    _c("population", "integer", "จำนวนประชากร", "Population",
       "ประชากรตามทะเบียนราษฎร์ของกรมการปกครอง (ประมาณการสำหรับ อปท. ดู calculation_method)",
       "DOPA registered population (estimated for an LAO, see calculation_method).", minimum=0),
    _c("population_date", "date", "วันที่ข้อมูลประชากร", "Population reference date",
       "วันที่อ้างอิงของข้อมูลประชากร", "Reference date of the population figure."),
    _amount("expenditure_budget", "งบประมาณรายจ่าย (บาท)", "Expenditure budget (baht)",
            "งบประมาณรายจ่ายตามข้อบัญญัติหรือเทศบัญญัติ (ประมาณการ)",
            "Expenditure appropriated by the local budget ordinance (estimate)."),
    _c("budget_per_capita", "number", "งบประมาณต่อหัว (บาท)", "Budget per capita (baht)",
       "งบประมาณรายจ่าย ÷ จำนวนประชากร", "Expenditure budget ÷ population.", minimum=0),
    _c("investment_share", "number", "สัดส่วนงบลงทุน (%)", "Investment share (%)",
       "งบลงทุน ÷ งบประมาณรายจ่ายทั้งหมด × 100", "Investment ÷ total expenditure budget × 100.",
       minimum=0, maximum=100),
    _c("own_revenue_share", "number", "สัดส่วนรายได้จัดเก็บเอง (%)", "Own-revenue share (%)",
       "รายได้จัดเก็บเอง ÷ รายรับทั้งหมด × 100", "Own-source revenue ÷ total revenue × 100.",
       minimum=0, maximum=100),
    _c("rank_in_province", "integer", "อันดับในจังหวัด", "Rank in province",
       "อันดับงบประมาณต่อหัวในจังหวัดเดียวกัน เทียบกับ อปท. ประเภทเดียวกัน (1 = สูงสุด)",
       "Rank of budget per capita among LAOs of the same type in the province (1 = highest).",
       minimum=1),
    _c("rank_in_type", "integer", "อันดับในประเภท", "Rank in type",
       "อันดับงบประมาณต่อหัวใน อปท. ประเภทเดียวกันทั้งประเทศ (1 = สูงสุด)",
       "Rank of budget per capita among all LAOs of the same type (1 = highest).", minimum=1),
    _c("measure", "string", "ตัวชี้วัดควบคุม", "Control measure",
       "ชื่อยอดรวมควบคุมที่แหล่งข้อมูลประกาศ", "Name of a control total the source states."),
    # --- the area master ------------------------------------------------------------------
    _c("province_name_en", "string", "จังหวัด (อังกฤษ)", "Province (English)",
       "ชื่อจังหวัดภาษาอังกฤษ", "Province name in English."),
    _c("district_name_en", "string", "อำเภอ (อังกฤษ)", "District (English)",
       "ชื่ออำเภอภาษาอังกฤษ", "District name in English."),
    _c("subdistrict_name_en", "string", "ตำบล (อังกฤษ)", "Sub-district (English)",
       "ชื่อตำบลภาษาอังกฤษ", "Sub-district name in English."),
    _c("region_name_en", "string", "ภาค (อังกฤษ)", "Region (English)", "ชื่อภาคภาษาอังกฤษ",
       "Region name in English."),
    _c("postal_code", "string", "รหัสไปรษณีย์", "Postal code", "รหัสไปรษณีย์",
       "Postal code.", pattern=r"\d{5}"),
    _c("lao_name_en", "string", "ชื่อ อปท. (อังกฤษ)", "LAO (English)",
       "ชื่อองค์กรปกครองส่วนท้องถิ่นภาษาอังกฤษ (ไม่รวมประเภท)",
       "The LAO's name in English (without its type)."),
    _c("covered_subdistricts", "string", "ตำบลในเขต", "Sub-districts covered",
       "ตำบลในเขตของ อปท. รูปแบบ รหัส:completely|partially คั่นด้วย ;",
       "Sub-districts the LAO covers, as code:completely|partially separated by ;."),
    _c("difference", "string", "ความแตกต่าง", "Difference",
       "ชนิดของความแตกต่างระหว่างแหล่งข้อมูล", "Kind of difference between the sources.",
       enum=("only_in_tgj", "only_in_kongvut", "name_th", "name_en", "postal_code")),
    _c("value_tgj", "string", "ค่าใน thailand-geography-json", "Value in thailand-geography-json",
       "ค่าในรายการหลัก", "The value in the master list."),
    _c("value_kongvut", "string", "ค่าใน kongvut", "Value in kongvut/thai-province-data",
       "ค่าในรายการที่สอง", "The value in the second list."),
    _c("value_dopa", "string", "ค่าในข้อมูลประชากรกรมการปกครอง", "Value in DOPA population",
       "ชื่อในรายการประชากรของกรมการปกครอง (พยานที่สาม)",
       "The name in DOPA's population list (third witness)."),
    _c("resolved", "string", "ค่าที่ใช้", "Resolved value", "ค่าที่ใช้ในข้อมูลหลัก",
       "The value the area master uses."),
    _c("resolution", "string", "เหตุผล", "Resolution", "วิธีตัดสินความแตกต่าง",
       "How the difference was settled."),
    _c("lines", "integer", "จำนวนรายการ", "Lines", "จำนวนรายการงบประมาณที่รวมในแถวนี้",
       "Number of budget lines summed in this row.", minimum=0),
    _c("contracts", "integer", "จำนวนสัญญา", "Contracts", "จำนวนสัญญาที่เชื่อมโยง",
       "Number of linked contracts.", minimum=0),
]  # fmt: skip

COLUMNS: dict[str, Column] = {column.name: column for column in _COLUMNS}

PROVENANCE = ("source_system", "source_file", "source_row")
AREA = ("area_code", "area_level", "province_code", "district_code", "subdistrict_code", "lao_key")

TABLES: dict[str, tuple[str, ...]] = {
    "budget_lines": (
        "line_id", "fiscal_year", "fiscal_year_original", "ministry_code", "ministry_name",
        "department_code", "department_name", "budget_unit_code", "budget_unit_name",
        "strategy", "plan_name", "output_name", "project_name", "item_name", "budget_type",
        "source_of_funds", *AREA, "village_no", *PROVENANCE,
    ),
    "amounts": (
        "line_id", "fiscal_year", "phase", "fiscal_month", "amount", *AREA, *PROVENANCE,
    ),
    "contracts": (
        "ocid", "egp_project_id", "line_id", "fiscal_year", "buyer_name", "title", "method",
        "ocds_method", "budget_amount", "tender_value", "award_value", "contract_value",
        "supplier_id", "supplier_name", "tender_date", "award_date", "contract_date",
        "contract_end", "contract_status", *AREA, *PROVENANCE,
    ),
    "lao_finance": (
        "lao_key", "fiscal_year", "kind", "category", "item", "source_of_funds", "estimate",
        "actual", *PROVENANCE,
    ),
    "plan_projects": (
        "project_id", "line_id", "lao_key", "plan_period", "fiscal_year", "strategy",
        "plan_name", "project_name", "planned", "project_status", *AREA[:-1], "village_no",
        *PROVENANCE,
    ),
    "controls": ("fiscal_year", "measure", "amount", *PROVENANCE),
    "needs": (
        "need_id", "fiscal_year", "community", "village_no", *AREA, "strategic_area", "topic",
        "description", "leader_role", "leader_id", "entered_date", "need_status",
        "answered_by", *PROVENANCE,
    ),
}  # fmt: skip
"""The canonical tables every adapter writes to, with their columns in order."""


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(name, COLUMNS[name].arrow_type) for name in TABLES[table]])


def table_schema(
    columns: tuple[str, ...] | list[str],
    *,
    primary_key: list[str] | None = None,
    foreign_keys: list[dict[str, Any]] | None = None,
    definitions: dict[str, Column] | None = None,
) -> dict[str, Any]:
    """A Frictionless Table Schema for columns of the model (or defined in `definitions`),
    in the given order."""
    known = {**COLUMNS, **(definitions or {})}
    fields = [known[name].table_schema_field() for name in columns]
    for field in fields:
        if field["name"] in (primary_key or []):
            field.setdefault("constraints", {})["required"] = True
    schema: dict[str, Any] = {
        "fields": fields,
        "missingValues": [""],
    }
    if primary_key:
        schema["primaryKey"] = primary_key
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema
