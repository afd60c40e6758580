"""A fill-in dataset file for one data type: every field the GD Catalog form shows for that
type, with its Thai and English label, whether it is mandatory, and its allowed values as
comments, in the order of the form. Filled in, it loads and checks like any dataset file."""

from __future__ import annotations

import json
import textwrap

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.metadata import eu
from khlang.metadata.fields import (
    DATASET_FIELDS,
    KHLANG_FIELD_LABELS,
    RESOURCE_FIELDS,
    FieldSpec,
    Kind,
)
from khlang.metadata.matching import MatchKind, closest_term
from khlang.metadata.vocabularies import CURRENT_VERSION, DATA_TYPE, Term

_WIDTH = 96
_EMPTY = {Kind.MULTI: "[]", Kind.TAGS: "[]"}
_KHLANG_DATASET_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("title_en", "", "Dataset name in English, for English pages and DCAT-AP"),
    ("notes_en", "", "Description in English"),
    ("publisher", "  # {name: , title: {th: , en: }, url: , email: , catalog_type: agency}",
     "catalog_type: agency | area_based | local_government | data_center"),
    ("temporal", "\n  start:\n  end:", "period the data covers, YYYY-MM-DD (Christian era)"),
    ("spatial", " []", "DOPA area codes: province 2 digits, district 4, sub-district 6"),
    ("themes", " []", "codes " + ", ".join(eu.DATA_THEMES)),
    ("issued", "", "when the dataset was first published, YYYY-MM-DD"),
    ("uses", " []", "dashboards or analyses built on it: - {title: , url: , kind: dashboard}"),
)  # fmt: skip
_KHLANG_RESOURCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("name_en", "Resource name in English"),
    ("description_en", "Resource description in English"),
    ("path", "the file, relative to this file's folder (when khlang publishes it)"),
    ("media_type", "e.g. text/csv"),
    ("byte_size", "file size in bytes"),
    ("hash", "sha256:<hex> of the file"),
)


def data_type_term(value: str) -> Term:
    """The data type a user named by its Thai value, code or English label."""
    match = closest_term(value.strip(), DATA_TYPE)
    if match is None or match.kind in (MatchKind.AFFIX, MatchKind.CLOSEST):
        choices = ", ".join(f"{term.value} ({term.code})" for term in DATA_TYPE.terms)
        raise KhlangError(
            Text(
                th=f"ไม่รู้จักประเภทชุดข้อมูล '{value}' เลือกจาก: {choices}",
                en=f"unknown data type '{value}'; choose one of: {choices}",
            ),
            where="--data-type",
        )
    return match.term


def template(data_type: str) -> str:
    """The fill-in YAML for a data type (Thai value, code or English label)."""
    term = data_type_term(data_type)
    lines = [
        f"# khlang dataset file: {term.value} ({term.label.en})",
        f"# GD Catalog metadata profile {CURRENT_VERSION}. Fill in every field marked",
        "# บังคับ/required, then run: khlang metadata check THIS-FILE",
        "# Values are the exact Thai strings listed; multi-selects are lists: [a, b].",
        "",
    ]
    for spec in DATASET_FIELDS:
        if term.code not in spec.data_types:
            continue
        value = term.value if spec.key == "data_type" else None
        lines += _field_lines(spec, value, indent="")
        if spec.other_key:
            lines.append(f"{spec.other_key}:  # ถ้าเลือก อื่นๆ โปรดระบุ / if 'อื่นๆ', say what")
        lines.append("")
    lines.append(
        "# --- khlang's additions (DCAT-AP, Data Package, the Budget Bureau's indicator) ---"
    )
    for key, empty, note in _KHLANG_DATASET_FIELDS:
        label = KHLANG_FIELD_LABELS[key]
        lines.append(f"# {label.th} / {label.en}: {note}")
        lines.append(f"{key}:{empty}")
    lines += ["", "resources:", "  - # ทรัพยากร / resource: one entry per file or link"]
    for spec in RESOURCE_FIELDS:
        if term.code in spec.data_types:
            lines += _field_lines(spec, None, indent="    ")
            if spec.other_key:
                lines.append(f"    {spec.other_key}:")
    for key, note in _KHLANG_RESOURCE_FIELDS:
        lines.append(f"    # {KHLANG_FIELD_LABELS[key].th} / {note}")
        lines.append(f"    {key}:")
    return "\n".join(lines) + "\n"


def _field_lines(spec: FieldSpec, value: str | None, *, indent: str) -> list[str]:
    required = (
        f" — บังคับ (รายการที่ {spec.mandatory_item}) / required (item {spec.mandatory_item})"
        if spec.required
        else ""
    )
    lines = [f"{indent}# {spec.label.th} / {spec.label.en}{required}"]
    if spec.help is not None:
        lines.append(f"{indent}#   {spec.help.th} / {spec.help.en}")
    vocabulary = spec.vocabulary
    if vocabulary is not None and spec.kind is not Kind.YES_NO:
        allowed = " | ".join(term.value for term in vocabulary.terms if term.is_current)
        wrapped = textwrap.wrap(f"ค่าที่เลือกได้ / allowed: {allowed}", _WIDTH, subsequent_indent="    ")
        lines += [
            f"{indent}#   {line.strip() if i == 0 else line}" for i, line in enumerate(wrapped)
        ]
    elif spec.kind is Kind.YES_NO:
        lines.append(f"{indent}#   true (ใช่/ยินยอม) | false (ไม่ใช่/ไม่ยินยอม)")
    elif spec.kind is Kind.DATE:
        lines.append(f"{indent}#   YYYY-MM-DD (ค.ศ. / Christian era)")
    elif spec.kind is Kind.YEAR:
        lines.append(f"{indent}#   ปี 4 หลัก เช่น 2567 / a 4-digit year, e.g. 2567")
    shown = json.dumps(value, ensure_ascii=False) if value else _EMPTY.get(spec.kind, "")
    lines.append(f"{indent}{spec.key}: {shown}".rstrip())
    return lines


__all__ = ["data_type_term", "template"]
