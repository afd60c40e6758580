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
from typing import Any

import numpy as np
import pyarrow as pa

DUCKDB_MEMORY_LIMIT = "64MB"


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


class KeyStore:
    """Holds the keys of one table in a temporary DuckDB database."""

    def __init__(self, specs: list[KeySpec]) -> None:
        import duckdb

        self.specs = specs
        self._folder = tempfile.mkdtemp(prefix="khlang-keys-")
        self._db = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY_LIMIT,
                                          "temp_directory": self._folder,
                                          "preserve_insertion_order": False})  # fmt: skip
        self._created: set[str] = set()
        self._families: dict[str, list[str]] = {}

    def _insert(self, table: str, batch: pa.Table, where: str = "") -> None:
        self._db.register("batch", batch)
        if table not in self._created:
            self._db.execute(f"CREATE TABLE {table} AS SELECT * FROM batch LIMIT 0")
            self._created.add(table)
            self._families[table] = [_family(field.type) for field in batch.schema]
        self._db.execute(f"INSERT INTO {table} SELECT * FROM batch {where}")
        self._db.unregister("batch")

    def add(self, row_numbers: np.ndarray, keys: dict[int, pa.Array]) -> None:
        """One batch: row numbers and, per field position, the key of each row's cell."""
        for index, spec in enumerate(self.specs):
            table = pa.table(
                {"row": pa.array(row_numbers)}
                | {f"k{i}": keys[position] for i, position in enumerate(spec.positions)}
            )
            self._insert(f"key{index}", table)

    def add_reference(self, index: int, keys: list[pa.Array]) -> None:
        """Keys of the table a foreign key points at (rows whose cells are all blank are
        left out, as Frictionless leaves them out)."""
        table = pa.table({f"k{i}": column for i, column in enumerate(keys)})
        every_null = " AND ".join(f"k{i} IS NULL" for i in range(len(keys)))
        self._insert(f"ref{index}", table, f"WHERE NOT ({every_null})")

    def violations(self, index: int, limit: int) -> tuple[int, Iterator[KeyViolation]]:
        """The exact number of rows breaking key `index`, and the first `limit` of them."""
        if f"key{index}" not in self._created:
            return 0, iter(())
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
        self._db.execute(f"CREATE TEMP TABLE found{index} AS {query}")
        (count,) = self._db.execute(f"SELECT count(*) FROM found{index}").fetchone()
        rows = self._db.execute(
            f"SELECT * FROM found{index} ORDER BY row LIMIT {int(limit)}"
        ).fetchall()

        def examples() -> Iterator[KeyViolation]:
            for row in rows:
                yield KeyViolation(row[0], tuple(row[1 : 1 + width]), row[1 + width])

        return count, examples()

    def _foreign_query(self, index: int, keys: str, all_null: str) -> str:
        width = len(self.specs[index].positions)
        found = f"SELECT row, {keys}, NULL AS previous FROM key{index} t WHERE NOT ({all_null})"
        reference = f"ref{index}"
        if reference not in self._created or (
            self._families[reference] != self._families[f"key{index}"][1:]
        ):
            return found  # an empty reference, or keys of another type: nothing matches
        same = " AND ".join(f"r.k{i} IS NOT DISTINCT FROM t.k{i}" for i in range(width))
        return f"{found} AND NOT EXISTS (SELECT 1 FROM {reference} r WHERE {same})"

    def close(self) -> None:
        self._db.close()
        shutil.rmtree(self._folder, ignore_errors=True)
