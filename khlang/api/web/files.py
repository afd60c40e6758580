"""The dataset page's files: one card per table, with every format it can be had in.

`khlang publish` writes each table three times (CSV, Parquet and JSON copies, each a
resource of its own, as the GD Catalog counts formats), so listing resources one by one shows
every table three times. Here the copies of one table (same file name but for the extension,
same Table Schema) are one card: the formats published are offered as published, byte for
byte, the others as the API's conversion of the same rows, and a CSV with Thai column titles
and a byte-order mark for spreadsheet users.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from pydantic import BaseModel

from khlang.api.service import ResourceView

TABLE_FORMATS = {"csv": "CSV", "json": "JSON", "parquet": "Parquet"}
"""Formats every table is offered in (published copies first, else the API's conversion)."""
SPREADSHEET_QUERY = "bom=1&headers=th"
"""A CSV Excel opens in Thai: a byte-order mark and the Table Schema's Thai column titles."""
_FORMAT_SUFFIX = re.compile(r"\s*\(([^()]+)\)\s*$")


class FileLink(BaseModel):
    format: str
    url: str
    byte_size: int | None = None
    sha256: str | None = None
    published: bool
    """The file as published (True) or the API's conversion of the table's rows (False)."""


class TableCard(BaseModel):
    name: str | None
    name_en: str | None
    description: str | None
    description_en: str | None
    resource: ResourceView
    """The copy queried for the preview, the chart and the API links (CSV when there is one)."""
    resource_ids: list[str]
    files: list[FileLink]
    spreadsheet_url: str | None

    @property
    def tabular(self) -> bool:
        return self.resource.tabular


def table_cards(resources: list[ResourceView]) -> list[TableCard]:
    """The resources grouped into tables, in the order their first copy was published."""
    groups: dict[tuple, list[ResourceView]] = {}
    for resource in resources:
        groups.setdefault(_table_key(resource), []).append(resource)
    return [_card(copies) for copies in groups.values()]


def card_of(cards: list[TableCard], resource_id: str | None) -> TableCard | None:
    """The card holding a resource (any of its copies), or None."""
    return next((card for card in cards if resource_id in card.resource_ids), None)


def _table_key(resource: ResourceView) -> tuple:
    """Copies of one table share the file name without its extension and the schema's
    column names; a file that is not a table stands alone."""
    if not resource.tabular:
        return ("file", resource.id)
    stem = PurePosixPath(resource.filename or resource.id).stem
    fields = (resource.metadata.get("schema") or {}).get("fields") or []
    return ("table", stem, tuple(field.get("name") for field in fields))


def _card(copies: list[ResourceView]) -> TableCard:
    primary = next((r for r in copies if (r.format or "").lower() == "csv"), copies[0])
    files = [
        FileLink(
            format=(copy.format or PurePosixPath(copy.filename or "").suffix[1:] or "file"),
            url=copy.download_url,
            byte_size=copy.byte_size,
            sha256=copy.sha256,
            published=True,
        )
        for copy in copies
        if copy.download_url
    ]
    if primary.tabular:
        published = {link.format.lower() for link in files}
        files += [
            FileLink(format=label, url=primary.links[f"download_{fmt}"], published=False)
            for fmt, label in TABLE_FORMATS.items()
            if fmt not in published
        ]
        order = {fmt: position for position, fmt in enumerate(TABLE_FORMATS)}
        files.sort(key=lambda link: order.get(link.format.lower(), len(order)))
    return TableCard(
        name=_without_format(primary.name, primary.format),
        name_en=_without_format(primary.name_en, primary.format),
        description=primary.description,
        description_en=primary.metadata.get("description_en"),
        resource=primary,
        resource_ids=[copy.id for copy in copies],
        files=files,
        spreadsheet_url=(
            f"{primary.links['download_csv']}?{SPREADSHEET_QUERY}" if primary.tabular else None
        ),
    )


def _without_format(name: str | None, format: str | None) -> str | None:
    """ "Budget lines (CSV)" -> "Budget lines": the card stands for every format."""
    if not name or not format:
        return name
    found = _FORMAT_SUFFIX.search(name)
    if found and found.group(1).strip().lower() == format.lower():
        return name[: found.start()] or name
    return name
