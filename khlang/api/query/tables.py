"""Query tables: one DuckDB database file per tabular resource file, built once.

A published file (CSV, JSON, NDJSON or Parquet) is loaded with the column types of its Table
Schema into `<dir>/<key>.duckdb`, where the key hashes the file's checksum and its schema, so a
file shared by two versions is built once, and a new version never disturbs a table being
read. The rows are stored sorted by fiscal year and area codes when the schema has them (see
`columns.cluster_columns`): DuckDB keeps the min and max of every block of rows, so a filter
on those columns skips most of a national table. A text column with a manageable number of
distinct values gets a word index (`_terms_<n>`: word -> value) made with the same Thai
segmentation as the search, so `search` filters match words, not substrings.

A table is written to a temporary file and renamed into place, under a file lock, so several
server processes can share the directory and a crash leaves no half-built table.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from khlang.api.query.columns import Column, cluster_columns, columns_from_schema, quote_identifier
from khlang.catalog.records import ResourceRecord
from khlang.catalog.search.words import index_terms
from khlang.errors import KhlangError
from khlang.i18n import Text

BUILD_VERSION = "2"
"""Bump when the table layout changes: every table is rebuilt under its new key. 2: the
columns it stores carry their `unit` (money is summed in satang)."""
TERM_INDEX_MAX_VALUES = 1_000_000
TableFormat = Literal["csv", "tsv", "json", "ndjson", "parquet"]
TABLE_FORMATS: dict[str, TableFormat] = {
    "csv": "csv",
    "tsv": "tsv",
    "json": "json",
    "ndjson": "ndjson",
    "jsonl": "ndjson",
    "parquet": "parquet",
}


class TableSource(BaseModel):
    """A tabular resource file and its Table Schema: everything needed to build its table."""

    model_config = ConfigDict(frozen=True)

    path: Path
    format: TableFormat
    schema_: dict[str, Any]
    file_hash: str
    """The file's checksum as the catalog records it (`sha256:<hex>`)."""

    @property
    def key(self) -> str:
        schema = json.dumps(self.schema_, sort_keys=True, ensure_ascii=False)
        text = f"{BUILD_VERSION}\n{self.file_hash}\n{schema}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def columns(self) -> list[Column]:
        return columns_from_schema(self.schema_)


class TableInfo(BaseModel):
    """What a built table holds, stored inside it (table `_khlang`)."""

    key: str
    columns: list[Column]
    cluster: list[str]
    row_count: int
    nullable: list[str]
    """Columns that hold at least one NULL (the others need no NULL case when paging)."""
    term_columns: dict[str, str]
    """Column name -> its word-index table."""
    built_seconds: float


def file_sha256(path: Path) -> str:
    """`sha256:<hex>` of a file, for callers that have no recorded checksum."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"sha256:{digest.hexdigest()}"


def table_format(name: str | None, path: Path) -> TableFormat | None:
    """The loadable format of a resource, from its declared format or its file extension."""
    for candidate in ((name or "").lower(), path.suffix.lstrip(".").lower()):
        if candidate in TABLE_FORMATS:
            return TABLE_FORMATS[candidate]
    return None


def is_tabular(item: ResourceRecord) -> bool:
    """A stored file in a table format, with a Table Schema: rows can be queried."""
    schema = item.metadata.table_schema
    return (
        item.has_file
        and isinstance(schema, dict)
        and bool(schema.get("fields"))
        and table_format(item.format, PurePosixPath(item.filename or "")) is not None
    )


def table_source_of(item: ResourceRecord, path: Path, sha256: str) -> TableSource:
    """The table of a tabular resource (`is_tabular`) whose file is stored at `path`."""
    schema = item.metadata.table_schema
    assert isinstance(schema, dict)
    return TableSource(
        path=path,
        format=table_format(item.format, PurePosixPath(item.filename or "")) or "csv",
        schema_=schema,
        file_hash=sha256,
    )


def ensure_table(
    source: TableSource, directory: Path, *, memory_limit: str = "1GB", threads: int = 2
) -> Path:
    """The path of the source's built table, building it first if needed."""
    target = directory / f"{source.key}.duckdb"
    if target.exists():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory / f"{source.key}.lock"):
        if target.exists():  # another process built it while we waited
            return target
        partial = directory / f"{source.key}.{os.getpid()}.partial"
        partial.unlink(missing_ok=True)
        try:
            _build(source, partial, memory_limit=memory_limit, threads=threads)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
            Path(f"{partial}.wal").unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_info(connection: Any, catalog: str) -> TableInfo:
    """The TableInfo stored in an attached table database."""
    (text,) = connection.execute(f"SELECT info FROM {quote_identifier(catalog)}._khlang").fetchone()  # noqa: S608
    return TableInfo.model_validate_json(text)


def _build(source: TableSource, target: Path, *, memory_limit: str, threads: int) -> None:
    import duckdb  # lazy: duckdb, +40 ms

    started = time.perf_counter()
    columns = source.columns
    cluster = cluster_columns(columns)
    connection = duckdb.connect(
        str(target),
        config={
            "threads": threads,
            "memory_limit": memory_limit,
            "temp_directory": str(target.parent / "tmp"),
        },
    )
    connection.execute("SET enable_progress_bar = false")  # a build is long; keep logs clean
    try:
        try:
            connection.execute(f"CREATE TEMP TABLE staging AS {typed_select(source, columns)}")
        except duckdb.Error as error:
            raise KhlangError(
                Text(
                    th=f"โหลดไฟล์ {source.path.name} ตาม Table Schema ไม่ได้: {error}",
                    en=f"cannot load {source.path.name} with its Table Schema: {error}",
                ),
                where=str(source.path),
            ) from error
        order = ", ".join([*(quote_identifier(name) for name in cluster), "rowid"])
        names = ", ".join(quote_identifier(column.name) for column in columns)
        connection.execute(f"CREATE TABLE rows AS SELECT {names} FROM staging ORDER BY {order}")  # noqa: S608
        connection.execute("DROP TABLE staging")
        row_count, nullable = _null_counts(connection, columns)
        term_columns = _build_term_indexes(connection, columns)
        info = TableInfo(
            key=source.key,
            columns=columns,
            cluster=cluster,
            row_count=row_count,
            nullable=nullable,
            term_columns=term_columns,
            built_seconds=round(time.perf_counter() - started, 3),
        )
        connection.execute("CREATE TABLE _khlang (info VARCHAR)")
        connection.execute("INSERT INTO _khlang VALUES (?)", [info.model_dump_json()])
        connection.execute("CHECKPOINT")
    finally:
        connection.close()


def _null_counts(connection: Any, columns: list[Column]) -> tuple[int, list[str]]:
    counts = ", ".join(f"count({quote_identifier(c.name)})" for c in columns)
    row_count, *present = connection.execute(f"SELECT count(*), {counts} FROM rows").fetchone()  # noqa: S608
    return row_count, [c.name for c, n in zip(columns, present, strict=True) if n < row_count]


def typed_select(source: TableSource, columns: list[Column]) -> str:
    """SELECT of the file's columns cast to their Table Schema types, in schema order. Only
    the path (ours) and schema-derived literals appear in the text; both are escaped."""
    path = _literal(str(source.path))
    if source.format == "parquet":
        scan = f"read_parquet({path})"
        expressions = [
            f"CAST({quote_identifier(c.name)} AS {c.sql_type}) AS {quote_identifier(c.name)}"
            for c in columns
        ]
        return f"SELECT {', '.join(expressions)} FROM {scan}"  # noqa: S608
    as_text = ", ".join(f"{_literal(c.name)}: 'VARCHAR'" for c in columns)
    if source.format in ("csv", "tsv"):
        missing = sorted({value for c in columns for value in c.missing_values})
        delimiter = "\\t" if source.format == "tsv" else ","
        scan = (
            f"read_csv({path}, header = true, delim = {_literal(delimiter)}, "
            "quote = '\"', escape = '\"', "
            f"columns = {{{as_text}}}, nullstr = [{', '.join(map(_literal, missing))}], "
            "encoding = 'utf-8', strict_mode = false)"
        )
    else:
        shape = "array" if source.format == "json" else "newline_delimited"
        scan = f"read_json({path}, format = {_literal(shape)}, columns = {{{as_text}}})"
    expressions = [f"{_cast(c)} AS {quote_identifier(c.name)}" for c in columns]
    return f"SELECT {', '.join(expressions)} FROM {scan}"  # noqa: S608


def _cast(column: Column) -> str:
    """The SQL that turns a text cell into the column's type, honouring the Table Schema's
    number and boolean options and a column's own missing values."""
    value = quote_identifier(column.name)
    if column.missing_values:
        missing = ", ".join(map(_literal, column.missing_values))
        value = f"(CASE WHEN {value} IN ({missing}) THEN NULL ELSE {value} END)"
    options = column.options
    if column.type == "number" or column.type == "integer":
        if "groupChar" in options:
            value = f"replace({value}, {_literal(str(options['groupChar']))}, '')"
        if column.type == "number" and "decimalChar" in options:
            value = f"replace({value}, {_literal(str(options['decimalChar']))}, '.')"
        if options.get("bareNumber") is False:
            value = f"regexp_replace({value}, '[^0-9eE+.\\-]', '', 'g')"
        return f"CAST(trim({value}) AS {column.sql_type})"
    if column.type == "boolean":
        trues = options.get("trueValues", ["true", "True", "TRUE", "1"])
        falses = options.get("falseValues", ["false", "False", "FALSE", "0"])
        return (
            f"(CASE WHEN {value} IN ({', '.join(_literal(str(v)) for v in trues)}) THEN true "
            f"WHEN {value} IN ({', '.join(_literal(str(v)) for v in falses)}) THEN false "
            f"ELSE CAST({value} AS BOOLEAN) END)"
        )
    pattern = options.get("format")
    if column.type in ("date", "datetime", "time") and pattern not in (None, "default", "any"):
        parsed = f"strptime({value}, {_literal(str(pattern))})"
        return f"CAST({parsed} AS {column.sql_type})"
    if column.sql_type == "VARCHAR":
        return value
    return f"CAST(trim({value}) AS {column.sql_type})"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _build_term_indexes(connection: Any, columns: list[Column]) -> dict[str, str]:
    """For each text column with at most TERM_INDEX_MAX_VALUES distinct values, a table of
    (term, value): the Thai words of each distinct value. Segmenting distinct values, not
    rows, keeps this affordable: a national table repeats the same names millions of times."""
    import pyarrow as pa  # lazy: pyarrow, +68 ms

    indexes: dict[str, str] = {}
    for position, column in enumerate(columns):
        if not column.is_text:
            continue
        name = quote_identifier(column.name)
        (distinct,) = connection.execute(
            f"SELECT approx_count_distinct({name}) FROM rows"  # noqa: S608
        ).fetchone()
        if distinct > TERM_INDEX_MAX_VALUES * 1.1:
            continue
        values = connection.execute(
            f"SELECT DISTINCT {name} FROM rows WHERE {name} IS NOT NULL"  # noqa: S608
        ).fetchall()
        if len(values) > TERM_INDEX_MAX_VALUES:
            continue
        terms: list[str] = []
        owners: list[str] = []
        for (value,) in values:
            for term in dict.fromkeys(index_terms(value)):
                terms.append(term)
                owners.append(value)
        table = f"_terms_{position}"
        connection.register("terms_arrow", pa.table({"term": terms, "value": owners}))
        connection.execute(
            f"CREATE TABLE {table} AS SELECT term, value FROM terms_arrow ORDER BY term"  # noqa: S608
        )
        connection.unregister("terms_arrow")
        indexes[column.name] = table
    return indexes
