"""Keeping the search index in step with the catalog.

The index holds each dataset's current version. Before answering, at most every
`refresh_seconds`, the service asks the catalog for its change stamp (one aggregate query);
only when that moved does it compare the catalog's listing (name, content hash, visibility)
with what it indexed and re-read, in bulk, the versions that changed; a publish through this
API refreshes at once. Several server processes each keep their own index and converge the same way.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from pydantic import BaseModel

from khlang.api.search import SearchDocument, SearchIndex, SearchQuery, SearchResult, document_for
from khlang.catalog import Catalog, Principal
from khlang.catalog.records import DatasetSummary, OrganizationRecord
from khlang.i18n import Text

INDEXER = Principal(name="khlang-api", sysadmin=True)
"""The API's own reader: the index must know private datasets to show them to members."""


class DatasetCard(BaseModel):
    """What a search result shows of a dataset."""

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


class CatalogSearch:
    def __init__(self, catalog: Catalog, *, refresh_seconds: float = 2.0) -> None:
        self.catalog = catalog
        self.refresh_seconds = refresh_seconds
        self.index = SearchIndex()
        self.cards: dict[str, DatasetCard] = {}
        self.resources: dict[str, str] = {}
        """Resource id -> dataset name, for CKAN's resource_show."""
        self._fingerprint: dict[str, tuple[Any, ...]] = {}
        self._documents: dict[str, SearchDocument] = {}
        self._stamp: tuple[Any, ...] | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def search(self, query: SearchQuery, *, visible: set[str] | None) -> SearchResult:
        self.refresh()
        return self.index.search(query, visible_organizations=visible)

    def refresh(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._checked < self.refresh_seconds:
            return
        with self._lock:
            if not force and time.monotonic() - self._checked < self.refresh_seconds:
                return
            stamp = self.catalog.change_stamp()
            if not force and stamp == self._stamp:
                self._checked = time.monotonic()
                return
            summaries = {s.name: s for s in self.catalog.datasets(viewer=INDEXER)}
            fingerprint = {
                name: (s.content_hash, s.private, s.organization, s.version)
                for name, s in summaries.items()
            }
            if fingerprint != self._fingerprint:
                self._rebuild(summaries, fingerprint)
            self._stamp = stamp
            self._checked = time.monotonic()

    def _rebuild(
        self, summaries: dict[str, DatasetSummary], fingerprint: dict[str, tuple[Any, ...]]
    ) -> None:
        organizations = {o.name: o for o in self.catalog.organizations()}
        documents, cards = {}, {}
        changed = []
        for name in summaries:
            if self._fingerprint.get(name) == fingerprint[name] and name in self._documents:
                documents[name], cards[name] = self._documents[name], self.cards[name]
            else:
                changed.append(name)
        resources = {rid: owner for rid, owner in self.resources.items() if owner in documents}
        for version in self.catalog.current_versions(changed, viewer=INDEXER):
            summary = summaries[version.dataset]
            documents[version.dataset], cards[version.dataset] = _indexed(
                summary, version.metadata, organizations.get(summary.organization)
            )
            resources |= {item.id: version.dataset for item in version.resources}
        self.index.replace(documents.values())
        self._documents, self.cards, self._fingerprint = documents, cards, fingerprint
        self.resources = resources


def _indexed(
    summary: DatasetSummary, dataset: Any, organization: OrganizationRecord | None
) -> tuple[SearchDocument, DatasetCard]:
    title = organization.title if organization else None
    document = document_for(
        dataset,
        name=summary.name,
        organization=summary.organization,
        organization_title=title,
        organization_id=organization.id if organization else None,
        modified=summary.modified,
        created=summary.created_at,
        dataset_id=summary.id,
    ).model_copy(update={"private": summary.private})
    card = DatasetCard(
        name=summary.name,
        title=dataset.title,
        title_en=dataset.title_en,
        notes=dataset.notes,
        organization=summary.organization,
        organization_title=title,
        private=summary.private,
        version=summary.version,
        modified=summary.modified,
        tags=list(dataset.tags),
        formats=document.values("format"),
        data_type=dataset.data_type,
    )
    return document, card
