"""Reading tables as a stream of Arrow batches of text cells, with each row's number as
Frictionless counts it (the header is row 1, a blank line is a row).

CSV and TSV are parsed by Arrow's streaming CSV reader, serially so that every malformed
row (extra or missing cells) arrives with its row number; such rows are re-split with
Python's csv module (Frictionless's parser) and validated in batches of their own. The
first 100 rows are read with Python's csv module too, to find the dialect and the header as
Frictionless finds them (`dialect`); Arrow starts after the header. A dialect Arrow lacks
(comment rows, spaces after delimiters) and UTF-16 are read in Python (`records`), and so
are spreadsheets, JSON and inline data. Compressed tables are decompressed as they are read.
Every reader yields `Batch`es of about `BATCH_ROWS` rows (a CSV's, BATCH_ROWS and one block
at most), so memory stays bounded whatever the file's size.
"""

from __future__ import annotations

import codecs
import csv
import io
import queue
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as arrow_csv

from khlang.i18n import t
from khlang.metadata.encoding import THAI_ENCODING
from khlang.validators import records
from khlang.validators.compression import ERRORS as DECOMPRESSION_ERRORS
from khlang.validators.compression import open_decompressed, open_parts
from khlang.validators.csvsplit import split_point
from khlang.validators.dialect import SAMPLE_ROWS, CsvOptions, Dialect
from khlang.validators.sniff import FormatInfo
from khlang.validators.tables import BATCH_ROWS, Batch, ReadError, Table, batches_from_rows

__all__ = ["Batch", "ReadError", "Table", "arrow_encoding", "open_table", "prefetch"]

BLOCK_BYTES = 512 << 10
LONG_ROW_BLOCK_BYTES = 16 << 20
"""Arrow's CSV block, and so the longest row it reads. Arrow's memory grows with the block
(2 MB blocks cost 70 MB more than 512 KB ones) while its speed does not; a file with a longer
row is read again with LONG_ROW_BLOCK_BYTES, the longest row khlang accepts."""
MALFORMED_BATCH_ROWS = 4_096
"""Rows with too many or too few cells are checked apart, this many at a time at most."""
TABLE_FORMATS = {"CSV", "TSV", "TXT"}
JSON_FORMATS = {"JSON", "NDJSON", "GeoJSON", "JSON-LD"}
SHEET_FORMATS = {"XLSX", "XLS", "ODS"}

csv.field_size_limit(LONG_ROW_BLOCK_BYTES)  # Python's csv module stops at 128 KB a cell


def open_table(
    info: FormatInfo,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    long_rows: bool = False,
    split: bool = False,
    dialect: Dialect | None = None,
    width: int | None = None,
    keyed_json: bool = True,
) -> Table:
    """The table in a sniffed file, or ReadError saying why it is not one. `long_rows`
    reads CSV in blocks large enough for rows of up to 16 MB (after a `long_row` error);
    `split` lets a large CSV be parsed in two parts at once (see `csvsplit`); `dialect`
    is the resource's (its unset properties are found in the file); `width` is the number
    of fields a table without a header has; `keyed_json` accepts `{"data": [...]}`."""
    dialect = dialect or Dialect()
    name = info.format_name
    opener = (
        partial(open_parts, [Path(part) for part in info.parts], header=dialect.header)
        if info.parts
        else partial(open_decompressed, Path(info.path), info.compression, info.innerpath)
    )
    encoding = encoding or info.encoding
    if name == "TXT" and info.declared is not None and info.declared.name not in TABLE_FORMATS:
        raise _not_a_table(info)  # text named as a Parquet, XLSX... file is not that table
    if name in TABLE_FORMATS:
        block = LONG_ROW_BLOCK_BYTES if long_rows else BLOCK_BYTES
        return _open_csv(info, opener, encoding, block, split, dialect, width)
    if name in SHEET_FORMATS:
        if info.compression is not None:
            raise _not_a_table(info)
        chosen = sheet if sheet is not None else dialect.sheet
        return records.table_from_records(
            records.sheet_records(Path(info.path), name, chosen), dialect, width=width
        )
    if name in JSON_FORMATS:
        encoding = encoding or "utf-8"
        rows = (
            records.ndjson_records(opener, encoding)
            if name == "NDJSON"
            else records.json_records(opener, encoding, size=info.size, wrapped=keyed_json)
        )
        return records.table_from_records(rows, dialect, encoding=encoding, width=width)
    if name == "Parquet" and info.compression is None:
        return _open_parquet(Path(info.path))
    raise _not_a_table(info)


def _not_a_table(info: FormatInfo) -> ReadError:
    name = info.format_name
    what = info.what.en if info.what else f"a {name} file"
    what_th = info.what.th if info.what else f"แฟ้ม {name}"
    return ReadError(
        "format-error",
        t(f"แฟ้มนี้เป็น{what_th} ไม่ใช่ตาราง", f"the file is {what}, not a table khlang can read"),
    )


# Parquet ----------------------------------------------------------------------------------


def _open_parquet(path: Path) -> Table:
    """A Parquet file, streamed by row group in BATCH_ROWS batches of its stored values:
    the checks take a stored value as it is where its type is the field's, and as the text
    a CSV would hold otherwise (`cells.stored_values`)."""
    import pyarrow.parquet as pq  # lazy: pyarrow.parquet, +16 ms

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
    import pyarrow.compute as pc  # lazy: pyarrow.compute, +40 ms

    if pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pc.fill_null(column, "")
    return column


# Delimited text ---------------------------------------------------------------------------

Opener = Callable[[], BinaryIO]


def _open_csv(
    info: FormatInfo,
    opener: Opener,
    encoding: str | None,
    block: int,
    split: bool,
    dialect: Dialect,
    width: int | None,
) -> Table:
    if encoding is None:
        mixed = _locate_bad_bytes(opener, "utf-8")
        if mixed.offset:  # UTF-8 up to some line, then something else
            raise mixed
        raise ReadError(
            "encoding-error",
            t(
                "แฟ้มไม่ใช่ UTF-8 หรือ cp874 (TIS-620) และไม่พบรหัสอักขระที่อ่านได้ ให้บันทึกใหม่เป็น UTF-8",
                "the file is neither UTF-8 nor cp874 (TIS-620), and no encoding reads it as "
                "text; save it again as UTF-8",
            ),
        )
    head = _Head(opener, encoding, dialect)
    dialect = dialect.with_header_found(head.sample)
    labels = dialect.labels(head.sample)
    fragment = [cells for _, cells in dialect.content(enumerate(head.sample, start=1))]
    width = len(labels) or width or (len(fragment[0]) if fragment else 0)
    table = Table(labels=labels, batches=iter(()), encoding=encoding, width=width,
                  dialect=dialect, fragment=fragment)  # fmt: skip
    options = head.options
    if not _arrow_reads(options, dialect, encoding):
        located = partial(_locate_bad_bytes, opener, encoding)
        rows = records.csv_records(opener, encoding, options, located)
        table.batches = batches_from_rows(dialect.content(enumerate(rows, start=1)), max(width, 1))
        return table
    first_row = dialect.first_content_row()
    start = head.offset_of_row(first_row)
    path = Path(info.path)
    plain = (
        info.compression is None
        and not info.parts
        and options.quote_char == '"'
        and not options.escape_char
    )
    cut = (
        split_point(path, info.size, max(width, 1), options.delimiter, encoding)
        if split and plain
        else None
    )
    if cut is not None and cut <= start:
        cut = None
    first = _CsvPart(opener, start, cut, max(width, 1), options, encoding, block, first_row)
    first.open()  # a file Arrow cannot start on is an error before the header is judged

    def batches() -> Iterator[Batch]:
        """Part one's batches, then part two's (parsed meanwhile in a thread) with their
        row numbers moved past part one's rows, which are only counted once it is read."""
        second = None
        if cut is not None:
            part = _CsvPart(opener, cut, None, max(width, 1), options, encoding, block, 1)
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

    table.batches = batches()
    return table


def _arrow_reads(options: CsvOptions, dialect: Dialect, encoding: str) -> bool:
    """Whether Arrow's reader reads the file as Python's csv module would: the dialect is
    one Arrow has, and a byte offset in the text is one in the file."""
    return not (
        options.skip_initial_space
        or dialect.comment_char
        or dialect.comment_rows
        or dialect.skip_blank_rows
        or codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    )


class _Head:
    """The first SAMPLE_ROWS rows of a CSV file, read with Python's csv module after the
    dialect is sniffed on its first lines (Frictionless's sample), in pieces that grow
    until the rows are complete."""

    def __init__(self, opener: Opener, encoding: str, dialect: Dialect) -> None:
        try:
            self._read(opener, encoding, dialect)
        except DECOMPRESSION_ERRORS as error:
            raise _decompression_error(error) from None

    def _read(self, opener: Opener, encoding: str, dialect: Dialect) -> None:
        self.encoding = encoding
        limit = 64 << 10
        with opener() as stream:
            data = stream.read(limit)
            while True:
                complete = len(data) < limit
                decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
                try:
                    text = decoder.decode(data, final=complete)
                except UnicodeDecodeError as error:
                    raise _decode_error(encoding, data, error) from None
                bom = encoding == "utf-8-sig" and data.startswith(codecs.BOM_UTF8)
                self.bom = len(codecs.BOM_UTF8) if bom else 0
                text = text.removeprefix("\ufeff")
                lines = io.StringIO(text, newline="").readlines()
                self.options = dialect.csv_options(lines[:SAMPLE_ROWS])
                if self._read_rows(lines, complete):
                    self.text = text
                    return
                if limit >= LONG_ROW_BLOCK_BYTES:
                    mb = LONG_ROW_BLOCK_BYTES >> 20
                    raise ReadError(
                        "format-error",
                        t(
                            f"มีแถวที่ยาวเกิน {mb} MB (อาจมีเครื่องหมายคำพูดที่ไม่ปิด หรือแฟ้มนี้ไม่ใช่ตาราง CSV)",
                            f"a row is longer than {mb} MB (perhaps an unclosed quotation "
                            "mark, or the file is not a CSV table)",
                        ),
                    )
                data += stream.read(limit)
                limit *= 2

    def _read_rows(self, lines: list[str], complete: bool) -> bool:
        """Split the rows; False when the text may end inside the last one."""
        consumed = 0
        ends: list[int] = []
        self.sample: list[list[str]] = []

        def fed() -> Iterator[str]:
            nonlocal consumed
            for line in lines:
                consumed += len(line)
                yield line

        try:
            for cells in self.options.reader(fed()):
                self.sample.append(cells)
                ends.append(consumed)
                if len(self.sample) > SAMPLE_ROWS:
                    break
        except csv.Error as error:
            if complete:
                raise ReadError(
                    "source-error", t(f"อ่าน CSV ไม่ได้: {error}", f"CSV: {error}")
                ) from None
            return False
        if not complete and len(self.sample) <= SAMPLE_ROWS:
            return False
        self.sample = self.sample[:SAMPLE_ROWS]
        self._ends = ends
        return True

    def offset_of_row(self, number: int) -> int:
        """The byte offset where row `number` (from 1) starts."""
        if number <= 1:
            return self.bom
        if number - 2 >= len(self._ends):
            chars = self._ends[-1] if self._ends else 0
        else:
            chars = self._ends[number - 2]
        return self.bom + len(self.text[:chars].encode(self.encoding.replace("-sig", "")))


SECOND_PART_AHEAD = 2
"""Batches the second part's reader may parse before they are checked (about 20 MB)."""


class _Range(io.RawIOBase):
    """Bytes `start` to `end` of a file's (decompressed) content, as a file of their own
    (Arrow reads each part of a cut file through one). `read` hands over the bytes read,
    without copying them through another buffer."""

    def __init__(self, opener: Opener, start: int, end: int | None) -> None:
        self._file = opener()
        if hasattr(self._file, "seekable") and self._file.seekable() and start:
            self._file.seek(start)
        else:
            left = start
            while left:
                skipped = self._file.read(min(left, 1 << 20))
                if not skipped:
                    break
                left -= len(skipped)
        self._left = None if end is None else end - start

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._left is not None:
            size = self._left if size < 0 else min(size, self._left)
        try:
            data = self._file.read(size) or b""
        except DECOMPRESSION_ERRORS as error:
            raise _decompression_error(error) from None
        if self._left is not None:
            self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()
        super().close()


class _CsvPart:
    """Arrow's serial CSV reader over one part of a file, numbering its rows as
    Frictionless does: the first part starts after the header, at `first_row`; the second
    part's rows are numbered from 1 and moved on by the caller. `next_row` is the number of
    the row after the last one read."""

    def __init__(
        self,
        opener: Opener,
        start: int,
        end: int | None,
        width: int,
        options: CsvOptions,
        encoding: str,
        block: int,
        first_row: int,
    ) -> None:
        self.opener, self.encoding, self.block = opener, encoding, block
        self.width, self.options = width, options
        self.start, self.end = start, end
        self.next_row = first_row
        self._shift = first_row - 1
        """Arrow numbers the part's rows from 1."""
        self._reader: Any = None
        self._stream: Any = None
        self._invalid: list[tuple[int, str]] = []
        self._empty = False

    def open(self) -> None:
        """Start Arrow's reader (it reads the first block at once)."""
        invalid: list[tuple[int, str]] = []
        self._invalid = invalid

        shift = self._shift

        def keep_invalid(row: Any) -> str:
            invalid.append((row.number + shift, row.text))
            return "skip"

        names = [f"c{index}" for index in range(self.width)]
        # A Python file rather than a path: Arrow then buffers a block or two, not the
        # whole read-ahead it keeps for files it opens itself.
        stream = _Range(self.opener, self.start, self.end)
        try:
            reader = arrow_csv.open_csv(
                stream,
                read_options=arrow_csv.ReadOptions(
                    column_names=names,
                    use_threads=False,  # serial parsing numbers every malformed row
                    block_size=self.block,
                    encoding=arrow_encoding(self.encoding),
                ),
                parse_options=arrow_csv.ParseOptions(
                    delimiter=self.options.delimiter,
                    quote_char=self.options.quote_char or False,
                    double_quote=self.options.double_quote,
                    escape_char=self.options.escape_char or False,
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
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            stream.close()
            if str(error).startswith("Empty CSV file"):  # nothing after the header
                self._empty = True
                return
            raise _arrow_error(error, self.opener, self.encoding, self.block) from None
        self._stream, self._reader = stream, reader

    def batches(self) -> Iterator[Batch]:
        if self._reader is None and not self._empty:
            self.open()
        if self._empty:
            return
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
            except (pa.ArrowInvalid, UnicodeDecodeError) as error:
                raise _arrow_error(error, self.opener, self.encoding, self.block) from None
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
                yield _malformed_batch(malformed, self.width, self.options)
                malformed = []
        pending.extend(invalid)
        if pending:
            malformed.extend(pending)
            self.next_row = max(self.next_row, max(number for number, _ in pending) + 1)
        if gathered:
            yield _joined(gathered)
        if malformed:
            yield _malformed_batch(malformed, self.width, self.options)


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


def _malformed_batch(rows: list[tuple[int, str]], width: int, options: CsvOptions) -> Batch:
    """Rows with too many or too few cells, split as Python's csv module (Frictionless's
    parser) splits them."""
    rows = sorted(rows)
    split: list[list[str]] = [
        next(options.reader(io.StringIO(text)), []) if text else [] for _, text in rows
    ]
    columns = [
        pa.array([cells[index] if index < len(cells) else None for cells in split], pa.string())
        for index in range(width)
    ]
    extra = {index: cells[width:] for index, cells in enumerate(split) if len(cells) > width}
    numbers = np.array([number for number, _ in rows], dtype=np.int64)
    return Batch(columns, numbers, extra)


def arrow_encoding(encoding: str) -> str:
    """The name Arrow's CSV reader takes for a Python codec: `utf8` is decoded natively,
    any other name through Python's codec (UTF-8's BOM Arrow skips itself)."""
    return "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding


def _arrow_error(error: Exception, opener: Opener, encoding: str, block: int) -> ReadError:
    message = str(error)
    if (
        isinstance(error, UnicodeDecodeError)
        or "UTF8" in message
        or "UTF-8" in message
        or "decode" in message.lower()
    ):
        return _locate_bad_bytes(opener, encoding)
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


def _decompression_error(error: Exception) -> ReadError:
    return ReadError(
        "compression-error",
        t(f"คลายการบีบอัดไม่ได้: {error}", f"the compressed data is damaged: {error}"),
    )


def _locate_bad_bytes(opener: Opener, encoding: str) -> ReadError:
    """Find where a file that began as `encoding` stops being it: mixed encodings, or a
    guessed single-byte encoding that has no character for some byte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    lines = 1
    try:
        with opener() as stream:
            while chunk := stream.read(1 << 20):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    return _decode_error(encoding, chunk, error, offset, lines)
                offset += len(chunk)
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        pass
    except DECOMPRESSION_ERRORS as error:
        return _decompression_error(error)
    return ReadError(
        "encoding-error", t(f"ถอดรหัสเป็น {encoding} ไม่ได้", f"cannot decode as {encoding}")
    )


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
    if not codecs.lookup(encoding).name.startswith("utf-8"):
        byte = chunk[error.start : error.start + 1].hex()
        return ReadError(
            "encoding-error",
            t(f"บรรทัด {line} (ไบต์ที่ {offset + error.start}): ไบต์ 0x{byte} ไม่มีอักขระใน "
              f"{encoding} ที่ตรวจพบ ให้ระบุรหัสอักขระของแฟ้ม หรือบันทึกใหม่เป็น UTF-8",
              f"{where}: byte 0x{byte} has no character in {encoding}, the encoding the "
              "file's start shows; give the file's encoding, or save it as UTF-8"),
            offset + error.start,
        )  # fmt: skip
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


class prefetch:  # noqa: N801 - used as a function that returns an iterator
    """Read the next batches in a thread while the current one is checked: Arrow parses
    without holding the GIL, so parsing and checking share the machine's cores. The thread
    starts at once (a second part of a file is parsed while the first is); `close()` stops
    it, whether or not anything was taken."""

    def __init__(self, batches: Iterator[Batch], depth: int = 1) -> None:
        self._handoff: queue.Queue[Batch | BaseException | None] = queue.Queue(maxsize=depth)
        """A batch, the error that stopped the reader, or None at the end."""
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
                self._handoff.put(batch)
        except BaseException as error:  # handed to the consumer, which re-raises it
            self._handoff.put(error)
        else:
            self._handoff.put(None)

    def __iter__(self) -> prefetch:
        return self

    def __next__(self) -> Batch:
        if self._done:
            raise StopIteration
        item = self._handoff.get()
        if isinstance(item, Batch):
            return item
        self.close()
        if item is not None:
            raise item
        raise StopIteration

    def close(self) -> None:
        self._done = True
        self._stop.set()
        while self._worker.is_alive():
            try:
                self._handoff.get_nowait()
            except queue.Empty:
                self._worker.join(timeout=0.05)
