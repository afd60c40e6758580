"""Reading and checking the cells of one field, a batch at a time, by Table Schema rules.

The common types (string, integer, number, year, boolean, the default date) are parsed and
constrained with Arrow compute kernels over whole columns. Values the fast patterns do not
cover (underscores in numbers, non-padded dates, custom date formats) and the rarer types
(datetime, time, yearmonth, duration, geopoint, object, array, geojson, string formats) are
read once per distinct value by the reference readers (Python's int, Decimal and strptime as
Frictionless calls them, or frictionless-py's own readers for the rarer types), so khlang
accepts exactly what Frictionless accepts. Each cell also gets a key (its parsed value, in a
type DuckDB compares as Python does) for unique, primary-key and foreign-key checks.
"""

from __future__ import annotations

import datetime as dt
import decimal
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import regex

from khlang.i18n import Text, t
from khlang.thai import BUDDHIST_ERA_FROM, THAI_DIGITS
from khlang.validators.schema import Calendar, SchemaField

_INTEGER = r"^[+-]?[0-9]{1,18}$"
_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_BARE = r"(^[^-\p{Nd}]*)|(\P{Nd}*$)"
"""Frictionless's `bareNumber: false` pattern, `((^[^-\\d]*)|(\\D*$))`, in RE2 syntax."""
FAST_TYPES = {"any", "string", "integer", "number", "year", "boolean", "date"}
MAX_DISTINCT_CACHE = 200_000
PIECE_ROWS = 1024
"""A column that does not cast in one call is cast again in pieces of this many cells."""
MAX_SLICES = 64
"""Up to this many runs of kept cells, `only` slices a column instead of filtering it."""
PATTERN_SECONDS = 0.05
"""The longest one value may take to match a field's pattern where Python's syntax runs it
(look-around or back-references, which RE2 cannot run, and every spreadsheet or JSON cell).
A pattern such as `(a|aa)+(?=x)` backtracks for hours on sixty letters; past the limit the
value counts as not matching, and its finding says why."""
PATTERN_TIMEOUTS = 20
"""After this many values past the limit a field's pattern is not run again, so that a column
costs at most about a second whatever its size; its other values count as not matching."""


class BoundedPattern:
    """A field's `pattern` constraint run with a time limit: mrab's `regex` reads Python's
    syntax as `re` does (Frictionless matches with `re`) and, unlike `re`, can stop."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.compiled = regex.compile(f"^{pattern}$")
        self.timeouts = 0
        self.stopped: set[str] = set()
        """Values not shown to match because the time ran out (up to MAX_DISTINCT_CACHE)."""

    def matches(self, value: str) -> bool:
        if self.timeouts < PATTERN_TIMEOUTS:
            try:
                return self.compiled.match(value, timeout=PATTERN_SECONDS) is not None
            except TimeoutError:
                self.timeouts += 1
        if len(self.stopped) < MAX_DISTINCT_CACHE:
            self.stopped.add(value)
        return False

    def hint(self, cell: str) -> Text | None:
        """Why a value was not shown to match, when it was the time limit."""
        if cell not in self.stopped:
            return None
        limit = f"{PATTERN_SECONDS:g}"
        return t(
            f"รูปแบบ (pattern) ใช้เวลาเกิน {limit} วินาทีกับค่านี้จึงถูกหยุด: เขียนรูปแบบใหม่"
            " ให้ไม่ย้อนรอยซ้ำ (เช่น ไม่ใช้ (a|aa)+ หรือ lookahead)",
            f"the pattern took over {limit} s on this value and was stopped: rewrite it so it"
            " does not backtrack (no nested or overlapping repeats such as (a|aa)+)",
        )


@dataclass
class CellChecks:
    """What checking one field's present (non-blank) cells found, cell by cell."""

    type_error: np.ndarray
    violations: dict[str, np.ndarray]
    """Constraint name -> cells that break it (only cells without a type error)."""
    calendar_error: np.ndarray
    thai_digits: np.ndarray
    keys: pa.Array | None
    """Each cell's parsed value (see `key_type`), null where the cell has a type error; None
    when not asked for."""


def blank_cells(column: pa.Array, missing_values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which cells a row does not have (`absent`), and which are blank: absent or one of the
    field's missing values."""
    if not _is_text(column.type):  # a stored value (Parquet): a null is a blank cell
        blank = np.asarray(column.is_null()) if column.null_count else np.zeros(len(column), bool)
        return np.zeros(len(column), bool), blank
    absent = np.asarray(column.is_null()) if column.null_count else np.zeros(len(column), bool)
    if missing_values == [""]:
        empty = _empty(column)
    else:
        empty = _mask(pc.is_in(column, pa.array(missing_values, pa.string())))
    return absent, absent | empty


def _is_text(arrow_type: pa.DataType) -> bool:
    return bool(pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type))


def _holds(field: SchemaField, stored: pa.DataType) -> bool:
    """Whether values stored in this Arrow type are of the field's type as they are."""
    kind = field.type
    if kind == "integer":
        return bool(pa.types.is_integer(stored))
    if kind == "number":
        return bool(
            pa.types.is_integer(stored)
            or pa.types.is_floating(stored)
            or pa.types.is_decimal(stored)
        )
    if kind == "date":
        return bool(pa.types.is_date(stored))
    return kind == "boolean" and bool(pa.types.is_boolean(stored))


def stored_values(column: pa.Array, field: SchemaField) -> pa.Array:
    """A column as the checks take it. Text stays text, to be read by the field's rules.
    A typed column (from Parquet) whose stored type holds the field's values as they are
    is checked as those values, in the field's key type, with no parsing: a stored integer
    is an integer. Other typed columns become the text a CSV of them would hold (a null an
    empty cell), and are read as text."""
    if _is_text(column.type):
        return column
    if _holds(field, column.type):
        return column.cast(KEY_TYPES[field.type]) if field.type != "boolean" else column
    return pc.fill_null(column.cast(pa.string()), "")


def _empty(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Empty strings (and absent cells), read off the arrays' offsets without a kernel."""
    if isinstance(column, pa.ChunkedArray):
        return np.concatenate([_empty(chunk) for chunk in column.chunks] or [np.zeros(0, bool)])
    if column.type not in (pa.string(), pa.large_string()):
        return _mask(pc.equal(pc.binary_length(column), 0))
    width = np.int32 if column.type == pa.string() else np.int64
    offsets = np.frombuffer(column.buffers()[1], dtype=width)
    empty: np.ndarray = np.diff(offsets[column.offset : column.offset + len(column) + 1]) == 0
    return empty


def whole(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A batch's column in one array (a batch of CSV rows holds Arrow's blocks apart)."""
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def only(column: pa.Array | pa.ChunkedArray, where: np.ndarray) -> pa.Array | pa.ChunkedArray:
    """The cells of `column` where `where` is true. A few runs of cells left out (the blank
    rows of a batch) are stepped over by slicing, which copies nothing; a filter would copy
    every cell of the column."""
    if where.all():
        return column
    edges = np.flatnonzero(np.diff(np.concatenate(([False], where, [False])).astype(np.int8)))
    if len(edges) > 2 * MAX_SLICES:
        return column.filter(pa.array(where))
    starts, ends = edges[::2], edges[1::2]
    pieces = [column.slice(start, end - start) for start, end in zip(starts, ends, strict=True)]
    chunks = [
        chunk
        for piece in pieces
        for chunk in (piece.chunks if isinstance(piece, pa.ChunkedArray) else [piece])
    ]
    return pa.chunked_array(chunks, type=column.type)


def spread_keys(dense: pa.Array | None, where: np.ndarray, key_type: pa.DataType) -> pa.Array:
    """Keys of the cells in `where`, in full length with nulls for the rest."""
    if dense is None:
        return pa.nulls(len(where), key_type)
    if where.all():
        return dense
    index = np.full(len(where), -1, dtype=np.int64)
    index[where] = np.arange(int(where.sum()))
    return pc.take(dense, pa.array(index, mask=~where))


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False), dtype=bool)


def _python_reader(field: SchemaField) -> Callable[[str], Any]:
    """Frictionless's value reader for the field: the reference semantics of each type.
    The four common types, whose readers are a line of Python each, are written out here so
    that a stray bad cell does not cost the second it takes to import frictionless; the
    equivalence suite holds them to Frictionless's."""
    native = _native_reader(field)
    if native is not None:
        return native
    return frictionless_reader(field)


def frictionless_reader(field: SchemaField) -> Callable[[Any], Any]:
    """frictionless-py's value reader for the field, which also reads the typed values of
    spreadsheets and JSON (a number, a boolean, a date) by Frictionless's rules."""
    from frictionless import Field  # lazy: frictionless, +115 ms

    descriptor = {"name": field.name, "type": field.type, "format": field.format}
    for key in ("trueValues", "falseValues", "decimalChar", "groupChar", "bareNumber"):
        value = field.model_dump(by_alias=True).get(key)
        if value is not None:
            descriptor[key] = value
    return Field.from_descriptor(descriptor).create_value_reader()


def _native_reader(field: SchemaField) -> Callable[[str], Any] | None:
    kind = field.type
    bare = re.compile(r"((^[^-\d]*)|(\D*$))") if field.bare_number is False else None
    processed = field.type == "number" and (
        field.group_char is not None or field.decimal_char is not None or bare is not None
    )
    group, decimal_char = field.group_char or "", field.decimal_char or "."

    def number_text(cell: str) -> str | None:
        cell = cell.strip()
        if bare is not None:
            cell = bare.sub("", cell)
        if processed:
            cell = cell.replace(group, "")
            if decimal_char != "." and "." in cell:
                return None
            cell = cell.replace(decimal_char, ".")
        return cell

    def integer(cell: str) -> int | None:
        text = number_text(cell)
        try:
            return int(text) if text is not None else None
        except ValueError:
            return None

    def number(cell: str) -> decimal.Decimal | None:
        text = number_text(cell)
        try:
            return decimal.Decimal(text) if text is not None else None
        except (decimal.InvalidOperation, ValueError):
            return None

    def year(cell: str) -> int | None:
        if len(cell) != 4:
            return None
        try:
            value = int(cell)
        except ValueError:
            return None
        return value if 0 <= value <= 9999 else None

    # "fmt:" is the legacy (Table Schema v0) prefix of a strptime pattern.
    pattern = "%Y-%m-%d" if field.format in ("default", "") else field.format.removeprefix("fmt:")

    def date(cell: str) -> dt.date | None:
        try:
            return dt.datetime.strptime(cell, pattern).date()
        except ValueError:
            return None

    if kind == "date" and field.format == "any":
        return None
    return {"integer": integer, "number": number, "year": year, "date": date}.get(kind)


KEY_TYPES = {"boolean": pa.int64(), "integer": pa.int64(), "year": pa.int64(),
             "number": pa.float64(), "date": pa.date32()}  # fmt: skip
"""Keys are parsed values in a type DuckDB compares as Python does (True == 1 == 1.0);
other types' keys are text: their value's repr, tagged with the type."""


def key_type(field: SchemaField) -> pa.DataType:
    return KEY_TYPES.get(field.type, pa.string())


def _key_of(value: Any, kind: str) -> Any:
    if kind == "boolean" and isinstance(value, bool):
        return int(value)
    if value is None or kind in KEY_TYPES:
        return _to_arrow_scalar(value, kind)
    if isinstance(value, str):
        return value
    return f"{kind}:{value!r}"


class FieldChecker:
    """Checks one field's cells, batch after batch, keeping what it learns about distinct
    values (a date column of a million rows holds a few hundred dates)."""

    def __init__(self, field: SchemaField) -> None:
        self.field = field
        self.constraints = field.constraints
        self._reader: Callable[[str], Any] | None = None
        self._typed_reader: Callable[[Any], Any] | None = None
        self._cache: dict[str, Any] = {}
        self._typed_bounds: dict[str, Any] = {}
        self._enum: list[Any] | None = None
        self._spoiled = False
        """Whether the last batch had a cell of the wrong type (its whole-column cast failed)."""
        self._pattern: BoundedPattern | None = None

    # Parsing -----------------------------------------------------------------------------

    @property
    def reader(self) -> Callable[[str], Any]:
        if self._reader is None:
            self._reader = _python_reader(self.field)
        return self._reader

    def read_typed(self, value: Any) -> Any:
        """A spreadsheet's or JSON's value, text or typed, as Frictionless reads it."""
        if isinstance(value, str):
            return self.read_value(value)
        if self._typed_reader is None:
            self._typed_reader = frictionless_reader(self.field)
        return self._typed_reader(value)

    def check_typed(self, values: list[Any], *, keys: bool = True) -> CellChecks:
        """Check present cells given as the file types them (spreadsheets, JSON): a number
        in a string field or 1 in a boolean field is a type error, as in Frictionless."""
        read = [self.read_typed(value) for value in values]
        valid = np.array([value is not None for value in read], dtype=bool)
        found = (
            pa.array([_key_of(value, self.field.type) for value in read], key_type(self.field))
            if keys
            else None
        )
        return self._finish(None, read, valid, found, np.zeros(len(read), dtype=bool))

    def read_value(self, cell: str) -> Any:
        """One cell by the reference reader (None when it is not of the field's type)."""
        if cell not in self._cache:
            if len(self._cache) > MAX_DISTINCT_CACHE:
                self._cache.clear()
            self._cache[cell] = self.reader(cell)
        return self._cache[cell]

    def _read_distinct(self, strings: pa.Array) -> tuple[list[Any], pa.Array]:
        """The distinct cells of `strings` read by the reference reader, and each cell's
        position among them."""
        distinct = pc.unique(strings)
        values = [self.read_value(cell) for cell in distinct.to_pylist()]
        return values, pc.index_in(strings, distinct)

    def check(self, strings: pa.Array, *, keys: bool = True) -> CellChecks:
        """Check present cells (no nulls, missing values already taken out). `keys=False`
        skips making keys when the field is in no unique, primary or foreign key."""
        thai = np.zeros(len(strings), dtype=bool)
        if not _is_text(strings.type):  # stored values (see `stored_values`): all valid
            found = strings.cast(pa.int64()) if self.field.type == "boolean" else strings
            valid = np.ones(len(strings), dtype=bool)
            return self._finish(strings, strings, valid, found if keys else None, thai)
        if self.field.type == "integer" and _has_long_cells(strings):
            return self._check_python(whole(strings), thai)  # beyond 64 bits: Python's int
        if (self.field.type in FAST_TYPES and self.field.format in ("default", "")) or (
            self.field.type in ("any", "boolean")
        ):
            return self._check_fast(strings, thai, keys=keys)
        return self._check_python(whole(strings), thai)

    # The vectorised path -----------------------------------------------------------------

    def _check_fast(self, strings: pa.Array, thai: np.ndarray, *, keys: bool) -> CellChecks:
        kind = self.field.type
        if kind in ("any", "string"):
            values: pa.Array = strings
            valid = np.ones(len(strings), dtype=bool)
            found_keys = strings if keys else None
        elif kind == "boolean":
            is_true = _mask(pc.is_in(strings, pa.array(self.field.true_values, pa.string())))
            is_false = _mask(pc.is_in(strings, pa.array(self.field.false_values, pa.string())))
            valid = is_true | is_false
            values = pa.array(np.where(valid, is_true, False), mask=~valid)
            found_keys = pa.array(is_true.astype(np.int64), mask=~valid) if keys else None
        else:  # short cells, cheap to copy into one array, which the casts below need
            strings = whole(strings)
            text, broken = self._number_processor(strings)
            # A column that needed pieces in its last batch most likely needs them again:
            # the attempt to cast it whole is skipped (the pieces give the same values).
            whole_cast = not broken.any() and not self._spoiled
            parsed = self._parse_clean(text) if whole_cast else None
            if parsed is not None:
                values, valid = parsed, np.ones(len(strings), dtype=bool)
            elif broken.any() or len(strings) <= PIECE_ROWS:
                values, valid, thai = self._parse_numeric_or_date(strings, text, broken)
            else:
                values, valid, thai = self._parse_piecewise(strings, text)
            self._spoiled = not valid.all()
            found_keys = values if keys else None
        return self._finish(strings, values, valid, found_keys, thai)

    def _parse_clean(self, text: pa.Array) -> pa.Array | None:
        """The whole column in one cast when every cell is a plain, valid value (the usual
        case), or None to take the cell-by-cell path. Arrow's casts accept a subset of what
        Python's int, Decimal and strptime accept, except hexadecimal integers, excluded."""
        kind = self.field.type
        target = {"integer": pa.int64(), "number": pa.float64(), "year": pa.int64(),
                  "date": pa.date32()}[kind]  # fmt: skip
        try:
            values = text.cast(target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        if kind in ("integer", "year") and (
            pc.any(pc.match_substring(text, "0x")).as_py()
            or pc.any(pc.match_substring(text, "0X")).as_py()
        ):
            return None
        if kind == "year" and not (
            pc.all(pc.equal(pc.utf8_length(text), 4)).as_py() and pc.min(values).as_py() >= 0
        ):
            return None
        return values

    def _parse_piecewise(
        self, strings: pa.Array, text: pa.Array
    ) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """A column whose one cast failed, cast again in pieces of PIECE_ROWS: the few bad
        cells of a big column spoil only their pieces, which take the cell-level path, and
        the rest keep the one-call cast."""
        clean: list[pa.Array | None] = []
        for start in range(0, len(text), PIECE_ROWS):
            clean.append(self._parse_clean(text.slice(start, PIECE_ROWS)))
        spoiled = np.repeat(np.array([piece is None for piece in clean]), PIECE_ROWS)
        spoiled = spoiled[: len(text)]
        where = pa.array(spoiled)
        slow_values, slow_valid, slow_thai = self._parse_numeric_or_date(
            strings.filter(where), text.filter(where), np.zeros(int(spoiled.sum()), bool)
        )
        parts: list[pa.Array] = []
        taken = 0
        for start, piece in zip(range(0, len(text), PIECE_ROWS), clean, strict=True):
            if piece is not None:
                same = piece.type == slow_values.type
                parts.append(piece if same else piece.cast(slow_values.type))
                continue
            size = min(PIECE_ROWS, len(text) - start)
            parts.append(slow_values.slice(taken, size))
            taken += size
        valid = np.ones(len(text), dtype=bool)
        valid[spoiled] = slow_valid
        thai = np.zeros(len(text), dtype=bool)
        thai[spoiled] = slow_thai
        return pa.concat_arrays(parts), valid, thai

    def _parse_numeric_or_date(
        self, strings: pa.Array, text: pa.Array, broken: np.ndarray
    ) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """Cells in the plain form are parsed together; the rest (Thai digits, "1_000",
        "2022-1-5", bad cells) by the reference reader, once per distinct cell. Returns
        values, validity and which cells are written in Thai digits."""
        kind = self.field.type
        if kind in ("integer", "number"):
            text = pc.utf8_trim_whitespace(text)
        pattern, arrow_type = {
            "integer": (_INTEGER, pa.int64()),
            "number": (_NUMBER, pa.float64()),
            "year": (r"^[0-9]{4}$", pa.int64()),
            "date": (_ISO_DATE, pa.date32()),
        }[kind]
        fast = _mask(pc.match_substring_regex(text, pattern)) & ~broken
        fast_text = text.filter(pa.array(fast))
        if kind == "date":
            parsed = pc.strptime(fast_text, format="%Y-%m-%d", unit="s", error_is_null=True)
            # Arrow rolls 2022-02-30 over to 2022-03-02; Python refuses it, and so do we.
            written_day = pc.utf8_slice_codeunits(fast_text, 8, 10).cast(pa.int64())
            same = pc.equal(pc.day(parsed), written_day)
            parsed = pc.if_else(pc.fill_null(same, False), parsed, None).cast(pa.date32())
        else:  # Arrow's integer cast refuses the "+" that Python's int() accepts
            parsed = pc.replace_substring_regex(fast_text, r"^\+", "").cast(arrow_type)
        values = _spread(parsed, fast, arrow_type)
        valid = fast.copy()
        valid[fast] = np.asarray(parsed.is_valid())
        thai = np.zeros(len(strings), dtype=bool)
        rest = ~fast & ~broken
        if rest.any():
            rest_strings = strings.filter(pa.array(rest))
            distinct, positions = self._read_distinct(rest_strings)
            converted = pa.array([_to_arrow_scalar(v, kind) for v in distinct], type=arrow_type)
            rest_array = pc.take(converted, positions)
            valid[rest] = np.asarray(rest_array.is_valid())
            values = _fill_positions(values, rest, rest_array)
            thai[rest] = _mask(pc.match_substring_regex(rest_strings, f"[{THAI_DIGITS}]"))
        return values, valid, thai

    def _number_processor(self, text: pa.Array) -> tuple[pa.Array, np.ndarray]:
        """Frictionless's number processor: bareNumber, groupChar, decimalChar, applied only
        when one of them is defined."""
        field = self.field
        invalid = np.zeros(len(text), dtype=bool)
        if field.type not in ("integer", "number"):
            return text, invalid
        if field.bare_number is False:
            text = pc.replace_substring_regex(text, pattern=_BARE, replacement="")
        if field.type == "number" and (
            field.group_char is not None
            or field.decimal_char is not None
            or field.bare_number is not None
        ):
            group = field.group_char or ""
            decimal_char = field.decimal_char or "."
            if group:
                text = pc.replace_substring(text, group, "")
            if decimal_char != ".":
                invalid = _mask(pc.match_substring(text, "."))
                text = pc.replace_substring(text, decimal_char, ".")
        return text, invalid

    # The per-distinct-value path ---------------------------------------------------------

    def _check_python(self, strings: pa.Array, thai: np.ndarray) -> CellChecks:
        distinct, positions = self._read_distinct(strings)
        checks = self._finish(
            pc.unique(strings),
            distinct,
            np.array([value is not None for value in distinct], dtype=bool),
            pa.array([_key_of(v, self.field.type) for v in distinct], key_type(self.field)),
            np.zeros(len(distinct), dtype=bool),
        )
        index = np.asarray(positions)
        return CellChecks(
            type_error=checks.type_error[index],
            violations={name: broken[index] for name, broken in checks.violations.items()},
            calendar_error=checks.calendar_error[index],
            thai_digits=thai,
            keys=pc.take(checks.keys, positions),
        )

    # Constraints -------------------------------------------------------------------------

    def _finish(
        self,
        strings: pa.Array | None,
        values: pa.Array | list[Any],
        valid: np.ndarray,
        keys: pa.Array | None,
        thai: np.ndarray,
    ) -> CellChecks:
        violations: dict[str, np.ndarray] = {}
        constraints = self.constraints
        vectorised = isinstance(values, pa.Array | pa.ChunkedArray)
        for name in constraints.defined():
            if name in ("required", "unique"):
                continue
            if vectorised:
                broken = self._violates_vectorised(name, strings, values)
            else:
                broken = self._violates_python(name, values)
            violations[name] = broken & valid
        calendar = self._calendar_errors(values, valid) if self.field.calendar else None
        return CellChecks(
            type_error=~valid,
            violations=violations,
            calendar_error=calendar if calendar is not None else np.zeros(len(valid), bool),
            thai_digits=thai,
            keys=keys,
        )

    def _bound(self, name: str) -> Any:
        if name not in self._typed_bounds:
            raw = self.constraints.model_dump(by_alias=True)[name]
            self._typed_bounds[name] = self.reader(raw) if isinstance(raw, str) else raw
        return self._typed_bounds[name]

    def enum_values(self) -> list[Any]:
        if self._enum is None:
            enum = self.constraints.enum or []
            self._enum = [self.reader(value) if isinstance(value, str) else value for value in enum]
        return self._enum

    def _violates_vectorised(self, name: str, strings: pa.Array, values: pa.Array) -> np.ndarray:
        kind = self.field.type
        if name in ("minLength", "maxLength"):
            length = pc.utf8_length(strings)
            limit = (
                self.constraints.min_length
                if name == "minLength"
                else (self.constraints.max_length)
            )
            return _mask(
                pc.less(length, limit) if name == "minLength" else pc.greater(length, limit)
            )
        if name == "pattern":
            return ~self._matches_pattern(strings)
        if name == "enum":
            if kind in ("any", "string"):
                allowed = [value for value in self.constraints.enum or [] if isinstance(value, str)]
            else:
                allowed = [_to_arrow_scalar(value, kind) for value in self.enum_values()]
            if kind == "number":  # -0 is 0 (Arrow's set lookup tells their bits apart)
                values = pc.add(values, pa.scalar(0.0))
            return ~_mask(pc.is_in(values, pa.array(allowed, type=values.type)))
        bound = _to_arrow_scalar(self._bound(name), kind)
        if bound is None:
            return np.zeros(len(strings), dtype=bool)
        compare = {
            "minimum": pc.less,
            "maximum": pc.greater,
            "exclusiveMinimum": pc.less_equal,
            "exclusiveMaximum": pc.greater_equal,
        }[name]
        broken = _mask(compare(values, pa.scalar(bound, type=values.type)))
        if kind == "number":  # NaN satisfies no bound (Frictionless treats it so)
            broken |= _mask(pc.is_nan(values))
        return broken

    @property
    def pattern(self) -> BoundedPattern:
        """The field's pattern as Python's syntax runs it, for what RE2 cannot run."""
        if self._pattern is None:
            self._pattern = BoundedPattern(self.constraints.pattern or "")
        return self._pattern

    def _matches_pattern(self, strings: pa.Array) -> np.ndarray:
        try:
            return _mask(pc.match_substring_regex(strings, f"^{self.constraints.pattern}$"))
        except pa.ArrowInvalid:  # a Python-only feature (look-around, back-references)
            distinct = pc.unique(strings)
            matched = pa.array([self.pattern.matches(cell) for cell in distinct.to_pylist()])
            return _mask(pc.take(matched, pc.index_in(strings, distinct)))

    def _violates_python(self, name: str, values: list[Any]) -> np.ndarray:
        check: Callable[[Any], object]
        if name in ("minLength", "maxLength"):
            limit = (
                self.constraints.min_length
                if name == "minLength"
                else (self.constraints.max_length)
            )
            if limit is None:  # only the constraints a field sets are checked
                return np.zeros(len(values), dtype=bool)
            length = limit
            check = (
                (lambda v: len(v) < length) if name == "minLength" else (lambda v: len(v) > length)
            )
        elif name == "enum":
            allowed = self.enum_values()
            check = lambda v: v not in allowed  # noqa: E731
        elif name == "pattern":
            check = lambda v: not self.pattern.matches(v)  # noqa: E731
        else:
            bound = self._bound(name)
            compare = {
                "minimum": operator.ge,
                "maximum": operator.le,
                "exclusiveMinimum": operator.gt,
                "exclusiveMaximum": operator.lt,
            }[name]
            check = lambda v: v != v or not compare(v, bound)  # noqa: E731

        def broken(value: Any) -> bool:
            if value is None:
                return False
            try:
                return bool(check(value))
            except TypeError:
                return True

        return np.array([broken(value) for value in values], dtype=bool)

    # Buddhist and Christian eras ---------------------------------------------------------

    def _calendar_errors(self, values: pa.Array | list[Any], valid: np.ndarray) -> np.ndarray:
        if isinstance(values, pa.Array | pa.ChunkedArray):
            years = values if self.field.type == "year" else pc.year(values)
            years = np.asarray(pc.fill_null(years, BUDDHIST_ERA_FROM if self._buddhist else 0))
        else:
            years = np.array([_year_of(value) for value in values], dtype=np.int64)
        wrong = years < BUDDHIST_ERA_FROM if self._buddhist else years >= BUDDHIST_ERA_FROM
        found: np.ndarray = wrong & valid
        return found

    @property
    def _buddhist(self) -> bool:
        return self.field.calendar == Calendar.buddhist


def _has_long_cells(strings: pa.Array | pa.ChunkedArray) -> bool:
    """Whether a cell is long enough to hold an integer beyond 64 bits (19 digits and more:
    Python's int reads it, Frictionless accepts it, Arrow's int64 cannot hold it)."""
    longest = pc.max(pc.utf8_length(strings)).as_py()
    return longest is not None and longest > 19


def _year_of(value: Any) -> int:
    if isinstance(value, int):
        return value
    return getattr(value, "year", BUDDHIST_ERA_FROM)


def _to_arrow_scalar(value: Any, kind: str) -> Any:
    """A value read by the reference reader, as the field's Arrow type expects it."""
    if value is None:
        return None
    if kind == "number":
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    if kind in ("integer", "year"):
        if isinstance(value, bool) or not isinstance(value, int | float | decimal.Decimal):
            return None
        return int(value) if -(2**63) < value < 2**63 else None
    if kind == "date":
        return value if isinstance(value, dt.date) else None
    return value


def _spread(dense: pa.Array, where: np.ndarray, arrow_type: pa.DataType | None = None) -> pa.Array:
    """Values for the positions where `where` is true, nulls elsewhere, in full length."""
    arrow_type = arrow_type or dense.type
    if where.all():
        return dense.cast(arrow_type)
    index = np.full(len(where), -1, dtype=np.int64)
    index[where] = np.arange(int(where.sum()))
    indices = pa.array(index, mask=~where)
    return pc.take(dense.cast(arrow_type), indices)


def _fill_positions(values: pa.Array, where: np.ndarray, fill: pa.Array) -> pa.Array:
    """`values` with the positions in `where` replaced, in order, by `fill`."""
    index = np.arange(len(values))
    index[where] = len(values) + np.arange(len(fill))
    return pc.take(pa.concat_arrays([values, fill.cast(values.type)]), pa.array(index))
