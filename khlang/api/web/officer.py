"""The data officer's view of one organisation: each dataset's findings and both scores, the
Budget Bureau's indicator in its three steps (50, 75, 100 points), and an ordered list of
what to fix first.

The order follows what the fixes earn. The indicator's first 50 points need every dataset's
mandatory items and resource descriptions right, so those errors come first, the most
common first (one fix often repeats across datasets); then the indicator's other unmet parts
by their points; then the other errors; then the MQA improvements that earn the most points
across the organisation's datasets.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from khlang.api import service
from khlang.api.state import INDEXER, ApiState
from khlang.catalog.records import VersionRecord
from khlang.i18n import Text
from khlang.metadata.budget_bureau import MIN_DATASETS
from khlang.metadata.compliance import (
    RESOURCE_DESCRIPTION_CODES,
    SEVERITY_ORDER,
    ComplianceReport,
    Finding,
    Severity,
)
from khlang.metadata.mqa import MqaReport

STEPS = (
    (
        50,
        ("complete",),
        Text(
            th="ขั้นที่ 1: ชุดข้อมูลครบ 5 ชุด และคำอธิบายครบถ้วน",
            en="Step 1: five datasets, fully described",
        ),
    ),
    (
        75,
        ("agency_catalog", "gd_catalog"),
        Text(
            th="ขั้นที่ 2: อยู่ในบัญชีข้อมูลหน่วยงานและลงทะเบียน GD Catalog",
            en="Step 2: in the agency catalog and registered to the GD Catalog",
        ),
    ),
    (
        100,
        ("open_format", "use"),
        Text(
            th="ขั้นที่ 3: รูปแบบเปิด และมีการนำไปใช้ประโยชน์",
            en="Step 3: open formats, and put to use",
        ),
    ),
)
"""The indicator's cumulative levels and the parts that reach each."""


class DatasetRow(BaseModel):
    name: str
    title: str | None
    title_en: str | None
    version: int
    compliance: ComplianceReport
    mqa_total: float
    mqa_rating: Text
    findings: list[Finding]


class Step(BaseModel):
    level: int
    label: Text
    reached: bool
    parts: list[dict]


class Action(BaseModel):
    points: str
    """What the fix is worth, as shown: "50", "+15", "+8 MQA"."""
    title: Text
    detail: Text | None
    datasets: list[str]


class OfficerView(BaseModel):
    organization: str
    datasets: list[DatasetRow]
    score: dict
    steps: list[Step]
    actions: list[Action]
    errors: int
    warnings: int


def officer_view(state: ApiState, organization: str, base: str) -> OfficerView:
    """Raises the catalog's NotFoundError for an unknown organisation."""
    state.catalog.organization(organization)
    summaries = state.catalog.datasets(viewer=INDEXER, organization=organization)
    public = [summary for summary in summaries if not summary.private]
    versions = [state.catalog.version(summary.name, viewer=INDEXER) for summary in public]
    rows = [_row(version, base) for version in versions]
    score = service.organization_score(state, organization)
    return OfficerView(
        organization=organization,
        datasets=rows,
        score=score,
        steps=_steps(score),
        actions=_actions(rows, score, [service.mqa_report(v, base) for v in versions]),
        errors=sum(row.compliance.errors for row in rows),
        warnings=sum(row.compliance.warnings for row in rows),
    )


def _row(version: VersionRecord, base: str) -> DatasetRow:
    report = service.compliance_report(version)
    mqa = service.mqa_report(version, base)
    return DatasetRow(
        name=version.dataset,
        title=version.metadata.title,
        title_en=version.metadata.title_en,
        version=version.number,
        compliance=report,
        mqa_total=mqa.total,
        mqa_rating=mqa.rating_label,
        findings=sorted(report.findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.code)),
    )


def _steps(score: dict) -> list[Step]:
    parts = {part["key"]: part for part in score["parts"]}
    steps, reached = [], True
    for level, keys, label in STEPS:
        chosen = [parts[key] for key in keys if key in parts]
        reached = reached and all(part["status"] == "met" for part in chosen)
        steps.append(Step(level=level, label=label, reached=reached, parts=chosen))
    return steps


def _actions(rows: list[DatasetRow], score: dict, mqa: list[MqaReport]) -> list[Action]:
    actions: list[Action] = []
    blocking = _grouped(
        rows,
        lambda f: (
            f.severity is Severity.ERROR
            and (f.item is not None or f.code in RESOURCE_DESCRIPTION_CODES)
        ),
    )
    parts = {part["key"]: part for part in score["parts"]}
    if score["dataset_count"] < MIN_DATASETS:
        missing = MIN_DATASETS - score["dataset_count"]
        actions.append(
            Action(
                points="50",
                title=Text(
                    th=f"เผยแพร่ชุดข้อมูลเพิ่มอีก {missing} ชุด", en=f"Publish {missing} more dataset(s)"
                ),
                detail=Text(
                    th=f"ตัวชี้วัดต้องมีอย่างน้อย {MIN_DATASETS} ชุดข้อมูล",
                    en=f"The indicator needs at least {MIN_DATASETS} datasets",
                ),
                datasets=[],
            )
        )
    actions += [_finding_action(findings, "50") for findings in blocking]
    for part in sorted(parts.values(), key=lambda p: -p["max_points"]):
        if part["key"] == "complete" or part["status"] == "met":
            continue
        actions.append(
            Action(
                points=f"+{part['max_points']}",
                title=Text.model_validate(part["label"]),
                detail=Text.model_validate(part["fix"] or part["detail"]),
                datasets=part.get("datasets", []),
            )
        )
    others = _grouped(
        rows,
        lambda f: (
            f.severity is Severity.ERROR
            and f.item is None
            and f.code not in RESOURCE_DESCRIPTION_CODES
        ),
    )
    actions += [_finding_action(findings, "") for findings in others]
    actions += _mqa_actions(rows, mqa)
    return actions


def _grouped(rows: list[DatasetRow], keep) -> list[list[tuple[str, Finding]]]:
    """Findings of one kind on one field, across datasets, the most widespread first."""
    groups: dict[tuple[str, str], list[tuple[str, Finding]]] = defaultdict(list)
    for row in rows:
        for finding in row.findings:
            if keep(finding):
                groups[(finding.code, finding.field)].append((row.name, finding))
    return sorted(groups.values(), key=lambda items: (-len(items), items[0][1].code))


def _finding_action(items: list[tuple[str, Finding]], points: str) -> Action:
    first = items[0][1]
    return Action(
        points=points,
        title=Text(
            th=f"{first.label.th}: {first.message.th}", en=f"{first.label.en}: {first.message.en}"
        ),
        detail=first.suggestion,
        datasets=list(dict.fromkeys(name for name, _ in items)),
    )


def _mqa_actions(rows: list[DatasetRow], reports: list[MqaReport]) -> list[Action]:
    gains: dict[str, tuple[float, Text, Text | None, list[str]]] = {}
    for row, report in zip(rows, reports, strict=True):
        for indicator in report.indicators:
            missing = indicator.max_points - indicator.points
            if missing <= 0 or indicator.status == "not_checked" or indicator.fix is None:
                continue
            total, label, fix, names = gains.get(
                indicator.key, (0.0, indicator.label, indicator.fix, [])
            )
            gains[indicator.key] = (total + missing, label, fix, [*names, row.name])
    ordered = sorted(gains.values(), key=lambda item: -item[0])
    return [
        Action(points=f"+{total:,.0f} MQA", title=label, detail=fix, datasets=names)
        for total, label, fix, names in ordered
    ]
