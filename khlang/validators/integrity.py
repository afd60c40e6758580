"""Unique, primary-key and foreign-key checks, which compare every row with every other and
so cannot be done a batch at a time.

Unique and primary keys: as the rows stream past, each key is hashed to 64 bits
(`keyhash`) and (hash, position) pairs are written to 32 bucket files by the hash's top
bits, while the keys themselves go to an Arrow IPC file. At the end each bucket is sorted
on its own (two at a time: a sixteenth of the keys in memory); rows whose hash occurs twice are
the only candidates, and their keys, read back from the IPC file, are compared by value, so
a hash collision never makes an error. Foreign keys are an anti-join against another table:
both sides are written to Parquet and DuckDB joins them, spilling to disk beyond its memory
limit. Keys are the parsed values (see `cells.FieldChecker`), compared as Frictionless
compares Python values."""

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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from khlang.errors import KhlangError
from khlang.i18n import t
from khlang.validators.cells import whole
from khlang.validators.keyhash import hash_keys

QUERY_MEMORY_MB = (40, 256, 1024)
"""DuckDB's memory for foreign keys (it spills to disk past it), raised on a shortage."""
BUCKET_BITS = 5
"""Keys are hashed into 2**5 bucket files, each sorted on its own, two at a time: memory for
a sixteenth of the (hash, position) pairs, 16 bytes a row (10 MB of 10 million keys)."""
_PAIR = np.dtype([("hash", "<u8"), ("position", "<i8")])
RELEASE_AFTER_ROWS = 100_000
"""Below this many rows the comparison needs too little memory for freeing the rows' to
change the peak, and a full garbage collection (a tenth of a second to over half of one in a
process holding a few hundred thousand objects) would be most of a small file's time."""


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


def _repeated_in_bucket(stream: Any) -> np.ndarray:
    """Positions of the keys in one bucket file whose hash occurs more than once there."""
    pairs = np.fromfile(stream.name, dtype=_PAIR)
    hashes = np.sort(pairs["hash"])
    repeated = np.unique(hashes[1:][hashes[1:] == hashes[:-1]])
    if not len(repeated):
        return repeated.astype(np.int64)
    at = np.minimum(np.searchsorted(repeated, pairs["hash"]), len(repeated) - 1)
    positions: np.ndarray = pairs["position"][repeated[at] == pairs["hash"]]
    return positions


def _bool_array(mask: np.ndarray) -> pa.Array:
    return pa.array(mask, type=pa.bool_())


def _all_blank(keys: list[pa.Array]) -> np.ndarray:
    every_blank = np.ones(len(keys[0]), dtype=bool)
    for column in keys:
        every_blank &= np.asarray(column.is_null()) if column.null_count else False
    return every_blank


class DuplicateKeys:
    """Repeated keys of one set of fields, found by hashing (module doc). A unique field and
    a primary key on the same field share one: the same rows repeat in both, and only the
    primary key counts rows whose key cells are all blank."""

    def __init__(self, folder: Path, width: int) -> None:
        folder.mkdir()
        self._width = width
        self._folder = folder
        self._buckets = [(folder / f"{b}.pairs").open("wb") for b in range(1 << BUCKET_BITS)]
        self._writer: Any = None
        self._starts: list[int] = []
        """Position of each IPC batch's first key."""
        self._count = 0
        self._blank: list[np.ndarray] = []
        self._repeated: tuple[np.ndarray, np.ndarray, pa.Table | None] | None = None

    def add(self, row_numbers: np.ndarray, keys: list[pa.Array]) -> None:
        keys = [whole(column) for column in keys]
        blank = _all_blank(keys)
        if blank.any():
            self._blank.append(row_numbers[blank])
            row_numbers = row_numbers[~blank]
            keys = [column.filter(_bool_array(~blank)) for column in keys]
        if not len(row_numbers):
            return
        batch = pa.record_batch(
            [pa.array(row_numbers, pa.int64()), *keys],
            names=["row", *(f"k{i}" for i in range(len(keys)))],
        )
        if self._writer is None:
            self._writer = pa.ipc.new_file(str(self._folder / "keys.arrow"), batch.schema)
        self._writer.write_batch(batch)
        self._starts.append(self._count)
        hashes = hash_keys(keys)
        pairs = np.empty(len(hashes), dtype=_PAIR)
        pairs["hash"] = hashes
        pairs["position"] = np.arange(self._count, self._count + len(hashes))
        self._count += len(hashes)
        bucket = (hashes >> np.uint64(64 - BUCKET_BITS)).astype(np.uint8)
        order = np.argsort(bucket, kind="stable")  # a radix sort for 8-bit numbers
        bounds = np.searchsorted(bucket[order], np.arange((1 << BUCKET_BITS) + 1))
        pairs = pairs[order]
        for number, stream in enumerate(self._buckets):
            if bounds[number] < bounds[number + 1]:
                pairs[bounds[number] : bounds[number + 1]].tofile(stream)

    def _candidates(self) -> np.ndarray:
        """Positions of the keys whose hash occurs more than once, in order. Two buckets are
        sorted at a time: NumPy's sort releases the GIL."""
        for stream in self._buckets:
            stream.close()
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="khlang-keys") as pool:
            found = [f for f in pool.map(_repeated_in_bucket, self._buckets) if len(f)]
        return np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def _read_back(self, positions: np.ndarray) -> pa.Table | None:
        """The rows and keys at `positions`, from the IPC file (memory-mapped)."""
        if not len(positions) or self._writer is None:
            return None
        self._writer.close()
        starts = np.array(self._starts, dtype=np.int64)
        batch_of = np.searchsorted(starts, positions, side="right") - 1
        with pa.memory_map(str(self._folder / "keys.arrow")) as source:
            reader = pa.ipc.open_file(source)
            pieces = [
                reader.get_batch(int(number)).take(
                    pa.array(positions[batch_of == number] - starts[number], pa.int64())
                )
                for number in np.unique(batch_of)
            ]
            return pa.Table.from_batches(pieces).combine_chunks()

    def _find_repeated(self) -> tuple[np.ndarray, np.ndarray, pa.Table | None]:
        """Rows whose key an earlier row has (compared by value), that earlier row (the
        last one before), and the rows' keys."""
        if self._repeated is not None:
            return self._repeated
        candidates = self._read_back(self._candidates())
        none = np.zeros(0, dtype=np.int64)
        self._repeated = (none, none, None)
        if candidates is not None and candidates.num_rows > 1:
            width = candidates.num_columns - 1
            ordered = candidates.sort_by(
                [(f"k{i}", "ascending") for i in range(width)] + [("row", "ascending")]
            )
            same = np.ones(ordered.num_rows - 1, dtype=bool)
            for i in range(width):
                column = ordered.column(f"k{i}").combine_chunks()
                later, earlier = column.slice(1), column.slice(0, len(column) - 1)
                equal = np.asarray(pc.fill_null(pc.equal(later, earlier), False), dtype=bool)
                both_blank = np.asarray(later.is_null()) & np.asarray(earlier.is_null())
                same &= equal | both_blank
            rows = np.asarray(ordered.column("row"), dtype=np.int64)
            keys = ordered.slice(1).filter(_bool_array(same))
            self._repeated = (rows[1:][same], rows[:-1][same], keys)
        return self._repeated

    def violations(self, limit: int, *, blank_is_error: bool) -> tuple[int, Iterator[KeyViolation]]:
        """The exact number of rows that repeat an earlier row's key (and, with
        `blank_is_error`, that leave every key cell blank), and the first `limit` by row."""
        rows, previous, keys = self._find_repeated()
        blank = np.concatenate(self._blank) if blank_is_error and self._blank else rows[:0]
        every = np.concatenate([rows, blank])

        def examples() -> Iterator[KeyViolation]:
            for index in np.argsort(every, kind="stable")[:limit]:
                index = int(index)
                if keys is None or index >= len(rows):
                    yield KeyViolation(int(every[index]), (None,) * self._width, None)
                    continue
                values = tuple(column[index].as_py() for column in keys.columns[1:])
                yield KeyViolation(int(every[index]), values, int(previous[index]))

        return len(every), examples()

    def close(self) -> None:
        for stream in self._buckets:
            stream.close()
        if self._writer is not None:
            self._writer.close()


class KeyStore:
    """Keys of one table: written to Parquet files as they stream past (a few MB of memory
    whatever the table's size), then compared by DuckDB once every row has been read, when
    the memory the rows needed is free again."""

    def __init__(self, specs: list[KeySpec]) -> None:
        self.specs = specs
        self._folder = Path(tempfile.mkdtemp(prefix="khlang-keys-"))
        self._duplicates: dict[tuple[int, ...], DuplicateKeys] = {}
        for spec in specs:
            if spec.kind != "foreign" and spec.positions not in self._duplicates:
                folder = self._folder / f"repeats{len(self._duplicates)}"
                self._duplicates[spec.positions] = DuplicateKeys(folder, len(spec.positions))
        self._writers: dict[str, Any] = {}
        self._families: dict[str, list[str]] = {}
        self._db: Any = None
        self._rows = 0

    def _release_freed_memory(self) -> None:
        if self._rows >= RELEASE_AFTER_ROWS:
            _release_freed_memory()

    def _write(self, name: str, batch: pa.Table) -> None:
        import pyarrow.parquet as parquet  # lazy: pyarrow.parquet, +13 ms

        if name not in self._writers:
            self._writers[name] = parquet.ParquetWriter(
                self._folder / f"{name}.parquet", batch.schema, compression="lz4"
            )
            self._families[name] = [_family(field.type) for field in batch.schema]
        self._writers[name].write_table(batch)

    def add(self, row_numbers: np.ndarray, keys: dict[int, pa.Array]) -> None:
        """One batch: row numbers and, per field position, the key of each row's cell."""
        self._rows += len(row_numbers)
        for positions, duplicates in self._duplicates.items():
            duplicates.add(row_numbers, [keys[p] for p in positions])
        for index, spec in enumerate(self.specs):
            if spec.kind != "foreign":
                continue
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
            import duckdb  # lazy: duckdb, +40 ms

            for writer in self._writers.values():
                writer.close()
            self._release_freed_memory()
            # One thread: each DuckDB thread keeps its own buffers.
            self._db = duckdb.connect(config={"threads": 1, "temp_directory": str(self._folder),
                                              "preserve_insertion_order": False})  # fmt: skip
            for name in self._writers:
                path = str(self._folder / f"{name}.parquet").replace("'", "''")
                self._db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        return self._db

    def violations(self, index: int, limit: int) -> tuple[int, Iterator[KeyViolation]]:
        """The exact number of rows breaking key `index`, and the first `limit` of them."""
        spec = self.specs[index]
        if spec.kind != "foreign":
            self._release_freed_memory()
            duplicates = self._duplicates[spec.positions]
            return duplicates.violations(limit, blank_is_error=spec.kind == "primary")
        if f"key{index}" not in self._writers:
            return 0, iter(())
        database = self._database()
        width = len(self.specs[index].positions)
        keys = ", ".join(f"k{i}" for i in range(width))
        all_null = " AND ".join(f"k{i} IS NULL" for i in range(width))
        query = self._foreign_query(index, keys, all_null)
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
        import duckdb  # lazy: duckdb, +36 ms

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
        for duplicates in self._duplicates.values():
            duplicates.close()
        for writer in self._writers.values():
            writer.close()
        if self._db is not None:
            self._db.close()
        shutil.rmtree(self._folder, ignore_errors=True)
