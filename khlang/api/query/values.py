"""Reading a filter value from a URL into the Python value DuckDB binds for its column type.

Each failure names the parameter and says what was expected, so `fiscal_year__gt=25x` gets
"fiscal_year__gt: '25x' is not an integer", never a database error.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from khlang.api import json_input
from khlang.api.errors import bad_parameter
from khlang.api.query.columns import Column

MAX_TEXT_VALUE = 1_000
MAX_LIST_VALUES = 1_000
_INTEGER = re.compile(r"[+-]?\d{1,19}")
_INT64 = (-(2**63), 2**63 - 1)
_TRUE = frozenset({"true", "1", "yes", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "f", "n"})

_TYPE_NAMES = {
    "integer": ("จำนวนเต็ม", "an integer"),
    "year": ("ปี (จำนวนเต็ม)", "a year (an integer)"),
    "number": ("ตัวเลข", "a number"),
    "boolean": ("true หรือ false", "true or false"),
    "date": ("วันที่แบบ YYYY-MM-DD", "a date as YYYY-MM-DD"),
    "datetime": ("วันเวลาแบบ ISO 8601", "an ISO 8601 date-time"),
    "time": ("เวลาแบบ HH:MM:SS", "a time as HH:MM:SS"),
}


def parse_scalar(column: Column, raw: str, parameter: str) -> Any:
    """One value of `column`'s type from its URL text."""
    if len(raw) > MAX_TEXT_VALUE:
        raise bad_parameter(
            parameter,
            f"ค่ายาวเกิน {MAX_TEXT_VALUE} ตัวอักษร",
            f"the value is longer than {MAX_TEXT_VALUE} characters",
            code="value_too_long",
        )
    try:
        return _PARSERS.get(column.type, _text)(raw.strip() if column.type != "string" else raw)
    except (ValueError, OverflowError):
        th, en = _TYPE_NAMES.get(column.type, ("ข้อความ", "text"))
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise bad_parameter(
            parameter,
            f"'{shown}' ไม่ใช่{th} ตามชนิดของคอลัมน์ {column.name} ({column.type})",
            f"'{shown}' is not {en}, the type of column {column.name} ({column.type})",
            code="bad_value",
        ) from None


def parse_list(column: Column, raw: str, parameter: str) -> list[Any]:
    """An `in` list: comma-separated, or a JSON array when a value holds a comma."""
    text = raw.strip()
    if text.startswith("["):
        try:
            items = json_input.loads(text)
        except json.JSONDecodeError as error:
            raise bad_parameter(
                parameter,
                f"รายการแบบ JSON ไม่ถูกต้อง: {error.msg}",
                f"the JSON list is malformed: {error.msg}",
                code="bad_value",
            ) from None
        if not isinstance(items, list) or not all(
            isinstance(item, str | int | float) and not isinstance(item, bool) for item in items
        ):
            raise bad_parameter(
                parameter,
                "ต้องเป็นรายการของข้อความหรือตัวเลข",
                "must be a list of strings or numbers",
                code="bad_value",
            )
        raw_items = [str(item) for item in items]
    else:
        raw_items = text.split(",") if text else []
    if not raw_items:
        raise bad_parameter(parameter, "รายการว่าง", "the list is empty", code="bad_value")
    if len(raw_items) > MAX_LIST_VALUES:
        raise bad_parameter(
            parameter,
            f"รายการมีได้ไม่เกิน {MAX_LIST_VALUES} ค่า",
            f"a list may hold at most {MAX_LIST_VALUES} values",
            code="too_many_values",
        )
    return [parse_scalar(column, item, parameter) for item in raw_items]


def parse_flag(raw: str, parameter: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise bad_parameter(
        parameter, f"'{raw[:40]}' ต้องเป็น true หรือ false", f"'{raw[:40]}' must be true or false"
    )


def _text(raw: str) -> str:
    return raw


def _integer(raw: str) -> int:
    if not _INTEGER.fullmatch(raw):
        raise ValueError(raw)
    value = int(raw)
    if not _INT64[0] <= value <= _INT64[1]:
        raise OverflowError(raw)
    return value


def _number(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def _boolean(raw: str) -> bool:
    value = raw.lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(raw)


_PARSERS = {
    "integer": _integer,
    "year": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": dt.date.fromisoformat,
    "datetime": dt.datetime.fromisoformat,
    "time": dt.time.fromisoformat,
}
