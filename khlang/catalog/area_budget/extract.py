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

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import numpy as np
import pandas as pd
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
BATCH = 100_000
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


def _batches(item: VersionFile, wanted: tuple[str, ...]) -> Iterator[pd.DataFrame]:
    """The wanted columns of the table in batches (missing ones as empty columns), text as
    text, read from Parquet or CSV without loading the whole table."""
    present = [name for name in wanted if name in item.fields]
    if _preference(item) == 0:
        batches: Iterator[pa.RecordBatch] = pq.ParquetFile(item.path).iter_batches(
            batch_size=BATCH, columns=present
        )
    else:
        batches = pacsv.open_csv(
            item.path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in item.fields}, include_columns=present
            ),
        )
    for batch in batches:
        frame = batch.to_pandas()
        for name in wanted:
            if name not in frame:
                frame[name] = None
        yield frame


def satang(values: pd.Series) -> pd.Series:
    """Baht (decimals, numbers or text with two decimals) as whole satang (Int64; empty or
    unreadable values are missing). Exact below 90 trillion baht, where float64 still holds
    every satang."""
    if values.dtype == object:
        values = values.map(
            lambda value: str(value).replace(",", "") if value is not None else None
        )
    number = pd.to_numeric(values, errors="coerce").astype("float64")
    return (number * 100).round().astype("Int64")


def _integer(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Int64")


def _text(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def name_key(values: pd.Series) -> pd.Series:
    """Item names as the publishers compare names: without spaces, lower case."""
    return _text(values).str.replace(r"\s+", "", regex=True).str.lower()


def _line_attributes(table: VersionFile | None) -> pd.DataFrame | None:
    """line_id -> agency, budget type, source of funds and name key, from the line table."""
    if table is None:
        return None
    parts = []
    for frame in _batches(table, ("line_id", "item_name", *AGENCY)):
        part = pd.DataFrame({name: _text(frame[name]) for name in ("line_id", *AGENCY)})
        part["name_key"] = name_key(frame["item_name"])
        parts.append(part)
    lines = pd.concat(parts, ignore_index=True) if parts else None
    return None if lines is None else lines.drop_duplicates("line_id").dropna(subset=["line_id"])


def _common(frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Row number, area and provenance of each row."""
    found = pd.DataFrame({"row": np.arange(first_row, first_row + len(frame), dtype="int64")})
    for name in AREA:
        found[name] = _text(frame[name]).array
    found["source_system"] = _text(frame["source_system"]).array
    found["source_file"] = _text(frame["source_file"]).array
    found["source_row"] = _integer(frame["source_row"]).array
    return found


def _line_ids(frame: pd.DataFrame, rows: pd.Series) -> pd.Series:
    """The line id, or `row:N` for a row without one (a line of its own)."""
    ids = _text(frame["line_id"]).reset_index(drop=True)
    return ids.fillna("row:" + rows.astype("string"))


def read_amounts(table: SourceTable) -> Iterator[tuple[int, pd.DataFrame]]:
    """The table's amounts in batches, as `area_amounts` columns without the store's own
    (source, line key, group, rank, counted), each with the number of data rows read so far.
    Rows without a year or an amount, or of a stage the store does not know, give none."""
    reader = {"ledger": _ledger, "lines": _lines, "lao_finance": _lao_finance}[table.kind]
    yield from reader(table)


def _ledger(table: SourceTable) -> Iterator[tuple[int, pd.DataFrame]]:
    lines = _line_attributes(table.lines)
    wanted = ("line_id", "fiscal_year", "phase", "fiscal_month", "amount", *AREA, *PROVENANCE)
    read = 0
    for frame in _batches(table.file, wanted):
        found = _common(frame, read + 1)
        read += len(frame)
        found["scope"] = "state"
        found["line_id"] = _line_ids(frame, found["row"]).array
        found["fiscal_year"] = _integer(frame["fiscal_year"]).array
        found["stage"] = _text(frame["phase"]).array
        found["fiscal_month"] = _integer(frame["fiscal_month"]).array
        found["amount"] = satang(frame["amount"]).array
        if lines is not None:
            found = found.merge(lines, on="line_id", how="left", sort=False)
        yield read, _kept(found)


def _lines(table: SourceTable) -> Iterator[tuple[int, pd.DataFrame]]:
    wanted = ("line_id", "fiscal_year", "item_name", *WIDE_STAGES, *AREA, *AGENCY, *PROVENANCE)
    read = 0
    for frame in _batches(table.file, wanted):
        base = _common(frame, read + 1)
        read += len(frame)
        base["scope"] = "state"
        base["line_id"] = _line_ids(frame, base["row"]).array
        base["fiscal_year"] = _integer(frame["fiscal_year"]).array
        base["fiscal_month"] = pd.array([None] * len(frame), dtype="Int64")
        for name in AGENCY:
            base[name] = _text(frame[name]).array
        base["name_key"] = name_key(frame["item_name"]).array
        parts = [
            base.assign(stage=stage, amount=satang(frame[stage]).array) for stage in WIDE_STAGES
        ]
        yield read, _kept(pd.concat(parts, ignore_index=True).sort_values("row", kind="stable"))


def _lao_finance(table: SourceTable) -> Iterator[tuple[int, pd.DataFrame]]:
    """An LAO's own budget: the line is the LAO's expenditure of the year, as the publishers
    take one system's figures for each LAO, year and kind (reconcile.py)."""
    wanted = ("lao_name", "fiscal_year", "kind", "category", "source_of_funds", "estimate",
              "actual", *AREA, *PROVENANCE)  # fmt: skip
    read = 0
    for frame in _batches(table.file, wanted):
        base = _common(frame, read + 1)
        read += len(frame)
        lao = _text(frame["lao_key"]).array
        base["scope"] = "local"
        base["line_id"] = pd.Series(lao, dtype="string") + "/expenditure"
        base["fiscal_year"] = _integer(frame["fiscal_year"]).array
        base["fiscal_month"] = pd.array([None] * len(frame), dtype="Int64")
        base["area_level"], base["area_code"], base["lao_key"] = "lao", lao, lao
        base["subdistrict_code"] = None
        base["budget_unit_code"] = lao
        base["budget_unit_name"] = _text(frame["lao_name"]).array
        base["budget_type"] = _text(frame["category"]).array
        base["source_of_funds"] = _text(frame["source_of_funds"]).array
        base = base[(_text(frame["kind"]) == "expenditure").fillna(False).to_numpy()]
        parts = [
            base.assign(stage=stage, amount=satang(frame.loc[base.index, column]).array)
            for stage, column in (("allocated", "estimate"), ("disbursed", "actual"))
        ]
        yield read, _kept(pd.concat(parts, ignore_index=True).sort_values("row", kind="stable"))


def _kept(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows that are amounts: a year, an amount and a known stage."""
    keep = (
        frame["fiscal_year"].notna() & frame["amount"].notna() & frame["stage"].isin(STAGES)
    ).fillna(False)
    return frame[keep.to_numpy()].reset_index(drop=True)
