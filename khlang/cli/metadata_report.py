"""The text form of `khlang metadata check`: per dataset, what to fix first and how, then both
scores with the points still to earn. Thai, English or both side by side."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text as RichText

from khlang.cli.common import FOLD
from khlang.i18n import Text
from khlang.metadata.budget_bureau import MAX_POINTS as BUDGET_MAX
from khlang.metadata.budget_bureau import BudgetBureauReport
from khlang.metadata.compliance import ComplianceReport, Finding, Severity
from khlang.metadata.mqa import DIMENSIONS, MAX_POINTS, MqaReport
from khlang.metadata.report import AgencyReport, DatasetResult

_SEVERITY_STYLE = {
    Severity.ERROR: ("✘", "bold red", Text(th="ผิด", en="error")),
    Severity.WARNING: ("!", "yellow", Text(th="เตือน", en="warning")),
    Severity.INFO: ("i", "cyan", Text(th="แนะนำ", en="note")),
}
_STATUS_STYLE = {"met": "green", "partial": "yellow", "missing": "red", "not_checked": "dim",
                 "not_met": "red", "unknown": "dim"}  # fmt: skip


class Writer:
    """Prints bilingual text in the language the user asked for."""

    def __init__(self, console: Console, lang: str) -> None:
        self.console = console
        self.lang = lang

    def say(self, text: Text | None) -> str:
        if text is None:
            return ""
        if self.lang in ("th", "en"):
            return text.get(self.lang)
        return str(text)

    def both(self, th: str, en: str) -> str:
        return self.say(Text(th=th, en=en))


def render(report: AgencyReport, console: Console, lang: str = "both") -> None:
    out = Writer(console, lang)
    for error in report.input_errors:
        console.print(f"[bold red]✘ {escape(error.source)}[/]: {escape(error.message)}")
    for result in report.datasets:
        _dataset(out, result)
    if report.datasets:
        _budget_bureau(out, report.budget_bureau)
    summary = out.both(
        f"ชุดข้อมูล {len(report.datasets)} ชุด: ผิด {report.errors} เตือน {report.warnings}"
        + (f" อ่านไฟล์ไม่ได้ {len(report.input_errors)}" if report.input_errors else ""),
        f"{len(report.datasets)} dataset(s): {report.errors} error(s), "
        f"{report.warnings} warning(s)"
        + (f", {len(report.input_errors)} unreadable file(s)" if report.input_errors else ""),
    )
    style = "bold red" if report.errors or report.input_errors else "bold green"
    console.print(f"\n[{style}]{escape(summary)}[/]")


def _dataset(out: Writer, result: DatasetResult) -> None:
    compliance = result.compliance
    title = compliance.title or compliance.name or result.source or "?"
    out.console.rule(f"[bold]{escape(title)}[/]", align="left")
    if result.source and result.source != title:  # an untitled dataset's rule names it
        out.console.print(f"[dim]{escape(result.source)}[/]")
    _compliance(out, compliance)
    _mqa(out, result.mqa)


def _compliance(out: Writer, report: ComplianceReport) -> None:
    if report.ok:
        line = out.both(
            "ผ่านเกณฑ์ GD Catalog: กรอกครบ 14 รายการ ไม่มีข้อผิดพลาด",
            "meets the GD Catalog profile: all 14 items filled, no errors",
        )
        out.console.print(f"[green]✔ {escape(line)}[/]")
    else:
        line = out.both(
            f"ต้องแก้ {report.errors} ข้อก่อนเผยแพร่",
            f"{report.errors} error(s) to fix before publishing",
        )
        out.console.print(f"[bold red]✘ {escape(line)}[/]")
    if not report.findings:
        return
    table = Table(show_lines=False, expand=True, pad_edge=False)
    table.add_column("", width=1, no_wrap=True)
    table.add_column(out.both("ฟิลด์", "Field"), ratio=2, overflow=FOLD)
    table.add_column(out.both("วิธีแก้", "Fix"), ratio=3, overflow=FOLD)
    table.add_column(out.both("ปัญหา", "Problem"), ratio=3, overflow=FOLD)
    for finding in report.findings:
        icon, style, _ = _SEVERITY_STYLE[finding.severity]
        field = RichText(out.say(finding.label) + "\n", style="bold")
        field.append(f"{finding.field} · {finding.code}", style="dim")
        table.add_row(
            RichText(icon, style=style), field, _fix(out, finding), out.say(finding.message)
        )
    out.console.print(table)


def _fix(out: Writer, finding: Finding) -> RichText:
    if finding.suggestion is not None:
        return RichText(out.say(finding.suggestion), style="bold")
    return RichText("")


def _mqa(out: Writer, report: MqaReport) -> None:
    total = f"{report.total:g}/{MAX_POINTS}"
    headline = out.both(
        f"คุณภาพ metadata แบบ MQA ของสหภาพยุโรป: {total} ระดับ {report.rating_label.th}",
        f"EU MQA metadata quality: {total}, {report.rating_label.en}",
    )
    out.console.print(f"\n[bold]{escape(headline)}[/]")
    if report.not_checked:
        note = out.both(
            f"ยังไม่ได้ตรวจ {report.not_checked} คะแนน (การเข้าถึง URL) ใช้ --check-urls: "
            f"ได้สูงสุด {report.total + report.not_checked:g}",
            f"{report.not_checked} points not checked (URL reachability; use --check-urls): "
            f"up to {report.total + report.not_checked:g}",
        )
        out.console.print(f"[dim]{escape(note)}[/]")
    parts = [
        f"{out.say(DIMENSIONS[key])} {points:g}/{maximum}"
        for key, (points, maximum) in report.dimension_points().items()
    ]
    out.console.print(escape(" · ".join(parts)))
    missing = [item for item in report.indicators if item.points < item.max_points]
    if not missing:
        return
    table = Table(expand=True, pad_edge=False)
    table.add_column(out.both("ตัวชี้วัด", "Indicator"), ratio=2, overflow=FOLD)
    table.add_column(out.both("คะแนน", "Points"), justify="right", no_wrap=True)
    table.add_column(out.both("วิธีได้คะแนน", "How to earn them"), ratio=4, overflow=FOLD)
    for item in missing:
        style = _STATUS_STYLE[item.status]
        fix = out.say(item.fix)
        if item.detail is not None:
            fix = f"{fix}\n{out.say(item.detail)}" if fix else out.say(item.detail)
        table.add_row(
            f"{out.say(item.label)}\n[dim]{item.property}[/]",
            RichText(f"{item.points:g}/{item.max_points}", style=style),
            escape(fix),
        )
    out.console.print(table)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _budget_bureau(out: Writer, report: BudgetBureauReport) -> None:
    out.console.rule(
        "[bold]" + escape(out.both("ตัวชี้วัดบัญชีข้อมูลของสำนักงบประมาณ",
                                   "Budget Bureau data-catalog indicator")) + "[/]",
        align="left",
    )  # fmt: skip
    headline = out.both(
        f"{report.total}/{BUDGET_MAX} คะแนน (ชุดข้อมูล {report.dataset_count} ชุด)"
        + (f" ยังไม่ทราบ {report.unknown_points} คะแนน" if report.unknown_points else ""),
        f"{report.total}/{BUDGET_MAX} points ({_count(report.dataset_count, 'dataset')})"
        + (f", {report.unknown_points} not yet known" if report.unknown_points else ""),
    )
    out.console.print(f"[bold]{escape(headline)}[/]")
    table = Table(expand=True, pad_edge=False)
    table.add_column(out.both("เกณฑ์", "Part"), ratio=3, overflow=FOLD)
    table.add_column(out.both("คะแนน", "Points"), justify="right", no_wrap=True)
    table.add_column(out.both("ผล", "Result"), ratio=4, overflow=FOLD)
    status_text = {
        "met": Text(th="ผ่าน", en="met"),
        "not_met": Text(th="ไม่ผ่าน", en="not met"),
        "unknown": Text(th="ยังไม่ทราบ", en="not yet known"),
    }
    for part in report.parts:
        lines = [out.say(part.detail)]
        if part.fix is not None:
            lines.append("→ " + out.say(part.fix))
        if part.datasets:
            lines.append(", ".join(part.datasets))
        table.add_row(
            out.say(part.label),
            RichText(f"{part.points}/{part.max_points}", style=_STATUS_STYLE[part.status]),
            f"[{_STATUS_STYLE[part.status]}]{escape(out.say(status_text[part.status]))}[/]: "
            + escape("\n".join(lines)),
        )
    out.console.print(table)
