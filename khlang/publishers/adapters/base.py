"""What an adapter is: a named reader of one source system's exports into the canonical
tables, with a way to recognise its files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.publishers.adapters.common import Context
from khlang.publishers.mapping import ColumnMapping, default_mapping
from khlang.publishers.readers import TABLE_SUFFIXES, read_header

Tables = dict[str, pd.DataFrame]
Reader = Callable[[Path, Context, ColumnMapping | None], Tables]
Detector = Callable[[Path, ColumnMapping | None], float]
"""How well a file fits an adapter: 0 not at all, 1 (or more) a sure match."""
Kind = Literal["export", "real", "reference", "table"]
"""A system's export, a real public file, a reference input, or a table of its own kind."""


@dataclass(frozen=True)
class Adapter:
    name: str
    system: str
    """The source system's name as it appears in provenance and in `data_source`."""
    description: Text
    kind: Kind
    read: Reader
    detect: Detector
    uses_mapping: bool = True
    required: tuple[str, ...] = ()
    """Fields of the mapping a file must have to be read (the rest are optional)."""

    def mapping(self, ctx: Context) -> ColumnMapping | None:
        if not self.uses_mapping:
            return None
        return ctx.mappings.get(self.name) or default_mapping(self.name)


def detect_table(path: Path, mapping: ColumnMapping | None) -> float:
    """How well a CSV/XLSX file's header fits the mapping (`ColumnMapping.score`)."""
    if mapping is None or path.suffix.lower() not in TABLE_SUFFIXES:
        return 0.0
    try:
        return mapping.score(read_header(path))
    except (KhlangError, OSError, UnicodeDecodeError):
        return 0.0
