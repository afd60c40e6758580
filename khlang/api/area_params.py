"""The area-budget endpoints' query string: filters, breakdown and paging, checked, with
errors that name the parameter (`?provnce=50` is refused, not ignored)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError

from khlang.api.errors import bad_parameter
from khlang.catalog.area_budget import DIMENSIONS, AreaQuery, Dimension

FILTERS = tuple(AreaQuery.model_fields)
LIST_SEPARATOR = ","
NULL = ""
"""An empty value asks for amounts with no value there: `?province=` is outside provinces."""


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [part.strip() for key, value in params if key == name for part in value.split(",")]


def check_names(params: list[tuple[str, str]], extra: Iterable[str]) -> None:
    allowed = {*FILTERS, *extra}
    for key, _ in params:
        if key not in allowed:
            listed = ", ".join(sorted(allowed))
            raise bad_parameter(
                key,
                f"ไม่รู้จักพารามิเตอร์ {key} ใช้ได้: {listed}",
                f"unknown parameter {key}; use one of {listed}",
                code="unknown_parameter",
            )


def area_query(params: list[tuple[str, str]]) -> AreaQuery:
    """The filters of the query string (repeat a filter, or separate values with commas, to
    accept any of them)."""
    found: dict[str, Any] = {}
    for name in FILTERS:
        values = _values(params, name)
        if not values:
            continue
        if name == "fiscal_year":
            bad = next((value for value in values if not value.isdecimal()), None)
            if bad is not None:
                raise bad_parameter(
                    name,
                    f"ปีงบประมาณต้องเป็นตัวเลข พ.ศ. เช่น 2567 (ได้ {bad!r})",
                    f"a fiscal year is a Buddhist-era number such as 2567, not {bad!r}",
                )
            found[name] = [int(value) for value in values]
        else:
            found[name] = [None if value == NULL else value for value in values]
    try:
        return AreaQuery(**found)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "query"
        reason = first["msg"]
        raise bad_parameter(
            name,
            f"ค่าของ {name} ไม่ถูกต้อง: {reason}",
            f"bad value for {name}: {reason}",
        ) from None


def dimensions(params: list[tuple[str, str]]) -> list[Dimension]:
    found = [value for value in _values(params, "by") if value]
    for value in found:
        if value not in DIMENSIONS:
            listed = ", ".join(DIMENSIONS)
            raise bad_parameter(
                "by",
                f"แยกตาม {value!r} ไม่ได้ ใช้ได้: {listed}",
                f"cannot break down by {value!r}; use one of {listed}",
            )
    if len(set(found)) != len(found):
        raise bad_parameter("by", "ระบุมิติซ้ำ", "a dimension is named twice")
    return found  # type: ignore[return-value]


def integer(params: list[tuple[str, str]], name: str, default: int, low: int, high: int) -> int:
    values = _values(params, name)
    if not values:
        return default
    value = values[-1]
    if not value.isdecimal() or not low <= int(value) <= high:
        raise bad_parameter(
            name,
            f"{name} ต้องเป็นจำนวนเต็ม {low}–{high}",
            f"{name} must be a whole number from {low} to {high}",
        )
    return int(value)


COUNTED = {"true": True, "false": False, "all": None}


def counted(params: list[tuple[str, str]]) -> bool | None:
    values = _values(params, "counted")
    if not values:
        return True
    if values[-1] not in COUNTED:
        raise bad_parameter(
            "counted",
            "counted ใช้ได้: true (นับ), false (ซ้ำ ไม่นับ), all",
            "counted is one of true (counted), false (duplicates, not counted), all",
        )
    return COUNTED[values[-1]]


def uncounted(params: list[tuple[str, str]]) -> bool:
    """`uncounted=true`: keep the totals' rows whose every amount another source's counts."""
    values = _values(params, "uncounted")
    if values and values[-1] not in ("true", "false"):
        raise bad_parameter(
            "uncounted",
            "uncounted ใช้ได้: true (รวมแถวที่ทุกรายการนับจากแหล่งอื่น), false",
            "uncounted is true (also rows whose every amount is counted from another source) "
            "or false",
        )
    return bool(values) and values[-1] == "true"


def query_string(query: AreaQuery, **extra: Any) -> str:
    """The query string that asks for exactly `query` (and `extra`)."""
    pairs = [
        (name, NULL if value is None else str(value))
        for name, values in query.filters().items()
        for value in values
    ]
    pairs += [(name, str(value)) for name, value in extra.items() if value is not None]
    return urlencode(pairs)
