"""The datasets `khlang publish` builds: what each holds, its resources and their columns,
and the metadata that does not depend on the data (titles, descriptions, data type, update
frequency, tags). What depends on the data (years, areas, systems, geographic level) is
filled in by `describe.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text, t
from khlang.publishers.datasets import sql
from khlang.publishers.tables import COLUMNS, Column

AREA = ("area_code", "area_level", "province_code", "province_name", "district_code",
        "district_name", "subdistrict_code", "subdistrict_name")  # fmt: skip
PROVENANCE = ("source_system", "source_file", "source_row")
LAO = ("lao_key", "lao_name", "lao_type", "province_code", "province_name", "district_code",
       "district_name")  # fmt: skip


class ResourceSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    title: Text
    description: Text
    columns: tuple[str, ...]
    query: Callable[[], str]
    primary_key: tuple[str, ...] = ()
    fields: tuple[Column, ...] = ()
    """Definitions of columns the model does not hold (a generic table's own columns)."""
    levels: tuple[str, ...] = ()
    """Columns whose value is a level repeated on several rows (an area's annual allocation
    on every month, a figure to date): their sum over rows is no total, and the schema says
    so (`"additive": false`) for the readers that add columns up, as the dataset page's
    chart does."""

    def column(self, name: str) -> Column:
        """A column's definition: this resource's own, else the model's."""
        return next((field for field in self.fields if field.name == name), None) or COLUMNS[name]


class DatasetSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    title: Text
    notes: Text
    data_type: str
    """`statistical` or `record` (GD Catalog: ข้อมูลสถิติ / ข้อมูลระเบียน)."""
    frequency: tuple[str, str]
    """(update_frequency_unit, update_frequency_interval)."""
    requires: tuple[str, ...]
    """Reconciled tables that must hold rows for the dataset to be built."""
    tags: tuple[str, ...]
    themes: tuple[str, ...]
    geo: str = "area"
    """How the geographic coverage is found: `area` from the rows' area levels, or a fixed
    GD Catalog value for LAO (`เทศบาล/อบต.`) and village data."""
    high_value: bool = False
    calculation: Text | None = None
    license: tuple[str, str | None] | None = None
    """(license_id, license_id_other) when the data's own licence binds the dataset."""
    reference_data: bool = False
    unit: str = "บาท"
    """Unit of measure of a statistical dataset's figures (GD Catalog)."""
    resources: tuple[ResourceSpec, ...]


BUDGET_ALLOCATION = DatasetSpec(
    key="budget-allocation",
    title=t("งบประมาณรายจ่ายที่ได้รับจัดสรรรายพื้นที่", "Budget allocation by area"),
    notes=t(
        "งบประมาณที่ขอ ได้รับจัดสรร และโอนจัดสรร จำแนกตามพื้นที่ (จังหวัด อำเภอ ตำบล อปท.) ปีงบประมาณ "
        "หน่วยงาน ประเภทงบรายจ่าย และแหล่งเงิน พร้อมรายการงบประมาณรายรายการที่มีรหัสคงที่ และบัญชีจำนวนเงิน"
        "ที่ระบุระบบ ไฟล์ และแถวต้นทางของทุกตัวเลข",
        "Budget requested, allocated and transferred by area (province, district, sub-district, "
        "LAO), fiscal year, agency, budget type and source of funds, with the budget lines under "
        "stable identifiers and a ledger naming the system, file and row of every amount.",
    ),
    data_type="statistical",
    frequency=("ปี", "1"),
    requires=("amounts",),
    tags=("งบประมาณ", "งบประมาณเชิงพื้นที่", "การจัดสรรงบประมาณ", "budget", "allocation"),
    themes=("GOVE", "ECON"),
    high_value=True,
    resources=(
        ResourceSpec(
            name="allocation-by-area",
            title=t("งบประมาณจัดสรรรายพื้นที่", "Allocation by area"),
            description=t(
                "ผลรวมคำขอ จัดสรร และโอนจัดสรร หนึ่งแถวต่อปีงบประมาณ พื้นที่ หน่วยรับงบประมาณ "
                "ประเภทงบรายจ่าย และแหล่งเงิน",
                "Requested, allocated and transferred totals, one row per fiscal year, area, "
                "budget unit, budget type and source of funds.",
            ),
            columns=(
                "fiscal_year",
                *AREA,
                "lao_key",
                "lao_name",
                "ministry_code",
                "ministry_name",
                "department_code",
                "department_name",
                "budget_unit_code",
                "budget_unit_name",
                "budget_type",
                "budget_type_th",
                "source_of_funds",
                "lines",
                "requested",
                "allocated",
                "transferred",
            ),
            query=sql.allocation_by_area,
        ),
        ResourceSpec(
            name="budget-lines",
            title=t("รายการงบประมาณ", "Budget lines"),
            description=t(
                "หนึ่งแถวต่อรายการงบประมาณ พร้อมจำนวนเงินทุกขั้นตอน ระบบที่พบรายการ และแหล่งที่มาของรายการ",
                "One row per budget line with its amount in every phase, the systems it appears "
                "in and the record it was described from.",
            ),
            columns=(
                "line_id",
                "fiscal_year",
                "fiscal_year_original",
                "ministry_code",
                "ministry_name",
                "department_code",
                "department_name",
                "budget_unit_code",
                "budget_unit_name",
                "strategy",
                "plan_name",
                "output_name",
                "project_name",
                "item_name",
                "budget_type",
                "source_of_funds",
                *AREA,
                "lao_key",
                "requested",
                "allocated",
                "transferred",
                "committed",
                "disbursed",
                "systems",
                *PROVENANCE,
            ),
            query=sql.budget_lines,
            primary_key=("line_id",),
        ),
        ResourceSpec(
            name="amounts",
            title=t("บัญชีจำนวนเงินและแหล่งที่มา", "Amounts with provenance"),
            description=t(
                "ทุกจำนวนเงินที่นับรวม หนึ่งแถวต่อรายการ ขั้นตอน เดือน และพื้นที่ พร้อมระบบ ไฟล์ และแถวต้นทาง",
                "Every amount counted, one row per line, phase, month and area, with its source "
                "system, file and row.",
            ),
            columns=(
                "line_id",
                "fiscal_year",
                "phase",
                "fiscal_month",
                "amount",
                "area_code",
                "area_level",
                "province_code",
                "district_code",
                "subdistrict_code",
                "lao_key",
                *PROVENANCE,
            ),
            query=sql.amount_ledger,
        ),
    ),
)

DISBURSEMENT = DatasetSpec(
    key="disbursement-progress",
    title=t("ความก้าวหน้าการเบิกจ่ายงบประมาณรายพื้นที่รายเดือน", "Disbursement progress by area and month"),
    notes=t(
        "งบประมาณที่ได้รับจัดสรร การก่อหนี้ผูกพัน และการเบิกจ่ายรายเดือนและสะสม พร้อมอัตราการเบิกจ่าย "
        "จำแนกตามอำเภอหรือจังหวัด",
        "Allocated budget, commitments and disbursement by month and to date, with the "
        "disbursement rate, by district or province.",
    ),
    data_type="statistical",
    frequency=("เดือน", "1"),
    requires=("amounts",),
    tags=("การเบิกจ่าย", "งบประมาณ", "GFMIS", "disbursement"),
    themes=("GOVE", "ECON"),
    high_value=True,
    resources=(
        ResourceSpec(
            name="disbursement-by-area-month",
            title=t("การเบิกจ่ายรายพื้นที่รายเดือน", "Disbursement by area and month"),
            description=t(
                "หนึ่งแถวต่อปีงบประมาณ พื้นที่ และเดือน (เดือนว่างเมื่อแหล่งข้อมูลให้เพียงยอดทั้งปี) "
                "งบจัดสรรเป็นยอดทั้งปีของพื้นที่ซ้ำทุกเดือนเพื่อคำนวณอัตราการเบิกจ่ายสะสม",
                "One row per fiscal year, area and month (empty when the source gives only a "
                "year's total). Allocated is the area's annual allocation, repeated each month "
                "so the rate to date can be read on every row.",
            ),
            columns=(
                "fiscal_year",
                "fiscal_month",
                "month",
                "area_code",
                "area_level",
                "province_code",
                "province_name",
                "district_code",
                "district_name",
                "allocated",
                "committed",
                "disbursed",
                "committed_cumulative",
                "disbursed_cumulative",
                "disbursement_rate",
            ),
            query=sql.disbursement_by_area_month,
            levels=(
                "allocated",
                "committed_cumulative",
                "disbursed_cumulative",
                "disbursement_rate",
            ),
        ),
    ),
)

PROJECTS = DatasetSpec(
    key="projects",
    title=t("โครงการ สถานะ และพื้นที่ดำเนินการ", "Projects with status and location"),
    notes=t(
        "โครงการในแผนพัฒนาท้องถิ่นและรายการงบประมาณ พร้อมสถานะ พื้นที่ดำเนินการ งบตามแผน งบจัดสรร "
        "การเบิกจ่าย จำนวนสัญญา และระบบที่พบโครงการ",
        "Projects of the local development plans and budget lines, with status, location, "
        "planned and allocated amounts, disbursement, contracts and the systems each appears in.",
    ),
    data_type="record",
    frequency=("เดือน", "1"),
    requires=("lines",),
    tags=("โครงการ", "แผนพัฒนาท้องถิ่น", "e-Plan", "projects"),
    themes=("GOVE", "REGI"),
    resources=(
        ResourceSpec(
            name="projects",
            title=t("โครงการ", "Projects"),
            description=t(
                "หนึ่งแถวต่อโครงการและปีงบประมาณ โครงการที่ไม่อยู่ในแผนพัฒนาท้องถิ่นใช้รหัสรายการงบประมาณ",
                "One row per project and fiscal year; a budget line without a plan project is "
                "listed under its line identifier.",
            ),
            columns=(
                "project_id",
                "line_id",
                "fiscal_year",
                "project_name",
                "lao_key",
                "lao_name",
                *AREA,
                "planned",
                "allocated",
                "disbursed",
                "contracts",
                "project_status",
                "systems",
            ),
            query=sql.projects,
            primary_key=("project_id", "fiscal_year"),
        ),
    ),
)

CONTRACTS = DatasetSpec(
    key="procurement-contracts",
    title=t("สัญญาจัดซื้อจัดจ้างที่เชื่อมโยงกับโครงการ", "Procurement contracts linked to projects"),
    notes=t(
        "การจัดซื้อจัดจ้างตามโครงสร้างมาตรฐาน Open Contracting (ocid วิธีการจัดหา ราคากลาง ผู้ชนะ สัญญา) "
        "เชื่อมโยงกับรายการงบประมาณและโครงการด้วยรหัส",
        "Procurement shaped like the Open Contracting Data Standard (ocid, method, reference "
        "price, award, supplier, contract), linked to budget lines and projects by identifier.",
    ),
    data_type="record",
    frequency=("เดือน", "1"),
    requires=("contracts",),
    tags=("จัดซื้อจัดจ้าง", "สัญญา", "e-GP", "OCDS", "procurement"),
    themes=("GOVE", "ECON"),
    high_value=True,
    resources=(
        ResourceSpec(
            name="contracts",
            title=t("สัญญาจัดซื้อจัดจ้าง", "Contracts"),
            description=t(
                "หนึ่งแถวต่อสัญญา (หรือต่อกระบวนการจัดซื้อที่ยังไม่มีสัญญา) ผู้ขายระบุด้วยเลขประจำตัวผู้เสียภาษีของนิติบุคคล",
                "One row per contract (or per process without a contract yet); suppliers are "
                "juristic persons identified by tax number.",
            ),
            columns=(
                "ocid",
                "egp_project_id",
                "line_id",
                "project_id",
                "fiscal_year",
                "buyer_name",
                "lao_key",
                "title",
                "method",
                "ocds_method",
                "budget_amount",
                "tender_value",
                "award_value",
                "contract_value",
                "supplier_id",
                "supplier_name",
                "tender_date",
                "award_date",
                "contract_date",
                "contract_end",
                "contract_status",
                *AREA,
                *PROVENANCE,
            ),
            query=sql.contracts,
        ),
    ),
)

LAO_FINANCE = DatasetSpec(
    key="lao-revenue-expenditure",
    title=t("รายรับและรายจ่ายขององค์กรปกครองส่วนท้องถิ่น", "LAO revenue and expenditure"),
    notes=t(
        "ประมาณการและรายรับจริงตามหมวด และงบประมาณรายจ่ายตามประเภทงบ "
        "ขององค์กรปกครองส่วนท้องถิ่น รายปีงบประมาณ",
        "Estimated and actual revenue by category and expenditure by budget type of local "
        "administrative organisations, by fiscal year.",
    ),
    data_type="record",
    frequency=("ปี", "1"),
    requires=("lao_finance",),
    tags=("อปท.", "รายรับ", "รายจ่าย", "e-LAAS", "local government"),
    themes=("GOVE", "REGI"),
    geo="เทศบาล/อบต.",
    resources=(
        ResourceSpec(
            name="lao-finance",
            title=t("รายรับรายจ่าย อปท.", "LAO revenue and expenditure"),
            description=t(
                "หนึ่งแถวต่อ อปท. ปีงบประมาณ และหมวดรายรับหรือประเภทงบรายจ่าย",
                "One row per LAO, fiscal year and revenue category or budget type.",
            ),
            columns=(
                "fiscal_year",
                *LAO,
                "kind",
                "category",
                "category_th",
                "item",
                "source_of_funds",
                "estimate",
                "actual",
                *PROVENANCE,
            ),
            query=sql.lao_finance,
        ),
    ),
)

NEEDS = DatasetSpec(
    key="citizens-needs",
    title=t("ความต้องการของประชาชนและการติดตามผล", "Citizens' needs and their follow-up"),
    notes=t(
        "ความต้องการของชุมชนที่ผู้นำชุมชนบันทึก จำแนกตาม 5 ด้าน (เศรษฐกิจ สังคม สิ่งแวดล้อม โครงสร้างพื้นฐาน "
        "ความมั่นคงปลอดภัย) และประเด็น พร้อมสถานะและโครงการที่ตอบสนอง ไม่เผยแพร่ชื่อบุคคล",
        "Community needs entered by their leaders, by the five strategic areas (economy, society, "
        "environment, infrastructure, security) and topic, with status and the project that "
        "answered them. No personal names are published.",
    ),
    data_type="record",
    frequency=("เดือน", "1"),
    requires=("needs",),
    tags=("ความต้องการของประชาชน", "งบประมาณแบบมีส่วนร่วม", "ชุมชน", "participatory budgeting"),
    themes=("SOCI", "REGI"),
    geo="หมู่บ้าน",
    resources=(
        ResourceSpec(
            name="needs",
            title=t("ความต้องการของประชาชน", "Citizens' needs"),
            description=t(
                "หนึ่งแถวต่อความต้องการ พร้อมโครงการที่ตอบสนองและสถานะของโครงการ",
                "One row per need, with the answering project and its status.",
            ),
            columns=(
                "need_id",
                "fiscal_year",
                "community",
                "village_no",
                *AREA,
                "lao_key",
                "lao_name",
                "strategic_area",
                "strategic_area_th",
                "topic",
                "topic_th",
                "description",
                "leader_role",
                "leader_id",
                "entered_date",
                "need_status",
                "answered_by",
                "project_name",
                "project_status",
                *PROVENANCE,
            ),
            query=sql.needs,
            primary_key=("need_id",),
        ),
    ),
)

BENCHMARK = DatasetSpec(
    key="lao-benchmark",
    title=t("ตัวชี้วัดเปรียบเทียบองค์กรปกครองส่วนท้องถิ่น", "LAO benchmark indicators"),
    notes=t(
        "งบประมาณต่อหัวประชากร อัตราการเบิกจ่าย สัดส่วนงบลงทุน สัดส่วนรายได้จัดเก็บเอง และอันดับภายในจังหวัด"
        "และประเภท อปท. โดยใช้จำนวนประชากรตามทะเบียนราษฎรของกรมการปกครอง",
        "Budget per capita, disbursement rate, investment share, own-revenue share and rank "
        "within the province and LAO type, using DOPA registered population.",
    ),
    data_type="statistical",
    frequency=("ปี", "1"),
    requires=("lao_finance",),
    tags=("อปท.", "ตัวชี้วัด", "งบประมาณต่อหัว", "benchmark", "per capita"),
    themes=("GOVE", "REGI"),
    geo="เทศบาล/อบต.",
    resources=(
        ResourceSpec(
            name="lao-benchmark",
            title=t("ตัวชี้วัด อปท.", "LAO indicators"),
            description=t(
                "หนึ่งแถวต่อ อปท. และปีงบประมาณ อันดับเรียงจากงบประมาณต่อหัวสูงสุด",
                "One row per LAO and fiscal year; ranks run from the highest budget per capita.",
            ),
            columns=(
                "fiscal_year",
                *LAO,
                "population",
                "population_date",
                "expenditure_budget",
                "budget_per_capita",
                "disbursement_rate",
                "investment_share",
                "own_revenue_share",
                "rank_in_province",
                "rank_in_type",
            ),
            query=sql.lao_benchmark,
            primary_key=("lao_key", "fiscal_year"),
        ),
    ),
)

DATASETS: tuple[DatasetSpec, ...] = (
    BUDGET_ALLOCATION,
    DISBURSEMENT,
    PROJECTS,
    CONTRACTS,
    LAO_FINANCE,
    NEEDS,
    BENCHMARK,
)
