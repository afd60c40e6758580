"""Which line a source's line is counted as, across datasets: the publishers' matching
rules (khlang/publishers/reconcile.py) applied between the catalog's sources.

1. The same line identifier is the same line, whoever publishes it.
2. A line whose identifier no other source knows is the line of another source with the
   same fiscal year, the same item name once spaces and case are ignored, and the same
   province (or any province, for a line worked in several): when exactly one line fits.
   Several fitting lines are not guessed between; the line stays on its own.

Earlier sources keep their keys: a line published later is matched to them, never the
other way round, so adding an agency does not move figures already counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from khlang.catalog.tables import AreaAmount

CHUNK = 5_000


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def line_keys(session: Session, source_id: int, frame: pd.DataFrame) -> dict[str, str]:
    """line id -> the line key of another source it is matched to by name and area (rule 2);
    lines matched by identifier or not at all are left out (their key is their id)."""
    named = frame[(frame["scope"] == "state") & frame["name_key"].notna()]
    if named.empty:
        return {}
    lines = named.drop_duplicates("line_id").set_index("line_id")
    known: set[str] = set()
    for chunk in _chunks(lines.index):
        known.update(
            session.scalars(
                select(AreaAmount.line_key)
                .where(AreaAmount.source_id != source_id, AreaAmount.line_key.in_(chunk))
                .distinct()
            )
        )
    orphans = lines[~lines.index.isin(list(known))]
    if orphans.empty:
        return {}
    candidates: dict[tuple[int, str | None], set[tuple[str, str | None, str | None]]] = {}
    for chunk in _chunks(orphans["name_key"].unique()):
        rows = session.execute(
            select(
                AreaAmount.fiscal_year,
                AreaAmount.name_key,
                AreaAmount.line_key,
                AreaAmount.province_code,
                AreaAmount.area_level,
            )
            .where(
                AreaAmount.source_id != source_id,
                AreaAmount.scope == "state",
                AreaAmount.name_key.in_(chunk),
            )
            .distinct()
        )
        for year, name, line, province, level in rows:
            candidates.setdefault((year, name), set()).add((line, province, level))
    matched = {}
    for line, year, name, province in zip(
        orphans.index,
        orphans["fiscal_year"],
        orphans["name_key"],
        orphans["province_code"],
        strict=True,
    ):
        province = None if pd.isna(province) else province
        fits = {
            other
            for other, where, level in candidates.get((int(year), name), ())
            if where == province or level == "multiple"
        }
        if len(fits) == 1:
            matched[line] = fits.pop()
    return matched
