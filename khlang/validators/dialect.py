"""How a table is laid out in its file: the Table Dialect (which rows are the header, which
are comments, how CSV cells are delimited and quoted), read from a resource's `dialect` or
found in the file's first rows by Frictionless's rules.

Frictionless finds the header as the first row whose width is near the sample's average
width (so a title, a comment or a blank line above the header is stepped over), and the CSV
delimiter, quote and initial-space rule with Python's `csv.Sniffer` on the first 100 lines;
khlang does the same on the same sample, so that both read the same cells from a file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from khlang.errors import KhlangError
from khlang.i18n import t

SAMPLE_ROWS = 100
"""Rows Frictionless reads before deciding the header and the delimiter (its sample)."""
SNIFFED_DELIMITERS = ",\t;|"


class Dialect(BaseModel):
    """A Table Dialect (Data Package v1 flat form or v2 with a `csv` part). Properties
    left unset are found in the file (`defined` tells which were set)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    header: bool = True
    header_rows: list[int] = Field(default=[1], alias="headerRows")
    header_join: str = Field(default=" ", alias="headerJoin")
    header_case: bool = Field(default=True, alias="headerCase")
    comment_char: str | None = Field(default=None, alias="commentChar")
    comment_rows: list[int] = Field(default=[], alias="commentRows")
    skip_blank_rows: bool = Field(default=False, alias="skipBlankRows")
    delimiter: str | None = None
    quote_char: str | None = Field(default=None, alias="quoteChar")
    double_quote: bool = Field(default=True, alias="doubleQuote")
    escape_char: str | None = Field(default=None, alias="escapeChar")
    skip_initial_space: bool | None = Field(default=None, alias="skipInitialSpace")
    sheet: str | int | None = None

    @field_validator("delimiter", "escape_char")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError("must be one character")
        return value

    @field_validator("quote_char")
    @classmethod
    def _quote(cls, value: str | None) -> str | None:
        if value is not None and len(value) > 1:
            raise ValueError('must be one character, or "" for none')
        return value

    @property
    def header_defined(self) -> bool:
        return "header" in self.model_fields_set or "header_rows" in self.model_fields_set

    # Rows ---------------------------------------------------------------------------------

    def first_content_row(self) -> int:
        """The number of the first row after the header (rows before it are never data)."""
        return self.header_rows[-1] + 1 if self.header and self.header_rows else 1

    def is_comment(self, number: int, cells: list[Any]) -> bool:
        commented = bool(self.comment_char) and bool(cells) and isinstance(cells[0], str)
        return (commented and cells[0].startswith(self.comment_char)) or number in self.comment_rows

    def with_header_found(self, sample: list[list[Any]]) -> Dialect:
        """The dialect with its header row found in the sample when the resource did not
        say: the first row (not a comment) whose width is within a tenth of the sample's
        average width, or row 1."""
        widths = [len(cells) for cells in sample]
        if not widths or self.header_defined:
            return self
        width = round(sum(widths) / len(widths))
        drift = max(round(width * 0.1), 1)
        for number, cells in enumerate(sample, start=1):
            if self.is_comment(number, cells):
                continue
            if width - drift <= len(cells) <= width + drift:
                return self if number == 1 else self.model_copy(update={"header_rows": [number]})
        return self

    def labels(self, sample: list[list[Any]]) -> list[str]:
        """The header's labels: each header row's cells as stripped text, the rows joined
        column by column with `headerJoin` (a cell repeating the one above is not)."""
        rows: list[list[str]] = []
        last = self.first_content_row()
        for number, cells in enumerate(sample, start=1):
            if self.is_comment(number, cells):
                continue
            if self.header and number in self.header_rows:
                rows.append(["" if cell is None else str(cell).strip() for cell in cells])
            if number >= last:
                break
        labels: list[str] = []
        previous: dict[int, str] = {}
        for cells in rows:
            for index, cell in enumerate(cells):
                if previous.get(index) == cell:
                    continue
                previous[index] = cell
                if len(labels) <= index:
                    labels.append(cell)
                else:
                    labels[index] = self.header_join.join([labels[index], cell])
        return labels

    def content(self, rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
        """The numbered rows that are data: after the header, neither comments nor (with
        `skipBlankRows`) blank."""
        first = self.first_content_row()
        for number, cells in rows:
            if number < first or self.is_comment(number, cells):
                continue
            if self.skip_blank_rows and all(cell in (None, "") for cell in cells):
                continue
            yield number, cells

    # CSV ----------------------------------------------------------------------------------

    def csv_options(self, lines: list[str]) -> CsvOptions:
        """The CSV reading options for a file whose first lines are `lines`: what the
        dialect sets, the rest sniffed as Frictionless sniffs it."""
        delimiters = self.delimiter or SNIFFED_DELIMITERS
        try:
            sniffed: Any = csv.Sniffer().sniff("".join(lines[:SAMPLE_ROWS]), delimiters)
        except csv.Error:
            sniffed = csv.excel()
        quote = self.quote_char if self.quote_char is not None else '"'
        return CsvOptions(
            delimiter=self.delimiter or sniffed.delimiter,
            quote_char=quote or None,
            double_quote=self.double_quote if self.escape_char else True,
            escape_char=self.escape_char,
            skip_initial_space=(
                self.skip_initial_space
                if self.skip_initial_space is not None
                else bool(sniffed.skipinitialspace)
            ),
        )


class CsvOptions(BaseModel):
    """How the cells of a CSV file are read: Python's `csv` dialect parameters."""

    model_config = ConfigDict(frozen=True)

    delimiter: str = ","
    quote_char: str | None = '"'
    double_quote: bool = True
    escape_char: str | None = None
    skip_initial_space: bool = False

    def reader(self, lines: Any) -> Any:
        """Python's csv reader over `lines` with these options (Frictionless's parser)."""
        return csv.reader(
            lines,
            delimiter=self.delimiter,
            quotechar=self.quote_char or '"',
            quoting=csv.QUOTE_MINIMAL if self.quote_char else csv.QUOTE_NONE,
            doublequote=self.double_quote,
            escapechar=self.escape_char,
            skipinitialspace=self.skip_initial_space,
        )


def parse_dialect(descriptor: Any, *, where: str) -> Dialect:
    """A dialect from a resource's `dialect` (v1: CSV keys at the top; v2: in `csv`), or a
    KhlangError naming `where`."""
    if descriptor is None:
        return Dialect()
    if not isinstance(descriptor, dict):
        raise KhlangError(t("dialect ต้องเป็นออบเจกต์ JSON", "a dialect must be a JSON object"),
                          where=where)  # fmt: skip
    flat = {key: value for key, value in descriptor.items() if key not in ("csv", "excel")}
    for part in ("csv", "excel"):
        if isinstance(descriptor.get(part), dict):
            flat.update(descriptor[part])
    try:
        return Dialect.model_validate(flat)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, problem['loc']))}: {problem['msg'].removeprefix('Value error, ')}"
            for problem in error.errors()
        )
        raise KhlangError(
            t(f"dialect ไม่ถูกต้อง: {problems}", f"the dialect is invalid: {problems}"), where=where
        ) from None
