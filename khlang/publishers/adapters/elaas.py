"""e-LAAS: revenue and expenditure of local administrative organisations.

Layout: `mappings/elaas.yaml`, one row per LAO, year and category. Revenue categories are
the DLA's (ภาษีอากร ... เงินอุดหนุนเฉพาะกิจ); expenditure categories are budget types. The LAO
is found by its register key when the export has one, else by its name and area.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from khlang.i18n import Text
from khlang.publishers.adapters.base import Adapter, Tables, detect_table
from khlang.publishers.adapters.common import (
    Context,
    clean_amounts,
    clean_terms,
    clean_years,
    drop_duplicate_records,
    finish,
    resolve_areas,
)
from khlang.publishers.mapping import ColumnMapping, apply_mapping
from khlang.publishers.readers import read_table
from khlang.publishers.vocab import (
    BUDGET_TYPES,
    FUND_SOURCES,
    LAO_FINANCE_KINDS,
    REVENUE_CATEGORIES,
)

SYSTEM = "e-LAAS"
REQUIRED = ("fiscal_year", "lao_name", "kind", "category")


def categories(frame: pd.DataFrame, ctx: Context, file: str) -> pd.DataFrame:
    """Category codes: revenue categories for revenue rows, budget types for expenditure."""
    parts = []
    for kind, vocabulary in (("revenue", REVENUE_CATEGORIES), ("expenditure", BUDGET_TYPES)):
        rows = frame[frame["kind"] == kind]
        if not rows.empty:
            parts.append(clean_terms(rows, ctx, file, "category", vocabulary))
    return pd.concat(parts) if parts else frame.iloc[0:0]


def read(path: Path, ctx: Context, mapping: ColumnMapping | None) -> Tables:
    assert mapping is not None
    file = ctx.relative(path)
    frame = apply_mapping(read_table(path), mapping, REQUIRED, file, ctx.issues)
    frame = clean_years(frame, ctx, file)
    frame = clean_amounts(frame, ctx, file, ["estimate", "actual"])
    frame = clean_terms(frame, ctx, file, "kind", LAO_FINANCE_KINDS)
    frame = categories(frame, ctx, file)
    frame = clean_terms(frame, ctx, file, "source_of_funds", FUND_SOURCES)
    keys = frame["lao_code"].astype("string").str.strip() if "lao_code" in frame else None
    frame = resolve_areas(frame, ctx, file)
    if keys is not None and ctx.registry.laos is not None:
        known = keys.where(keys.isin(ctx.registry.laos.index))
        frame = frame.assign(lao_key=known.fillna(frame["lao_key"]))
    frame = drop_duplicate_records(frame, ctx, file, key=["lao_key", "fiscal_year", "kind",
                                                          "category", "item"]
                                   if "item" in frame else ["lao_key", "fiscal_year", "kind",
                                                            "category"])  # fmt: skip
    return {"lao_finance": finish(frame, "lao_finance", SYSTEM, file)}


ADAPTER = Adapter(
    name="elaas",
    system=SYSTEM,
    description=Text(
        th="รายรับและรายจ่ายของ อปท. (ประมาณการและจริง) จากระบบ e-LAAS ของกรมส่งเสริมการปกครองท้องถิ่น",
        en="Revenue and expenditure of LAOs (estimate and actual) from the Department of "
        "Local Administration's e-LAAS.",
    ),
    kind="export",
    read=read,
    detect=detect_table,
    required=REQUIRED,
)
