"""The dashboard's panels from the area-budget store: the level below the selected area, and
the same money by budget type, fiscal year, agency and source system.

Each panel drops its own dimension from the selection (the budget-type panel shows every
type of the selected area and year) and each row sets it: a province row drills down, a
budget-type row filters by that type. A row of amounts that have no value at the panel's
level (a central agency's line, placed in no province) is shown, named so, and is no link.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from khlang.api.area_params import query_string
from khlang.api.service import API
from khlang.api.state import ApiState
from khlang.api.web import charts
from khlang.api.web.codes import code_label, short_lao_name
from khlang.api.web.dashboard.figures import (
    FigureRow,
    figure_row,
    rows_url,
    stages_of,
    store_answers,
)
from khlang.api.web.dashboard.selection import Selection
from khlang.api.web.i18n import Formatter
from khlang.catalog.area_budget import Dimension, Total
from khlang.catalog.area_budget.codes import CodeLabels
from khlang.catalog.area_budget.places import place_name

CHART_BARS = 20
STAGE_LABELS = {
    "requested": ("คำขอ", "Requested"),
    "allocated": ("จัดสรร", "Allocated"),
    "transferred": ("โอนจัดสรร", "Transferred"),
    "committed": ("ก่อหนี้ผูกพัน", "Committed"),
    "disbursed": ("เบิกจ่าย", "Disbursed"),
    "obligated": ("ผูกพันข้ามปี", "Multi-year obligation"),
}
LEVEL_LABELS = {
    "province": ("จังหวัด", "Province"),
    "district": ("อำเภอ", "District"),
    "subdistrict": ("ตำบล", "Sub-district"),
    "lao": ("องค์กรปกครองส่วนท้องถิ่น", "Local administrative organisation"),
}
BELOW = {
    "country": ("province",),
    "province": ("district",),
    "district": ("lao", "subdistrict"),
    "subdistrict": ("lao",),
    "lao": (),
}
"""The breakdowns of each level: the places one level down."""
CHILDREN = {
    "province": ("district", "subdistrict", "lao"),
    "district": ("subdistrict", "lao"),
    "subdistrict": ("lao",),
    "lao": ("subdistrict",),
}
"""What a drill into a place clears (a new district has none of the old LAOs)."""


class Panel(BaseModel):
    key: str
    title: str
    category: str
    """The first column's header."""
    rows: list[FigureRow]
    stages: list[str]
    svg: str | None = None
    rows_url: str
    """Every amount of the panel."""
    api_url: str
    """The API's area totals that give the same table (`/api/v1/area-budget/totals`)."""
    selected: str | None = None
    """The row code the selection already filters by."""


class PanelContext(BaseModel):
    """What building a panel needs besides the selection."""

    model_config = {"arbitrary_types_allowed": True}

    state: ApiState
    fmt: Formatter
    labels: CodeLabels
    link: Any
    base: str
    rows_path: str
    lao_names: dict[str, str] = {}


def _ask(context: PanelContext, selection: Selection, by: Dimension, **changes: Any) -> list[Total]:
    query = selection.query(year=by != "fiscal_year", **changes)
    return store_answers(context.state).totals(context.state, query, [by])


def place_panel(context: PanelContext, selection: Selection, level: str) -> Panel:
    """The places one level down of the selected area."""
    fmt = context.fmt
    totals = _ask(context, selection, level)  # type: ignore[arg-type]
    cleared = dict.fromkeys(CHILDREN[level])

    def name(code: str | None) -> str:
        if code is None:
            return fmt.pick(
                f"ไม่ระบุ{LEVEL_LABELS[level][0]} (ส่วนกลางหรือหลายพื้นที่)",
                f"No {LEVEL_LABELS[level][1].lower()} (central or several areas)",
            )
        if level == "lao" and code in context.lao_names:
            return context.lao_names[code]
        return place_name(level, code, fmt.lang) or code

    rows = [
        figure_row(
            total,
            name=name(total.key[level]),
            code=total.key[level],
            href=None
            if total.key[level] is None
            else context.link(**cleared, **{level: total.key[level]}),
            path=context.rows_path,
        )
        for total in totals
    ]
    rows.sort(key=lambda row: (row.code is None, -(row.allocated or 0), row.name))
    label = fmt.pick(*LEVEL_LABELS[level])
    return _panel(
        context,
        key=f"by-{level}",
        title=fmt.pick(f"งบประมาณจำแนกตาม{label}", f"Budget by {label.lower()}"),
        category=label,
        rows=rows,
        evidence=selection,
        by=level,
    )


def dimension_panel(context: PanelContext, selection: Selection, by: str) -> Panel:
    """The money of the selection by budget type, fiscal year, agency or source system."""
    fmt = context.fmt
    parameter = {"fiscal_year": "year"}.get(by, by)
    totals = _ask(context, selection, by, **{by: None})  # type: ignore[arg-type]
    rows = []
    for total in totals:
        code = total.key[by]
        rows.append(
            figure_row(
                total,
                name=_dimension_label(context.labels, by, code, total.key, fmt),
                code=code,
                href=None if code is None else context.link(**{parameter: code}),
                path=context.rows_path,
            )
        )
    if by != "fiscal_year":
        rows.sort(key=lambda row: (row.code is None, -(row.allocated or 0)))
    titles = {
        "budget_type": ("ประเภทงบรายจ่าย", "Budget type"),
        "fiscal_year": ("ปีงบประมาณ", "Fiscal year"),
        "ministry": ("กระทรวง", "Ministry"),
        "department": ("กรม / หน่วยงาน", "Department"),
        "budget_unit": ("หน่วยรับงบประมาณ", "Budget unit"),
        "source_system": ("ระบบต้นทาง", "Source system"),
    }
    label = fmt.pick(*titles[by])
    current = getattr(selection, parameter, None)
    return _panel(
        context,
        key=f"by-{by.replace('_', '-')}",
        title=fmt.pick(f"งบประมาณจำแนกตาม{label}", f"Budget by {label.lower()}"),
        category=label,
        rows=rows,
        evidence=selection,
        by=by,
        evidence_changes={by: None},
        year=by != "fiscal_year",
        selected=None if current is None else str(current),
    )


def agency_level(selection: Selection) -> str:
    """The agency breakdown one step below the agency filter."""
    if selection.department:
        return "budget_unit"
    return "department" if selection.ministry else "ministry"


def _dimension_label(
    labels: CodeLabels, by: str, code: Any, key: dict[str, Any], fmt: Formatter
) -> str:
    if code is None:
        return fmt.pick("(ไม่ระบุ)", "(not stated)")
    if by == "fiscal_year":
        return fmt.fiscal_year_short(code)
    if by == "budget_type":
        return code_label(labels, "budget_type", code, fmt)
    return str(key.get(f"{by}_name") or code)


def _panel(
    context: PanelContext,
    *,
    key: str,
    title: str,
    category: str,
    rows: list[FigureRow],
    evidence: Selection,
    by: str,
    evidence_changes: dict[str, Any] | None = None,
    year: bool = True,
    selected: str | None = None,
) -> Panel:
    stages = stages_of(rows)
    query = evidence.query(year=year, **(evidence_changes or {}))
    return Panel(
        key=key,
        title=title,
        category=category,
        rows=rows,
        stages=stages,
        svg=amount_chart(rows[:CHART_BARS], context, category, title) if rows else None,
        rows_url=rows_url(query, context.rows_path),
        api_url=f"{context.base}{API}/area-budget/totals?{query_string(query, by=by)}",
        selected=selected,
    )


def amount_chart(
    rows: list[FigureRow], context: PanelContext, category: str, description: str
) -> str:
    """Allocated, committed and disbursed bars; a stage with no data draws no bar (not a
    bar of length zero), and its accessible label reads "–"."""
    fmt, base = context.fmt, context.base
    chart = charts.bar_chart(
        description=description,
        category_title=category,
        value_title=fmt.pick("ล้านบาท", "million baht"),
        series=[
            charts.Series(key=stage, label=fmt.pick(*STAGE_LABELS[stage]))
            for stage in ("allocated", "committed", "disbursed")
        ],
        rows=[
            {
                "category": short_lao_name(context.labels, row.name),
                **{
                    stage: None if getattr(row, stage) is None
                    else round(getattr(row, stage) / 1e6, 3)
                    for stage in ("allocated", "committed", "disbursed")
                },
                **({"href": base + row.href} if row.href else {}),
            }
            for row in rows
        ],
    )  # fmt: skip
    return charts.render_svg(chart)
