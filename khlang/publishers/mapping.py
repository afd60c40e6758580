"""Column mappings: which column of an export holds which field of the model.

Each adapter ships a mapping file (`mappings/<adapter>.yaml`) that documents the export
layout it expects: for every field, the header names it is known by, first match wins. When
an agency's export names a column differently, the officer copies the file, edits the names,
and passes it with `--mapping FILE` (or drops it beside the exports as
`<adapter>.mapping.yaml`); nothing else changes. Headers are compared without spaces and
case, so `ปี งบประมาณ` and `ปีงบประมาณ` are the same column.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.publishers.settings import load_settings
from khlang.publishers.vocab import squash

MAPPING_SUFFIX = ".mapping.yaml"


class ColumnMapping(BaseModel):
    """An export layout: the field -> header names table and what identifies the layout."""

    model_config = ConfigDict(extra="forbid")

    adapter: str
    system: str
    description: str = ""
    signature: list[str] = Field(min_length=1)
    """Fields whose headers, all present, identify a file as this layout."""
    columns: dict[str, list[str]]
    options: dict[str, str] = {}
    """Adapter-specific settings, e.g. e-GP's OCDS prefix."""
    source: str = Field(default="", exclude=True)
    """Where the mapping was read from, for error messages."""

    @field_validator("columns", mode="before")
    @classmethod
    def _names_as_lists(cls, value: object) -> object:
        if isinstance(value, dict):
            return {
                key: [names] if isinstance(names, str) else names for key, names in value.items()
            }
        return value

    def locate(self, header: list[str]) -> dict[str, str]:
        """field -> the header name that holds it, for the fields found in `header`."""
        by_key = {_key(name): name for name in header}
        found = {}
        for field, names in self.columns.items():
            for name in names:
                if _key(name) in by_key:
                    found[field] = by_key[_key(name)]
                    break
        return found

    def score(self, header: list[str]) -> float:
        """How well a header fits this layout: 0 when it does not; otherwise the share of the
        signature's columns present (all, or all but one of a signature of four or more:
        an export missing one column is still this layout, and reading it then says which
        column is missing), plus a hundredth of the share of every mapped column present,
        so that the closest of two layouts wins."""
        located = self.locate(header)
        missing = sum(1 for field in self.signature if field not in located)
        if missing and not (missing == 1 and len(self.signature) >= 4):
            return 0.0
        signature = 1 - missing / len(self.signature)
        return signature + len(located) / len(self.columns) / 100


def _key(name: str) -> str:
    return squash(str(name)).lstrip("\ufeff").lower()


def load_mapping(path: Path) -> ColumnMapping:
    """Read a mapping file; errors name the file and the key."""
    mapping = load_settings(path, ColumnMapping, Text(th="ไฟล์จับคู่คอลัมน์", en="column mapping"))
    unknown = [field for field in mapping.signature if field not in mapping.columns]
    if unknown:
        raise KhlangError(
            Text(
                th=f"signature อ้างถึงฟิลด์ที่ไม่มีใน columns: {', '.join(unknown)}",
                en=f"signature names fields missing from columns: {', '.join(unknown)}",
            ),
            where=str(path),
        )
    return mapping.model_copy(update={"source": str(path)})


@functools.cache
def default_mapping(adapter: str) -> ColumnMapping:
    """The mapping shipped with khlang for an adapter (read once per process)."""
    file = resources.files("khlang.publishers") / "mappings" / f"{adapter}.yaml"
    with resources.as_file(file) as path:
        return load_mapping(path)


def apply_mapping(
    frame: pd.DataFrame, mapping: ColumnMapping, required: tuple[str, ...], file: str
) -> pd.DataFrame:
    """The frame with the mapped fields under their model names (plus `source_row`); a
    required field without a column is an error naming the field, the header names tried
    and the mapping file to edit."""
    located = mapping.locate([str(column) for column in frame.columns])
    missing = [field for field in required if field not in located]
    if missing:
        tried = "; ".join(
            f"{field}: {' | '.join(mapping.columns.get(field, []))}" for field in missing
        )
        raise KhlangError(
            Text(
                th=f"ไม่พบคอลัมน์ที่จำเป็น ({tried}) แก้ชื่อคอลัมน์ในไฟล์จับคู่ {mapping.source}",
                en=f"required columns not found ({tried}); edit the names in the mapping "
                f"{mapping.source}",
            ),
            where=file,
        )
    renamed = frame[[*located.values(), "source_row"]].copy()
    renamed.columns = [*located.keys(), "source_row"]
    return renamed
