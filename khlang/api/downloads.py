"""Streamed downloads of a tabular resource, whole or filtered: CSV, JSON, NDJSON, Parquet.

Rows leave DuckDB in Arrow batches and are written out batch by batch, so a national table
streams in constant memory. CSV is UTF-8; `bom=1` adds the byte-order mark Excel needs to
read Thai; text cells beginning with `=`, `+`, `-`, `@`, tab or carriage return get a leading
apostrophe so a spreadsheet shows them instead of running them (OWASP's advice on CSV
injection). Column names are written as the Table Schema has them.
"""

from __future__ import annotations

import csv
import io
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
BOM = "\ufeff".encode()
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """A cell a spreadsheet would read as a formula, made plain text."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def stream(
    engine: QueryEngine,
    info: TableInfo,
    query: RowQuery,
    format: DownloadFormat,
    *,
    bom: bool = False,
) -> Iterator[bytes]:
    """The bytes of the download, produced as the client reads them."""
    fields = list(query.fields or (column.name for column in info.columns))
    compiler = engine.compiler(info)
    if format == "csv":
        sql = compiler.export(
            fields, query.where, query.sort, escape_formulas=True, text_times=True
        )
        return _csv(engine.export_batches(sql), fields, bom=bom)
    if format == "parquet":
        sql = compiler.export(fields, query.where, query.sort)
        return _parquet(engine.export_batches(sql))
    sql = compiler.export_json(fields, query.where, query.sort)
    return _json_lines(engine.export_batches(sql), array=format == "json")


def _csv(batches: Iterator, fields: list[str], *, bom: bool) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow([escape_formula(n) for n in fields])
    yield (BOM if bom else b"") + header.getvalue().encode()
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
    import pyarrow.parquet as pq

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
