"""Metadata values as a reader sees them: vocabulary values under their label in the page's
language, lists joined, yes/no spelt out, dates in the reader's calendar.

The catalog stores the GD Catalog's Thai values exactly; a Thai page shows them as stored, an
English page shows the English label of the same vocabulary term, so both readers see the
official value and nothing is translated by guesswork.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from khlang.api.web.i18n import Formatter
from khlang.i18n import Text
from khlang.metadata.fields import (
    DATASET_FIELD_BY_KEY,
    DATASET_FIELDS,
    KHLANG_FIELD_LABELS,
    MANDATORY_FIELDS,
    FieldSpec,
    Kind,
)
from khlang.metadata.model import Dataset

_SKIPPED = frozenset({"title", "notes", "name", "owner_org", "tags"})
"""Fields the dataset page shows in its own place rather than in the table of fields."""


class FieldRow(BaseModel):
    key: str
    label: Text
    item: int | None
    value: str
    missing: bool


def vocabulary_label(key: str, value: str, fmt: Formatter) -> str:
    """A stored vocabulary value (`ข้อมูลสถิติ`) in the reader's language (`Statistical data`)."""
    spec = DATASET_FIELD_BY_KEY.get(key)
    vocabulary = spec.vocabulary if spec else None
    term = vocabulary.by_value(value) if vocabulary else None
    if term is None:
        return value
    return term.value if fmt.lang == "th" else term.label.en


def display_value(dataset: Dataset, spec: FieldSpec, fmt: Formatter) -> str:
    value: Any = getattr(dataset, spec.key, None)
    if value is None or value == "" or value == []:
        return ""
    if spec.kind is Kind.YES_NO or isinstance(value, bool):
        text = fmt.pick("ใช่", "Yes") if value else fmt.pick("ไม่ใช่", "No")
    elif isinstance(value, list):
        text = ", ".join(
            vocabulary_label(spec.key, str(item), fmt) if spec.vocabulary else str(item)
            for item in value
        )
    elif isinstance(value, dt.date):
        text = fmt.date(value)
    elif spec.vocabulary is not None:
        text = vocabulary_label(spec.key, str(value), fmt)
    else:
        text = str(value)
    other = getattr(dataset, spec.other_key, None) if spec.other_key else None
    return f"{text}: {other}" if other else text


def mandatory_rows(dataset: Dataset, fmt: Formatter, organization: str) -> list[FieldRow]:
    """The 14 mandatory items of the GD Catalog, in the standard's order (item 9 is the
    frequency's unit and interval, shown as one line)."""
    rows: list[FieldRow] = []
    for spec in MANDATORY_FIELDS:
        if spec.key == "update_frequency_interval":
            continue
        if spec.key == "owner_org":
            value = organization
        elif spec.key == "update_frequency_unit":
            unit = display_value(dataset, spec, fmt)
            interval = dataset.update_frequency_interval or ""
            value = f"{unit} ({fmt.pick('ความถี่', 'interval')} {interval})" if interval else unit
        else:
            value = display_value(dataset, spec, fmt)
        rows.append(
            FieldRow(
                key=spec.key,
                label=spec.label,
                item=spec.mandatory_item,
                value=value,
                missing=not value,
            )
        )
    return rows


def other_rows(dataset: Dataset, fmt: Formatter) -> list[FieldRow]:
    """The filled optional fields of the dataset's data type, and khlang's additions."""
    rows = []
    for spec in DATASET_FIELDS:
        if spec.required or spec.key in _SKIPPED:
            continue
        value = display_value(dataset, spec, fmt)
        if value:
            rows.append(
                FieldRow(key=spec.key, label=spec.label, item=None, value=value, missing=False)
            )
    if dataset.temporal and (dataset.temporal.start or dataset.temporal.end):
        span = f"{fmt.date(dataset.temporal.start)} – {fmt.date(dataset.temporal.end)}"
        rows.append(_extra("temporal", span))
    if dataset.spatial:
        rows.append(_extra("spatial", ", ".join(dataset.spatial)))
    if dataset.themes:
        rows.append(_extra("themes", ", ".join(dataset.themes)))
    return rows


def _extra(key: str, value: str) -> FieldRow:
    return FieldRow(key=key, label=KHLANG_FIELD_LABELS[key], item=None, value=value, missing=False)
