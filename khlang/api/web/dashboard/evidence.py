"""The rows behind a figure: every stored amount a dashboard figure sums, each with its
dataset, version, table and data row (and, for khlang's own tables, the source system's file
and row), the counted ones and the duplicates left out of it. The page's address is the
store's question itself (`?scope=state&fiscal_year=2568&province=50`, `none` for "has no
value there"), so a journalist can cite it and anyone can repeat it."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from khlang.api.service import API
from khlang.api.state import ApiState
from khlang.api.web.dashboard.selection import NONE
from khlang.catalog.area_budget import AmountRecord, AreaQuery, amounts
from khlang.i18n import Text

PAGE_SIZE = 100
UNKNOWN_FILTER = Text(
    th="ไม่ใช่ตัวกรองของคลังงบประมาณเชิงพื้นที่", en="is not a filter of the area-budget store"
)
MAX_OFFSET = 1_000_000


class EvidenceError(ValueError):
    """A parameter that is no part of a store question, named for the reader."""

    def __init__(self, parameter: str, message: Text) -> None:
        super().__init__(message.en)
        self.parameter = parameter
        self.message = message


class EvidenceRow(BaseModel):
    record: AmountRecord
    dataset_url: str
    table_url: str


class EvidencePage(BaseModel):
    query: AreaQuery
    counted: bool
    rows: list[EvidenceRow]
    count: int
    offset: int
    page_size: int = PAGE_SIZE


def parse_query(params: list[tuple[str, str]]) -> tuple[AreaQuery, bool, int]:
    """(the store question, counted or duplicates, offset) of the query string."""
    fields = AreaQuery.model_fields
    values: dict[str, list[Any]] = {}
    counted, offset = True, 0
    for key, raw in params:
        if key == "counted":
            counted = raw != "false"
        elif key == "offset":
            if not raw.isdecimal() or int(raw) > MAX_OFFSET:
                raise EvidenceError("offset", Text(th="ต้องเป็นจำนวนเต็มบวก",
                                                   en="must be a whole number"))  # fmt: skip
            offset = int(raw)
        elif key in fields:
            integer = int in get_args(get_args(fields[key].annotation)[0])
            value: Any = None if raw == NONE else raw
            if integer and value is not None:
                if not raw.isdecimal():
                    raise EvidenceError(key, Text(th="ต้องเป็นตัวเลข", en="must be a number"))
                value = int(raw)
            values.setdefault(key, []).append(value)
        else:
            raise EvidenceError(key, UNKNOWN_FILTER)
    try:
        return AreaQuery(**values), counted, offset
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "query"
        raise EvidenceError(name, Text(th=first["msg"], en=first["msg"])) from error


def evidence_page(
    state: ApiState, params: list[tuple[str, str]], base: str, *, limit: int = PAGE_SIZE
) -> EvidencePage:
    query, counted, offset = parse_query(params)
    records, count = amounts(state.catalog, query, counted=counted, limit=limit, offset=offset)
    return EvidencePage(
        query=query,
        counted=counted,
        count=count,
        offset=offset,
        page_size=limit,
        rows=[
            EvidenceRow(
                record=record,
                dataset_url=f"/dataset/{record.dataset}?version={record.version}",
                table_url=f"{base}{API}/datasets/{record.dataset}/resources/"
                f"{record.resource_id}/rows?version={record.version}",
            )
            for record in records
        ],
    )
