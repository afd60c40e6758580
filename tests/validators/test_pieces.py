"""A column that does not cast in one call is cast again in pieces (cells.PIECE_ROWS):
bad cells must be found in whichever piece they fall, and good cells of a spoiled piece
must still be read, exactly as frictionless-py reads them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from khlang.validators import validate
from khlang.validators.cells import MAX_SLICES, PIECE_ROWS, only
from tests.validators.conftest import errors_of, frictionless_errors, write_csv

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"minimum": 1}},
        {"name": "amount", "type": "number", "groupChar": ","},
        {"name": "day", "type": "date"},
        {"name": "year", "type": "year", "constraints": {"minimum": 2500}},
    ]
}
BAD = {  # row index -> (field position, cell); the year column is spoiled in two pieces
    5: (0, "0x1F"), 6: (3, "๒๕๖๖"), 700: (1, "12 บาท"), PIECE_ROWS + 3: (2, "2566-02-30"),
    PIECE_ROWS + 4: (2, "2566-2-3"), 2 * PIECE_ROWS: (3, "๒๕๖๗"), 2 * PIECE_ROWS + 1: (3, "2024"),
    2 * PIECE_ROWS + 9: (0, "+7"), 3 * PIECE_ROWS - 1: (1, "1,2x"), 3 * PIECE_ROWS + 50: (2, "x"),
}  # fmt: skip


def test_bad_cells_in_several_pieces(tmp_path) -> None:
    rows = [["id", "amount", "day", "year"]]
    for index in range(3 * PIECE_ROWS + 100):
        row = [str(index + 1), f"{index * 1000:,}.25", f"2566-{index % 12 + 1:02d}-15", "2567"]
        if index in BAD:
            position, cell = BAD[index]
            row[position] = cell
        rows.append(row)
    path = write_csv(tmp_path / "table.csv", rows)
    report = validate(path, SCHEMA, examples=1000)
    expected, count = frictionless_errors(tmp_path, path.name, SCHEMA)
    assert errors_of(report) == expected
    assert sum(report.error_counts.values()) == count == 6


def test_only_steps_over_a_few_runs_and_filters_many() -> None:
    """`only` keeps the same cells whether it slices a column (a few runs left out, as a
    batch's blank rows are) or filters it (more runs than MAX_SLICES)."""
    column = pa.chunked_array([pa.array([str(n) for n in range(start, start + 500)])
                               for start in (0, 500)])  # fmt: skip
    for step in (97, 3):
        where = np.arange(1000) % step != 0
        assert (len(np.flatnonzero(where[1:] != where[:-1])) // 2 > MAX_SLICES) == (step == 3)
        assert only(column, where).to_pylist() == [str(n) for n in range(1000) if n % step]
    assert only(column, np.zeros(1000, dtype=bool)).to_pylist() == []
    assert only(column, np.ones(1000, dtype=bool)) is column
