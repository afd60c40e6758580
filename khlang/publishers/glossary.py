"""English names for common Thai headers that khlang keeps as a table's own columns.

`khlang mapping suggest` keeps a header it cannot read as a model field under a name of its
own. Romanised Thai (`ngabapraman`) means nothing to a reader of the published table, so the
few words agency tables use most get an English name and title here. A header is looked up
whole (without its unit in brackets), so `งบประมาณโครงการ` is not taken for `งบประมาณ`.

Some of these words are money at a stage khlang cannot tell: `งบประมาณ` may be the amount
requested, allocated or transferred. They stay the table's own column, and the suggestion
says how to publish one as a stage instead (`ambiguous_stage`).
"""

from __future__ import annotations

from typing import NamedTuple

from khlang.i18n import Text
from khlang.publishers.vocab import PHASE_ORDER, squash


class GlossaryTerm(NamedTuple):
    name: str
    title_en: str
    ambiguous_stage: bool = False
    """Money that may be any stage of the budget (requested, allocated, ... disbursed)."""


_TERMS = {
    "งบประมาณ": GlossaryTerm("budget", "Budget", ambiguous_stage=True),
    "วงเงินงบประมาณ": GlossaryTerm("budget", "Budget", ambiguous_stage=True),
    "วงเงิน": GlossaryTerm("budget_limit", "Budget limit", ambiguous_stage=True),
    "จำนวนเงิน": GlossaryTerm("amount", "Amount", ambiguous_stage=True),
    "งบประมาณโครงการ": GlossaryTerm("project_budget", "Project budget", ambiguous_stage=True),
    "ผู้รับผิดชอบ": GlossaryTerm("responsible_unit", "Responsible unit"),
    "หน่วยงานรับผิดชอบ": GlossaryTerm("responsible_unit", "Responsible unit"),
    "หมายเหตุ": GlossaryTerm("note", "Note"),
    "สถานะ": GlossaryTerm("status", "Status"),
    "ลำดับ": GlossaryTerm("row_number", "No."),
    "ลำดับที่": GlossaryTerm("row_number", "No."),
}
GLOSSARY = {squash(thai): term for thai, term in _TERMS.items()}

STAGES = tuple(stage for stage in PHASE_ORDER if stage != "obligated")
"""The stages a table's amount column can be published as."""


def known_term(header: str) -> GlossaryTerm | None:
    """The glossary's term for a header (already without its unit), if it has one."""
    return GLOSSARY.get(squash(header))


def stage_advice(header: str, name: str) -> Text:
    """What an officer edits to publish an amount of an undecided stage as one stage."""
    stages = ", ".join(stage for stage in STAGES if stage != "allocated")
    return Text(
        th=f"คอลัมน์ '{header}' เก็บไว้เป็น {name} เพราะระบุไม่ได้ว่าเป็นงบขั้นใด (คำขอ จัดสรร "
        f"โอนจัดสรร ก่อหนี้ผูกพัน หรือเบิกจ่าย) ถ้าเป็นงบที่ได้รับจัดสรร ให้แก้ {name} เป็น "
        f"allocated ใต้ columns: และ signature: แล้วลบ {name} ใต้ fields: "
        f"(หรือขั้นอื่น: {stages})",
        en=f"'{header}' is kept as {name}: khlang cannot tell which stage of the budget it is "
        f"(requested, allocated, transferred, committed or disbursed). If it is the allocated "
        f"budget, replace {name} with allocated under columns: and signature:, and delete "
        f"{name} under fields: (or another stage: {stages})",
    )
