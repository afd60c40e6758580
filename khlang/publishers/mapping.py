"""Column mappings: which column of an export holds which field of the model.

Each adapter ships a mapping file (`mappings/<adapter>.yaml`) that documents the export
layout it expects: for every field, the header names it is known by, first match wins. When
an agency's export names a column differently, `khlang mapping suggest FILE` proposes a
mapping from its headers and values (or the officer copies the file and edits the names), and
it is passed with `--mapping FILE` (or dropped beside the exports as `<name>.mapping.yaml`);
nothing else changes. Headers are compared without spaces and case, so `ปี งบประมาณ` and
`ปีงบประมาณ` are the same column.

A mapping of the `generic` adapter describes a table of a kind no adapter knows: the same
`columns`, plus `fields` (name, type, Thai and English title and description of every
published column the model does not define) and `dataset` (the metadata a file cannot say).
Every mapping may list in `dropped` the headers that are deliberately not published; any other
header a mapping does not name is reported, never dropped silently.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.publishers.issues import IssueLog
from khlang.publishers.settings import load_settings
from khlang.publishers.vocab import squash

MAPPING_SUFFIX = ".mapping.yaml"
_BLANK_HEADER = re.compile(r"_(index|\d+)")
"""How the reader names a column with a blank header (`readers._unique_names`)."""
GENERIC = "generic"
_COLUMN_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
ValueType = Literal["string", "integer", "number", "amount", "date"]
"""How a published column's values are read: `amount` is baht, kept to the satang."""


class ExtraField(BaseModel):
    """A published column of a generic table that the model does not define."""

    model_config = ConfigDict(extra="forbid")

    type: ValueType = "string"
    title: Text
    description: Text
    unit: str | None = None
    """Unit of a number (บาท, คน, แห่ง ...), shown in the Table Schema."""


class DatasetInfo(BaseModel):
    """What a generic table's dataset says about itself beyond its rows (the rest of the
    GD Catalog's 14 items is filled from the data and the agency)."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,48}$")
    """The dataset's name after the agency's: `<agency>-<key>`."""
    title: Text
    description: Text
    data_type: Literal["statistical", "record"] = "statistical"
    frequency: str = "ปี"
    """GD Catalog update frequency unit: ปี, ครึ่งปี, ไตรมาส, เดือน, สัปดาห์, วัน ..."""
    tags: list[str] = Field(min_length=1)
    themes: list[str] = ["GOVE"]
    unit: str = "บาท"
    """Unit of measure of a statistical dataset (GD Catalog)."""

    @model_validator(mode="after")
    def _thai_texts(self) -> DatasetInfo:
        if not self.title.th.strip() or not self.description.th.strip():
            raise ValueError("the dataset needs a Thai title and a Thai description")
        return self


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
    dropped: list[str] = []
    """Headers deliberately not published (listed in the report, not warned about)."""
    fields: dict[str, ExtraField] = {}
    """Generic tables: the published columns the model does not define."""
    dataset: DatasetInfo | None = None
    """Generic tables: the dataset's own metadata."""
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

    @model_validator(mode="after")
    def _generic_parts(self) -> ColumnMapping:
        if self.adapter == GENERIC and self.dataset is None:
            raise ValueError("a generic mapping needs a dataset section")
        if self.adapter != GENERIC and (self.fields or self.dataset):
            raise ValueError("fields and dataset belong to generic mappings only")
        if self.adapter == GENERIC:
            bad = [name for name in self.columns if not _COLUMN_NAME.fullmatch(name)]
            if bad:
                raise ValueError(
                    f"column names must be lower-case ASCII letters, digits and _: {bad}"
                )
        return self

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


def unmapped(header: list[str], mapping: ColumnMapping) -> tuple[list[str], list[str]]:
    """(headers the mapping neither reads nor drops, headers it drops on purpose). A blank
    first header (the index column many exports carry) is neither."""
    located = set(mapping.locate(header).values())
    dropped = {_key(name) for name in mapping.dropped}
    rest = [
        name
        for name in header
        if name not in located and name != "source_row" and not _BLANK_HEADER.fullmatch(name)
    ]
    return (
        [name for name in rest if _key(name) not in dropped],
        [name for name in rest if _key(name) in dropped],
    )


def report_unmapped(header: list[str], mapping: ColumnMapping, issues: IssueLog, file: str) -> None:
    """Say which columns a file has that will not be published: nothing is dropped
    silently. Columns the mapping lists as dropped are noted; others are a warning that
    names the mapping to add them to."""
    unread, dropped = unmapped(header, mapping)
    if unread:
        names = ", ".join(unread)
        issues.add(
            "column-not-read",
            Text(
                th=f"ไม่ได้อ่านคอลัมน์ {names} (ไม่มีในไฟล์จับคู่ {mapping.source} จึงไม่เผยแพร่) "
                "เพิ่มในไฟล์จับคู่ หรือใส่ใน dropped",
                en=f"columns not read: {names} (not in the mapping {mapping.source}, so not "
                "published); add them to the mapping, or list them under dropped",
            ),
            severity="warning",
            file=file,
            column=names,
        )
    if dropped:
        names = ", ".join(dropped)
        issues.add(
            "column-dropped",
            Text(
                th=f"ไม่เผยแพร่คอลัมน์ {names} ตามที่ไฟล์จับคู่ระบุ (dropped)",
                en=f"columns not published, as the mapping says (dropped): {names}",
            ),
            severity="info",
            file=file,
            column=names,
        )


def apply_mapping(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    required: tuple[str, ...],
    file: str,
    issues: IssueLog,
) -> pd.DataFrame:
    """The frame with the mapped fields under their model names (plus `source_row`); a
    required field without a column is an error naming the field, the header names tried
    and the mapping file to edit. Columns the mapping does not read are reported."""
    header = [str(column) for column in frame.columns]
    located = mapping.locate(header)
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
    report_unmapped(header, mapping, issues, file)
    renamed = frame[[*located.values(), "source_row"]].copy()
    renamed.columns = [*located.keys(), "source_row"]
    return renamed
