"""A table of a kind no adapter knows, read through the officer's own mapping.

Any tidy table with a year column and area columns becomes one dataset of its own: the year
in the Buddhist era (a CE year converted, its original kept), the area as DOPA codes with
their official names (from codes or names, as every adapter reads them), and every other
column kept as it is, typed as the mapping says, under the name, title and description the
mapping gives it (`khlang mapping suggest` proposes them). Rows keep their file and row.

The mapping's `columns` say which header is which field; its `signature` lists the fields a
file must have for the mapping to be its own (all of them, as suggested); `fields` describes
the columns the model does not define; `dataset` holds the title and the other metadata.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.publishers.adapters.base import Adapter, Tables
from khlang.publishers.adapters.common import (
    AREA_INPUTS,
    Context,
    clean_amounts,
    clean_dates,
    clean_years,
    resolve_areas,
    rows_of,
)
from khlang.publishers.amounts import parse_amounts
from khlang.publishers.areas import AreaRegistry
from khlang.publishers.mapping import GENERIC, ColumnMapping, apply_mapping
from khlang.publishers.readers import read_table
from khlang.publishers.tables import COLUMNS, Column

YEAR_FIELDS = ("fiscal_year", "year")
CALENDAR_YEAR = Column(
    name="year",
    type="integer",
    title=Text(th="ปี (พ.ศ.)", en="Year (BE)"),
    description=Text(th="ปีปฏิทินตามพุทธศักราช", en="Calendar year in the Buddhist era."),
    required=True,
    minimum=2400,
    maximum=2700,
)
AREA_OUTPUT = ("area_code", "area_level", "province_code", "province_name", "district_code",
               "district_name", "subdistrict_code", "subdistrict_name")  # fmt: skip
_NAMES = {"province_name": ("province_code", "provinces"),
          "district_name": ("district_code", "districts"),
          "subdistrict_name": ("subdistrict_code", "subdistricts")}  # fmt: skip


def column_of(name: str, mapping: ColumnMapping) -> Column:
    """A published column's definition: the mapping's own, else the model's."""
    if name == "year":
        return CALENDAR_YEAR
    extra = mapping.fields.get(name)
    if extra is None:
        return COLUMNS[name]
    return Column(
        name=name,
        type="number" if extra.type == "amount" else extra.type,
        title=extra.title,
        description=extra.description,
        amount=extra.type == "amount",
    )


def _check(mapping: ColumnMapping, file: str) -> str:
    """The year field; a mapping without a year or an area, or naming a column the model
    defines under a type it does not have, is an error naming the mapping."""
    year = next((field for field in YEAR_FIELDS if field in mapping.columns), None)
    missing = []
    if year is None:
        missing.append(Text(th="คอลัมน์ปี (fiscal_year หรือ year)", en="a year (fiscal_year or year)"))
    if not set(AREA_INPUTS) & set(mapping.columns):
        missing.append(Text(th="คอลัมน์พื้นที่ (province_name, district_name ... หรือรหัส)",
                            en="an area (province_name, district_name ... or codes)"))  # fmt: skip
    unknown = [
        field
        for field in mapping.columns
        if field not in mapping.fields and field not in COLUMNS and field != "year"
    ]
    if unknown:
        names = ", ".join(unknown)
        missing.append(Text(th=f"คำอธิบายใน fields ของ {names}", en=f"a fields entry for {names}"))
    if missing:
        raise KhlangError(
            Text(
                th=f"ไฟล์จับคู่ {mapping.source} ต้องระบุ " + "; ".join(m.th for m in missing),
                en=f"the mapping {mapping.source} needs " + "; ".join(m.en for m in missing),
            ),
            where=file,
        )
    assert year is not None
    return year


def _typed(frame: pd.DataFrame, mapping: ColumnMapping, ctx: Context, file: str) -> pd.DataFrame:
    """Each kept column as its type: baht to the satang, numbers, whole numbers, dates;
    an unreadable value is reported at its row and left empty."""
    kept = [field for field in mapping.columns if field not in (*YEAR_FIELDS, *AREA_INPUTS)]
    columns = {field: column_of(field, mapping) for field in kept}
    frame = clean_amounts(frame, ctx, file, [f for f, c in columns.items() if c.amount])
    frame = clean_dates(frame, ctx, file, [f for f, c in columns.items() if c.type == "date"])
    updates = {}
    for field, column in columns.items():
        if column.amount or column.type not in ("number", "integer"):
            continue
        values, bad = parse_amounts(frame[field], decimals=None)
        if column.type == "integer":
            bad |= values.notna() & (values % 1 != 0)
            values = values.where(~bad)
        if bad.any():
            ctx.issues.add_rows(
                "number-unreadable",
                Text(th="ไม่ใช่ตัวเลขตามชนิดของคอลัมน์ จึงเว้นว่าง",
                     en=f"not a{'' if column.type == 'number' else ' whole'} number; left empty"),
                rows=rows_of(frame, bad), values=list(frame.loc[bad, field]), file=file,
                column=mapping.columns[field][0],
            )  # fmt: skip
        updates[field] = values.astype("Int64") if column.type == "integer" else values
    return frame.assign(**updates)


def _area_names(frame: pd.DataFrame, registry: AreaRegistry) -> pd.DataFrame:
    """The official Thai names of the codes found."""
    names = {}
    for name, (code, table) in _NAMES.items():
        lookup = getattr(registry, table)["name_th"]
        names[name] = frame[code].map(lookup).astype("string")
    return frame.assign(**names)


def published_columns(mapping: ColumnMapping, frame: pd.DataFrame) -> list[str]:
    """The dataset's columns in order: year, area, the table's own columns as in the file,
    provenance."""
    year = next(field for field in YEAR_FIELDS if field in frame)
    converted = ["fiscal_year_original"] if frame["fiscal_year_original"].notna().any() else []
    lao = ["lao_key", "lao_name"] if "lao_name" in mapping.columns else []
    village = ["village_no"] if frame["village_no"].notna().any() else []
    own = [f for f in mapping.columns if f not in (*YEAR_FIELDS, *AREA_INPUTS, "village_no")]
    return [year, *converted, *AREA_OUTPUT, *lao, *village, *own, "source_file", "source_row"]


def read(path: Path, ctx: Context, mapping: ColumnMapping | None) -> Tables:
    assert mapping is not None
    file = ctx.relative(path)
    year = _check(mapping, file)
    frame = apply_mapping(read_table(path), mapping, tuple(mapping.signature), file, ctx.issues)
    frame = clean_years(frame, ctx, file, column=year)
    frame = _typed(frame, mapping, ctx, file)
    frame = resolve_areas(frame, ctx, file)
    frame = _area_names(frame, ctx.registry).assign(source_file=file)
    return {"table": frame[published_columns(mapping, frame)]}


def detect(path: Path, mapping: ColumnMapping | None) -> float:
    """Generic mappings are matched to files by the publisher (each file its own mapping)."""
    return 0.0


ADAPTER = Adapter(
    name=GENERIC,
    system="",
    description=Text(
        th="ตารางที่ไม่ตรงกับระบบใด อ่านตามไฟล์จับคู่คอลัมน์ของหน่วยงาน (khlang mapping suggest)",
        en="A table of a kind no adapter knows, read through the agency's own column mapping "
        "(khlang mapping suggest).",
    ),
    kind="table",
    read=read,
    detect=detect,
)
