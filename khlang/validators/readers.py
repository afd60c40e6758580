"""Reading tables as a stream of Arrow batches of text cells, with each row's number as
Frictionless counts it (the header is row 1, a blank line is a row).

CSV and TSV are parsed by Arrow's streaming CSV reader, serially so that every malformed
row (extra or missing cells) arrives with its row number; such rows are re-split with
Python's csv module (Frictionless's parser) and validated in batches of their own. XLSX is
streamed with openpyxl after a zip-bomb check; JSON and NDJSON with the json module. Every
reader yields `Batch`es of about `BATCH_ROWS` rows (a CSV's, BATCH_ROWS and one block at
most), so memory stays bounded whatever the file's size.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from khlang.i18n import Text, t
from khlang.validators.csvsplit import split_point
from khlang.validators.sniff import THAI_ENCODING, FormatInfo

BLOCK_BYTES = 512 << 10
LONG_ROW_BLOCK_BYTES = 16 << 20
"""Arrow's CSV block, and so the longest row it reads. Arrow's memory grows with the block
(2 MB blocks cost 70 MB more than 512 KB ones) while its speed does not; a file with a longer
row is read again with LONG_ROW_BLOCK_BYTES, the longest row khlang accepts."""
BATCH_ROWS = 32_768
MALFORMED_BATCH_ROWS = 4_096
"""Rows with too many or too few cells are checked apart, this many at a time at most."""
MAX_XLSX_UNCOMPRESSED = 1 << 30
MAX_XLSX_RATIO = 200
"""Real worksheets compress 5-50 times; deflate bombs 1,000 times and more."""
MAX_JSON_BYTES = 512 << 20


class ReadError(Exception):
    """The file cannot be read as a table; `code` is the Frictionless error type."""

    def __init__(self, code: str, note: Text, offset: int = 0, *, long_row: bool = False) -> None:
        self.code = code
        self.note = note
        self.offset = offset
        self.long_row = long_row
        """A row is longer than the block it was read with."""
        """Where in the file the problem starts, when it is known (bytes)."""
        super().__init__(note.en)


@dataclass
class Batch:
    columns: list[pa.Array]
    """One string array per header position; null marks a cell the row does not have."""
    row_numbers: np.ndarray
    """Each row's number; not always in order (malformed rows come after their block)."""
    extra_cells: dict[int, list[str]] = field(default_factory=dict)
    """Row index in this batch -> its cells beyond the header's width."""

    def __len__(self) -> int:
        return len(self.row_numbers)

    def cell(self, position: int, index: int) -> str | None:
        """One cell as text (a stored value as a CSV would hold it); None when absent."""
        column = self.columns[position]
        value = column[index].as_py()
        if value is None:
            return None if pa.types.is_string(column.type) else ""
        return value if isinstance(value, str) else _cell_text(value)

    def cells(self, index: int) -> list[str]:
        """One row's cells as the file has them (for error examples)."""
        present = [self.cell(position, index) for position in range(len(self.columns))]
        return [cell for cell in present if cell is not None] + self.extra_cells.get(index, [])


@dataclass
class Table:
    labels: list[str]
    batches: Iterator[Batch]
    encoding: str | None = None


def open_table(
    info: FormatInfo,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    long_rows: bool = False,
    split: bool = False,
) -> Table:
    """The table in a sniffed file, or ReadError saying why it is not one. `long_rows`
    reads CSV in blocks large enough for rows of up to 16 MB (after a `long_row` error);
    `split` lets a large CSV be parsed in two parts at once (see `csvsplit`)."""
    name = info.format_name
    if name in ("CSV", "TSV", "TXT"):
        block = LONG_ROW_BLOCK_BYTES if long_rows else BLOCK_BYTES
        return _open_csv(info, encoding or info.encoding, block, split)
    if name == "XLSX":
        return _open_xlsx(Path(info.path), sheet)
    if name in ("JSON", "NDJSON", "GeoJSON", "JSON-LD"):
        return _open_json(Path(info.path), name == "NDJSON", encoding or info.encoding)
    if name == "Parquet":
        return _open_parquet(Path(info.path))
    what = info.what.en if info.what else f"a {name} file"
    what_th = info.what.th if info.what else f"แฟ้ม {name}"
    raise ReadError(
        "format-error",
        t(f"แฟ้มนี้เป็น{what_th} ไม่ใช่ตาราง", f"the file is {what}, not a table khlang can read"),
    )


# Parquet ----------------------------------------------------------------------------------


def _open_parquet(path: Path) -> Table:
    """A Parquet file, streamed by row group in BATCH_ROWS batches of its stored values:
    the checks take a stored value as it is where its type is the field's, and as the text
    a CSV would hold otherwise (`cells.stored_values`)."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        raise ReadError(
            "format-error", t(f"อ่านแฟ้ม Parquet ไม่ได้: {error}", f"unreadable Parquet: {error}")
        ) from None

    def batches() -> Iterator[Batch]:
        first = 2
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            yield Batch([_stored(column) for column in batch.columns],
                        np.arange(first, first + batch.num_rows))  # fmt: skip
            first += batch.num_rows

    return Table(labels=list(parquet.schema_arrow.names), batches=batches())


def _stored(column: pa.Array) -> pa.Array:
    """A Parquet column as stored, but text with nulls as empty cells: a null in a Parquet
    file is a blank cell, while a null in a text column means a row too short for it."""
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pc.fill_null(column, "")
    return column


# Delimited text ---------------------------------------------------------------------------


def _open_csv(info: FormatInfo, encoding: str | None, block: int, split: bool) -> Table:
    if encoding is None:
        mixed = _locate_bad_bytes(Path(info.path), "utf-8")
        if mixed.offset:  # UTF-8 up to some line, then something else
            raise mixed
        raise ReadError(
            "encoding-error",
            t(
                "แฟ้มไม่ใช่ UTF-8 และอ่านเป็น cp874 (TIS-620) ไม่ได้ ให้บันทึกใหม่เป็น UTF-8",
                "the file is neither UTF-8 nor cp874 (TIS-620); save it again as UTF-8",
            ),
        )
    delimiter = info.delimiter or ","
    path = Path(info.path)
    labels = _read_header(path, encoding, delimiter)
    width = max(len(labels), 1)
    cut = split_point(path, info.size, width, delimiter, encoding) if split else None
    first = _CsvPart(path, 0, cut, width, delimiter, encoding, block)
    first.open()  # a file Arrow cannot start on is an error before the header is judged

    def batches() -> Iterator[Batch]:
        """Part one's batches, then part two's (parsed meanwhile in a thread) with their
        row numbers moved past part one's rows, which are only counted once it is read."""
        second = None
        if cut is not None:
            part = _CsvPart(path, cut, None, width, delimiter, encoding, block)
            second = prefetch(part.batches(), depth=SECOND_PART_AHEAD)
        try:
            yield from first.batches()
            if second is not None:
                rows_before = first.next_row - 1
                for batch in second:
                    batch.row_numbers += rows_before
                    yield batch
        finally:
            if second is not None:
                second.close()

    return Table(labels=labels, batches=batches(), encoding=encoding)


SECOND_PART_AHEAD = 2
"""Batches the second part's reader may parse before they are checked (about 20 MB)."""


class _Range(io.RawIOBase):
    """Bytes `start` to `end` of a file, as a file of their own (Arrow reads each part of a
    cut file through one). `read` hands over the bytes the system read, without copying them
    through a buffer."""

    def __init__(self, path: Path, start: int, end: int | None) -> None:
        self._file = path.open("rb", buffering=0)
        self._file.seek(start)
        self._left = None if end is None else end - start

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._left is not None:
            size = self._left if size < 0 else min(size, self._left)
        data = self._file.read(size) or b""
        if self._left is not None:
            self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()
        super().close()


class _CsvPart:
    """Arrow's serial CSV reader over one part of a file, numbering its rows as
    Frictionless does from the part's start: the first part skips the header, which is
    row 1; the second part's rows are numbered from 1 and moved on by the caller.
    `next_row` is the number of the row after the last one read."""

    def __init__(
        self,
        path: Path,
        start: int,
        end: int | None,
        width: int,
        delimiter: str,
        encoding: str,
        block: int,
    ) -> None:
        self.path, self.encoding, self.block = path, encoding, block
        self.width, self.delimiter = width, delimiter
        self.start, self.end = start, end
        self.next_row = 2 if start == 0 else 1
        self._reader: Any = None
        self._stream: Any = None
        self._invalid: list[tuple[int, str]] = []

    def open(self) -> None:
        """Start Arrow's reader (it reads the first block at once)."""
        import pyarrow.csv as arrow_csv

        invalid: list[tuple[int, str]] = []
        self._invalid = invalid

        def keep_invalid(row: Any) -> str:
            invalid.append((row.number, row.text))
            return "skip"

        names = [f"c{index}" for index in range(self.width)]
        # A Python file rather than a path: Arrow then buffers a block or two, not the
        # whole read-ahead it keeps for files it opens itself.
        stream = _Range(self.path, self.start, self.end)
        try:
            reader = arrow_csv.open_csv(
                stream,
                read_options=arrow_csv.ReadOptions(
                    column_names=names,
                    skip_rows=1 if self.start == 0 else 0,
                    use_threads=False,  # serial parsing numbers every malformed row
                    block_size=self.block,
                    encoding=_arrow_encoding(self.encoding),
                ),
                parse_options=arrow_csv.ParseOptions(
                    delimiter=self.delimiter,
                    quote_char='"',
                    double_quote=True,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=keep_invalid,
                ),
                convert_options=arrow_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as error:
            stream.close()
            raise _arrow_error(error, self.path, self.encoding, self.block) from None
        self._stream, self._reader = stream, reader

    def batches(self) -> Iterator[Batch]:
        if self._reader is None:
            self.open()
        with self._stream:
            try:
                yield from self._numbered(self._reader, self._invalid)
            finally:
                self._reader.close()  # its buffers, before the keys are compared

    def _numbered(self, reader: Any, invalid: list[tuple[int, str]]) -> Iterator[Batch]:
        # Malformed rows Arrow has handed over whose place among the rows is not known yet,
        # and those numbered, to be checked apart in batches of their own (a few a block).
        pending: list[tuple[int, str]] = []
        malformed: list[tuple[int, str]] = []
        gathered: list[Batch] = []
        while True:
            try:
                record_batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as error:
                raise _arrow_error(error, self.path, self.encoding, self.block) from None
            pending.extend(invalid)
            invalid.clear()
            numbers, self.next_row = _number_rows(
                record_batch.num_rows, {number for number, _ in pending}, self.next_row
            )
            gathered.append(Batch(list(record_batch.columns), numbers))
            malformed.extend(row for row in pending if row[0] < self.next_row)
            pending = [row for row in pending if row[0] >= self.next_row]
            if sum(len(batch) for batch in gathered) >= BATCH_ROWS:
                yield _joined(gathered)
                gathered = []
            if len(malformed) >= MALFORMED_BATCH_ROWS:
                yield _malformed_batch(malformed, self.width, self.delimiter)
                malformed = []
        pending.extend(invalid)
        if pending:
            malformed.extend(pending)
            self.next_row = max(self.next_row, max(number for number, _ in pending) + 1)
        if gathered:
            yield _joined(gathered)
        if malformed:
            yield _malformed_batch(malformed, self.width, self.delimiter)


def _joined(parts: list[Batch]) -> Batch:
    """Arrow's blocks (a few thousand rows each) joined into one batch without copying:
    checks cost per batch as well as per row, and copying the cells would cost more."""
    if len(parts) == 1:
        return parts[0]
    columns = [
        pa.chunked_array([part.columns[index] for part in parts], type=parts[0].columns[index].type)
        for index in range(len(parts[0].columns))
    ]
    return Batch(columns, np.concatenate([part.row_numbers for part in parts]))


def _number_rows(count: int, malformed: set[int], first: int) -> tuple[np.ndarray, int]:
    """Row numbers of `count` well-formed rows that follow row `first - 1`, skipping the
    numbers of malformed rows (which Arrow hands over apart), and the number of the first
    row not yet accounted for: malformed rows right after the batch are accounted for too,
    so a file of nothing but malformed rows is passed on block by block."""
    skipped = [number - first for number in malformed if number >= first]
    numbers = np.arange(first, first + count + len(skipped), dtype=np.int64)
    if skipped:
        numbers = np.delete(numbers, [at for at in skipped if at < len(numbers)])[:count]
    following = int(numbers[-1]) + 1 if count else first
    while following in malformed:
        following += 1
    return numbers, following


def _malformed_batch(rows: list[tuple[int, str]], width: int, delimiter: str) -> Batch:
    """Rows with too many or too few cells, split as Python's csv module (Frictionless's
    parser) splits them."""
    rows = sorted(rows)
    split = [
        next(csv.reader(io.StringIO(text), delimiter=delimiter), []) if text else []
        for _, text in rows
    ]
    columns = [
        pa.array([cells[index] if index < len(cells) else None for cells in split], pa.string())
        for index in range(width)
    ]
    extra = {index: cells[width:] for index, cells in enumerate(split) if len(cells) > width}
    numbers = np.array([number for number, _ in rows], dtype=np.int64)
    return Batch(columns, numbers, extra)


def _read_header(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The first row, read in growing pieces until a second row begins (a header is short;
    a file that is one endless line is not a table)."""
    limit = 64 << 10
    with path.open("rb") as stream:
        head = stream.read(limit)
        while True:
            complete = len(head) < limit
            decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
            try:
                text = decoder.decode(head, final=complete).removeprefix("\ufeff")
            except UnicodeDecodeError as error:
                raise _decode_error(encoding, head, error) from None
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            try:
                labels = next(reader, [])
                if complete or next(reader, None) is not None:
                    return labels
            except csv.Error as error:
                raise ReadError(
                    "format-error", t(f"อ่านหัวตารางไม่ได้: {error}", f"header: {error}")
                ) from None
            if limit >= LONG_ROW_BLOCK_BYTES:
                mb = LONG_ROW_BLOCK_BYTES >> 20
                raise ReadError(
                    "format-error",
                    t(
                        f"แถวแรกยาวเกิน {mb} MB โดยไม่ขึ้นบรรทัดใหม่ แฟ้มนี้ไม่ใช่ตาราง CSV",
                        f"the first row runs past {mb} MB without a line break: "
                        "this is not a CSV table",
                    ),
                )
            head += stream.read(limit)
            limit *= 2


def _arrow_encoding(encoding: str) -> str:
    return "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding


def _arrow_error(error: Exception, path: Path, encoding: str, block: int) -> ReadError:
    message = str(error)
    if "UTF8" in message or "UTF-8" in message or "decode" in message.lower():
        return _locate_bad_bytes(path, encoding)
    if "straddling" in message or "block" in message:
        size = f"{block / (1 << 20):g} MB"
        return ReadError(
            "format-error",
            t(
                f"มีแถวที่ยาวเกิน {size} (อาจมีเครื่องหมายคำพูดที่ไม่ปิด)",
                f"a row is longer than {size} (perhaps an unclosed quotation mark)",
            ),
            long_row=True,
        )
    return ReadError("format-error", t(f"อ่าน CSV ไม่ได้: {message}", f"CSV: {message}"))


def _locate_bad_bytes(path: Path, encoding: str) -> ReadError:
    """Find where a file that began as `encoding` stops being it: mixed encodings."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    lines = 1
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return _decode_error(encoding, chunk, error, offset, lines)
            offset += len(chunk)
            lines += chunk.count(b"\n")
    return ReadError("encoding-error", t("ถอดรหัสไม่ได้", f"cannot decode as {encoding}"))


def _decode_error(
    encoding: str,
    chunk: bytes,
    error: UnicodeDecodeError,
    offset: int = 0,
    lines: int = 1,
) -> ReadError:
    line = lines + chunk.count(b"\n", 0, error.start)
    start = chunk.rfind(b"\n", 0, error.start) + 1
    end = chunk.find(b"\n", error.start)
    snippet = chunk[start : end if end != -1 else start + 200][:200]
    as_thai = snippet.decode(THAI_ENCODING, errors="replace")
    where = f"line {line}, byte {offset + error.start}"
    return ReadError(
        "encoding-error",
        t(
            f"บรรทัด {line} (ไบต์ที่ {offset + error.start}) ไม่ใช่ {encoding} ทั้งที่ส่วนก่อนหน้าเป็น "
            f'{encoding}: แฟ้มปนหลายรหัสอักขระ ถ้าอ่านเป็น cp874 จะได้ "{as_thai}"',
            f"{where} is not {encoding} although the file before it is: the file mixes "
            f'encodings; read as cp874 (TIS-620) it says "{as_thai}"',
        ),
        offset + error.start,
    )


# Rows from spreadsheets and JSON ----------------------------------------------------------


def _cell_text(value: Any) -> str:
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
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _batches_from_rows(rows: Iterator[tuple[int, list[Any]]], width: int) -> Iterator[Batch]:
    chunk: list[tuple[int, list[Any]]] = []

    def flush() -> Batch:
        columns = [
            pa.array(
                [_cell_text(cells[i]) if i < len(cells) else None for _, cells in chunk],
                pa.string(),
            )
            for i in range(width)
        ]
        extra = {
            index: [_cell_text(cell) for cell in cells[width:]]
            for index, (_, cells) in enumerate(chunk)
            if len(cells) > width
        }
        return Batch(columns, np.array([n for n, _ in chunk], dtype=np.int64), extra)

    for row in rows:
        chunk.append(row)
        if len(chunk) >= BATCH_ROWS:
            yield flush()
            chunk = []
    if chunk:
        yield flush()


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    _check_zip_bomb(path)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise ReadError(
            "format-error", t(f"เปิดสมุดงาน XLSX ไม่ได้: {error}", f"not a readable XLSX: {error}")
        ) from None
    if sheet is not None and sheet not in workbook.sheetnames:
        raise ReadError(
            "format-error",
            t(f'ไม่มีแผ่นงาน "{sheet}"', f'no sheet "{sheet}" (sheets: {workbook.sheetnames})'),
        )
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    while header and header[-1] is None:
        header = header[:-1]
    labels = [_cell_text(value) for value in header]

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        for number, values in enumerate(rows, start=2):
            cells = list(values)
            while len(cells) > len(labels) and cells[-1] is None:
                cells.pop()
            yield number, cells

    def batches() -> Iterator[Batch]:
        try:
            yield from _batches_from_rows(numbered(), len(labels))
        finally:
            workbook.close()

    return Table(labels=labels, batches=batches(), encoding=None)


def _check_zip_bomb(path: Path) -> None:
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


def _open_json(path: Path, lines: bool, encoding: str | None) -> Table:
    encoding = encoding or "utf-8"
    if lines:
        return _open_ndjson(path, encoding)
    if path.stat().st_size > MAX_JSON_BYTES:
        raise ReadError(
            "source-error",
            t(
                "แฟ้ม JSON ใหญ่เกินจะอ่านทั้งก้อน ให้ใช้ NDJSON (หนึ่งแถวต่อบรรทัด)",
                "the JSON file is too large to read whole; write it as NDJSON (one row a line)",
            ),
        )
    try:
        data = json.loads(path.read_text(encoding=encoding))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReadError(
            "format-error", t(f"JSON ไม่ถูกต้อง: {error}", f"invalid JSON: {error}")
        ) from None
    except RecursionError:
        raise _too_deep(None) from None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if not isinstance(data, list):
        raise ReadError(
            "source-error",
            t("JSON ต้องเป็นอาร์เรย์ของแถว", "the JSON must be an array of rows (objects or arrays)"),
        )
    return _table_from_items(enumerate(data, start=1), encoding)


def _open_ndjson(path: Path, encoding: str) -> Table:
    def items() -> Iterator[tuple[int, Any]]:
        with path.open(encoding=encoding, newline="") as stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    yield number, []
                    continue
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    raise ReadError(
                        "format-error",
                        t(f"บรรทัด {number}: JSON ไม่ถูกต้อง: {error}", f"line {number}: {error}"),
                    ) from None
                except RecursionError:
                    raise _too_deep(number) from None

    return _table_from_items(items(), encoding)


def _too_deep(line: int | None) -> ReadError:
    """A row nested thousands of levels deep: no table holds that (a hostile or broken file)."""
    th, en = "โครงสร้าง JSON ซ้อนกันลึกเกินไป", "the JSON is nested too deeply to be a table"
    if line is not None:
        th, en = f"บรรทัด {line}: {th}", f"line {line}: {en}"
    return ReadError("format-error", t(th, en))


def _table_from_items(items: Iterator[tuple[int, Any]], encoding: str) -> Table:
    """Rows of a JSON array: objects (the first one's keys are the header) or arrays (the
    first one is the header)."""
    iterator = iter(items)
    first = next(iterator, None)
    if first is None:
        return Table(labels=[], batches=iter(()), encoding=encoding)
    _, head = first
    if isinstance(head, dict):
        labels = [str(key) for key in head]

        def rows() -> Iterator[tuple[int, list[Any]]]:
            for number, item in [(2, head), *((n + 1, i) for n, i in iterator)]:
                yield number, _object_cells(item, labels)

    else:
        labels = [_cell_text(value) for value in head] if isinstance(head, list) else []

        def rows() -> Iterator[tuple[int, list[Any]]]:
            for number, item in iterator:
                yield number, item if isinstance(item, list) else [item]

    return Table(labels=labels, batches=_batches_from_rows(rows(), len(labels)), encoding=encoding)


def _object_cells(item: Any, labels: list[str]) -> list[Any]:
    if not isinstance(item, dict):
        return [item]
    cells: list[Any] = [item.get(label, _ABSENT) for label in labels]
    while cells and cells[-1] is _ABSENT:
        cells.pop()
    cells = ["" if cell is _ABSENT else cell for cell in cells]
    return cells + [value for key, value in item.items() if key not in labels]


_ABSENT = object()


class prefetch:  # noqa: N801 - used as a function that returns an iterator
    """Read the next batches in a thread while the current one is checked: Arrow parses
    without holding the GIL, so parsing and checking share the machine's cores. The thread
    starts at once (a second part of a file is parsed while the first is); `close()` stops
    it, whether or not anything was taken."""

    def __init__(self, batches: Iterator[Batch], depth: int = 1) -> None:
        import queue
        import threading

        self._handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._batches = batches
        self._done = False
        self._worker = threading.Thread(target=self._produce, name="khlang-reader", daemon=True)
        self._worker.start()

    def _produce(self) -> None:
        try:
            for batch in self._batches:
                if self._stop.is_set():
                    return
                self._handoff.put(("batch", batch))
        except BaseException as error:  # handed to the consumer, which re-raises it
            self._handoff.put(("error", error))
        else:
            self._handoff.put(("end", None))

    def __iter__(self) -> prefetch:
        return self

    def __next__(self) -> Batch:
        if self._done:
            raise StopIteration
        kind, item = self._handoff.get()
        if kind == "batch":
            return item
        self.close()
        if kind == "error":
            raise item
        raise StopIteration

    def close(self) -> None:
        import queue

        self._done = True
        self._stop.set()
        while self._worker.is_alive():
            try:
                self._handoff.get_nowait()
            except queue.Empty:
                self._worker.join(timeout=0.05)
