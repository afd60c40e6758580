"""A dataset search as asked (free text, a fielded condition, facet filters, sort, paging)
and as answered (count, a page of cards, facet counts).

Free text follows CKAN's matching (Solr dismax `mm=2<-1 5<80%`): a query of one or two words
needs all of them, three to five words all but one, more words 80%. Results rank by how many
words matched, then by relevance with the title weighted highest, or by any of CKAN's sort
fields. Facets count the matching datasets within the caller's visibility.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict

from khlang.catalog.search.tree import Match, Node, Or, Words, all_of
from khlang.i18n import Text
from khlang.metadata.fields import DATASET_FIELD_BY_KEY

FACETS: dict[str, Text] = {
    "organization": DATASET_FIELD_BY_KEY["owner_org"].label,
    "data_type": DATASET_FIELD_BY_KEY["data_type"].label,
    "geo_coverage": DATASET_FIELD_BY_KEY["geo_coverage"].label,
    "fiscal_year": Text(th="ปีงบประมาณ", en="Fiscal year"),
    "tags": DATASET_FIELD_BY_KEY["tags"].label,
    "format": Text(th="รูปแบบไฟล์", en="Format"),
    "data_category": DATASET_FIELD_BY_KEY["data_category"].label,
}
SortOrder = Literal["relevance", "modified", "title", "name"]
SORT_ORDERS: tuple[str, ...] = ("relevance", "modified", "title", "name")
SORT_FIELDS = (
    "score",
    "name",
    "title",
    "id",
    "metadata_modified",
    "metadata_created",
    "num_resources",
    "num_tags",
)
"""What a search can be ordered by (CKAN's sort fields; `score` is the free text's rank)."""


class SortKey(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    """One of SORT_FIELDS."""
    descending: bool = False


class SearchQuery(BaseModel):
    q: str | None = None
    """Free text, matched with CKAN's minimum-match rule."""
    where: Node | None = None
    """A fielded condition (CKAN's q and fq)."""
    filters: list[tuple[str, frozenset[str]]] = []
    """Each (keyword field, values): a document must have one of the values, for every pair."""
    sort: SortOrder = "relevance"
    descending: bool | None = None
    order: tuple[SortKey, ...] = ()
    """Explicit sort keys (CKAN's `sort`); when given, `sort` and `descending` are unused."""
    start: int = 0
    rows: int = 20
    facets: tuple[str, ...] = tuple(FACETS)
    facet_limit: int | None = 50
    """Values per facet, most frequent first (None: all)."""
    facet_mincount: int = 1

    def condition(self) -> Node:
        parts: list[Node] = [Words(text=self.q, minimum_match=True)] if self.q else []
        if self.where is not None:
            parts.append(self.where)
        for field, values in self.filters:
            choices = tuple(Match(field=field, value=value) for value in sorted(values))
            parts.append(choices[0] if len(choices) == 1 else Or(items=choices))
        return all_of(parts)

    def sort_keys(self, ranked: bool) -> tuple[SortKey, ...]:
        """The sort keys, leaving out the rank when no words rank the results."""
        if self.order:
            keys = self.order
        elif self.sort == "relevance" and ranked:
            keys = (SortKey(field="score", descending=True),)
        else:
            field = {"title": "title", "name": "name"}.get(self.sort, "metadata_modified")
            default = field == "metadata_modified"
            descending = default if self.descending is None else self.descending
            keys = (SortKey(field=field, descending=descending),)
        kept = tuple(key for key in keys if ranked or key.field != "score")
        return kept or (SortKey(field="metadata_modified", descending=True),)


class FacetCount(BaseModel):
    value: str
    count: int


class DatasetCard(BaseModel):
    """What a search result shows of a dataset (stored with its search document)."""

    name: str
    title: str | None
    title_en: str | None
    notes: str | None
    organization: str
    organization_title: Text | None
    private: bool
    version: int
    modified: dt.datetime
    tags: list[str]
    formats: list[str]
    data_type: str | None


class SearchResult(BaseModel):
    count: int
    cards: list[DatasetCard]
    """The page of matching datasets, in order."""
    facets: dict[str, list[FacetCount]]

    @property
    def names(self) -> list[str]:
        return [card.name for card in self.cards]


def minimum_match(words: int) -> int:
    """How many of a query's words a dataset must match (CKAN's `2<-1 5<80%`)."""
    if words <= 2:
        return words
    if words <= 5:
        return words - 1
    return math.ceil(words * 0.8)
