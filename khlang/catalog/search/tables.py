"""The search tables: one entry per dataset with a current, active version, and its exact
values. They share `tables.Base`, so the migrations and `tests/catalog/test_migrations.py`
cover them like every other table.

The words are kept where each engine indexes them: on PostgreSQL in `search_entries.words`
(a `tsvector`, GIN-indexed); on SQLite in the FTS5 table `search_text` of the catalog file
(rowid = `search_entries.id`), which the migration creates beside these models because
SQLAlchemy does not describe virtual tables; `words` stays NULL there.

On PostgreSQL an entry also holds its facet values as an array (`facets`), so that counting
the facets of 100,000 matching entries is one pass over them rather than a join of a
million value rows (measured 0.36 s against 1.5 s); SQLite counts from `search_values`.
The array is GIN-indexed, so a facet filter (`fiscal_year=2567`) is an index lookup.

A search without a condition (the home page, every listing) takes its total and facet counts
from `search_counts`, kept by the transactions that write the entries, instead of counting
every entry. On PostgreSQL the sorts compare bytes (`COLLATE "C"`, as SQLite does), so the
name, id and title orders have C-collated indexes; they include the columns of the
visibility rule, so a deep page is an index-only walk.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from khlang.catalog.tables import JSON_DOCUMENT, ROW_ID, Base

FTS_TABLE = "search_text"
"""SQLite's FTS5 table of the entries' segmented words."""
VALUE_LENGTH = 300
"""Exact values are kept and compared up to this many characters (an index entry must fit
in a PostgreSQL B-tree page, and a Thai letter takes three bytes; no vocabulary value, tag
or code comes near it)."""


BYTE_ORDER_INDEXES = {
    "ix_search_entries_name_bytes": ("name",),
    "ix_search_entries_dataset_id_bytes": ("dataset_id",),
    "ix_search_entries_title_key_bytes": ("title_key", "name"),
}
"""PostgreSQL's C-collated sort indexes and their columns (reflection does not read an
index column's collation, so `tests/catalog/test_migrations.py` checks them apart)."""
_VISIBILITY = ["id", "private", "organization"]
"""What a C-collated sort index includes: a page's ids and the visibility rule's columns."""


def _sort_index(name: str, *columns: str) -> Index:
    """A PostgreSQL index of columns compared byte by byte, as every sort of search is."""
    collated = [text(f'{column} COLLATE "C"') for column in columns]
    index = Index(name, *collated, postgresql_include=_VISIBILITY)
    return index.ddl_if(dialect="postgresql")


class SearchEntry(Base):
    """A dataset's current version as search finds and shows it."""

    __tablename__ = "search_entries"
    __table_args__ = (
        Index("ix_search_entries_words", "words", postgresql_using="gin"),
        Index("ix_search_entries_facets", "facets", postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
        *(_sort_index(name, *columns) for name, columns in BYTE_ORDER_INDEXES.items()),
    )

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    dataset_id: Mapped[str] = mapped_column(String(36), unique=True)
    version_id: Mapped[str] = mapped_column(String(36))
    """The version indexed: `khlang catalog check` compares it with the dataset's current one."""
    name: Mapped[str] = mapped_column(String(100), unique=True)
    organization: Mapped[str] = mapped_column(String(100), index=True)
    private: Mapped[bool] = mapped_column(Boolean)
    title_key: Mapped[str] = mapped_column(Text, index=True)
    """The title folded to lower case: the title sort."""
    modified: Mapped[int] = mapped_column(BigInteger, index=True)
    """Microseconds since 1970 (UTC), as every sort and range compares them."""
    created: Mapped[int] = mapped_column(BigInteger)
    num_resources: Mapped[int] = mapped_column(Integer)
    num_tags: Mapped[int] = mapped_column(Integer)
    card: Mapped[dict[str, Any]] = mapped_column(JSON_DOCUMENT)
    """What a result shows (`query.DatasetCard`), so a page of results is one read."""
    words: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
    facets: Mapped[list[str] | None] = mapped_column(
        Text().with_variant(ARRAY(Text()), "postgresql")
    )
    """PostgreSQL: `field<US>value` of each facet value (`query.FACETS`); NULL on SQLite."""


class SearchValue(Base):
    """One exact value of an entry's keyword field (tags, formats, fiscal years, every GD
    Catalog field): what filters match and facets count."""

    __tablename__ = "search_values"
    __table_args__ = (Index("ix_search_values_field_value", "field", "value", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(
        ROW_ID, ForeignKey("search_entries.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, primary_key=True)


TOTAL = ""
"""`search_counts.field` (and value) of the row counting the entries themselves."""


class SearchCount(Base):
    """How many entries hold each facet value, per visibility scope: what a search without a
    condition shows, read as a few thousand rows instead of counted over every entry.
    `maintain` changes the counts in the transaction that writes the entries."""

    __tablename__ = "search_counts"

    scope: Mapped[str] = mapped_column(String(100), primary_key=True)
    """'' for public entries; a private entry's organisation (its members see them)."""
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    """A facet (`query.FACETS`), or TOTAL."""
    value: Mapped[str] = mapped_column(Text, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
