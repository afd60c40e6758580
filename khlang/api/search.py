"""Dataset search: Thai and English free text, fielded conditions, facets, sort and paging.

Each dataset becomes one document whose text is segmented into words with pythainlp
(`khlang.api.thai`) and indexed in SQLite's FTS5 (an in-memory database per server process),
so `งบประมาณ เชียงใหม่` and `งบประมาณเชียงใหม่` are the same two words. Vocabulary values are
indexed with their English labels and organisations with both names, so an English query
finds Thai metadata. Beside the text, a document holds exact values (keyword fields: name,
tags, formats, every GD Catalog field), dates and counts, kept as NumPy arrays.

A search is a condition (`khlang.api.search_tree`: matches, patterns, ranges, free text,
and/or/not), evaluated to a mask over the documents. Free text follows CKAN's matching (Solr
dismax `mm=2<-1 5<80%`): a query of one or two words needs all of them, three to five words
all but one, more words 80%. Results rank by how many words matched, then BM25 with the
title weighted highest, or by any of CKAN's sort fields. Facets count the matching
documents, within the caller's visibility (private datasets only for members of their
organisation).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
import sys
import threading
from array import array
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from khlang.api.search_tree import (
    GDC_KEYWORDS,
    TEXT_COLUMNS,
    TEXT_FIELDS,
    And,
    Everything,
    Match,
    Node,
    Not,
    Or,
    Pattern,
    Range,
    Value,
    Words,
    all_of,
    ranking_words,
)
from khlang.api.thai import index_terms, query_terms
from khlang.i18n import Text
from khlang.metadata.fields import DATASET_FIELD_BY_KEY
from khlang.metadata.model import Dataset
from khlang.thai import buddhist_year, fiscal_year_of

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
# Weights of the indexed columns (TEXT_COLUMNS) for BM25.
_WEIGHTS = (10.0, 5.0, 3.0, 1.0, 1.0, 1.0)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class SearchDocument(BaseModel):
    """What the index knows of one dataset."""

    model_config = ConfigDict(frozen=True)

    name: str
    id: str = ""
    organization: str
    private: bool = False
    title: str | None = None
    modified: dt.datetime | None = None
    created: dt.datetime | None = None
    resources: int = 0
    text: dict[str, list[str]]
    """Column (TEXT_COLUMNS) -> texts to index under it."""
    keywords: tuple[tuple[str, str], ...]
    """(keyword field, exact value) pairs, facets among them. Pairs are shared between
    documents (most are vocabulary values that thousands of datasets hold), so 100,000
    documents of about 40 pairs each cost a few megabytes, not hundreds."""

    def values(self, field: str) -> list[str]:
        return [value for key, value in self.keywords if key == field]


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
        first = fiscal_year_of(dataset.temporal.start)
        end = dataset.temporal.end
        last = fiscal_year_of(end) if end else first
    if first is None or last is None or last < first or last - first > 100:
        return []
    return [str(year) for year in range(first, last + 1)]


def _year(value: str | None) -> int | None:
    if not value or not value.strip().isdigit():
        return None
    return buddhist_year(int(value))


def document_for(
    dataset: Dataset,
    *,
    name: str,
    organization: str,
    organization_title: Text | None = None,
    organization_id: str | None = None,
    modified: dt.datetime | None = None,
    created: dt.datetime | None = None,
    dataset_id: str = "",
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
        dataset.data_source or "",
        *vocabulary_labels,
        *(
            value
            for value in (dataset.data_type, dataset.geo_coverage, dataset.data_category)
            if value
        ),
    ]
    keywords = {
        "id": [dataset_id] if dataset_id else [],
        "name": [name],
        "organization": [organization],
        "owner_org": [organization_id] if organization_id else [],
        "groups": [code.lower() for code in dataset.themes],
        "tags": list(dict.fromkeys(dataset.tags)),
        "format": formats,
        "fiscal_year": fiscal_years(dataset),
        "capacity": ["private" if dataset.private else "public"],
        "dataset_type": ["dataset"],
        "state": ["active"],
    }
    for key in GDC_KEYWORDS:
        keywords[key] = keyword_values(getattr(dataset, key, None))
    # built from trusted values: no validation of the 40-odd pairs of every document
    return SearchDocument.model_construct(
        name=name,
        id=dataset_id,
        organization=organization,
        private=dataset.private,
        title=dataset.title or name,
        modified=modified,
        created=created,
        resources=len(dataset.resources),
        text={
            "title": [dataset.title or "", dataset.title_en or "", name.replace("-", " ")],
            "tags": list(dataset.tags),
            "organization": [
                organization.replace("-", " "),
                *((organization_title.th, organization_title.en) if organization_title else ()),
            ],
            "notes": [dataset.notes or "", dataset.notes_en or ""],
            "resources": [
                *(r.name or "" for r in dataset.resources),
                *(r.name_en or "" for r in dataset.resources),
                *(r.description or "" for r in dataset.resources),
                *(r.description_en or "" for r in dataset.resources),
            ],
            "body": body,
        },
        keywords=tuple(_pair(key, value) for key, values in keywords.items() for value in values),
    )


def keyword_values(value: Any) -> list[str]:
    """A metadata value as the exact strings CKAN indexes: yes/no as "True"/"False", dates
    in ISO form, one string per item of a list."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    items = value if isinstance(value, list | tuple) else [value]
    texts = []
    for item in items:
        if isinstance(item, bool):
            texts.append("True" if item else "False")
        elif isinstance(item, dt.date | dt.datetime):
            texts.append(item.isoformat())
        else:
            texts.append(str(item))
    return texts


_PAIRS: dict[tuple[str, str], tuple[str, str]] = {}
_PAIRS_LOCK = threading.Lock()


def _pair(field: str, value: str) -> tuple[str, str]:
    """The one shared (field, value) tuple for these strings."""
    pair = (field, value)
    found = _PAIRS.get(pair)
    if found is None:
        with _PAIRS_LOCK:
            found = _PAIRS.setdefault((sys.intern(field), sys.intern(value)), pair)
    return found


def minimum_match(words: int) -> int:
    """How many of a query's words a dataset must match (CKAN's `2<-1 5<80%`)."""
    if words <= 2:
        return words
    if words <= 5:
        return words - 1
    return math.ceil(words * 0.8)


def _microseconds(value: dt.datetime | None) -> int:
    """A time as microseconds since 1970 (UTC; naive times are UTC), for NumPy arrays."""
    if value is None:
        return -(2**62)
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    delta = aware - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _dense_rank(keys: list[Any]) -> Any:
    """Each document's rank among distinct key values (equal keys, equal rank)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.zeros(len(keys), dtype=np.int64)
    current, previous = -1, object()
    for i in order:
        if keys[i] != previous:
            current, previous = current + 1, keys[i]
        rank[i] = current
    return rank


class _Columns:
    """The documents as arrays, so that visibility, conditions, facet counts and sorting over
    100,000 datasets are a few NumPy passes instead of Python loops (bench/scale.py)."""

    def __init__(self, rows: list[SearchDocument]) -> None:
        self.size = len(rows)
        self.private = np.array([doc.private for doc in rows], dtype=bool)
        self.organizations: dict[str, int] = {}
        organization = [self.organizations.setdefault(d.organization, len(self.organizations))
                        for d in rows]  # fmt: skip
        self.organization = np.array(organization, dtype=np.int32)
        # field -> (its values, document of each (document, value) pair, value code of each)
        self.keywords: dict[str, tuple[list[str], Any, Any]] = {}
        pairs: dict[str, tuple[dict[str, int], array, array]] = {}
        for i, doc in enumerate(rows):
            for field, value in doc.keywords:
                codes, documents, found = pairs.setdefault(field, ({}, array("i"), array("i")))
                documents.append(i)
                found.append(codes.setdefault(value, len(codes)))
        for field, (codes, documents, found) in pairs.items():
            self.keywords[field] = (
                list(codes),
                np.frombuffer(documents, dtype=np.int32).copy(),
                np.frombuffer(found, dtype=np.int32).copy(),
            )
        self.numbers = {
            "metadata_modified": np.array([_microseconds(d.modified) for d in rows], np.int64),
            "metadata_created": np.array([_microseconds(d.created) for d in rows], np.int64),
            "num_resources": np.array([d.resources for d in rows], dtype=np.int64),
            "num_tags": np.array([len(d.values("tags")) for d in rows], np.int64),
        }
        names = [d.name for d in rows]
        self.ranks = {
            "name": _dense_rank(names),
            "id": _dense_rank([d.id or d.name for d in rows]),
            "title": _dense_rank([(d.title or "").casefold() for d in rows]),
            **{field: _dense_rank(values.tolist()) for field, values in self.numbers.items()},
        }
        # field -> documents in (field, name) order: a one-key sort is a slice of it
        self.orders = {
            field: np.lexsort((self.ranks["name"], rank)) for field, rank in self.ranks.items()
        }

    def visible(self, organizations: set[str] | None) -> Any:
        if organizations is None:
            return np.ones(self.size, dtype=bool)
        codes = [self.organizations[o] for o in organizations if o in self.organizations]
        return ~self.private | np.isin(self.organization, codes)

    def having(self, field: str, chosen: Any) -> Any:
        """Documents with at least one value of the field whose code is `chosen` (a boolean
        per distinct value, or a function of the value)."""
        mask = np.zeros(self.size, dtype=bool)
        if field not in self.keywords:
            return mask
        values, documents, codes = self.keywords[field]
        wanted = np.array([bool(chosen(value)) for value in values], dtype=bool)
        if wanted.any():
            mask[documents[wanted[codes]]] = True
        return mask

    def counts(self, field: str, mask: Any, limit: int | None, floor: int, seen: Any) -> list:
        """The field's values among the documents in `mask`, most frequent first; values
        with fewer than `floor` documents are left out (with a floor of 0, values of the
        documents in `seen`, the caller's visible ones, are listed with their count)."""
        if field not in self.keywords:
            return []
        values, documents, codes = self.keywords[field]
        counted = np.bincount(codes[mask[documents]], minlength=len(values))
        if floor > 0:
            present = np.nonzero(counted >= floor)[0]
        else:
            present = np.nonzero(np.bincount(codes[seen[documents]], minlength=len(values)))[0]
        items = sorted(((int(counted[c]), values[c]) for c in present),
                       key=lambda item: (-item[0], item[1]))  # fmt: skip
        chosen = items if limit is None else items[:limit]
        return [FacetCount(value=value, count=count) for count, value in chosen]


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
        db.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(TEXT_COLUMNS)}, tokenize='ascii')"
        )
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
        places = ", ".join("?" * (len(TEXT_COLUMNS) + 1))
        db.executemany(
            f"INSERT INTO docs(rowid, {', '.join(TEXT_COLUMNS)}) VALUES ({places})",  # noqa: S608
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
            for column in TEXT_COLUMNS
        )

    def search(self, query: SearchQuery, *, visible_organizations: set[str] | None) -> SearchResult:
        """Documents matching the query, visible to a caller who is a member of
        `visible_organizations` (None: sees everything)."""
        condition = query.condition()
        with self._lock:
            db, rows, columns = self._db, self._rows, self._columns_of_rows
            evaluation = _Evaluation(db, columns)
            seen = columns.visible(visible_organizations)
            mask = seen & evaluation.mask(condition)
            words = query_terms(" ".join(ranking_words(condition)))
            scores = evaluation.scores(words) if words else None
        ordered = _order(mask, columns, scores, query.sort_keys(scores is not None))
        return SearchResult(
            count=int(mask.sum()),
            names=[rows[i].name for i in ordered[query.start : query.start + query.rows].tolist()],
            facets={
                facet: columns.counts(facet, mask, query.facet_limit, query.facet_mincount, seen)
                for facet in query.facets
            },
        )


class _Evaluation:
    """A condition evaluated over one snapshot of the index: each node is a mask."""

    def __init__(self, db: sqlite3.Connection, columns: _Columns) -> None:
        self.db, self.columns = db, columns
        self._scores: dict[tuple[str, ...], tuple[Any, Any]] = {}

    def mask(self, node: Node) -> Any:
        size = self.columns.size
        if isinstance(node, Everything):
            return np.ones(size, dtype=bool)
        if isinstance(node, And):
            result = np.ones(size, dtype=bool)
            for item in node.items:
                result &= self.mask(item)
            return result
        if isinstance(node, Or):
            result = np.zeros(size, dtype=bool)
            for item in node.items:
                result |= self.mask(item)
            return result
        if isinstance(node, Not):
            return ~self.mask(node.item)
        if isinstance(node, Words):
            return self._words(node)
        if node.field in TEXT_FIELDS:
            return self._text(node)
        if node.field in self.columns.numbers:
            return self._number(node)
        return self._keyword(node)

    def scores(self, words: list[str]) -> tuple[Any, Any]:
        """(words matched, BM25) of every document, as arrays indexed by rowid: a common word
        matches all 100,000 documents, so the rowids come back as arrays, not Python loops.
        When every word is needed (queries of one or two words), one AND query both finds
        and ranks the documents: the common word's 100,000 rows are never ranked alone."""
        key = tuple(words)
        if key in self._scores:
            return self._scores[key]
        size = self.columns.size
        matched = np.zeros(size, dtype=np.int64)
        weights = ", ".join(str(w) for w in _WEIGHTS)
        ranking = f"SELECT rowid, bm25(docs, {weights}) FROM docs WHERE docs MATCH ?"  # noqa: S608
        every_word = minimum_match(len(words)) == len(words)
        if every_word:
            ranked = self.db.execute(ranking, (" AND ".join(map(_phrase, words)),)).fetchall()
        else:
            for word in words:
                matched += self._fts(_phrase(word)).astype(np.int64)
            ranked = self.db.execute(ranking, (" OR ".join(map(_phrase, words)),)).fetchall()
        bm25 = np.zeros(size, dtype=np.float64)
        if ranked:
            rowids = np.array([row[0] for row in ranked], dtype=np.int64)
            bm25[rowids] = np.array([row[1] for row in ranked], dtype=np.float64)
            if every_word:
                matched[rowids] = len(words)
        self._scores[key] = (matched, bm25)
        return matched, bm25

    def _fts(self, expression: str) -> Any:
        """The documents an FTS5 expression matches."""
        found = self.db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (expression,))
        mask = np.zeros(self.columns.size, dtype=bool)
        rowids = [row[0] for row in found.fetchall()]
        if rowids:
            mask[np.array(rowids, dtype=np.int64)] = True
        return mask

    def _words(self, node: Words) -> Any:
        words = query_terms(node.text)
        if not words:  # nothing searchable (punctuation, stop words): no condition
            return np.ones(self.columns.size, dtype=bool)
        if node.minimum_match:
            matched, _ = self.scores(words)
            return matched >= minimum_match(len(words))
        return self._fts(" AND ".join(map(_phrase, words)))

    def _text(self, node: Match | Pattern | Range) -> Any:
        columns = TEXT_FIELDS[node.field]
        where = "" if columns == TEXT_COLUMNS else "{" + " ".join(columns) + "} : "
        if isinstance(node, Pattern):
            words = query_terms(node.pattern.rstrip("*"))
            if not words:
                return np.ones(self.columns.size, dtype=bool)
            *whole, last = words
            expression = " AND ".join([*map(_phrase, whole), f"{_phrase(last)} *"])
            return self._fts(f"{where}({expression})")
        assert isinstance(node, Match)
        words = query_terms(str(node.value))
        if not words:
            return np.zeros(self.columns.size, dtype=bool)
        return self._fts(f"{where}({' AND '.join(map(_phrase, words))})")

    def _number(self, node: Match | Pattern | Range) -> Any:
        values = self.columns.numbers[node.field]
        if isinstance(node, Match):
            return values == _number(node.value)
        assert isinstance(node, Range)
        result = np.ones(self.columns.size, dtype=bool)
        if node.low is not None:
            low = _number(node.low)
            result &= values >= low if node.include_low else values > low
        if node.high is not None:
            high = _number(node.high)
            result &= values <= high if node.include_high else values < high
        return result

    def _keyword(self, node: Match | Pattern | Range) -> Any:
        field = node.field
        if isinstance(node, Match):
            wanted = str(node.value)
            return self.columns.having(field, lambda value: value == wanted)
        if isinstance(node, Pattern):
            pattern = _wildcard(node.pattern)
            return self.columns.having(field, lambda value: pattern.fullmatch(value))
        low = None if node.low is None else str(node.low)
        high = None if node.high is None else str(node.high)

        def within(value: str) -> bool:
            above = low is None or value > low or (node.include_low and value == low)
            below = high is None or value < high or (node.include_high and value == high)
            return above and below

        return self.columns.having(field, within)


def _number(value: Value) -> int:
    return _microseconds(value) if isinstance(value, dt.datetime) else int(value)


def _wildcard(pattern: str) -> re.Pattern[str]:
    """A Lucene wildcard (`*`, `?`) as a regular expression over a whole value."""
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL)


def _order(
    mask: Any, columns: _Columns, scores: tuple[Any, Any] | None, keys: tuple[SortKey, ...]
) -> Any:
    """The matching documents' row numbers in the asked order (an array); equal keys are
    ordered by name."""
    if len(keys) == 1 and keys[0].field != "score":
        order = columns.orders[keys[0].field]
        keyed = order[mask[order]]
        return keyed[::-1] if keys[0].descending else keyed
    found = np.nonzero(mask)[0]
    arrays = [columns.ranks["name"][found]]
    for key in reversed(keys):
        sign = -1 if key.descending else 1
        if key.field == "score":
            assert scores is not None
            matched, bm25 = scores
            # more words matched first, then lower (better) BM25
            arrays += [-sign * bm25[found], sign * matched[found]]
        else:
            arrays.append(sign * columns.ranks[key.field][found])
    return found[np.lexsort(arrays)]


def _phrase(word: str) -> str:
    """A word as an FTS5 string (quoted, so no word is read as an operator)."""
    return '"' + word.replace('"', '""') + '"'
