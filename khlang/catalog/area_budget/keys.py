"""The store's keys: stages, scopes, the dimensions a total can be broken down by, and how
one budget line's amounts are grouped and ranked so that each is counted once.

A **group** is one budget line's amount for one fiscal year, stage and month in one scope:
every source that reports it lands in the same group. Within a group, the source with the
best **rank** is counted; the others are kept as evidence (election.py). The rank puts the
system with the most authority for the stage first (the order `khlang publish` already uses
within one publish, `khlang.publishers.reconcile.PHASE_PRIORITY`), then the dataset first
published earlier, so adding an agency never displaces a figure of equal authority, and
neither does a new version (a correction) of the dataset already counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any, Literal, get_args

import pandas as pd
from sqlalchemy import SQLColumnExpression, func

from khlang.catalog.tables import AREA_SCOPES, AREA_STAGES, AreaAmount, AreaCell, AreaSource

Stage = Literal["requested", "allocated", "transferred", "committed", "disbursed", "obligated"]
Scope = Literal["state", "local"]
# The table's CHECK values, typed as the Literals above (which list the same words).
STAGES: tuple[Stage, ...] = AREA_STAGES  # type: ignore[assignment]  # same words
SCOPES: tuple[Scope, ...] = AREA_SCOPES  # type: ignore[assignment]  # same words
Dimension = Literal[
    "scope",
    "fiscal_year",
    "area_level",
    "province",
    "district",
    "subdistrict",
    "lao",
    "ministry",
    "department",
    "budget_unit",
    "budget_type",
    "source_of_funds",
    "source_system",
    "organization",
    "dataset",
]
DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)

_AGENCY = {
    "ministry": (AreaAmount.ministry_code, AreaAmount.ministry_name),
    "department": (AreaAmount.department_code, AreaAmount.department_name),
    "budget_unit": (AreaAmount.budget_unit_code, AreaAmount.budget_unit_name),
}
_PLAIN: dict[str, SQLColumnExpression[Any]] = {
    "scope": AreaAmount.scope,
    "fiscal_year": AreaAmount.fiscal_year,
    "stage": AreaAmount.stage,
    "area_level": AreaAmount.area_level,
    "province": AreaAmount.province_code,
    "district": AreaAmount.district_code,
    "subdistrict": AreaAmount.subdistrict_code,
    "lao": AreaAmount.lao_key,
    "budget_type": AreaAmount.budget_type,
    "source_of_funds": AreaAmount.source_of_funds,
    "source_system": AreaAmount.source_system,
    "organization": AreaSource.organization,
    "dataset": AreaSource.dataset,
}


def dimension(name: str) -> SQLColumnExpression[Any]:
    """The SQL expression a dimension (or `stage`) groups and filters by. An agency is named
    by its code, or by its name where the source gives none (the budget bill names units,
    not codes)."""
    if name in _AGENCY:
        code, title = _AGENCY[name]
        return func.coalesce(code, title)
    return _PLAIN[name]


def agency_name(name: str) -> SQLColumnExpression[Any] | None:
    """The name column shown beside an agency dimension's code."""
    return _AGENCY[name][1] if name in _AGENCY else None


_CELL_AGENCY = {
    "ministry": (AreaCell.ministry, AreaCell.ministry_name),
    "department": (AreaCell.department, AreaCell.department_name),
    "budget_unit": (AreaCell.budget_unit, AreaCell.budget_unit_name),
}
_CELL_PLAIN: dict[str, SQLColumnExpression[Any]] = {
    "scope": AreaCell.scope,
    "fiscal_year": AreaCell.fiscal_year,
    "stage": AreaCell.stage,
    "area_level": AreaCell.area_level,
    "province": AreaCell.province_code,
    "district": AreaCell.district_code,
    "subdistrict": AreaCell.subdistrict_code,
    "lao": AreaCell.lao_key,
    "budget_type": AreaCell.budget_type,
    "source_of_funds": AreaCell.source_of_funds,
    "source_system": AreaCell.source_system,
    "organization": AreaSource.organization,
    "dataset": AreaSource.dataset,
}
GRAIN_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "country": (),
    "province": ("province",),
    "district": ("province", "district"),
    "lao": ("province", "district", "subdistrict", "lao"),
}
"""The area dimensions each grain of cells keeps (tables.AREA_GRAINS, coarsest first)."""


def cell_dimension(name: str) -> SQLColumnExpression[Any]:
    """The column of `area_cells` a dimension (or `stage`) groups and filters by: the same
    values `dimension(name)` gives on the amounts."""
    return _CELL_AGENCY[name][0] if name in _CELL_AGENCY else _CELL_PLAIN[name]


def cell_agency_name(name: str) -> SQLColumnExpression[Any] | None:
    return _CELL_AGENCY[name][1] if name in _CELL_AGENCY else None


def grain_for(names: Iterable[str]) -> str:
    """The coarsest grain of cells that keeps every area dimension named."""
    wanted = set(names) & set(GRAIN_DIMENSIONS["lao"])
    return next(grain for grain, kept in GRAIN_DIMENSIONS.items() if wanted <= set(kept))


def group_keys(frame: pd.DataFrame) -> pd.Series:
    """Each amount's group as a fixed-width digest (indexable on both back ends): 128 bits,
    two independent 64-bit hashes of scope, line key, year, stage and month."""
    text = (
        frame["scope"].astype("string") + "\x1f" + frame["line_key"].astype("string") + "\x1f"
        + frame["fiscal_year"].astype("string") + "\x1f" + frame["stage"].astype("string")
        + "\x1f" + frame["fiscal_month"].fillna(0).astype("string")
    ).to_numpy(dtype=object)  # fmt: skip
    first = pd.util.hash_array(text, hash_key="khlang-area-0001")
    second = pd.util.hash_array(text, hash_key="khlang-area-0002")
    return pd.Series([f"{a:016x}{b:016x}" for a, b in zip(first, second, strict=True)],
                     index=frame.index)  # fmt: skip


_UNRANKED = 99


def system_ranks() -> dict[str, dict[str, int]]:
    """stage -> source system -> rank (1 = most authority), from the publishers' rules."""
    # lazy: the publishers' reconciliation rules cost +0.5 s of start-up
    from khlang.publishers.reconcile import FINANCE_PRIORITY, PHASE_PRIORITY

    ranks = {
        stage: {system: rank for rank, system in enumerate(systems, start=1)}
        for stage, systems in PHASE_PRIORITY.items()
    }
    for stage in ("allocated", "disbursed"):
        for rank, system in enumerate(FINANCE_PRIORITY, start=1):
            ranks.setdefault(stage, {}).setdefault(system, rank)
    return ranks


def ranks(frame: pd.DataFrame, published_at: dt.datetime, dataset_id: str) -> pd.Series:
    """System authority for the stage, then the dataset's first publication time (ms), then
    a stable digit of the dataset: one integer per amount, so the election is one window
    query on both back ends."""
    authority = {
        f"{stage}\x1f{system}": rank
        for stage, systems in system_ranks().items()
        for system, rank in systems.items()
    }
    pairs = frame["stage"].astype("string") + "\x1f" + frame["source_system"].astype("string")
    level = pairs.map(authority).fillna(_UNRANKED).astype("int64")
    millis = int(published_at.timestamp() * 1000)
    tie = int(hashlib.blake2b(dataset_id.encode(), digest_size=4).hexdigest(), 16) % 1000
    return level * 10**16 + (millis * 1000 + tie)
