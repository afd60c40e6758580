"""An empty catalog store at the newest migration, made once per test session (per xdist
worker) and copied into each test's store before the test opens it, so that a test pays
for its own data rather than for the twelve migrations every new store runs.

- SQLite: the migrated `catalog.sqlite` file, copied into the test's home.
- PostgreSQL: the statements the migrations sent to an empty schema, recorded once and sent
  again, in the same order and with the same parameters, to the test's empty schema. The
  migrations read nothing but what they wrote, so the same statements on an empty schema
  build the same schema; `Catalog.open` then finds it at the newest revision and migrates
  nothing.

tests/catalog/test_migrations.py runs the migrations themselves, and checks that a store
seeded here and a migrated one hold the same schema."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from khlang.catalog import Catalog
from khlang.catalog.database import (
    create_catalog_engine,
    migrate,
    scratch_schema,
    with_installed_driver,
)
from khlang.catalog.location import SQLITE_FILE, resolve_location

Statement = tuple[str, Any, bool]
"""(SQL, its parameters, sent with executemany)."""


def record_migrations(server: str, folder: Path) -> list[Statement]:
    """Migrate an empty schema of `server` and return every statement sent to it."""
    sent: list[Statement] = []
    with scratch_schema(server, prefix="khlang_test_migrated") as url:
        schema = make_url(url).query["options"].removeprefix("-csearch_path=")
        location = resolve_location(folder, url)
        engine = create_catalog_engine(location)

        @event.listens_for(engine, "before_cursor_execute")
        def _record(_conn, _cursor, statement, parameters, _context, executemany) -> None:  # type: ignore[no-untyped-def]
            sent.append((statement, parameters, executemany))

        try:
            migrate(engine, location)
        finally:
            engine.dispose()
    named = [statement for statement, parameters, _ in sent if schema in f"{statement}{parameters}"]
    # The schema is named by the connection's search_path only; a statement that named it
    # would write into the recorded schema, not the test's, when sent again.
    assert not named, f"a migration statement names its schema {schema}: {named[0]}"
    return sent


def replay(url: str, statements: Sequence[Statement]) -> None:
    """Send `statements` to the (empty) schema of database URL `url`, in one transaction."""
    engine: Engine = create_engine(with_installed_driver(make_url(url)))
    try:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            for statement, parameters, executemany in statements:
                if executemany:
                    cursor.executemany(statement, parameters)
                else:
                    cursor.execute(statement, parameters)
            cursor.close()
            connection.commit()
        finally:
            connection.close()
    finally:
        engine.dispose()


@dataclass
class MigratedStore:
    """Seeds a test's empty store with the session's migrated one (`seed`)."""

    folder: Path
    postgres_server: str | None = None
    _sqlite: Path | None = field(default=None, init=False)
    _postgres: list[Statement] | None = field(default=None, init=False)

    def seed(self, home: Path, database_url: str | None = None) -> None:
        """Make the store of `home` / `database_url` (SQLite's file in `home` when no URL)
        the migrated empty store. The store must be new: an absent SQLite file, an empty
        PostgreSQL schema."""
        location = resolve_location(home, database_url)
        if location.is_sqlite:
            target = Path(make_url(location.database_url).database or "")
            assert not target.exists(), f"{target} exists: seed only a new store"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self._sqlite_file(), target)
        else:
            replay(location.database_url, self._postgres_statements())

    def _sqlite_file(self) -> Path:
        if self._sqlite is None:
            home = self.folder / "sqlite"
            Catalog.open(home, f"sqlite:///{home / SQLITE_FILE}", create=True).close()
            self._sqlite = home / SQLITE_FILE
        return self._sqlite

    def _postgres_statements(self) -> list[Statement]:
        if self._postgres is None:
            assert self.postgres_server, "no PostgreSQL server to record the migrations on"
            self._postgres = record_migrations(self.postgres_server, self.folder / "postgres")
        return self._postgres
