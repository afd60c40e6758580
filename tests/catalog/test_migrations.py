"""The Alembic migrations shipped in the package create exactly the tables the models
describe, on both back ends, and can be undone and redone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from khlang.catalog import Catalog
from khlang.catalog.database import alembic_config, current_revision, head_revision
from khlang.catalog.schema import METADATA
from khlang.catalog.search.tables import BYTE_ORDER_INDEXES, FTS_TABLE


def _described(name: str | None, kind: str, _parents: object) -> bool:
    """Every object but SQLite's FTS5 search table and its shadow tables, which the
    migration creates beside the models (SQLAlchemy does not describe virtual tables)."""
    return not (kind == "table" and name is not None and name.startswith(FTS_TABLE))


def _for_dialect(dialect: str) -> Callable[..., bool]:
    """Every object, but those the models create on another back end only (`ddl_if`:
    PostgreSQL's GIN index of facets and C-collated sort indexes) and the C-collated indexes,
    whose collation reflection does not read (`test_byte_order_indexes` checks them)."""

    def kept(item: object, name: object, _kind: object, _reflected: object, _to: object) -> bool:
        condition = getattr(item, "_ddl_if", None)
        if name in BYTE_ORDER_INDEXES:
            return False
        return condition is None or condition.dialect in (None, dialect)

    return kept


def test_migrated_schema_matches_the_models(catalog: Catalog) -> None:
    assert current_revision(catalog.engine) == head_revision()
    with catalog.engine.connect() as connection:
        options = {
            "compare_type": True,
            "include_name": _described,
            "include_object": _for_dialect(connection.dialect.name),
        }
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, METADATA) == []


def test_byte_order_indexes(home: Path, postgres_schema_url: str) -> None:
    """On PostgreSQL, search's name, id and title sorts (`COLLATE "C"`) have their indexes
    (SQLite compares bytes already: the unique name index serves the sort)."""
    with (
        Catalog.open(home, postgres_schema_url, create=True) as catalog,
        catalog.engine.connect() as connection,
    ):
        found = dict(
            connection.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_entries'"
                )
            ).all()
        )
    for name, columns in BYTE_ORDER_INDEXES.items():
        collated = ", ".join(f'{column} COLLATE "C"' for column in columns)
        assert f"({collated}) INCLUDE (id, private, organization)" in found[name]


def test_downgrade_and_upgrade_again(catalog: Catalog) -> None:
    with catalog.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert current_revision(catalog.engine) is None
    with catalog.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert current_revision(catalog.engine) == head_revision()


def test_opening_again_does_not_migrate_twice(catalog: Catalog, home, database_url) -> None:
    with Catalog.open(home, database_url) as again:
        assert current_revision(again.engine) == head_revision()
        assert again.datasets() == []
