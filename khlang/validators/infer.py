"""Proposing a Table Schema from a file, to start a data officer off: types, Thai-aware
number and date formats, Buddhist-era years, required and enum constraints.

Every non-blank cell of the whole file is looked at (or of the first `sample_rows` rows),
with Arrow's regular expressions, so inference costs about what validation costs. A type
is proposed when at least `INFERENCE_CONFIDENCE` of a column's non-blank cells fit it:
the few that do not are then reported by `khlang validate` against the proposed schema,
which is more use to an officer than a column silently left as text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from khlang.errors import KhlangError
from khlang.thai import BUDDHIST_ERA_FROM, THAI_DIGITS
from khlang.validators.cells import blank_cells, only
from khlang.validators.inputs import existing_file, known_encoding
from khlang.validators.readers import ReadError, open_table
from khlang.validators.sniff import sniff_format

INFERENCE_CONFIDENCE = 0.99
ENUM_MAX_VALUES = 12
ENUM_MIN_ROWS = 50
ENUM_MAX_LENGTH = 60
_CURRENCY = "บาท|฿"
_DIGIT = f"[0-9{THAI_DIGITS}]"

# (name, regular expression, the field descriptor it proposes), most specific first.
CANDIDATES: list[tuple[str, str, dict[str, Any]]] = [
    ("boolean", r"^(true|false|True|False|TRUE|FALSE)$", {"type": "boolean"}),
    ("year", rf"^{_DIGIT}{{4}}$", {"type": "year"}),
    ("integer", rf"^[+-]?{_DIGIT}+$", {"type": "integer"}),
    ("number", rf"^[+-]?({_DIGIT}+\.?{_DIGIT}*|\.{_DIGIT}+)([eE][+-]?{_DIGIT}+)?$",
     {"type": "number"}),
    ("grouped", rf"^[+-]?{_DIGIT}{{1,3}}(,?{_DIGIT}{{3}})*(\.{_DIGIT}+)?$",
     {"type": "number", "groupChar": ","}),
    ("baht", rf"^[+-]?(฿\s*)?{_DIGIT}{{1,3}}(,?{_DIGIT}{{3}})*(\.{_DIGIT}+)?\s*(บาท)?$",
     {"type": "number", "groupChar": ",", "bareNumber": False}),
    ("date", rf"^{_DIGIT}{{4}}-{_DIGIT}{{2}}-{_DIGIT}{{2}}$", {"type": "date"}),
    ("date-dmy", rf"^{_DIGIT}{{1,2}}/{_DIGIT}{{1,2}}/{_DIGIT}{{4}}$",
     {"type": "date", "format": "%d/%m/%Y"}),
    ("date-dmy-dash", rf"^{_DIGIT}{{1,2}}-{_DIGIT}{{1,2}}-{_DIGIT}{{4}}$",
     {"type": "date", "format": "%d-%m-%Y"}),
    ("datetime", rf"^{_DIGIT}{{4}}-{_DIGIT}{{2}}-{_DIGIT}{{2}}T{_DIGIT}{{2}}:{_DIGIT}{{2}}:"
     rf"{_DIGIT}{{2}}(\.{_DIGIT}+)?(Z|[+-]{_DIGIT}{{2}}:?{_DIGIT}{{2}})?$", {"type": "datetime"}),
]  # fmt: skip
_YEAR_WORDS = ("year", "yr", "ปี")


@dataclass
class _Column:
    name: str
    present: int = 0
    blank: int = 0
    matches: Counter[str] = field(default_factory=Counter)
    years: list[int] = field(default_factory=list)
    """Smallest and largest year seen in year-like or date-like cells."""
    values: set[str] | None = field(default_factory=set)
    """Distinct cells while there are few (for enum), None once there are many."""

    def add(self, column: pa.Array) -> None:
        _, blank = blank_cells(column, [""])
        self.blank += int(blank.sum())
        cells = only(column, ~blank)
        if not len(cells):
            return
        self.present += len(cells)
        for name, pattern, _ in CANDIDATES:
            self.matches[name] += int(pc.sum(pc.match_substring_regex(cells, pattern)).as_py() or 0)
        self.matches["currency"] += int(
            pc.sum(pc.match_substring_regex(cells, _CURRENCY)).as_py() or 0
        )
        self._add_years(cells)
        if self.values is not None:
            self.values.update(pc.unique(cells).to_pylist())
            if len(self.values) > ENUM_MAX_VALUES or any(
                len(value) > ENUM_MAX_LENGTH for value in self.values
            ):
                self.values = None

    def _add_years(self, cells: pa.Array) -> None:
        found = pc.extract_regex(cells, r"(?P<y>(?:^|[-/])[0-9]{4}(?:$|[-/]))")
        digits = pc.utf8_slice_codeunits(pc.utf8_trim(pc.struct_field(found, "y"), "-/"), 0, 4)
        years = pc.cast(pc.drop_null(digits), pa.int64())
        if len(years):
            self.years += [pc.min(years).as_py(), pc.max(years).as_py()]

    def descriptor(self, whole_file: bool) -> dict[str, Any]:
        proposed: dict[str, Any] = {"name": self.name, "type": "string"}
        fits = [
            (name, spec)
            for name, _, spec in CANDIDATES
            if self.present and self.matches[name] >= self.present * INFERENCE_CONFIDENCE
        ]
        named_year = any(word in self.name.lower() for word in _YEAR_WORDS)
        for name, spec in fits:
            if name == "year" and not named_year:
                continue  # a four-digit code is an integer unless the name says year
            if name == "baht" and not self.matches["currency"]:
                continue
            proposed = {"name": self.name, **spec}
            break
        kind = proposed["type"]
        if kind in ("year", "date", "datetime") and self.years:
            low, high = min(self.years), max(self.years)
            if low >= BUDDHIST_ERA_FROM:
                proposed["calendar"] = "buddhist"
            elif high < BUDDHIST_ERA_FROM and named_year and kind == "year":
                proposed["calendar"] = "gregorian"
        constraints: dict[str, Any] = {}
        if whole_file and self.present and not self.blank:
            constraints["required"] = True
        if (
            kind == "string"
            and self.values
            and len(self.values) > 1
            and self.present >= ENUM_MIN_ROWS
            and len(self.values) <= ENUM_MAX_VALUES
        ):
            constraints["enum"] = sorted(self.values)
        if constraints:
            proposed["constraints"] = constraints
        return proposed


def infer_schema(
    path: str | Path, *, sample_rows: int | None = None, encoding: str | None = None
) -> dict[str, Any]:
    """A Table Schema descriptor proposed from the file's cells (all of them by default)."""
    path = existing_file(path)
    encoding = known_encoding(encoding)
    info = sniff_format(path)
    try:
        table = open_table(info, encoding=encoding)
    except ReadError as error:
        raise KhlangError(error.note, where=str(path)) from None
    columns = [_Column(label or f"field{index + 1}") for index, label in enumerate(table.labels)]
    seen = 0
    try:
        for batch in table.batches:
            if sample_rows is not None and seen >= sample_rows:
                break
            for column, cells in zip(columns, batch.columns, strict=False):
                column.add(cells)
            seen += len(batch)
    except ReadError as error:
        raise KhlangError(error.note, where=str(path)) from None
    whole_file = sample_rows is None or seen < sample_rows
    return {
        "fields": [column.descriptor(whole_file) for column in columns],
        "missingValues": [""],
    }
