"""Which tables of a dataset version feed the store, and their rows as amounts.

A table feeds the store when its Table Schema has the columns of khlang's area-budget model
(khlang/publishers/tables.py), whatever adapter, mapping or agency produced it:

* **ledger**: `line_id`, `fiscal_year`, `phase`, `amount` (the `amounts` table of a
  budget-allocation dataset): one amount per row, with its area, month and source system,
  file and row. The agency, budget type and source of funds come from the version's line
  table (`line_id` + `budget_type`, e.g. `budget-lines`).
* **lines**: a line table (primary key `line_id`) with stage columns (`requested`,
  `allocated`, ... `disbursed`), used only in a version without a ledger: one amount per
  filled stage cell (an empty cell is no amount, not zero).
* **lao_finance**: `lao_key`, `fiscal_year`, `kind`, `category`, `estimate` (an LAO's own
  budget, e-LAAS or a PAO ordinance): expenditure rows, the estimate as allocated and the
  actual as disbursed, in the `local` scope.

Tables derived from these (allocation by area, disbursement by month, projects, benchmarks)
are not sources: they would count the same baht again. A table published in several formats
(CSV, Parquet, JSON twins of one schema) is read once, from its Parquet twin if it has one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict

from khlang.catalog.area_budget.keys import STAGES

Kind = Literal["ledger", "lines", "lao_finance"]
LEDGER = frozenset({"line_id", "fiscal_year", "phase", "amount"})
LINE_TABLE = frozenset({"line_id", "budget_type"})
LAO_FINANCE = frozenset({"lao_key", "fiscal_year", "kind", "category", "estimate"})
AREA = ("area_level", "area_code", "province_code", "district_code", "subdistrict_code", "lao_key")
AGENCY = ("ministry_code", "ministry_name", "department_code", "department_name",
          "budget_unit_code", "budget_unit_name", "budget_type", "source_of_funds")  # fmt: skip
PROVENANCE = ("source_system", "source_file", "source_row")
WIDE_STAGES = tuple(stage for stage in STAGES if stage != "obligated")
BATCH = 20_000
_FORMAT_PREFERENCE = {".parquet": 0, ".csv": 1}


class VersionFile(BaseModel):
    """One resource of a version as the store sees it."""

    model_config = ConfigDict(frozen=True)

    resource_id: str
    path: Path
    """The stored file."""
    name: str
    """The resource's path in its dataset folder (`data/amounts.parquet`)."""
    fields: tuple[str, ...]
    primary_key: tuple[str, ...] = ()


class SourceTable(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Kind
    file: VersionFile
    lines: VersionFile | None = None
    """The line table a ledger takes its agencies and budget types from."""


def version_file(resource_id: str, path: Path, metadata: dict[str, Any]) -> VersionFile | None:
    """The resource as a table, or None when it is no stored CSV or Parquet table."""
    name = str(metadata.get("path") or "")
    schema = metadata.get("schema")
    if PurePosixPath(name).suffix.lower() not in _FORMAT_PREFERENCE or not isinstance(schema, dict):
        return None
    fields = tuple(
        str(field.get("name")) for field in schema.get("fields", []) if isinstance(field, dict)
    )
    key = schema.get("primaryKey") or ()
    return VersionFile(
        resource_id=resource_id,
        path=path,
        name=name,
        fields=fields,
        primary_key=(key,) if isinstance(key, str) else tuple(key),
    )


def _tables(files: list[VersionFile]) -> list[VersionFile]:
    """One file per table: twins share a name without suffix and their columns."""
    best: dict[tuple[str, tuple[str, ...]], VersionFile] = {}
    for item in files:
        twin = (str(PurePosixPath(item.name).with_suffix("")), item.fields)
        known = best.get(twin)
        if known is None or _preference(item) < _preference(known):
            best[twin] = item
    return sorted(best.values(), key=lambda item: item.name)


def _preference(item: VersionFile) -> int:
    return _FORMAT_PREFERENCE[PurePosixPath(item.name).suffix.lower()]


def source_tables(files: list[VersionFile]) -> list[SourceTable]:
    """The tables of one version that feed the store (see the module docstring)."""
    tables = _tables(files)
    columns = {item.name: set(item.fields) for item in tables}
    ledgers = [item for item in tables if columns[item.name] >= LEDGER]
    line_tables = [
        item
        for item in tables
        if columns[item.name] >= LINE_TABLE and "line_id" in item.primary_key
        and not columns[item.name] >= LEDGER
    ]  # fmt: skip
    found = [
        SourceTable(kind="ledger", file=item, lines=line_tables[0] if line_tables else None)
        for item in ledgers
    ]
    if not ledgers:
        found += [
            SourceTable(kind="lines", file=item)
            for item in line_tables
            if set(WIDE_STAGES) & columns[item.name] and "fiscal_year" in columns[item.name]
        ]
    found += [
        SourceTable(kind="lao_finance", file=item)
        for item in tables
        if columns[item.name] >= LAO_FINANCE
    ]
    return found


# --- reading ---------------------------------------------------------------------------------


def _batches(item: VersionFile, wanted: tuple[str, ...]) -> Iterator[list[dict[str, Any]]]:
    present = [name for name in wanted if name in item.fields]
    if _preference(item) == 0:
        parquet = pq.ParquetFile(item.path)
        for batch in parquet.iter_batches(batch_size=BATCH, columns=present):
            yield batch.to_pylist()
        return
    reader = pacsv.open_csv(
        item.path,
        read_options=pacsv.ReadOptions(block_size=1 << 22),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in item.fields}, include_columns=present
        ),
    )
    for batch in reader:
        yield batch.to_pylist()


def satang(value: Any) -> int | None:
    """Baht (Decimal, number or text with two decimals) as whole satang; None if empty."""
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int((number * 100).to_integral_value())


def _integer(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(Decimal(str(value)))
    except InvalidOperation:
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def name_key(name: Any) -> str | None:
    """An item name as the publishers compare names: without spaces, lower case."""
    text = _text(name)
    return re.sub(r"\s+", "", text).lower() if text else None


def _line_attributes(table: VersionFile | None) -> dict[str, dict[str, Any]]:
    if table is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for batch in _batches(table, ("line_id", "item_name", *AGENCY)):
        for row in batch:
            line = _text(row.get("line_id"))
            if line is not None and line not in found:
                found[line] = {name: _text(row.get(name)) for name in AGENCY}
                found[line]["name_key"] = name_key(row.get("item_name"))
    return found


def _base(row: dict[str, Any], number: int) -> dict[str, Any]:
    return {
        "row": number,
        **{name: _text(row.get(name)) for name in AREA},
        "source_system": _text(row.get("source_system")),
        "source_file": _text(row.get("source_file")),
        "source_row": _integer(row.get("source_row")),
    }


def read_amounts(table: SourceTable) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """The table's amounts in batches, as `area_amounts` values without the store's own
    columns (source, group, rank, counted), each with the number of data rows read so far.
    Rows without a year or an amount give none."""
    reader = {"ledger": _ledger, "lines": _lines, "lao_finance": _lao_finance}[table.kind]
    yield from reader(table)


def _ledger(table: SourceTable) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    lines = _line_attributes(table.lines)
    wanted = ("line_id", "fiscal_year", "phase", "fiscal_month", "amount", *AREA, *PROVENANCE)
    number = 0
    for batch in _batches(table.file, wanted):
        out = []
        for row in batch:
            number += 1
            year, amount, stage = (
                _integer(row.get("fiscal_year")),
                satang(row.get("amount")),
                row.get("phase"),
            )
            if year is None or amount is None or stage not in STAGES:
                continue
            line = _text(row.get("line_id")) or f"row:{number}"
            attributes = lines.get(line, {})
            out.append(
                {
                    **_base(row, number),
                    "scope": "state",
                    "line_id": line,
                    "fiscal_year": year,
                    "stage": stage,
                    "fiscal_month": _integer(row.get("fiscal_month")),
                    "amount": amount,
                    **{name: attributes.get(name) for name in AGENCY},
                    "name_key": attributes.get("name_key"),
                }
            )
        yield number, out


def _lines(table: SourceTable) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    wanted = ("line_id", "fiscal_year", "item_name", *WIDE_STAGES, *AREA, *AGENCY, *PROVENANCE)
    number = 0
    for batch in _batches(table.file, wanted):
        out = []
        for row in batch:
            number += 1
            year = _integer(row.get("fiscal_year"))
            if year is None:
                continue
            line = _text(row.get("line_id")) or f"row:{number}"
            common = {
                **_base(row, number),
                "scope": "state",
                "line_id": line,
                "fiscal_year": year,
                "fiscal_month": None,
                **{name: _text(row.get(name)) for name in AGENCY},
                "name_key": name_key(row.get("item_name")),
            }
            for stage in WIDE_STAGES:
                amount = satang(row.get(stage))
                if amount is not None:
                    out.append({**common, "stage": stage, "amount": amount})
        yield number, out


def _lao_finance(table: SourceTable) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """An LAO's own budget: the line is the LAO's expenditure of the year, as the publishers
    take one system's figures for each LAO, year and kind (reconcile.py)."""
    wanted = ("lao_key", "lao_name", "fiscal_year", "kind", "category", "source_of_funds",
              "estimate", "actual", "province_code", "district_code", *PROVENANCE)  # fmt: skip
    number = 0
    for batch in _batches(table.file, wanted):
        out = []
        for row in batch:
            number += 1
            year, lao = _integer(row.get("fiscal_year")), _text(row.get("lao_key"))
            if year is None or lao is None or row.get("kind") != "expenditure":
                continue
            common = {
                **_base(row, number),
                "scope": "local",
                "line_id": f"{lao}/expenditure",
                "fiscal_year": year,
                "fiscal_month": None,
                "area_level": "lao",
                "area_code": lao,
                "lao_key": lao,
                "subdistrict_code": None,
                "budget_unit_code": lao,
                "budget_unit_name": _text(row.get("lao_name")),
                "budget_type": _text(row.get("category")),
                "source_of_funds": _text(row.get("source_of_funds")),
                "name_key": None,
            }
            for stage, column in (("allocated", "estimate"), ("disbursed", "actual")):
                amount = satang(row.get(column))
                if amount is not None:
                    out.append({**common, "stage": stage, "amount": amount})
        yield number, out
