"""What every reader hands the validator: a table's labels and its rows in `Batch`es of Arrow
text columns, each row with its number as Frictionless counts it (the header is row 1, a
blank line is a row), and `ReadError` for a file that is not a table."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from khlang.i18n import Text
from khlang.validators.dialect import Dialect

BATCH_ROWS = 32_768


class ReadError(Exception):
    """The file cannot be read as a table; `code` is the Frictionless error type."""

    def __init__(self, code: str, note: Text, offset: int = 0, *, long_row: bool = False) -> None:
        self.code = code
        self.note = note
        self.offset = offset
        """Where in the file the problem starts, when it is known (bytes)."""
        self.long_row = long_row
        """A row is longer than the block it was read with."""
        super().__init__(note.en)


@dataclass
class Batch:
    columns: list[pa.Array]
    """One string array per header position; null marks a cell the row does not have."""
    row_numbers: np.ndarray
    """Each row's number; not always in order (malformed rows come after their block)."""
    extra_cells: dict[int, list[str]] = field(default_factory=dict)
    """Row index in this batch -> its cells beyond the header's width."""
    natives: list[list[Any] | None] | None = None
    """For spreadsheets and JSON, per column, each cell's value as the file types it
    (numbers, booleans, dates), or None for a column of text only: Frictionless checks a
    typed value as it is (a number in a string field is a type error)."""

    def __len__(self) -> int:
        return len(self.row_numbers)

    def cell(self, position: int, index: int) -> str | None:
        """One cell as text (a stored value as a CSV would hold it); None when absent."""
        column = self.columns[position]
        value = column[index].as_py()
        if value is None:
            return None if pa.types.is_string(column.type) else ""
        return value if isinstance(value, str) else cell_text(value)

    def cells(self, index: int) -> list[str]:
        """One row's cells as the file has them (for error examples)."""
        present = [self.cell(position, index) for position in range(len(self.columns))]
        return [cell for cell in present if cell is not None] + self.extra_cells.get(index, [])


@dataclass
class Table:
    labels: list[str]
    batches: Iterator[Batch]
    encoding: str | None = None
    width: int = 0
    """Cells a row should have: the labels', or without a header the first row's."""
    dialect: Dialect = field(default_factory=Dialect)
    """The dialect the table was read with, its header rows found."""
    fragment: list[list[Any]] = field(default_factory=list)
    """The first data rows (of the first 100 rows), from which Frictionless guesses types."""


def cell_text(value: Any) -> str:
    """A spreadsheet or JSON value as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def batches_from_rows(
    rows: Iterator[tuple[int, list[Any]]], width: int, *, typed: bool = False
) -> Iterator[Batch]:
    """Numbered rows of cells in batches of BATCH_ROWS; `typed` keeps the cells' values
    beside their text (spreadsheets, JSON)."""
    chunk: list[tuple[int, list[Any]]] = []

    def flush() -> Batch:
        columns = [
            pa.array(
                [cell_text(cells[i]) if i < len(cells) else None for _, cells in chunk],
                pa.string(),
            )
            for i in range(width)
        ]
        extra = {
            index: [cell_text(cell) for cell in cells[width:]]
            for index, (_, cells) in enumerate(chunk)
            if len(cells) > width
        }
        natives = None
        if typed:
            natives = []
            for i in range(width):
                values = [cells[i] if i < len(cells) else None for _, cells in chunk]
                text_only = all(value is None or isinstance(value, str) for value in values)
                natives.append(None if text_only else values)
        return Batch(columns, np.array([n for n, _ in chunk], dtype=np.int64), extra, natives)

    for row in rows:
        chunk.append(row)
        if len(chunk) >= BATCH_ROWS:
            yield flush()
            chunk = []
    if chunk:
        yield flush()
