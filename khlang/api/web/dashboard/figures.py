"""The dashboard's figures: the area-budget store's totals (khlang.catalog.area_budget) as
table rows, each with the link to the amounts behind it, asked through a small cache.

Every figure on the page is one `totals()` row of the store: counted once across datasets,
`None` where no source reports a stage ("ไม่มีข้อมูล / no data", never 0). The cache holds
answers until the store changes (its stamp, checked at most every `STAMP_SECONDS`), so a
page over millions of amounts answers from memory after its first visit.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from khlang.api.state import ApiState
from khlang.api.web.dashboard.selection import NONE
from khlang.api.web.i18n import with_query
from khlang.catalog.area_budget import AreaQuery, Dimension, Total, stamp, totals

SHOWN_STAGES = ("allocated", "committed", "disbursed")
"""Always a column; the other stages only when some row has them."""
OTHER_STAGES = ("requested", "transferred", "obligated")
CACHE_SIZE = 2048
STAMP_SECONDS = 2.0


class FigureRow(BaseModel):
    """One row of a panel: a place, a budget type, a year, an agency or a system."""

    code: str | None
    name: str
    href: str | None = None
    """Where the row leads: one level down, or the dashboard filtered by it."""
    rows_url: str
    """The amounts behind the row: dataset, version, table and row of each."""
    requested: float | None = None
    allocated: float | None = None
    transferred: float | None = None
    committed: float | None = None
    disbursed: float | None = None
    obligated: float | None = None
    rate: float | None = None
    amounts: int = 0
    duplicates: int = 0
    datasets: list[str] = []


def evidence_params(query: AreaQuery) -> list[tuple[str, str]]:
    """An AreaQuery as query parameters (`none` for "has no value there")."""
    return [
        (name, NONE if value is None else str(value))
        for name, values in query.filters().items()
        for value in values
    ]


def rows_url(query: AreaQuery, path: str) -> str:
    return with_query(path, evidence_params(query))


def figure_row(total: Total, *, name: str, code: Any, href: str | None, path: str) -> FigureRow:
    figures = total.figures
    return FigureRow(
        code=None if code is None else str(code),
        name=name,
        href=href,
        rows_url=rows_url(total.evidence, path),
        **{
            stage: None if getattr(figures, stage) is None else float(getattr(figures, stage))
            for stage in (*SHOWN_STAGES, *OTHER_STAGES)
        },
        rate=total.disbursement_rate,
        amounts=total.amounts,
        duplicates=total.duplicates,
        datasets=total.datasets,
    )


def stages_of(rows: Sequence[FigureRow]) -> list[str]:
    """The stage columns a table shows: allocated, committed and disbursed, then any other
    stage some row has a figure for."""
    extra = [s for s in OTHER_STAGES if any(getattr(row, s) is not None for row in rows)]
    return [*SHOWN_STAGES[:1], *[s for s in extra if s == "transferred"], *SHOWN_STAGES[1:],
            *[s for s in extra if s != "transferred"]]  # fmt: skip


class StoreAnswers:
    """The store's totals for one catalog, kept until the store changes."""

    def __init__(self) -> None:
        self._answers: OrderedDict[tuple, list[Total]] = OrderedDict()
        self._stamp: tuple[int, int] | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def totals(
        self,
        state: ApiState,
        query: AreaQuery,
        by: Sequence[Dimension],
        *,
        uncounted: bool = False,
    ) -> list[Total]:
        self._follow(state)
        key = (query.model_dump_json(), tuple(by), uncounted)
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = totals(state.catalog, query, by, uncounted=uncounted)
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > CACHE_SIZE:
                self._answers.popitem(last=False)
        return answer

    def _follow(self, state: ApiState) -> None:
        """Forget every answer once the store has changed (a version published or
        withdrawn)."""
        now = time.monotonic()
        if now - self._checked < STAMP_SECONDS:
            return
        current = stamp(state.catalog)
        with self._lock:
            if current != self._stamp:
                self._answers.clear()
                self._stamp = current
            self._checked = now


def store_answers(state: ApiState) -> StoreAnswers:
    return state.part("dashboard.answers", StoreAnswers)
