"""64-bit hashes of key cells, vectorised with NumPy over whole Arrow arrays (no Python per
row), so that unique and primary keys are compared by sorting 8-byte numbers instead of
their values. Two equal keys always hash alike; two different keys rarely do, and rows whose
hashes match are then compared by value, so a collision costs time, never a wrong answer.

Numbers, dates and booleans hash by their bits (after making equal values bit-equal: -0.0
and 0.0, NaNs); text hashes by tabulation: each byte picks a random 64-bit word from a
table indexed by its position in the string and its value, and the words are XORed."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

TABLE_POSITIONS = 256
"""Positions of the tabulation table; longer strings reuse it from the start (their hashes
are still good: the length and the reuse keep equal positions apart in most real keys, and
the exact comparison settles the rest)."""
_SEED = 0x6B686C616E67  # "khlang"
_TABLE = np.random.default_rng(_SEED).integers(
    0, 2**63, size=(TABLE_POSITIONS * 256), dtype=np.uint64
) * np.uint64(2) + np.uint64(1)
_NULL = np.uint64(0x9E3779B97F4A7C15)
_COMBINE = np.uint64(0xBF58476D1CE4E5B9)


def mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every input bit moves about half the output bits, so that
    sequential ids spread over the buckets their top bits choose."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def hash_keys(columns: list[pa.Array]) -> np.ndarray:
    """One 64-bit hash per row of the key made of `columns` (each the same length)."""
    combined = np.zeros(len(columns[0]), dtype=np.uint64)
    for column in columns:
        combined = mix(combined * _COMBINE + _column_hash(column))
    return combined


def _column_hash(column: pa.Array) -> np.ndarray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
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
    """Tabulation hashing of each string's UTF-8 bytes, read off Arrow's offsets and data
    buffers: byte j of a string with value b picks _TABLE[j % TABLE_POSITIONS][b]."""
    count = len(column)
    width = np.int64 if pa.types.is_large_string(column.type) else np.int32
    buffers = column.buffers()
    offsets = np.frombuffer(buffers[1], dtype=width)[column.offset : column.offset + count + 1]
    offsets = offsets.astype(np.int64)
    lengths = np.diff(offsets)
    hashes = lengths.astype(np.uint64) * _NULL  # the length, so "" and "a" part ways
    if buffers[2] is None or not count or offsets[-1] == offsets[0]:
        return hashes
    data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    starts = offsets[:-1] - offsets[0]
    position = np.arange(len(data), dtype=np.int64) - np.repeat(starts, lengths)
    position %= TABLE_POSITIONS
    words = _TABLE[position * 256 + data]
    filled = lengths > 0
    hashes[filled] ^= np.bitwise_xor.reduceat(words, starts[filled])
    return hashes
