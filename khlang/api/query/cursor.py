"""Keyset cursors: an opaque token that holds where the last page ended.

Page 1,000 costs what page 1 costs, because the next page starts *after* the last row's sort
values (and its row number, which breaks ties) instead of counting past every earlier row. The
token also holds which table and which sort it belongs to, so a cursor reused with another sort
or after a new version was published is refused with a clear message instead of silently
returning the wrong rows. It holds only values, which are type-checked and bound like any
filter value when decoded.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from typing import Any

from khlang.api import json_input
from khlang.api.errors import bad_parameter
from khlang.api.query.columns import Column

CURSOR_PARAMETER = "_cursor"
MAX_CURSOR_LENGTH = 4_096


def sort_signature(table_key: str, sort: list[tuple[str, bool]]) -> str:
    """A short hash of the table and the sort a cursor belongs to."""
    text = json.dumps([table_key, sort], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(signature: str, values: list[Any], row: int) -> str:
    payload = json.dumps(
        [signature, [_to_json(value) for value in values], row],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(
    token: str, signature: str, columns: list[Column], *, parameter: str = CURSOR_PARAMETER
) -> tuple[list[Any], int]:
    """The sort values and row number a cursor holds, typed like `columns`, or a 400 saying
    why the token cannot be used."""
    if len(token) > MAX_CURSOR_LENGTH:
        raise _malformed(parameter)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        found_signature, values, row = json_input.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise _malformed(parameter) from None
    if not isinstance(found_signature, str) or not isinstance(values, list):
        raise _malformed(parameter)
    if found_signature != signature:
        raise bad_parameter(
            parameter,
            "cursor นี้เป็นของการเรียงลำดับอื่นหรือข้อมูลรุ่นอื่น เริ่มหน้าแรกใหม่โดยไม่ใส่ _cursor",
            "this cursor belongs to another sort order or another version of the data; "
            "start again from the first page without _cursor",
            code="stale_cursor",
        )
    if type(row) is not int or row < 0 or len(values) != len(columns):
        raise _malformed(parameter)
    typed = [
        _from_json(column, value, parameter) for column, value in zip(columns, values, strict=True)
    ]
    return typed, row


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def _from_json(column: Column, value: Any, parameter: str) -> Any:
    if value is None:
        return None
    expected: tuple[type, ...]
    if column.type in ("integer", "year"):
        expected = (int,)
    elif column.type == "number":
        expected = (int, float)
    elif column.type == "boolean":
        expected = (bool,)
    else:
        expected = (str,)
    if (isinstance(value, bool) and column.type != "boolean") or not isinstance(value, expected):
        raise _malformed(parameter)
    try:
        if column.type == "date":
            return dt.date.fromisoformat(value)
        if column.type == "datetime":
            return dt.datetime.fromisoformat(value)
        if column.type == "time":
            return dt.time.fromisoformat(value)
    except ValueError:
        raise _malformed(parameter) from None
    return value


def _malformed(parameter: str):
    return bad_parameter(
        parameter,
        "cursor ไม่ถูกต้อง ใช้ค่า next_cursor จากหน้าก่อนหน้าโดยไม่แก้ไข",
        "malformed cursor: pass the next_cursor of the previous page unchanged",
        code="bad_cursor",
    )
