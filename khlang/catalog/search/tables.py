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
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from khlang.catalog.tables import JSON_DOCUMENT, ROW_ID, Base

FTS_TABLE = "search_text"
"""SQLite's FTS5 table of the entries' segmented words."""
VALUE_LENGTH = 300
"""Exact values are kept and compared up to this many characters (an index entry must fit
in a PostgreSQL B-tree page, and a Thai letter takes three bytes; no vocabulary value, tag
or code comes near it)."""


class SearchEntry(Base):
    """A dataset's current version as search finds and shows it."""

    __tablename__ = "search_entries"
    __table_args__ = (Index("ix_search_entries_words", "words", postgresql_using="gin"),)

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
