"""Unique, primary-key and foreign-key checks, which compare every row with every other and
so cannot be done a batch at a time. Keys are written to Parquet as they stream past and
compared by DuckDB at the end; DuckDB spills to disk beyond its memory limit, so a key column
larger than memory is still checked. Keys
are the parsed values as text (see `cells.FieldChecker`), compared as Frictionless compares
Python values."""

# SQL here is built from generated table and column names (key0, k0), never from data.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from khlang.errors import KhlangError
from khlang.i18n import t

QUERY_MEMORY_MB = (40, 256, 1024)
"""DuckDB's memory for finding duplicates (it spills to disk past it), raised on a shortage."""


@dataclass(frozen=True)
class KeySpec:
    """One key to check: `kind` is unique, primary or foreign; `positions` are field indexes."""

    kind: str
    name: str
    positions: tuple[int, ...]


@dataclass(frozen=True)
class KeyViolation:
    row_number: int
    values: tuple[Any, ...]
    previous_row: int | None = None
    """The last earlier row with the same key (unique and primary key), None when all its
    cells are blank (primary key)."""


def display(value: Any) -> str:
    """A key as the cell a person wrote."""
    if value is None:
        return "None"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _family(arrow_type: pa.DataType) -> str:
    """Values of one family compare as Python compares them; of two, never equal."""
    if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type):
        return "number"
    return "date" if pa.types.is_date(arrow_type) else "text"


def _release_freed_memory() -> None:
    """Hand the memory the rows needed back to the system before DuckDB asks for its own:
    Arrow's allocator and glibc's malloc keep freed memory for reuse otherwise, and the
    process's peak would be the sum of both phases instead of the larger."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


class KeyStore:
    """Keys of one table: written to Parquet files as they stream past (a few MB of memory
    whatever the table's size), then compared by DuckDB once every row has been read, when
    the memory the rows needed is free again."""

    def __init__(self, specs: list[KeySpec]) -> None:
        self.specs = specs
        self._folder = Path(tempfile.mkdtemp(prefix="khlang-keys-"))
        self._writers: dict[str, Any] = {}
        self._families: dict[str, list[str]] = {}
        self._db: Any = None

    def _write(self, name: str, batch: pa.Table) -> None:
        import pyarrow.parquet as parquet

        if name not in self._writers:
            self._writers[name] = parquet.ParquetWriter(
                self._folder / f"{name}.parquet", batch.schema, compression="lz4"
            )
            self._families[name] = [_family(field.type) for field in batch.schema]
        self._writers[name].write_table(batch)

    def add(self, row_numbers: np.ndarray, keys: dict[int, pa.Array]) -> None:
        """One batch: row numbers and, per field position, the key of each row's cell."""
        for index, spec in enumerate(self.specs):
            table = pa.table(
                {"row": pa.array(row_numbers)}
                | {f"k{i}": keys[position] for i, position in enumerate(spec.positions)}
            )
            self._write(f"key{index}", table)

    def add_reference(self, index: int, keys: list[pa.Array]) -> None:
        """Keys of the table a foreign key points at (rows whose cells are all blank are
        left out, as Frictionless leaves them out)."""
        every_blank = np.ones(len(keys[0]), dtype=bool)
        for column in keys:
            every_blank &= np.asarray(column.is_null())
        table = pa.table({f"k{i}": column for i, column in enumerate(keys)})
        self._write(f"ref{index}", table.filter(pa.array(~every_blank)))

    def _database(self) -> Any:
        """DuckDB over the key files, opened when the rows are all read."""
        if self._db is None:
            import duckdb

            for writer in self._writers.values():
                writer.close()
            _release_freed_memory()
            # One thread: each DuckDB thread keeps its own buffers.
            self._db = duckdb.connect(config={"threads": 1, "temp_directory": str(self._folder),
                                              "preserve_insertion_order": False})  # fmt: skip
            for name in self._writers:
                path = str(self._folder / f"{name}.parquet").replace("'", "''")
                self._db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        return self._db

    def violations(self, index: int, limit: int) -> tuple[int, Iterator[KeyViolation]]:
        """The exact number of rows breaking key `index`, and the first `limit` of them."""
        if f"key{index}" not in self._writers:
            return 0, iter(())
        database = self._database()
        spec = self.specs[index]
        width = len(spec.positions)
        keys = ", ".join(f"k{i}" for i in range(width))
        all_null = " AND ".join(f"k{i} IS NULL" for i in range(width))
        if spec.kind == "foreign":
            query = self._foreign_query(index, keys, all_null)
        else:
            # Duplicated keys first (a hash aggregate), then only their rows are ordered.
            same = " AND ".join(f"t.k{i} IS NOT DISTINCT FROM d.k{i}" for i in range(width))
            repeated = (
                f"WITH dup AS (SELECT {keys} FROM key{index} WHERE NOT ({all_null}) "
                f"GROUP BY ALL HAVING count(*) > 1), rows AS (SELECT t.* FROM key{index} t "
                f"SEMI JOIN dup d ON {same}) SELECT row, {keys}, previous FROM (SELECT row, "
                f"{keys}, lag(row) OVER (PARTITION BY {keys} ORDER BY row) AS previous "
                "FROM rows) WHERE previous IS NOT NULL"
            )
            blank = f"SELECT row, {keys}, NULL AS previous FROM key{index} WHERE {all_null}"
            query = repeated if spec.kind == "unique" else f"{blank} UNION ALL ({repeated})"
        self._run_with_memory(f"CREATE TEMP TABLE found{index} AS {query}")
        (count,) = database.execute(f"SELECT count(*) FROM found{index}").fetchone()
        rows = database.execute(
            f"SELECT * FROM found{index} ORDER BY row LIMIT {int(limit)}"
        ).fetchall()

        def examples() -> Iterator[KeyViolation]:
            for row in rows:
                yield KeyViolation(row[0], tuple(row[1 : 1 + width]), row[1 + width])

        return count, examples()

    def _run_with_memory(self, statement: str) -> None:
        import duckdb

        for megabytes in QUERY_MEMORY_MB:
            self._db.execute(f"SET memory_limit = '{megabytes}MB'")
            try:
                self._db.execute(statement)
            except duckdb.OutOfMemoryException:
                continue
            return
        raise KhlangError(
            t(
                f"หน่วยความจำไม่พอสำหรับตรวจคีย์ซ้ำ (ใช้ได้สูงสุด {QUERY_MEMORY_MB[-1]} MB)",
                f"not enough memory to compare the keys (up to {QUERY_MEMORY_MB[-1]} MB tried)",
            )
        )

    def _foreign_query(self, index: int, keys: str, all_null: str) -> str:
        width = len(self.specs[index].positions)
        found = f"SELECT row, {keys}, NULL AS previous FROM key{index} t WHERE NOT ({all_null})"
        reference = f"ref{index}"
        if reference not in self._writers or (
            self._families[reference] != self._families[f"key{index}"][1:]
        ):
            return found  # an empty reference, or keys of another type: nothing matches
        same = " AND ".join(f"r.k{i} IS NOT DISTINCT FROM t.k{i}" for i in range(width))
        return f"{found} AND NOT EXISTS (SELECT 1 FROM {reference} r WHERE {same})"

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        if self._db is not None:
            self._db.close()
        shutil.rmtree(self._folder, ignore_errors=True)
