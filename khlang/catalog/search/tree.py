"""A dataset search condition as a small typed tree, independent of how it is evaluated.

The CKAN API parses Solr/Lucene syntax into this tree (`khlang.api.ckan_query`); the search
engine (`khlang.catalog.search.engine`) evaluates it in SQL: a `Match` on a keyword field is
an `IN` over the (entry, field, value) table, a `Range` a comparison, `Words` a full-text
match, and `And` / `Or` / `Not` the boolean operators.

Fields are khlang's search fields (`FIELDS`): keyword fields hold exact values (names, tags,
vocabulary values, formats), text fields hold segmented words, date and integer fields are
ordered values.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from khlang.metadata.fields import DATASET_FIELDS, Kind


class FieldKind(StrEnum):
    keyword = "keyword"
    """Exact values, several per dataset (tags, formats, multi-selects); ranges compare
    them as strings, as Solr's string fields do."""
    text = "text"
    """Words, Thai segmented: a value matches when the field holds its words."""
    date = "date"
    integer = "integer"


TEXT_COLUMNS = ("title", "tags", "organization", "notes", "resources", "body")
"""The full-text columns of a dataset document, in the index's column order."""

# Text fields and the full-text columns each one searches.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": TEXT_COLUMNS,
    "title": ("title",),
    "notes": ("notes",),
    "res_name": ("resources",),
    "res_description": ("resources",),
}
_CORE_KEYWORDS = (
    "id",
    "name",
    "organization",
    "owner_org",
    "groups",
    "tags",
    "format",
    "capacity",
    "dataset_type",
    "state",
    "fiscal_year",
    "version",
)
_MARKDOWN = {Kind.MARKDOWN}
GDC_KEYWORDS = tuple(
    key
    for spec in DATASET_FIELDS
    for key in (spec.key, spec.other_key)
    if key and spec.kind not in _MARKDOWN and key not in {"title", "name", "notes", *_CORE_KEYWORDS}
)
"""The GD Catalog's fields indexed as exact values (every one but free text and those above)."""

FIELDS: dict[str, FieldKind] = {
    **dict.fromkeys(_CORE_KEYWORDS, FieldKind.keyword),
    **dict.fromkeys(GDC_KEYWORDS, FieldKind.keyword),
    **dict.fromkeys(TEXT_FIELDS, FieldKind.text),
    "metadata_modified": FieldKind.date,
    "metadata_created": FieldKind.date,
    "num_resources": FieldKind.integer,
    "num_tags": FieldKind.integer,
}

Value = str | int | dt.datetime


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True)


class Everything(_Node):
    """Every dataset (Solr's `*:*`)."""

    kind: Literal["everything"] = "everything"


class Match(_Node):
    """The field holds this value (keyword, date, integer) or these words (text)."""

    kind: Literal["match"] = "match"
    field: str
    value: Value


class Pattern(_Node):
    """The field holds a value matching a wildcard pattern (`*` any run, `?` one character);
    on text fields only a trailing `*` (a word prefix)."""

    kind: Literal["pattern"] = "pattern"
    field: str
    pattern: str


class Range(_Node):
    """The field holds a value between `low` and `high` (None: unbounded)."""

    kind: Literal["range"] = "range"
    field: str
    low: Value | None = None
    high: Value | None = None
    include_low: bool = True
    include_high: bool = True


class Words(_Node):
    """Free text: at least `minimum` of the words (all when None) in the text columns. The
    words also rank the results (BM25), which only this node does."""

    kind: Literal["words"] = "words"
    text: str
    minimum_match: bool = False
    """CKAN's dismax rule (`2<-1 5<80%`) instead of every word."""


class And(_Node):
    kind: Literal["and"] = "and"
    items: tuple[Node, ...]


class Or(_Node):
    kind: Literal["or"] = "or"
    items: tuple[Node, ...]


class Not(_Node):
    kind: Literal["not"] = "not"
    item: Node


Node = Annotated[
    Everything | Match | Pattern | Range | Words | And | Or | Not, Field(discriminator="kind")
]
for _model in (And, Or, Not):
    _model.model_rebuild()


def all_of(nodes: list[Node]) -> Node:
    """The conjunction of nodes, flattened (a single node stays itself)."""
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.items if isinstance(node, And) else (node,))
    kept = [node for node in flat if not isinstance(node, Everything)]
    if not kept:
        return Everything()
    return kept[0] if len(kept) == 1 else And(items=tuple(kept))


def ranking_words(node: Node) -> list[str]:
    """The free text of the node's positive `Words`, which rank the results."""
    if isinstance(node, Words):
        return [node.text]
    if isinstance(node, And | Or):
        return [text for item in node.items for text in ranking_words(item)]
    return []
