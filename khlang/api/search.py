"""Dataset search: Thai and English free text, facets, sort and paging.

Each dataset becomes one document whose text is segmented into words with pythainlp
(`khlang.api.thai`) and indexed in SQLite's FTS5 (an in-memory database per server process),
so `งบประมาณ เชียงใหม่` and `งบประมาณเชียงใหม่` are the same two words. Vocabulary values are
indexed with their English labels and organisations with both names, so an English query
finds Thai metadata.

Matching follows CKAN's (Solr edismax `mm=2<-1 5<80%`): a query of one or two words needs all
of them, three to five words all but one, more words 80%. Results rank by how many words
matched, then BM25 with the title weighted highest. Facets count the matching documents,
within the caller's visibility (private datasets only for members of their organisation).
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
import threading
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from khlang.api.thai import index_terms, query_terms
from khlang.i18n import Text
from khlang.metadata.fields import DATASET_FIELD_BY_KEY
from khlang.metadata.model import Dataset

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
# Weights of the indexed columns for BM25, in column order.
_COLUMNS = ("title", "tags", "organization", "body")
_WEIGHTS = (10.0, 5.0, 3.0, 1.0)
_BUDDHIST_ERA = 543


class SearchDocument(BaseModel):
    """What the index knows of one dataset."""

    model_config = ConfigDict(frozen=True)

    name: str
    organization: str
    private: bool = False
    title: str | None = None
    modified: dt.datetime | None = None
    text: dict[str, list[str]]
    """Column (title, tags, organization, body) -> texts to index under it."""
    facets: dict[str, list[str]]


class SearchQuery(BaseModel):
    q: str | None = None
    filters: list[tuple[str, frozenset[str]]] = []
    """Each (facet, values): a document must have one of the values, for every pair."""
    sort: SortOrder = "relevance"
    descending: bool | None = None
    start: int = 0
    rows: int = 20
    facets: tuple[str, ...] = tuple(FACETS)
    facet_limit: int = 50


class FacetCount(BaseModel):
    value: str
    count: int


class SearchResult(BaseModel):
    count: int
    names: list[str]
    facets: dict[str, list[FacetCount]]


def fiscal_years(dataset: Dataset) -> list[str]:
    """The Buddhist-era fiscal years a dataset covers: its first to last year of data, or
    else its temporal coverage (a fiscal year runs October to September)."""
    first = _year(dataset.first_year_of_data)
    last = _year(dataset.last_year_of_data) or first
    if first is None and dataset.temporal and dataset.temporal.start:
        first = _fiscal_year(dataset.temporal.start)
        end = dataset.temporal.end
        last = _fiscal_year(end) if end else first
    if first is None or last is None or last < first or last - first > 100:
        return []
    return [str(year) for year in range(first, last + 1)]


def _year(value: str | None) -> int | None:
    if not value or not value.strip().isdigit():
        return None
    year = int(value)
    return year + _BUDDHIST_ERA if year < 2400 else year


def _fiscal_year(day: dt.date) -> int:
    return day.year + _BUDDHIST_ERA + (1 if day.month >= 10 else 0)


def document_for(
    dataset: Dataset,
    *,
    name: str,
    organization: str,
    organization_title: Text | None = None,
    modified: dt.datetime | None = None,
) -> SearchDocument:
    """The search document of a dataset's current version."""
    formats = sorted({r.format.upper() for r in dataset.resources if r.format})
    vocabulary_labels = []
    for key in ("data_type", "geo_coverage", "data_category"):
        value = getattr(dataset, key)
        spec = DATASET_FIELD_BY_KEY[key]
        term = spec.vocabulary.by_value(value) if value and spec.vocabulary else None
        if term is not None:
            vocabulary_labels.append(term.label.en)
    body = [
        dataset.notes or "",
        dataset.notes_en or "",
        dataset.data_source or "",
        *vocabulary_labels,
        *(
            value
            for value in (dataset.data_type, dataset.geo_coverage, dataset.data_category)
            if value
        ),
        *(r.name or "" for r in dataset.resources),
        *(r.name_en or "" for r in dataset.resources),
        *(r.description or "" for r in dataset.resources),
    ]
    return SearchDocument(
        name=name,
        organization=organization,
        private=dataset.private,
        title=dataset.title or name,
        modified=modified,
        text={
            "title": [dataset.title or "", dataset.title_en or "", name.replace("-", " ")],
            "tags": list(dataset.tags),
            "organization": [
                organization.replace("-", " "),
                *((organization_title.th, organization_title.en) if organization_title else ()),
            ],
            "body": body,
        },
        facets={
            "organization": [organization],
            "data_type": [dataset.data_type] if dataset.data_type else [],
            "geo_coverage": [dataset.geo_coverage] if dataset.geo_coverage else [],
            "fiscal_year": fiscal_years(dataset),
            "tags": list(dict.fromkeys(dataset.tags)),
            "format": formats,
            "data_category": [dataset.data_category] if dataset.data_category else [],
        },
    )


def minimum_match(words: int) -> int:
    """How many of a query's words a dataset must match (CKAN's `2<-1 5<80%`)."""
    if words <= 2:
        return words
    if words <= 5:
        return words - 1
    return math.ceil(words * 0.8)


class _Columns:
    """The documents as arrays, so that visibility, filters, facet counts and sorting over
    100,000 datasets are a few NumPy passes instead of Python loops (bench/scale.py)."""

    def __init__(self, rows: list[SearchDocument]) -> None:
        self.size = len(rows)
        self.private = np.array([doc.private for doc in rows], dtype=bool)
        self.organizations = {}
        organization = [self.organizations.setdefault(d.organization, len(self.organizations))
                        for d in rows]  # fmt: skip
        self.organization = np.array(organization, dtype=np.int32)
        # facet -> (its values, document of each (document, value) pair, value code of each)
        self.facets: dict[str, tuple[list[str], Any, Any]] = {}
        for facet in FACETS:
            codes: dict[str, int] = {}
            documents, values = [], []
            for i, doc in enumerate(rows):
                for value in doc.facets.get(facet, []):
                    documents.append(i)
                    values.append(codes.setdefault(value, len(codes)))
            self.facets[facet] = (
                list(codes),
                np.array(documents, dtype=np.int64),
                np.array(values, dtype=np.int64),
            )
        epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
        self.orders = {
            "modified": self._order(rows, lambda d: (_aware(d.modified) or epoch, d.name)),
            "title": self._order(rows, lambda d: ((d.title or "").casefold(), d.name)),
            "name": self._order(rows, lambda d: d.name),
        }
        self.name_rank = np.empty(self.size, dtype=np.int64)
        self.name_rank[self.orders["name"]] = np.arange(self.size)

    @staticmethod
    def _order(rows: list[SearchDocument], key: Any) -> Any:
        return np.array(sorted(range(len(rows)), key=lambda i: key(rows[i])), dtype=np.int64)

    def visible(self, organizations: set[str] | None) -> Any:
        if organizations is None:
            return np.ones(self.size, dtype=bool)
        codes = [self.organizations[o] for o in organizations if o in self.organizations]
        return ~self.private | np.isin(self.organization, codes)

    def having(self, facet: str, wanted: frozenset[str]) -> Any:
        """Documents with at least one of the facet's `wanted` values."""
        values, documents, codes = self.facets[facet]
        chosen = [code for code, value in enumerate(values) if value in wanted]
        mask = np.zeros(self.size, dtype=bool)
        mask[documents[np.isin(codes, chosen)]] = True
        return mask

    def counts(self, facet: str, mask: Any, limit: int) -> list[FacetCount]:
        values, documents, codes = self.facets[facet]
        counted = np.bincount(codes[mask[documents]], minlength=len(values))
        present = [(int(counted[c]), values[c]) for c in np.nonzero(counted)[0]]
        present.sort(key=lambda item: (-item[0], item[1]))
        return [FacetCount(value=value, count=count) for count, value in present[:limit]]


class SearchIndex:
    """An in-memory FTS5 index of the catalog's current versions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._db = self._new_database()
        self._documents: dict[str, SearchDocument] = {}
        self._rows: list[SearchDocument] = []
        self._columns_of_rows = _Columns([])
        self._terms: dict[str, tuple[SearchDocument, tuple[str, ...]]] = {}
        """Name -> (document, its segmented columns): a rebuild segments only what changed
        (Thai word segmentation is most of the cost of indexing)."""

    @staticmethod
    def _new_database() -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        # Text arrives already segmented into words separated by spaces; the ascii tokenizer
        # splits on ASCII spaces and punctuation only and keeps Thai letters and marks whole.
        db.execute(f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(_COLUMNS)}, tokenize='ascii')")
        return db

    def __len__(self) -> int:
        return len(self._documents)

    def replace(self, documents: Iterable[SearchDocument]) -> None:
        """Index exactly these documents (a full rebuild, swapped in at once)."""
        fresh = {document.name: document for document in documents}
        db = self._new_database()
        rows = list(fresh.values())
        terms = {}
        for doc in rows:
            known = self._terms.get(doc.name)
            terms[doc.name] = known if known and known[0] == doc else (doc, self._columns(doc))
        db.executemany(
            f"INSERT INTO docs(rowid, {', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?)",  # noqa: S608
            [(i, *terms[doc.name][1]) for i, doc in enumerate(rows)],
        )
        columns = _Columns(rows)
        with self._lock:
            self._db, self._documents = db, fresh
            self._rows, self._terms, self._columns_of_rows = rows, terms, columns

    def upsert(self, document: SearchDocument) -> None:
        documents = dict(self._documents)
        documents[document.name] = document
        self.replace(documents.values())

    def remove(self, name: str) -> None:
        self.replace(doc for doc in self._documents.values() if doc.name != name)

    def get(self, name: str) -> SearchDocument | None:
        return self._documents.get(name)

    @staticmethod
    def _columns(document: SearchDocument) -> tuple[str, ...]:
        return tuple(
            " ".join(term for text in document.text.get(column, []) for term in index_terms(text))
            for column in _COLUMNS
        )

    def search(self, query: SearchQuery, *, visible_organizations: set[str] | None) -> SearchResult:
        """Documents matching the query, visible to a caller who is a member of
        `visible_organizations` (None: sees everything)."""
        with self._lock:
            db, rows, columns = self._db, self._rows, self._columns_of_rows
            mask = columns.visible(visible_organizations)
            for facet, values in query.filters:
                mask &= columns.having(facet, values)
            words = query_terms(query.q or "")
            scores: tuple[Any, Any] | None = None
            if words:
                scores = self._scores(db, words, columns.size)
                mask &= scores[0] >= minimum_match(len(words))
        ordered = self._order(mask, columns, scores, query)
        return SearchResult(
            count=int(mask.sum()),
            names=[rows[i].name for i in ordered[query.start : query.start + query.rows].tolist()],
            facets={
                facet: columns.counts(facet, mask, query.facet_limit) for facet in query.facets
            },
        )

    @staticmethod
    def _scores(db: sqlite3.Connection, words: list[str], size: int) -> tuple[Any, Any]:
        """(words matched, BM25) of every document, as arrays indexed by rowid: a common word
        matches all 100,000 documents, so the rowids come back as arrays, not Python loops.
        When every word is needed (queries of one or two words), one AND query both finds
        and ranks the documents: the common word's 100,000 rows are never ranked alone."""
        matched = np.zeros(size, dtype=np.int64)
        weights = ", ".join(str(w) for w in _WEIGHTS)
        ranking = f"SELECT rowid, bm25(docs, {weights}) FROM docs WHERE docs MATCH ?"  # noqa: S608
        every_word = minimum_match(len(words)) == len(words)
        if every_word:
            ranked = db.execute(ranking, (" AND ".join(map(_phrase, words)),)).fetchall()
        else:
            for word in words:
                found = db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (_phrase(word),))
                matched += np.bincount(_column(found.fetchall(), np.int64), minlength=size)
            ranked = db.execute(ranking, (" OR ".join(map(_phrase, words)),)).fetchall()
        bm25 = np.zeros(size, dtype=np.float64)
        if ranked:
            rowids = np.array([row[0] for row in ranked], dtype=np.int64)
            bm25[rowids] = np.array([row[1] for row in ranked], dtype=np.float64)
            if every_word:
                matched[rowids] = len(words)
        return matched, bm25

    @staticmethod
    def _order(
        mask: Any, columns: _Columns, scores: tuple[Any, Any] | None, query: SearchQuery
    ) -> Any:
        """The matching documents' row numbers in the asked order (an array)."""
        sort = query.sort if scores is not None or query.sort != "relevance" else "modified"
        if sort == "relevance":
            # more words matched first, then lower (better) BM25, then name
            found = np.nonzero(mask)[0]
            matched, bm25 = scores
            order = np.lexsort((columns.name_rank[found], bm25[found], -matched[found]))
            return found[order]
        order = columns.orders[sort]
        keyed = order[mask[order]]
        # newest first unless asked otherwise; names and titles A to Z
        default = sort == "modified"
        descending = default if query.descending is None else query.descending
        return keyed[::-1] if descending else keyed


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _column(rows: list[tuple[Any]], dtype: Any) -> Any:
    """The first column of fetched rows as an array."""
    return np.array([row[0] for row in rows], dtype=dtype) if rows else np.zeros(0, dtype=dtype)


def _phrase(word: str) -> str:
    """A word as an FTS5 string (quoted, so no word is read as an operator)."""
    return '"' + word.replace('"', '""') + '"'
