"""64-bit hashes of key cells, vectorised with NumPy over whole Arrow arrays (no Python per
row), so that unique and primary keys are compared by sorting 8-byte numbers instead of
their values. Two equal keys always hash alike; two different keys rarely do, and rows whose
hashes match are then compared by value, so a collision costs time, never a wrong answer.

Numbers, dates and booleans hash by their bits (after making equal values bit-equal: -0.0
and 0.0, NaNs). Text hashes as a polynomial in a random odd 64-bit number P over its UTF-8
bytes, computed for a whole array at once from prefix sums: with C the running sum of
byte[g] * P**g over the array's data buffer, a string from `start` to `end` hashes to
(C[end] - C[start]) * P**-start (mod 2**64), so no step works string by string."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_P = 0x9FB21C651E98DF25
_P_INVERSE = pow(_P, -1, 2**64)
_NULL = np.uint64(0x9E3779B97F4A7C15)
_COMBINE = np.uint64(0xBF58476D1CE4E5B9)
_powers: dict[str, np.ndarray] = {}


def _power_table(base: int, length: int, name: str) -> np.ndarray:
    """base**g (mod 2**64) for g < length, kept and grown as longer buffers come."""
    table = _powers.get(name)
    if table is None or len(table) < length:
        size = max(length, 1 << 20)
        table = np.cumprod(np.full(size, base, dtype=np.uint64))
        table = np.concatenate([np.ones(1, dtype=np.uint64), table[:-1]])
        _powers[name] = table
    return table[:length]


def mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every input bit moves about half the output bits, so that
    sequential ids spread over the buckets their top bits choose."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = values ^ (values >> np.uint64(31))
    return mixed


def hash_keys(columns: list[pa.Array]) -> np.ndarray:
    """One 64-bit hash per row of the key made of `columns` (each the same length)."""
    combined = np.zeros(len(columns[0]), dtype=np.uint64)
    for column in columns:
        combined = mix(combined * _COMBINE + _column_hash(column))
    return combined


def _column_hash(column: pa.Array) -> np.ndarray:
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        hashes = _text_hash(column)
    elif pa.types.is_floating(kind):
        values = np.asarray(column.fill_null(0.0), dtype=np.float64) + 0.0  # -0.0 -> 0.0
        values[np.isnan(values)] = np.nan  # one NaN bit pattern
        hashes = values.view(np.uint64).copy()
    elif pa.types.is_boolean(kind):
        hashes = np.asarray(column.fill_null(False), dtype=bool).astype(np.uint64)
    else:  # integers and dates: their integer value
        storage = column.cast(pa.int64()) if not pa.types.is_int64(kind) else column
        hashes = np.asarray(storage.fill_null(0), dtype=np.int64).view(np.uint64).copy()
    if column.null_count:
        hashes[np.asarray(column.is_null())] = _NULL
    return hashes


def _text_hash(column: pa.Array) -> np.ndarray:
    """The polynomial hash of each string's UTF-8 bytes (module doc), read off Arrow's
    offsets and data buffers."""
    count = len(column)
    width = np.int64 if pa.types.is_large_string(column.type) else np.int32
    buffers = column.buffers()
    offsets = np.frombuffer(buffers[1], dtype=width)[column.offset : column.offset + count + 1]
    offsets = offsets.astype(np.int64)
    lengths = np.diff(offsets)
    hashes = lengths.astype(np.uint64) * _NULL  # the length, so "" and "a" part ways
    size = int(offsets[-1] - offsets[0]) if count else 0
    if buffers[2] is None or not size:
        return hashes
    data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    running = np.zeros(size + 1, dtype=np.uint64)
    np.cumsum((data + np.uint64(1)) * _power_table(_P, size, "p"), out=running[1:])
    starts = offsets[:-1] - offsets[0]
    sums = running[starts + lengths] - running[starts]
    combined: np.ndarray = hashes ^ (sums * _power_table(_P_INVERSE, size + 1, "inverse")[starts])
    return combined
