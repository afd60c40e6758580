"""Where adapter output waits for reconciliation: Parquet parts, one per source file and
canonical table, in a work folder, queried together by DuckDB.

Writing each file's rows out as soon as they are read keeps memory bounded by the largest
single export, not by the national total; DuckDB then streams over the parts.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from khlang.publishers.amounts import to_decimal
from khlang.publishers.tables import COLUMNS, TABLES, Column, arrow_schema

DUCKDB_MEMORY = "1GB"
DUCKDB_THREADS = 2


def columns_to_arrow(frame: pd.DataFrame, columns: list[Column]) -> pa.Table:
    """The frame's columns as Arrow arrays of their defined types (amounts as decimals)."""
    arrays = []
    for column in columns:
        values = frame[column.name]
        if column.amount:
            arrays.append(to_decimal(values))
        elif column.type == "string":
            arrays.append(pa.array(values.astype("string"), type=pa.string(), from_pandas=True))
        else:
            arrays.append(pa.array(values, type=column.arrow_type, from_pandas=True))
    schema = pa.schema([pa.field(column.name, column.arrow_type) for column in columns])
    return pa.Table.from_arrays(arrays, schema=schema)


def to_arrow(frame: pd.DataFrame, table: str) -> pa.Table:
    """A canonical frame as an Arrow table of the canonical schema."""
    return columns_to_arrow(frame, [COLUMNS[name] for name in TABLES[table]])


class PartStore:
    """Parquet parts of the canonical tables under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)
        for table in TABLES:
            (root / table).mkdir(parents=True, exist_ok=True)
            pq.write_table(arrow_schema(table).empty_table(), root / table / "0-empty.parquet")

    def add(self, table: str, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        self.counts[table] += 1
        path = self.root / table / f"{self.counts[table]}.parquet"
        pq.write_table(to_arrow(frame, table), path)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with one view per canonical table (`raw_<table>`)."""
        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        con.execute(f"SET threads = {DUCKDB_THREADS}")
        temp = self.root / "duckdb-temp"
        temp.mkdir(exist_ok=True)
        con.execute(f"SET temp_directory = '{temp.as_posix()}'")
        for table in TABLES:
            pattern = (self.root / table / "*.parquet").as_posix()
            con.execute(
                f"CREATE VIEW raw_{table} AS SELECT * FROM read_parquet('{pattern}', "  # noqa: S608
                "union_by_name = true)"
            )
        return con
