"""The queryable columns of a tabular resource, read from its Frictionless Table Schema.

The Table Schema is the only source of column names and types: a parameter naming anything
else is refused before any SQL exists, and each type decides which operators make sense and
how a value in a URL is read.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from khlang.errors import KhlangError
from khlang.i18n import Text


class Op(enum.StrEnum):
    """Filter operators, written `column__op=value` (plain `column=value` means eq)."""

    eq = "eq"
    ne = "ne"
    lt = "lt"
    lte = "lte"
    gt = "gt"
    gte = "gte"
    in_ = "in"
    contains = "contains"
    search = "search"
    isnull = "isnull"


ORDERED_OPS = frozenset({Op.lt, Op.lte, Op.gt, Op.gte})
COMMON_OPS = frozenset({Op.eq, Op.ne, Op.in_, Op.isnull})
TEXT_OPS = frozenset({Op.contains, Op.search})

# Frictionless type -> DuckDB type. Types DuckDB cannot hold natively stay text.
SQL_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "time": "TIME",
    "year": "INTEGER",
}
ORDERED_TYPES = frozenset({"string", "integer", "number", "date", "datetime", "time", "year"})
NUMERIC_TYPES = frozenset({"integer", "number", "year"})


class Column(BaseModel):
    """One field of the Table Schema, as the query engine sees it."""

    model_config = ConfigDict(frozen=True)

    name: str
    type: str = "string"
    title: str | None = None
    description: str | None = None
    constraints: dict[str, Any] = {}
    missing_values: tuple[str, ...] = ("",)
    options: dict[str, Any] = {}
    """Type options of the Table Schema (groupChar, decimalChar, trueValues, format, ...)."""
    unit: str | None = None
    """The field's `unit` (khlang writes THB on amounts of money): money is summed in satang."""

    @property
    def is_money(self) -> bool:
        return self.type == "number" and (self.unit or "").upper() == "THB"

    @property
    def sql_type(self) -> str:
        return SQL_TYPES.get(self.type, "VARCHAR")

    @property
    def is_text(self) -> bool:
        return self.sql_type == "VARCHAR"

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def operators(self) -> frozenset[Op]:
        ops = set(COMMON_OPS)
        if self.type in ORDERED_TYPES:
            ops |= ORDERED_OPS
        if self.is_text:
            ops |= TEXT_OPS
        return frozenset(ops)


_OPTION_KEYS = (
    "format",
    "groupChar",
    "decimalChar",
    "bareNumber",
    "trueValues",
    "falseValues",
)


def columns_from_schema(schema: dict[str, Any]) -> list[Column]:
    """The columns of a Table Schema, in order; a schema without fields or with two fields of
    the same name cannot be queried and says so."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not fields:
        raise KhlangError(
            Text(th="Table Schema ไม่มีรายการ fields", en="the Table Schema has no fields")
        )
    missing = tuple(schema.get("missingValues", [""]))
    columns: list[Column] = []
    seen: set[str] = set()
    for position, field in enumerate(fields):
        name = field.get("name") if isinstance(field, dict) else None
        if not isinstance(name, str) or not name:
            raise KhlangError(
                Text(th="field ไม่มีชื่อ", en="a field has no name"), where=f"fields[{position}]"
            )
        if name in seen:
            raise KhlangError(
                Text(th=f"ชื่อ field ซ้ำ: {name}", en=f"duplicate field name: {name}"),
                where=f"fields[{position}]",
            )
        seen.add(name)
        columns.append(
            Column(
                name=name,
                type=field.get("type", "string"),
                title=field.get("title"),
                description=field.get("description"),
                constraints=field.get("constraints") or {},
                unit=field.get("unit") if isinstance(field.get("unit"), str) else None,
                missing_values=tuple(field.get("missingValues", missing)),
                options={key: field[key] for key in _OPTION_KEYS if key in field},
            )
        )
    return columns


def quote_identifier(name: str) -> str:
    """A column name as a DuckDB identifier. Only names taken from the Table Schema reach
    here; doubling the quote keeps even a hostile schema's names inert."""
    return '"' + name.replace('"', '""') + '"'


_AREA_CODE = re.compile(r"(province|changwat|district|amphoe|subdistrict|tambon|area|lao)", re.I)
_YEAR = re.compile(r"(year|ปี)", re.I)


def cluster_columns(columns: list[Column]) -> list[str]:
    """Columns to store the rows sorted by, so that DuckDB's per-block min/max skips most of
    the table for the filters budget data is asked most: fiscal year first, then area codes
    from the coarsest (province) down. At most three; none when the schema has neither."""
    years = [c.name for c in columns if c.type == "year" or (c.is_numeric and _YEAR.search(c.name))]
    areas = [
        c.name
        for c in columns
        if c.name not in years
        and c.type in ("string", "integer")
        and _AREA_CODE.search(c.name)
        and "name" not in c.name.lower()
    ]
    areas.sort(key=_area_rank)
    return (years[:1] + areas)[:3]


def _area_rank(name: str) -> int:
    lowered = name.lower()
    for rank, level in enumerate(("province", "changwat", "district", "amphoe", "subdistrict")):
        if level in lowered and not (level == "district" and "subdistrict" in lowered):
            return rank
    return 9
