"""Where a large CSV file can be cut in two, so that each half is parsed by its own reader at
the same time. A cut must fall where a row starts, which a byte offset alone does not say: a
line break may sit inside a quoted value. The quote state at the middle of the file is
unknown without reading everything before it, so both states are tried on a window of rows
after the middle: a quote toggles the state, a line break outside quotes ends a row, and the
rows each guess yields are split as Python's csv module splits them. The cut is made only
when exactly one guess gives rows of the header's width (three in four at least) and the other
does not; otherwise the file is read in one piece."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import numpy as np

SPLIT_MIN_BYTES = 32 << 20
"""Smaller files are read in one piece: the second reader's start-up would cost more than
it saves."""
WINDOW_BYTES = 256 << 10
SAMPLE_ROWS = 64
MIN_ROWS = 8
FIT_SHARE = 0.75
"""Ragged rows are errors to report, not reasons to refuse a cut: three in four rows of the
right width are enough, and the wrong guess gives almost none."""


def split_point(path: Path, size: int, width: int, delimiter: str, encoding: str) -> int | None:
    """The offset of a row start near the middle of the file, or None to read it whole."""
    if size < SPLIT_MIN_BYTES or width < 2:
        return None
    middle = size // 2
    with path.open("rb") as stream:
        stream.seek(middle)
        window = stream.read(WINDOW_BYTES)
    start = row_start(window, width, delimiter, encoding)
    return None if start is None else middle + start


def row_start(window: bytes, width: int, delimiter: str, encoding: str) -> int | None:
    """The offset in `window` (bytes from somewhere in a CSV file) of the first row start
    that only one quote state explains, or None when the window does not decide."""
    data = np.frombuffer(window, dtype=np.uint8)
    newlines = np.flatnonzero(data == ord("\n"))
    if len(newlines) < MIN_ROWS + 1:
        return None
    quotes_before = np.cumsum(data == ord('"'))[newlines]
    fitting = []
    for inside in (0, 1):
        ends = newlines[((quotes_before + inside) & 1) == 0]
        if _rows_fit(window, ends, width, delimiter, encoding):
            fitting.append(ends)
    if len(fitting) != 1:
        return None
    return int(fitting[0][0]) + 1


def _rows_fit(window: bytes, ends: np.ndarray, width: int, delimiter: str, encoding: str) -> bool:
    """Whether the rows between consecutive row ends are one record each, of `width` cells."""
    ends = ends[: SAMPLE_ROWS + 1]
    if len(ends) < MIN_ROWS + 1:
        return False
    fit = 0
    for start, end in itertools.pairwise(ends):
        try:
            text = window[start + 1 : end + 1].decode(encoding)
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except (UnicodeDecodeError, csv.Error):
            return False
        fit += len(records) == 1 and len(records[0]) == width
    return fit >= FIT_SHARE * (len(ends) - 1)
