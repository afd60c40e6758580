"""Writing the search tables, in the transaction that changes what search finds.

`refresh` is called by the publish commit, withdrawal and reinstatement with the dataset's
id, inside their write session: the dataset's entry is replaced by one built from its
current version (or removed when it has none or is withdrawn), so a publish committed by
one worker is found by every worker's next search; the facet counts of searches without a
condition (`counts`) change with it. `rebuild` rewrites every entry (the migration's first
fill, `khlang catalog check --repair`).

Thai words are segmented here, once per publish (`words.index_terms`); the engines store
them as given: FTS5's `ascii` tokenizer splits on spaces only and keeps Thai letters and
marks whole, and PostgreSQL gets a `tsvector` literal (its own parser would cut Thai words
at their vowel marks) plus the English stems of the Latin words (`to_tsvector('english')`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Text as TextType
from sqlalchemy import bindparam, cast, delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Session

from khlang.catalog.search import counts
from khlang.catalog.search.document import SearchDocument, document_for
from khlang.catalog.search.query import FACETS, DatasetCard
from khlang.catalog.search.tables import FTS_TABLE, VALUE_LENGTH, SearchEntry, SearchValue
from khlang.catalog.search.tree import TEXT_COLUMNS
from khlang.catalog.search.words import index_terms
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.catalog.tables import DatasetVersion, Organization
from khlang.i18n import Text
from khlang.metadata.model import Dataset

WEIGHTS = {"title": "A", "tags": "B", "organization": "B", "notes": "C"}
"""PostgreSQL's weight of each text column (the rest, resources and body, weigh D): the
title ranks highest, as FTS5's BM25 weights do on SQLite (`engine.BM25_WEIGHTS`)."""
FACET_SEPARATOR = "\x1f"
"""Between a facet's field and value in `search_entries.facets` (no value holds it)."""
_MAX_POSITION = 16_383
_MAX_LEXEME_BYTES = 2_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def microseconds(value: dt.datetime | None) -> int:
    """A time as microseconds since 1970 (UTC; naive times are UTC)."""
    if value is None:
        return -(2**62)
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    delta = aware - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def refresh(session: Session, dataset_id: str) -> None:
    """Make the dataset's entry match its current version (none when it has no current
    version or is withdrawn), and the facet counts with it."""
    difference = Counter[counts.Key]()
    difference.subtract(counts.held(session, SearchEntry.dataset_id == dataset_id))
    _remove(session, [dataset_id])
    row = session.get(DatasetRow, dataset_id)
    if row is not None and row.state == "active" and row.current_version_id is not None:
        version = session.get(DatasetVersion, row.current_version_id)
        organization = session.get(Organization, row.organization_id)
        assert version is not None
        assert organization is not None
        entry = _entry(row, version, organization)
        _write(session, [entry])
        difference.update(
            counts.keys_of(entry.row["private"], entry.row["organization"], entry.values)
        )
    counts.change(session, difference)


def rebuild(session: Session, *, chunk: int = 500, recount: bool = True) -> int:
    """Rewrite every entry from the current versions; the number of entries written. With
    `recount`, the facet counts too (migration 0008 runs before their table exists)."""
    _remove(session, None)
    ids = session.scalars(
        select(DatasetRow.id)
        .where(DatasetRow.state == "active", DatasetRow.current_version_id.is_not(None))
        .order_by(DatasetRow.name)
    ).all()
    organizations = {row.id: row for row in session.scalars(select(Organization))}
    for start in range(0, len(ids), chunk):
        rows = session.execute(
            select(DatasetRow, DatasetVersion)
            .join(DatasetVersion, DatasetVersion.id == DatasetRow.current_version_id)
            .where(DatasetRow.id.in_(ids[start : start + chunk]))
        ).all()
        _write(
            session,
            [_entry(row, version, organizations[row.organization_id]) for row, version in rows],
        )
    if recount:
        counts.recount(session)
    return len(ids)


class _Entry:
    """What one dataset writes: its entry row, exact values and segmented text."""

    def __init__(self, row: dict[str, Any], document: SearchDocument) -> None:
        self.row = row
        self.values = list(
            dict.fromkeys((field, value[:VALUE_LENGTH]) for field, value in document.keywords)
        )
        self.columns = {
            column: [term for text in document.text.get(column, []) for term in index_terms(text)]
            for column in TEXT_COLUMNS
        }


def _entry(row: DatasetRow, version: DatasetVersion, organization: Organization) -> _Entry:
    dataset = Dataset.model_validate(version.metadata_)
    title = None
    if organization.title_th or organization.title_en:
        title = Text(
            th=organization.title_th or organization.title_en or "",
            en=organization.title_en or organization.title_th or "",
        )
    modified = version.published_at or version.created_at
    document = document_for(
        dataset,
        name=row.name,
        organization=organization.name,
        organization_title=title,
        organization_id=organization.id,
        modified=modified,
        created=row.created_at,
        dataset_id=row.id,
    )
    card = DatasetCard(
        name=row.name,
        title=dataset.title,
        title_en=dataset.title_en,
        notes=dataset.notes,
        organization=organization.name,
        organization_title=title,
        private=row.private,
        version=version.number or 0,
        modified=modified,
        tags=list(dataset.tags),
        formats=document.values("format"),
        data_type=dataset.data_type,
    )
    return _Entry(
        {
            "dataset_id": row.id,
            "version_id": version.id,
            "name": row.name,
            "organization": organization.name,
            "private": row.private,
            "title_key": (document.title or row.name).casefold(),
            "modified": microseconds(modified),
            "created": microseconds(row.created_at),
            "num_resources": document.resources,
            "num_tags": len(document.values("tags")),
            "card": card.model_dump(mode="json"),
        },
        document,
    )


def _write(session: Session, entries: list[_Entry]) -> None:
    if not entries:
        return
    postgres = session.get_bind().dialect.name == "postgresql"
    columns: dict[str, Any] = {key: bindparam(key) for key in entries[0].row}
    if postgres:
        columns["words"] = _TSVECTOR
        columns["facets"] = bindparam("facets", type_=ARRAY(TextType()))
    statement = (
        insert(SearchEntry).values(columns).returning(SearchEntry.id, sort_by_parameter_order=True)
    )
    parameters = [
        {**entry.row, **(_postgres_parameters(entry) if postgres else {})} for entry in entries
    ]
    # the ids are the FTS5 rowids and the values' keys
    ids = session.scalars(statement, parameters).all()
    session.execute(
        insert(SearchValue),
        [
            {"entry_id": entry_id, "field": field, "value": value}
            for entry_id, entry in zip(ids, entries, strict=True)
            for field, value in entry.values
        ],
    )
    if not postgres:
        places = ", ".join(f":{column}" for column in TEXT_COLUMNS)
        session.execute(
            text(
                f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(TEXT_COLUMNS)}) "  # noqa: S608
                f"VALUES (:rowid, {places})"
            ),
            [
                {"rowid": entry_id, **{c: " ".join(entry.columns[c]) for c in TEXT_COLUMNS}}
                for entry_id, entry in zip(ids, entries, strict=True)
            ],
        )


def words_expression(value: Callable[[str], Any]) -> Any:
    """The entry's words: the segmented terms as given (`lexemes`), with the English stems of
    the Latin ones (`english_A` ... `english_D`). `value(name)` is where each comes from: a
    bind parameter here, a staging table's column in a bulk load (bench/scale_copies.py)."""

    def english(weight: str) -> Any:
        return func.setweight(func.to_tsvector("english", value(f"english_{weight}")), weight)

    return (
        cast(value("lexemes"), TSVECTOR)
        .op("||")(english("A"))
        .op("||")(english("B"))
        .op("||")(english("C"))
        .op("||")(english("D"))
    )


_TSVECTOR = words_expression(bindparam)


def postgres_entry(
    row: DatasetRow, version: DatasetVersion, organization: Organization
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """What `_write` inserts for one dataset on PostgreSQL, for a bulk loader: the entry's
    columns with the parameters of `words_expression` and its facets, and its exact values."""
    entry = _entry(row, version, organization)
    return {**entry.row, **_postgres_parameters(entry)}, entry.values


def _postgres_parameters(entry: _Entry) -> dict[str, Any]:
    facets = [
        f"{field}{FACET_SEPARATOR}{value}" for field, value in entry.values if field in FACETS
    ]
    return {**_tsvector_parameters(entry), "facets": facets}


def _tsvector_parameters(entry: _Entry) -> dict[str, str]:
    positions: dict[str, list[str]] = {}
    english: dict[str, list[str]] = {weight: [] for weight in "ABCD"}
    position = 0
    for column in TEXT_COLUMNS:
        weight = WEIGHTS.get(column, "D")
        for term in entry.columns[column]:
            position = min(position + 1, _MAX_POSITION)
            if len(term.encode()) > _MAX_LEXEME_BYTES:
                continue
            places = positions.setdefault(term, [])
            if len(places) < 256:
                places.append(f"{position}{weight}")
            if term.isascii():
                english[weight].append(term)
    lexemes = " ".join(f"{quoted(term)}:{','.join(places)}" for term, places in positions.items())
    return {"lexemes": lexemes, **{f"english_{w}": " ".join(t) for w, t in english.items()}}


def quoted(term: str) -> str:
    """A term as a `tsvector` / `tsquery` lexeme, taken verbatim (no parsing)."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _remove(session: Session, dataset_ids: Iterable[str] | None) -> None:
    """Delete the entries of these datasets (every entry when None)."""
    chosen = select(SearchEntry.id)
    if dataset_ids is not None:
        chosen = chosen.where(SearchEntry.dataset_id.in_(list(dataset_ids)))
    if session.get_bind().dialect.name != "postgresql":
        if dataset_ids is None:
            session.execute(text(f"DELETE FROM {FTS_TABLE}"))  # noqa: S608
        else:
            found = session.scalars(chosen).all()
            if not found:
                return
            session.execute(
                text(f"DELETE FROM {FTS_TABLE} WHERE rowid IN :ids").bindparams(  # noqa: S608
                    bindparam("ids", expanding=True)
                ),
                {"ids": list(found)},
            )
    session.execute(delete(SearchValue).where(SearchValue.entry_id.in_(chosen)))
    session.execute(delete(SearchEntry).where(SearchEntry.id.in_(chosen)))
