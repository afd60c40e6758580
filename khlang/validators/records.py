"""Tables read row by row in Python: spreadsheets (XLSX with openpyxl, XLS with xlrd, ODS
with ezodf, the libraries frictionless-py reads them with), JSON and NDJSON, a Data
Package's inline `data`, and CSV files whose dialect Arrow's reader does not have (comment
rows, spaces after delimiters, UTF-16).

Each source yields its rows as lists of cells typed as the file types them, the way
frictionless-py's parsers yield them: a spreadsheet's numbers, booleans and dates, JSON's
numbers (decimals), booleans, objects and arrays. `table_from_records` finds the header in
the first rows by the dialect's rules and hands the rest on in batches.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import warnings
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO

from khlang.i18n import t
from khlang.validators.compression import ERRORS as DECOMPRESSION_ERRORS
from khlang.validators.dialect import SAMPLE_ROWS, CsvOptions, Dialect
from khlang.validators.tables import ReadError, Table, batches_from_rows

MAX_XLSX_UNCOMPRESSED = 1 << 30
MAX_XLSX_RATIO = 200
"""Real worksheets compress 5-50 times; deflate bombs 1,000 times and more."""
MAX_WORKBOOK_BYTES = 256 << 20
"""XLS and ODS are read whole (their libraries cannot stream); larger ones are refused."""
MAX_JSON_BYTES = 512 << 20

Records = Iterator[list[Any]]


def table_from_records(
    records: Records,
    dialect: Dialect,
    *,
    encoding: str | None = None,
    typed: bool = True,
    width: int | None = None,
) -> Table:
    """A table from rows of cells: the header found in the first SAMPLE_ROWS rows, the
    data rows numbered from 1 (the first row of the file). `width` is the number of
    fields when the table has no header (a schema's)."""
    records = guarded(records)
    sample = list(islice(records, SAMPLE_ROWS))
    dialect = dialect.with_header_found(sample)
    labels = dialect.labels(sample)
    fragment = [cells for _, cells in dialect.content(enumerate(sample, start=1))]
    width = len(labels) or width or (len(fragment[0]) if fragment else 0)
    rows = dialect.content(enumerate(chain(sample, records), start=1))
    return Table(labels=labels, batches=batches_from_rows(rows, width, typed=typed),
                 encoding=encoding, width=width, dialect=dialect, fragment=fragment)  # fmt: skip


def guarded(records: Records) -> Records:
    """A parser's rows, its failures turned into the errors frictionless-py reports for
    them (its parsers' error handling): damaged compression, bytes that do not decode, and
    anything else a parsing library raises on a broken file as a source-error."""
    try:
        yield from records
    except ReadError:
        raise
    except DECOMPRESSION_ERRORS as error:
        raise ReadError(
            "compression-error", t(f"คลายการบีบอัดไม่ได้: {error}", f"cannot decompress: {error}")
        ) from None
    except UnicodeDecodeError as error:
        raise ReadError(
            "encoding-error", t(f"ถอดรหัสไม่ได้: {error}", f"cannot decode: {error}")
        ) from None
    except Exception as error:  # a parsing library's own errors on a broken file
        raise ReadError("source-error", t(f"อ่านข้อมูลไม่ได้: {error}",
                                          f"cannot read the data: {error}")) from None  # fmt: skip


# CSV in Python ----------------------------------------------------------------------------


def csv_records(
    opener: Callable[[], BinaryIO],
    encoding: str,
    options: CsvOptions,
    decode_error: Callable[[], ReadError],
) -> Records:
    """Every record of a CSV file, split by Python's csv module as Frictionless splits it.
    `decode_error()` says where the bytes stop being `encoding` when they do."""
    with opener() as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
        try:
            yield from options.reader(text)
        except UnicodeDecodeError:
            raise decode_error() from None
        except csv.Error as error:
            raise ReadError("source-error", t(f"อ่าน CSV ไม่ได้: {error}", f"CSV: {error}")) from None


# Spreadsheets -----------------------------------------------------------------------------


def sheet_records(path: Path, kind: str, sheet: str | int | None) -> Records:
    """The rows of one sheet (the first, or `sheet` by name or 1-based number) of an XLSX,
    XLS or ODS workbook, typed as frictionless-py's parsers type them."""
    readers = {"XLSX": _xlsx_records, "XLS": _xls_records, "ODS": _ods_records}
    return readers[kind](path, 1 if sheet is None else sheet)


def _no_sheet(path: Path, sheet: str | int, names: list[str]) -> ReadError:
    return ReadError(
        "format-error",
        t(f'สมุดงานไม่มีแผ่นงาน "{sheet}" (มี {names})',
          f'the workbook has no sheet "{sheet}" (sheets: {names})'),
    )  # fmt: skip


def _unreadable(kind: str, error: Exception) -> ReadError:
    return ReadError(
        "format-error", t(f"เปิดสมุดงาน {kind} ไม่ได้: {error}", f"not a readable {kind}: {error}")
    )


def _xlsx_records(path: Path, sheet: str | int) -> Records:
    check_zip_bomb(path)

    import openpyxl  # lazy: openpyxl, +66 ms

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise _unreadable("XLSX", error) from None
    try:
        try:
            worksheet = (
                workbook[sheet] if isinstance(sheet, str) else workbook.worksheets[sheet - 1]
            )
        except (KeyError, IndexError):
            raise _no_sheet(path, sheet, workbook.sheetnames) from None
        for values in worksheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def _read_whole(path: Path, kind: str) -> bytes:
    if path.stat().st_size > MAX_WORKBOOK_BYTES:
        raise ReadError(
            "source-error",
            t(f"สมุดงาน {kind} ใหญ่เกิน {MAX_WORKBOOK_BYTES >> 20} MB ให้ส่งออกเป็น CSV",
              f"the {kind} workbook is over {MAX_WORKBOOK_BYTES >> 20} MB; export it as CSV"),
        )  # fmt: skip
    return path.read_bytes()


def _xls_records(path: Path, sheet: str | int) -> Records:
    import xlrd  # lazy: xlrd, +6 ms

    data = _read_whole(path, "XLS")
    try:
        try:
            book = xlrd.open_workbook(
                file_contents=data, formatting_info=True, logfile=io.StringIO()
            )
        except NotImplementedError:  # formatting of XLSX-era files
            book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO())
    except Exception as error:  # xlrd raises many kinds on a damaged file
        raise _unreadable("XLS", error) from None
    try:
        worksheet = (
            book.sheet_by_name(sheet) if isinstance(sheet, str) else book.sheet_by_index(sheet - 1)
        )
    except (xlrd.XLRDError, IndexError):
        raise _no_sheet(path, sheet, book.sheet_names()) from None

    def typed(kind: int, value: Any) -> Any:
        if kind == xlrd.XL_CELL_BOOLEAN:
            return bool(value)
        if kind == xlrd.XL_CELL_NUMBER and value == value // 1:
            return int(value)
        if kind == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate.xldate_as_datetime(value, book.datemode)
            except (ValueError, OverflowError):
                return value
        return value

    for row in range(worksheet.nrows):
        yield [typed(cell.ctype, cell.value) for cell in worksheet.row(row)]


def _ods_records(path: Path, sheet: str | int) -> Records:
    import ezodf  # lazy: ezodf, +14 ms

    data = _read_whole(path, "ODS")
    try:
        document = ezodf.opendoc(io.BytesIO(data))
        sheets = document.sheets
        names = [each.name for each in sheets]
    except Exception as error:  # ezodf and lxml raise many kinds on a damaged file
        raise _unreadable("ODS", error) from None
    try:
        worksheet = sheets[sheet] if isinstance(sheet, str) else sheets[sheet - 1]
    except (KeyError, IndexError):
        raise _no_sheet(path, sheet, names) from None

    def typed(cell: Any) -> Any:
        value = cell.value
        if isinstance(value, float) and value == value // 1:
            return int(value)
        if cell.value_type == "date" and isinstance(value, str):
            try:
                if len(value) == 10:
                    return dt.datetime.strptime(value, "%Y-%m-%d").date()
                return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")
            except ValueError:
                return value
        return value

    for row in worksheet.rows():
        yield [typed(cell) for cell in row]


def check_zip_bomb(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ReadError(
            "compression-error", t(f"แฟ้ม zip เสียหาย: {error}", f"damaged zip container: {error}")
        ) from None
    total = sum(member.file_size for member in members)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 10 << 20 and ratio > MAX_XLSX_RATIO:
            raise ReadError(
                "compression-error",
                t(
                    f'"{member.filename}" ขยายได้ {member.file_size:,} ไบต์ ({ratio:,.0f} เท่า): '
                    "เป็นระเบิด zip ไม่ใช่สมุดงาน",
                    f'"{member.filename}" expands to {member.file_size:,} bytes ({ratio:,.0f} '
                    "times its size): a zip bomb, not a workbook",
                ),
            )
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ReadError(
            "compression-error",
            t(
                f"สมุดงานขยายได้ {total:,} ไบต์ เกินขีดจำกัด ให้ส่งออกเป็น CSV",
                f"the workbook expands to {total:,} bytes, over the limit; export it as CSV",
            ),
        )


# JSON -------------------------------------------------------------------------------------


def json_records(
    opener: Callable[[], BinaryIO], encoding: str, *, size: int, wrapped: bool = True
) -> Records:
    """The rows of a JSON array of objects (the first one's keys are the header) or of
    arrays (the first is the header); numbers with a fraction as decimals, as frictionless-py
    reads them. `wrapped` also accepts `{"data": [...]}` (khlang's extension)."""
    if size > MAX_JSON_BYTES:
        raise ReadError(
            "source-error",
            t(
                "แฟ้ม JSON ใหญ่เกินจะอ่านทั้งก้อน ให้ใช้ NDJSON (หนึ่งแถวต่อบรรทัด)",
                "the JSON file is too large to read whole; write it as NDJSON (one row a line)",
            ),
        )
    with opener() as stream:
        raw = stream.read()
    try:
        data = json.loads(codecs.decode(raw, encoding), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReadError(
            "format-error", t(f"JSON ไม่ถูกต้อง: {error}", f"invalid JSON: {error}")
        ) from None
    except RecursionError:
        raise _too_deep(None) from None
    if wrapped and isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if not isinstance(data, list):
        raise ReadError(
            "source-error",
            t("JSON ต้องเป็นอาร์เรย์ของแถว", "the JSON must be an array of rows (objects or arrays)"),
        )
    return item_records(iter(data))


def ndjson_records(opener: Callable[[], BinaryIO], encoding: str) -> Records:
    """The rows of an NDJSON (JSON Lines) file, one JSON value a line."""

    def items() -> Iterator[Any]:
        with opener() as raw, io.TextIOWrapper(raw, encoding=encoding) as stream:
            for number, line in enumerate(stream, start=1):
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise ReadError(
                        "source-error",
                        t(f"บรรทัด {number}: JSON ไม่ถูกต้อง: {error}", f"line {number}: {error}"),
                    ) from None
                except RecursionError:
                    raise _too_deep(number) from None

    return item_records(items())


def item_records(items: Iterator[Any], keys: list[str] | None = None) -> Records:
    """Rows from JSON values as frictionless-py's inline parser makes them: objects give
    the first one's keys (or `keys`, a schema's field names) as the header and each
    object's values for those keys; arrays are rows, the first the header."""
    first = next(items, None)
    if first is None:
        return
    if isinstance(first, dict):
        header = keys or list(first)
        yield header
        for item in chain([first], items):
            if not isinstance(item, dict):
                raise _unsupported()
            yield [item.get(key) for key in header]
    elif isinstance(first, list | tuple):
        yield list(first)
        for item in items:
            if not isinstance(item, list | tuple):
                raise _unsupported()
            yield list(item)
    else:
        raise _unsupported()


def _unsupported() -> ReadError:
    return ReadError(
        "source-error",
        t("แถวต้องเป็นออบเจกต์ทั้งหมดหรืออาร์เรย์ทั้งหมด",
          "unsupported inline data: rows must be all objects or all arrays"),
    )  # fmt: skip


def _too_deep(line: int | None) -> ReadError:
    """A row nested thousands of levels deep: no table holds that (a hostile or broken file)."""
    th, en = "โครงสร้าง JSON ซ้อนกันลึกเกินไป", "the JSON is nested too deeply to be a table"
    if line is not None:
        th, en = f"บรรทัด {line}: {th}", f"line {line}: {en}"
    return ReadError("format-error", t(th, en))
