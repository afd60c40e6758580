"""The publishing form's review step: a column mapping shown as form fields, and the fields
a data officer sends back read into a mapping again, with every problem named by column.

One row per column of the file, in the file's order: what it is read as (a field of the
adapter, the year or an area for a table of its own kind, a column of its own, or dropped),
and for a column of its own its name, type and titles. Below, for a table of its own kind,
the dataset's own metadata (title, description, tags ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from khlang.i18n import Text
from khlang.publishers.adapters.generic import CALENDAR_YEAR, column_of
from khlang.publishers.mapping import GENERIC, ColumnMapping, DatasetInfo, ExtraField
from khlang.publishers.suggest import AREA_FIELDS, YEAR_FIELDS, adapter_vocabulary
from khlang.publishers.tables import COLUMNS

DROP = "drop"
OWN = "column"
TYPES = ("string", "integer", "number", "amount", "date")
FREQUENCIES = ("ปี", "ครึ่งปี", "ไตรมาส", "เดือน", "สัปดาห์", "วัน", "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล")


class Choice(BaseModel):
    value: str
    label: Text


class Row(BaseModel):
    """One column of the file as the form shows it."""

    index: int
    header: str
    kind: str
    samples: list[str]
    use: str
    """The choice made: a field, OWN or DROP."""
    name: str = ""
    type: str = "string"
    title: Text = Text(th="", en="")


def _label(field: str) -> Text:
    if field == "year":
        return CALENDAR_YEAR.title
    column = COLUMNS.get(field)
    return (
        Text(th=f"{column.title.th} ({field})", en=f"{column.title.en} ({field})")
        if column
        else Text(th=field, en=field)
    )


def choices(mapping: ColumnMapping) -> list[Choice]:
    """What a column may be read as under this mapping's adapter."""
    if mapping.adapter == GENERIC:
        roles = [*YEAR_FIELDS, *AREA_FIELDS]
        own = Choice(value=OWN, label=Text(th="คอลัมน์ของตาราง", en="a column of the table"))
        return [own, *(Choice(value=role, label=_label(role)) for role in roles), _drop()]
    fields = [term.code for term in adapter_vocabulary(mapping.adapter).terms]
    return [*(Choice(value=field, label=_label(field)) for field in fields), _drop()]


def _drop() -> Choice:
    return Choice(value=DROP, label=Text(th="ไม่เผยแพร่", en="not published"))


def rows(mapping: ColumnMapping, columns: list[dict[str, Any]]) -> list[Row]:
    """The form's rows for a mapping, over the columns the proposal profiled."""
    read_as = {_squash(h): field for field, headers in mapping.columns.items() for h in headers}
    found = []
    for index, column in enumerate(columns):
        header = column["header"]
        field = read_as.get(_squash(header))
        row = Row(
            index=index,
            header=header,
            kind=column["kind"],
            samples=column["samples"],
            use=DROP if field is None else field,
        )
        if (
            field is not None
            and mapping.adapter == GENERIC
            and field not in (*YEAR_FIELDS, *AREA_FIELDS)
        ):
            definition = column_of(field, mapping)
            row.use = OWN
            row.name = field
            row.type = "amount" if definition.amount else definition.type
            row.title = definition.title
        found.append(row)
    return found


def _squash(header: str) -> str:
    return "".join(header.split()).lower()


class FormProblem(BaseModel):
    where: str
    message: Text


def read_form(
    form: Mapping[str, str], mapping: ColumnMapping, columns: list[dict[str, Any]]
) -> tuple[ColumnMapping, list[FormProblem]]:
    """The mapping the form describes (the current one when it has problems)."""
    problems: list[FormProblem] = []
    found: dict[str, list[str]] = {}
    fields: dict[str, ExtraField] = {}
    dropped: list[str] = []
    allowed = {choice.value for choice in choices(mapping)}
    for index, column in enumerate(columns):
        header = column["header"]
        use = form.get(f"use_{index}", DROP)
        if use not in allowed:
            problems.append(_problem(header, Text(th="ตัวเลือกไม่ถูกต้อง", en="not a choice")))
            continue
        if use == DROP:
            dropped.append(header)
            continue
        name = form.get(f"name_{index}", "").strip() if use == OWN else use
        if name in found:
            problems.append(
                _problem(
                    header,
                    Text(th=f"ชื่อ {name} ซ้ำกับคอลัมน์อื่น", en=f"{name} is taken by another column"),
                )
            )
            continue
        found[name] = [header]
        if use == OWN:
            extra = _own(form, index, name, mapping, header)
            if extra is not None:
                fields[name] = extra
    if not found:
        problems.append(
            FormProblem(where="", message=Text(th="ไม่มีคอลัมน์ที่จะเผยแพร่", en="no column is published"))
        )
    if problems:
        return mapping, problems
    signature = _signature(mapping, found)
    values: dict[str, Any] = {"columns": found, "dropped": dropped, "signature": signature}
    if mapping.adapter == GENERIC:
        values |= {"fields": fields, "system": form.get("system", "").strip()}
        try:
            values["dataset"] = _dataset(form)
        except ValidationError as error:
            return mapping, [_field_problem(item) for item in error.errors()]
    try:
        edited = ColumnMapping.model_validate(
            {**mapping.model_dump(exclude={"source"}), **values}
        ).model_copy(update={"source": mapping.source})
    except ValidationError as error:
        return mapping, [_field_problem(item) for item in error.errors()]
    return edited, []


def _signature(mapping: ColumnMapping, found: dict[str, list[str]]) -> list[str]:
    if mapping.adapter == GENERIC:
        return list(found)
    kept = [field for field in mapping.signature if field in found]
    return kept or list(found)[:1]


def _own(
    form: Mapping[str, str], index: int, name: str, mapping: ColumnMapping, header: str
) -> ExtraField | None:
    """A column of the table's own, described unless it is the model's column unchanged."""
    value_type = form.get(f"type_{index}", "string")
    title = Text(
        th=form.get(f"title_th_{index}", "").strip() or header,
        en=form.get(f"title_en_{index}", "").strip() or name,
    )
    model = COLUMNS.get(name)
    if model is not None and name not in mapping.fields:
        model_type = "amount" if model.amount else model.type
        if (value_type, title) == (model_type, model.title):
            return None
    previous = mapping.fields.get(name)
    description = (
        previous.description
        if previous
        else Text(th=f"คอลัมน์ '{header}' ของไฟล์ต้นทาง", en=f"The source file's column '{header}'.")
    )
    return ExtraField.model_validate(
        {
            "type": value_type,
            "title": title,
            "description": description,
            "unit": previous.unit if previous else None,
        }
    )


def _dataset(form: Mapping[str, str]) -> DatasetInfo:
    tags = [tag.strip() for tag in form.get("tags", "").replace("\n", ",").split(",")]
    return DatasetInfo.model_validate(
        {
            "key": form.get("key", "").strip(),
            "title": {"th": form.get("title_th", "").strip(), "en": form.get("title_en", "")},
            "description": {
                "th": form.get("description_th", "").strip(),
                "en": form.get("description_en", "").strip(),
            },
            "data_type": form.get("data_type", "statistical"),
            "frequency": form.get("frequency", "ปี"),
            "tags": [tag for tag in tags if tag],
            "unit": form.get("unit", "").strip() or "หน่วย",
        }
    )


def _problem(header: str, message: Text) -> FormProblem:
    return FormProblem(where=header, message=message)


def _field_problem(item: dict[str, Any]) -> FormProblem:
    where = ".".join(str(step) for step in item["loc"])
    return FormProblem(
        where=where, message=Text(th=f"ค่าไม่ถูกต้อง: {item['msg']}", en=str(item["msg"]))
    )
