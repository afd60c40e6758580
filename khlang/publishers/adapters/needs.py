"""Citizens' needs gathered by community leaders (CSV, XLSX or JSON).

Layout: `mappings/needs.yaml`; a JSON file is a list of objects with the same keys (or an
object with a `needs` list). Each need has one of the five strategic areas and a topic of
that area; the leader is recorded by role and the source's identifier, never by name, so
the dataset can be public.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from khlang.i18n import Text
from khlang.publishers.adapters.base import Adapter, Tables, detect_table
from khlang.publishers.adapters.common import (
    Context,
    clean_dates,
    clean_terms,
    clean_years,
    drop_duplicate_records,
    finish,
    resolve_areas,
)
from khlang.publishers.mapping import ColumnMapping, apply_mapping
from khlang.publishers.readers import JSON_SUFFIXES, read_json, read_table
from khlang.publishers.vocab import NEED_STATUSES, STRATEGIC_AREA_VOCAB, TOPIC_VOCAB

SYSTEM = "Citizens' needs"
REQUIRED = ("need_id", "fiscal_year", "strategic_area", "description")


def _records(path: Path) -> pd.DataFrame:
    document = read_json(path)
    if isinstance(document, dict):
        document = document.get("needs", [])
    frame = pd.DataFrame(document, dtype="object").astype("string")
    frame["source_row"] = range(1, len(frame) + 1)
    return frame


def _topics(frame: pd.DataFrame, ctx: Context, file: str) -> pd.DataFrame:
    """Topic codes, and a warning where a topic belongs to another strategic area."""
    frame = clean_terms(frame, ctx, file, "topic", TOPIC_VOCAB)
    area_of_topic = frame["topic"].str.split(".").str[0]
    wrong = frame["topic"].notna() & frame["strategic_area"].notna()
    wrong &= area_of_topic != frame["strategic_area"]
    if wrong.any():
        ctx.issues.add_rows(
            "topic-outside-area",
            Text(th="ประเด็นไม่อยู่ในด้านที่ระบุ", en="topic does not belong to the strategic area"),
            rows=[int(row) for row in frame.loc[wrong, "source_row"]],
            values=list(frame.loc[wrong, "topic"]),
            file=file,
            column="topic",
            severity="warning",
        )
    return frame


def read(path: Path, ctx: Context, mapping: ColumnMapping | None) -> Tables:
    assert mapping is not None
    file = ctx.relative(path)
    raw = _records(path) if path.suffix.lower() in JSON_SUFFIXES else read_table(path)
    frame = apply_mapping(raw, mapping, REQUIRED, file, ctx.issues)
    frame = clean_years(frame, ctx, file)
    frame = clean_terms(frame, ctx, file, "strategic_area", STRATEGIC_AREA_VOCAB)
    frame = _topics(frame, ctx, file)
    frame = clean_terms(frame, ctx, file, "need_status", NEED_STATUSES, default="received")
    frame = clean_dates(frame, ctx, file, ["entered_date"])
    frame = resolve_areas(frame, ctx, file)
    frame = drop_duplicate_records(frame, ctx, file, key=["need_id"])
    return {"needs": finish(frame, "needs", SYSTEM, file)}


def detect(path: Path, mapping: ColumnMapping | None) -> float:
    if mapping is not None and path.suffix.lower() == ".json":
        try:
            frame = _records(path)
        except Exception:
            return 0.0
        return mapping.score([str(column) for column in frame.columns])
    return detect_table(path, mapping)


ADAPTER = Adapter(
    name="needs",
    system=SYSTEM,
    description=Text(
        th="ความต้องการของประชาชนที่ผู้นำชุมชนบันทึก จำแนกตามด้านและประเด็น พร้อมการติดตามผล (CSV หรือ JSON)",
        en="Citizens' needs entered by community leaders, by strategic area and topic, with "
        "their follow-up (CSV or JSON).",
    ),
    kind="export",
    read=read,
    detect=detect,
    required=REQUIRED,
)
