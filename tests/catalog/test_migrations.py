"""The Alembic migrations shipped in the package create exactly the tables the models
describe, on both back ends, and can be undone and redone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from khlang.catalog import Catalog
from khlang.catalog.database import alembic_config, current_revision, head_revision
from khlang.catalog.schema import METADATA
from khlang.catalog.search.tables import FTS_TABLE


def _described(name: str | None, kind: str, _parents: object) -> bool:
    """Every object but SQLite's FTS5 search table and its shadow tables, which the
    migration creates beside the models (SQLAlchemy does not describe virtual tables)."""
    return not (kind == "table" and name is not None and name.startswith(FTS_TABLE))


def test_migrated_schema_matches_the_models(catalog: Catalog) -> None:
    assert current_revision(catalog.engine) == head_revision()
    with catalog.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _described}
        )
        assert compare_metadata(context, METADATA) == []


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
