"""An empty catalog store at the newest migration, made once per test session (per xdist
worker) and copied into each test's store before the test opens it, so that a test pays
for its own data rather than for every migration a new store runs.

- SQLite: the migrated `catalog.sqlite` file, copied into the test's home.
- PostgreSQL: the statements the migrations sent to an empty schema, recorded once and sent
  again, in the same order and with the same parameters, to the test's empty schema. The
  migrations read nothing but what they wrote, so the same statements on an empty schema
  build the same schema; `Catalog.open` then finds it at the newest revision and migrates
  nothing.

A test module whose every test starts from the same content (a search corpus, say) passes
a `fill` function: the store it fills once a session is copied the same way (for
PostgreSQL, the migrations' statements and then fill's), with the files the catalog stored.
What fill made at random that a test must know (an API key's token) it returns, and `seed`
returns it with every copy: a copy holds the same hashes, so the same tokens open it.

tests/catalog/test_migrations.py runs the migrations themselves, and checks that a store
seeded here and a migrated one hold the same schema."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
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
from khlang.catalog.location import FILES_FOLDER, SQLITE_FILE, resolve_location

Statement = tuple[str, Any, bool]
"""(SQL, its parameters, sent with executemany)."""


def record_migrations(server: str, folder: Path) -> list[Statement]:
    """Migrate an empty schema of `server` and return every statement sent to it."""
    sent: list[Statement] = []
    with scratch_schema(server, prefix="khlang_test_migrated") as url:
        location = resolve_location(folder, url)
        engine = create_catalog_engine(location)
        event.listen(engine, "before_cursor_execute", _recorder(sent))
        try:
            migrate(engine, location)
        finally:
            engine.dispose()
    _check_unnamed(sent, url)
    return sent


def _check_unnamed(sent: list[Statement], url: str) -> None:
    """The schema is named by the connection's search_path only; a statement that named it
    would write into the recorded schema, not the test's, when sent again."""
    schema = make_url(url).query["options"].removeprefix("-csearch_path=")
    named = [statement for statement, parameters, _ in sent if schema in f"{statement}{parameters}"]
    assert not named, f"a recorded statement names its schema {schema}: {named[0]}"


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


Fill = Callable[[Catalog], Any]
"""What a test module puts in its new catalogs, the same every time (no file outside the
catalog); it returns what the tests must know of it (API keys' tokens), or None."""


@dataclass(frozen=True)
class _Template:
    home: Path
    statements: list[Statement] | None  # PostgreSQL's; SQLite's store is the file in home
    made: Any = None  # what fill returned


@dataclass
class MigratedStore:
    """Seeds a test's empty store with the session's migrated one (`seed`), or with a copy
    of one filled once a session by a function of the test module (`seed(..., fill=)`)."""

    folder: Path
    postgres_server: str | None = None
    _templates: dict[tuple[bool, str], _Template] = field(default_factory=dict, init=False)

    def seed(self, home: Path, database_url: str | None = None, fill: Fill | None = None) -> Any:
        """Make the store of `home` / `database_url` (SQLite's file in `home` when no URL)
        the migrated empty store, or the one `fill` filled, its stored files included, and
        return what fill returned. The store must be new: an absent SQLite file, an empty
        PostgreSQL schema."""
        location = resolve_location(home, database_url)
        template = self._template(location.is_sqlite, fill)
        if location.is_sqlite:
            target = Path(make_url(location.database_url).database or "")
            assert not target.exists(), f"{target} exists: seed only a new store"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template.home / SQLITE_FILE, target)
        else:
            assert template.statements is not None
            replay(location.database_url, template.statements)
        files = template.home / FILES_FOLDER
        if files.is_dir() and any(files.iterdir()):
            shutil.copytree(files, location.files, dirs_exist_ok=True)
        return template.made

    def _template(self, sqlite: bool, fill: Fill | None) -> _Template:
        key = (sqlite, "" if fill is None else f"{fill.__module__}.{fill.__qualname__}")
        if key not in self._templates:
            if not sqlite and fill is not None:
                self._template(False, None)  # the migrations' statements, in a home of their own
            home = self.folder / f"store-{len(self._templates)}"
            if sqlite:
                with Catalog.open(home, f"sqlite:///{home / SQLITE_FILE}", create=True) as new:
                    made = None if fill is None else fill(new)
                self._templates[key] = _Template(home, None, made)
            elif fill is None:
                assert self.postgres_server, "no PostgreSQL server to record the migrations on"
                self._templates[key] = _Template(
                    home, record_migrations(self.postgres_server, home)
                )
            else:
                self._templates[key] = self._record(home, fill)
        return self._templates[key]

    def _record(self, home: Path, fill: Fill) -> _Template:
        """The migrations' statements (recorded once), then those of `fill` on the migrated
        store."""
        migrations = self._templates[(False, "")].statements
        assert self.postgres_server
        assert migrations is not None
        filled: list[Statement] = []
        with scratch_schema(self.postgres_server, prefix="khlang_test_filled") as url:
            replay(url, migrations)
            with Catalog.open(home, url) as catalog:
                event.listen(catalog.engine, "before_cursor_execute", _recorder(filled))
                made = fill(catalog)
            _check_unnamed(filled, url)
        return _Template(home, migrations + filled, made)


def _recorder(sent: list[Statement]) -> Callable[..., None]:
    def record(_conn, _cursor, statement, parameters, _context, executemany) -> None:  # type: ignore[no-untyped-def]
        # An "executemany" of INSERTs goes out as batches of one statement with one
        # parameter dictionary (SQLAlchemy's insertmanyvalues): sent with execute.
        sent.append((statement, parameters, executemany and isinstance(parameters, list | tuple)))

    return record
