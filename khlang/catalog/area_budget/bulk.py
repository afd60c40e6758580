"""Writing millions of amounts fast: one `executemany` of plain tuples on SQLite, `COPY` on
PostgreSQL (ORM inserts cost about 40 µs a row; a national build has four million)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

COPY_CHUNK = 50_000


def insert_frame(session: Session, table: str, frame: pd.DataFrame) -> None:
    """Insert the frame's rows into `table` (its columns are the frame's), in the session's
    transaction."""
    if frame.empty:
        return
    columns = list(frame.columns)
    values = frame.astype(object).where(frame.notna(), None)
    rows = values.itertuples(index=False, name=None)
    connection = session.connection()
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None, "a checked-out connection holds its DBAPI connection"
    names = ", ".join(f'"{name}"' for name in columns)
    if connection.dialect.name == "postgresql":
        _copy(dbapi_connection, table, names, rows)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = dbapi_connection.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
    finally:
        cursor.close()


def _copy(dbapi_connection: Any, table: str, names: str, rows: Iterator[tuple[Any, ...]]) -> None:
    """COPY FROM STDIN in PostgreSQL's text format (psycopg2), a chunk at a time.
    `dbapi_connection` is psycopg2's connection (its cursors' `copy_expert` is not DB-API)."""
    cursor = dbapi_connection.cursor()
    try:
        while True:
            lines = []
            for row in rows:
                lines.append("\t".join(_field(value) for value in row))
                if len(lines) == COPY_CHUNK:
                    break
            if not lines:
                return
            buffer = io.StringIO("\n".join(lines) + "\n")
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
    finally:
        cursor.close()


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _field(value: object) -> str:
    """A value in COPY's text format: \\N for NULL, t/f for booleans, escapes for the rest."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).translate(_ESCAPES)
