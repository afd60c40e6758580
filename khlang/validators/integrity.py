"""Unique, primary-key and foreign-key checks, which compare every row with every other and
so cannot be done a batch at a time. Keys go into DuckDB as they stream past; DuckDB spills
to disk beyond its memory limit, so a key column larger than memory is still checked. Keys
are the parsed values as text (see `cells.FieldChecker`), compared as Frictionless compares
Python values."""

# SQL here is built from generated table and column names (key0, k0), never from data.
# ruff: noqa: S608

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

DUCKDB_MEMORY_LIMIT = "96MB"


@dataclass(frozen=True)
class KeySpec:
    """One key to check: `kind` is unique, primary or foreign; `positions` are field indexes."""

    kind: str
    name: str
    positions: tuple[int, ...]


@dataclass(frozen=True)
class KeyViolation:
    row_number: int
    values: tuple[str | None, ...]
    previous_row: int | None = None
    """The last earlier row with the same key (unique and primary key), None when all its
    cells are blank (primary key)."""


def display(key: str | None) -> str:
    """A key as the cell a person wrote: without its type tag."""
    return "None" if key is None else key.split(":", 1)[1]


class KeyStore:
    """Holds the keys of one table in a temporary DuckDB database."""

    def __init__(self, specs: list[KeySpec]) -> None:
        import duckdb

        self.specs = specs
        self._folder = tempfile.mkdtemp(prefix="khlang-keys-")
        self._db = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY_LIMIT,
                                          "temp_directory": self._folder,
                                          "preserve_insertion_order": False})  # fmt: skip
        for index, spec in enumerate(specs):
            columns = ", ".join(f"k{i} VARCHAR" for i in range(len(spec.positions)))
            self._db.execute(f"CREATE TABLE key{index} (row BIGINT, {columns})")
            if spec.kind == "foreign":
                self._db.execute(f"CREATE TABLE ref{index} ({columns})")

    def add(self, row_numbers: np.ndarray, keys: dict[int, pa.Array]) -> None:
        """One batch: row numbers and, per field position, the key of each row's cell."""
        for index, spec in enumerate(self.specs):
            table = pa.table(
                {"row": pa.array(row_numbers)}
                | {f"k{i}": keys[position] for i, position in enumerate(spec.positions)}
            )
            self._db.register("batch", table)
            self._db.execute(f"INSERT INTO key{index} SELECT * FROM batch")
            self._db.unregister("batch")

    def add_reference(self, index: int, keys: list[pa.Array]) -> None:
        """Keys of the table a foreign key points at (rows whose cells are all blank are
        left out, as Frictionless leaves them out)."""
        table = pa.table({f"k{i}": column for i, column in enumerate(keys)})
        self._db.register("batch", table)
        every_null = " AND ".join(f"k{i} IS NULL" for i in range(len(keys)))
        self._db.execute(f"INSERT INTO ref{index} SELECT * FROM batch WHERE NOT ({every_null})")
        self._db.unregister("batch")

    def violations(self, index: int, limit: int) -> tuple[int, Iterator[KeyViolation]]:
        """The exact number of rows breaking key `index`, and the first `limit` of them."""
        spec = self.specs[index]
        width = len(spec.positions)
        keys = ", ".join(f"k{i}" for i in range(width))
        all_null = " AND ".join(f"k{i} IS NULL" for i in range(width))
        if spec.kind == "foreign":
            same = " AND ".join(f"r.k{i} IS NOT DISTINCT FROM t.k{i}" for i in range(width))
            query = (
                f"SELECT row, {keys}, NULL AS previous FROM key{index} t WHERE NOT ({all_null}) "
                f"AND NOT EXISTS (SELECT 1 FROM ref{index} r WHERE {same})"
            )
        else:
            blank = f"SELECT row, {keys}, NULL AS previous FROM key{index} WHERE {all_null}"
            repeated = (
                f"SELECT row, {keys}, previous FROM (SELECT row, {keys}, lag(row) OVER "
                f"(PARTITION BY {keys} ORDER BY row) AS previous FROM key{index} "
                f"WHERE NOT ({all_null})) WHERE previous IS NOT NULL"
            )
            query = repeated if spec.kind == "unique" else f"{blank} UNION ALL {repeated}"
        self._db.execute(f"CREATE TEMP TABLE found{index} AS {query}")
        (count,) = self._db.execute(f"SELECT count(*) FROM found{index}").fetchone()
        rows = self._db.execute(
            f"SELECT * FROM found{index} ORDER BY row LIMIT {int(limit)}"
        ).fetchall()

        def examples() -> Iterator[KeyViolation]:
            for row in rows:
                yield KeyViolation(row[0], tuple(row[1 : 1 + width]), row[1 + width])

        return count, examples()

    def close(self) -> None:
        self._db.close()
        shutil.rmtree(self._folder, ignore_errors=True)
