"""How public feedback reads on a page: message text escaped, with its line breaks; links
made clickable only in messages an editor approved (and then marked `nofollow ugc`, so a
spammer gains nothing from search engines); figure keys spelled out in the page's language."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from khlang.api.web.i18n import Formatter
from khlang.catalog.feedback_records import MessageRecord

_URL = re.compile(r"https?://[^\s<>\"']{1,500}")
MEASURES = {
    "allocated": ("งบประมาณจัดสรร", "Allocated"),
    "committed": ("ก่อหนี้ผูกพัน", "Committed"),
    "disbursed": ("เบิกจ่าย", "Disbursed"),
    "disbursement_rate": ("อัตราการเบิกจ่าย", "Disbursement rate"),
    "budget_per_capita": ("งบประมาณต่อหัว", "Budget per capita"),
}
KINDS = {
    "question": ("คำถาม", "Question"),
    "error": ("ข้อมูลผิดพลาด", "Error in the data"),
    "missing": ("ข้อมูลขาดหาย", "Missing data"),
    "other": ("อื่น ๆ", "Other"),
}
STATES = {
    "open": ("รอคำตอบ", "Waiting for an answer"),
    "answered": ("ตอบแล้ว", "Answered"),
    "closed": ("ปิดแล้ว", "Closed"),
    "accepted": ("รับเรื่องแล้ว", "Accepted"),
    "published": ("เผยแพร่แล้ว", "Published"),
    "declined": ("ไม่รับ", "Declined"),
    "held": ("รอตรวจ", "Held for moderation"),
    "rejected": ("ไม่เผยแพร่", "Rejected"),
    "visible": ("เผยแพร่", "Shown"),
}


def message_html(message: MessageRecord) -> Markup:
    """The message as HTML: every character escaped, line breaks kept; in approved messages
    the http(s) links are links."""
    lines = message.body.split("\n")
    if not message.approved:
        return Markup("<br>").join(escape(line) for line in lines)
    return Markup("<br>").join(_linked(line) for line in lines)


def _linked(line: str) -> Markup:
    parts: list[Markup] = []
    position = 0
    for found in _URL.finditer(line):
        parts.append(escape(line[position : found.start()]))
        parts.append(
            Markup('<a href="{0}" rel="nofollow ugc noopener">{0}</a>').format(found.group(0))
        )
        position = found.end()
    parts.append(escape(line[position:]))
    return Markup("").join(parts)


def figure_label(figure: str | None, fmt: Formatter) -> str:
    """`disbursement_rate:2568:lao=ThesabanTambon-500100` -> "Disbursement rate · FY 2568 ·
    ThesabanTambon-500100"; an unknown shape is shown as written."""
    if not figure:
        return ""
    measure, _, rest = figure.partition(":")
    year, _, area = rest.partition(":")
    label = MEASURES.get(measure)
    if label is None or not year.isdecimal():
        return figure
    parts = [fmt.pick(*label), fmt.fiscal_year(int(year))]
    if area:
        parts.append(area.partition("=")[2] or area)
    return " · ".join(parts)


def label(table: dict[str, tuple[str, str]], key: str, fmt: Formatter) -> str:
    return fmt.pick(*table[key]) if key in table else key
