"""Every published table as Parquet partitioned by fiscal year and province, on any fsspec
file system, so that DuckDB, Spark or Trino read the same files the catalog serves.

    <dest>/<dataset>/<table>/fiscal_year=2567/province_code=50/part-0.parquet
    <dest>/_khlang_export.json          what was written: datasets, versions, tables, rows

`dest` is a local path or any fsspec URL (`file://`, `memory://`, `s3://bucket/prefix` with
s3fs installed, `gcs://`, `abfs://`, ...). A table is each tabular resource of a dataset's
current version, once: the publisher writes the same table as CSV, JSON and Parquet, and the
Parquet file is read when there is one. Columns get their Table Schema types (the same typed
read as the query engine's tables); the partition columns are the table's fiscal-year column
and its province-code column (`columns.cluster_columns`), whichever it has, and they move into
the directory names as Hive partitioning expects. Rows stream from DuckDB to pyarrow's
dataset writer in batches, so a national table is never held in memory whole.

Only what anonymous callers may see is exported (no private or withdrawn dataset). A table's
directory is replaced partition by partition (`delete_matching`), and the manifest is written
last: a reader that finds the manifest finds every file it lists.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from pydantic import BaseModel

from khlang.api.query.columns import Column, cluster_columns
from khlang.api.query.tables import TableSource, is_tabular, table_source_of, typed_select
from khlang.catalog import ANONYMOUS, Catalog
from khlang.catalog.records import ResourceRecord, VersionRecord
from khlang.errors import KhlangError
from khlang.i18n import Text

MANIFEST = "_khlang_export.json"
BATCH_ROWS = 100_000
_FORMAT_PREFERENCE = {"parquet": 0, "csv": 1, "tsv": 2, "ndjson": 3, "json": 4}


class ExportedTable(BaseModel):
    dataset: str
    version: int
    table: str
    resource_id: str
    path: str
    """The table's directory under the destination."""
    partitioning: list[str]
    rows: int


class ExportReport(BaseModel):
    destination: str
    exported_at: dt.datetime
    tables: list[ExportedTable]


def export_parquet(
    catalog: Catalog, destination: str, *, datasets: Iterable[str] | None = None
) -> ExportReport:
    """Write the tables of `datasets` (default: every public dataset) under `destination`."""
    filesystem, root = open_destination(destination)
    names = list(datasets) if datasets is not None else None
    if names is None:
        names = [summary.name for summary in catalog.datasets(viewer=ANONYMOUS)]
    else:
        for name in names:
            catalog.dataset(name, viewer=ANONYMOUS)  # not found / private: a clear error
    tables = []
    for version in catalog.current_versions(names, viewer=ANONYMOUS):
        for table, item in _tables_of(version):
            source = table_source_of(item, catalog.blobs.path(item.sha256 or ""), item.sha256 or "")
            where = f"{root}/{version.dataset}/{table}"
            partitioning, rows = _write(source, filesystem, where, destination)
            tables.append(
                ExportedTable(
                    dataset=version.dataset,
                    version=version.number,
                    table=table,
                    resource_id=item.id,
                    path=f"{version.dataset}/{table}",
                    partitioning=partitioning,
                    rows=rows,
                )
            )
    report = ExportReport(
        destination=destination, exported_at=dt.datetime.now(dt.UTC), tables=tables
    )
    with filesystem.open(f"{root}/{MANIFEST}", "w", encoding="utf-8") as handle:
        handle.write(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return report


def open_destination(destination: str) -> tuple[Any, str]:
    """(fsspec file system, root path in it), or a clear error naming the destination: an
    unknown protocol, a protocol whose package is not installed, or a place that cannot be
    written."""
    import fsspec  # lazy: fsspec, +12 ms

    try:
        filesystem, root = fsspec.core.url_to_fs(destination)
        root = root.rstrip("/") or "/"
        filesystem.makedirs(root, exist_ok=True)
        probe = f"{root}/.khlang-write-probe"
        with filesystem.open(probe, "wb") as handle:
            handle.write(b"")
        filesystem.rm(probe)
    except (ImportError, ValueError, OSError) as error:
        raise KhlangError(
            Text(
                th=f"เขียนไฟล์ Parquet ไปที่ปลายทางนี้ไม่ได้: {error}",
                en=f"cannot write Parquet files to this destination: {error}",
            ),
            where=destination,
        ) from error
    return filesystem, root


def _tables_of(version: VersionRecord) -> list[tuple[str, ResourceRecord]]:
    """(table name, the resource to read it from): tabular resources grouped by file name
    without its extension, the Parquet one preferred."""
    chosen: dict[str, ResourceRecord] = {}
    for item in version.resources:
        if not is_tabular(item):
            continue
        table = PurePosixPath(item.filename or item.id).stem
        current = chosen.get(table)
        if current is None or _rank(item) < _rank(current):
            chosen[table] = item
    return sorted(chosen.items())


def _rank(item: ResourceRecord) -> int:
    suffix = PurePosixPath(item.filename or "").suffix.lstrip(".").lower()
    return _FORMAT_PREFERENCE.get((item.format or suffix).lower(), 9)


def partition_columns(columns: list[Column]) -> list[str]:
    """The fiscal-year column and the province-code column, those the table has."""
    cluster = cluster_columns(columns)
    year = [name for name in cluster[:1] if "year" in name.lower() or name in _years(columns)]
    province = [name for name in cluster if name not in year and "province" in name.lower()]
    return year + province[:1]


def _years(columns: list[Column]) -> set[str]:
    return {c.name for c in columns if c.type == "year"}


def _write(
    source: TableSource, filesystem: Any, where: str, destination: str
) -> tuple[list[str], int]:
    import duckdb  # lazy: duckdb, +36 ms
    import pyarrow as pa  # lazy: pyarrow, +57 ms
    import pyarrow.dataset as ds  # lazy: pyarrow.dataset, +300 ms
    from pyarrow.fs import FSSpecHandler, PyFileSystem  # lazy: pyarrow.fs, +64 ms

    columns = source.columns
    partitioning = partition_columns(columns)
    connection = duckdb.connect()
    try:
        reader = connection.sql(typed_select(source, columns)).to_arrow_reader(BATCH_ROWS)
        rows = 0

        def counted() -> Iterable[pa.RecordBatch]:
            nonlocal rows
            for batch in reader:
                rows += batch.num_rows
                yield batch

        schema = reader.schema
        ds.write_dataset(
            pa.RecordBatchReader.from_batches(schema, counted()),
            where,
            filesystem=PyFileSystem(FSSpecHandler(filesystem)),
            format="parquet",
            partitioning=ds.partitioning(
                pa.schema([schema.field(name) for name in partitioning]), flavor="hive"
            )
            if partitioning
            else None,
            basename_template="part-{i}.parquet",
            existing_data_behavior="delete_matching",
            max_partitions=100_000,
        )
    except (OSError, duckdb.Error) as error:
        raise KhlangError(
            Text(
                th=f"ส่งออกตาราง {source.path.name} เป็น Parquet ไม่ได้: {error}",
                en=f"cannot export table {source.path.name} as Parquet: {error}",
            ),
            where=f"{destination} ({where})",
        ) from error
    finally:
        connection.close()
    return partitioning, rows
