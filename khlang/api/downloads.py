"""Streamed downloads of a tabular resource, whole or filtered: CSV, JSON, NDJSON, Parquet.

Rows leave DuckDB in Arrow batches and are written out batch by batch, so a national table
streams in constant memory. CSV is UTF-8; `bom=1` adds the byte-order mark Excel needs to
read Thai; text cells beginning with `=`, `+`, `-`, `@`, tab or carriage return get a leading
apostrophe so a spreadsheet shows them instead of running them (OWASP's advice on CSV
injection). Column names are written as the Table Schema has them, or (CSV, `headers=th` or
`headers=en`) as its Thai or English column titles, for people reading the file in a
spreadsheet.
"""

from __future__ import annotations

import csv
import io
from codecs import BOM_UTF8
from collections.abc import Iterator
from typing import Literal

from khlang.api.query.engine import QueryEngine
from khlang.api.query.language import RowQuery
from khlang.api.query.tables import TableInfo

DownloadFormat = Literal["csv", "json", "ndjson", "parquet"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_STYLES = ("name", "th", "en")
"""What a CSV's header row holds: the column names, or the Table Schema's Thai (`title_th`)
or English (`title`) column titles."""


def escape_formula(text: str) -> str:
    """A cell a spreadsheet would read as a formula, made plain text."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def column_titles(fields: list[str], schema: dict, style: str) -> list[str]:
    """The header row of a CSV: each column's name, or its title in the Table Schema in the
    language asked: khlang's schemas carry `title_th` beside an English `title`, others a
    `title` alone (then the title, whatever its language; the name when there is none). A
    title two columns share is followed by the column's name, so every header stays
    distinct."""
    if style == "name":
        return fields
    keys = ("title_th", "title") if style == "th" else ("title",)
    described = {f.get("name"): f for f in schema.get("fields", []) if isinstance(f, dict)}

    def title(name: str) -> str:
        field = described.get(name, {})
        return str(next((field[key] for key in keys if field.get(key)), name))

    titles = [title(name) for name in fields]
    return [
        f"{shown} ({name})" if titles.count(shown) > 1 and shown != name else shown
        for shown, name in zip(titles, fields, strict=True)
    ]


def stream(
    engine: QueryEngine,
    info: TableInfo,
    query: RowQuery,
    format: DownloadFormat,
    *,
    bom: bool = False,
    header_style: str = "name",
    schema: dict | None = None,
) -> Iterator[bytes]:
    """The bytes of the download, produced as the client reads them. A CSV's header row
    holds the column names, or their titles in `schema` (`header_style` th or en)."""
    fields = list(query.fields or (column.name for column in info.columns))
    compiler = engine.compiler(info)
    if format == "csv":
        sql = compiler.export(
            fields, query.where, query.sort, escape_formulas=True, text_times=True
        )
        header = column_titles(fields, schema or {}, header_style)
        return _csv(engine.export_batches(sql), header, bom=bom)
    if format == "parquet":
        sql = compiler.export(fields, query.where, query.sort)
        return _parquet(engine.export_batches(sql))
    sql = compiler.export_json(fields, query.where, query.sort)
    return _json_lines(engine.export_batches(sql), array=format == "json")


def _csv(batches: Iterator, fields: list[str], *, bom: bool) -> Iterator[bytes]:
    import pyarrow as pa  # lazy: pyarrow, +65 ms
    import pyarrow.csv as pacsv  # lazy: pyarrow.csv, +65 ms

    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow([escape_formula(n) for n in fields])
    yield (BOM_UTF8 if bom else b"") + header.getvalue().encode()
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed", eol="\r\n")
    for batch in batches:
        if batch.num_rows:
            out = io.BytesIO()
            pacsv.write_csv(pa.Table.from_batches([batch]), out, options)
            yield out.getvalue()


def _json_lines(batches: Iterator, *, array: bool) -> Iterator[bytes]:
    if not array:
        for batch in batches:
            if lines := batch.column(0).to_pylist():
                yield ("\n".join(lines) + "\n").encode()
        return
    yield b"["
    separator = "\n"
    for batch in batches:
        if lines := batch.column(0).to_pylist():
            yield (separator + ",\n".join(lines)).encode()
            separator = ",\n"
    yield b"\n]\n"


class _Chunks(io.RawIOBase):
    """A write-only file that hands what was written to the response, chunk by chunk."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def _parquet(batches: Iterator) -> Iterator[bytes]:
    import pyarrow.parquet as pq  # lazy: pyarrow.parquet, +75 ms

    sink = _Chunks()
    writer = None
    for batch in batches:
        if writer is None:
            writer = pq.ParquetWriter(sink, batch.schema, compression="zstd")
        writer.write_batch(batch)
        if data := sink.take():
            yield data
    if writer is not None:
        writer.close()
    yield sink.take()
