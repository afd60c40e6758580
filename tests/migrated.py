"""An empty catalog store at the newest migration, made once per test session (per xdist
worker) and copied into each test's store before the test opens it, so that a test pays
for its own data rather than for every migration a new store runs.

- SQLite: the migrated `catalog.sqlite` file, copied into the test's home.
- PostgreSQL: the statements the migrations sent to an empty schema, recorded once and sent
  again, in the same order and with the same parameters, to the test's empty schema. The
  migrations read nothing but what they wrote, so the same statements on an empty schema
  build the same schema; `Catalog.open` then finds it at the newest revision and migrates
  nothing. Creating those tables and indexes is most of a test's cost on the server, so when
  an earlier test's schema was kept as a spare (tests/postgres.py: it still describes as the
  migrated one), the spare takes the test's schema's name and is emptied and filled with the
  template's rows and sequence values instead (`_refill`); the template's schema is kept on
  the server for the session for that.

A test module whose every test starts from the same content (a search corpus, say) passes
a `fill` function: the store it fills once a session is copied the same way (for
PostgreSQL, the migrations' statements and then fill's), with the files the catalog stored.
What fill made at random that a test must know (an API key's token) it returns, and `seed`
returns it with every copy: a copy holds the same hashes, so the same tokens open it.

tests/catalog/test_migrations.py runs the migrations themselves, and checks that a store
seeded here and a migrated one hold the same schema, and that a refilled spare holds
what the statements replayed make."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from khlang.catalog import Catalog
from khlang.catalog.database import (
    create_catalog_engine,
    migrate,
    with_installed_driver,
)
from khlang.catalog.location import FILES_FOLDER, SQLITE_FILE, resolve_location
from tests.postgres import describe, dropper, schema_url

Statement = tuple[str, Any, bool]
"""(SQL, its parameters, sent with executemany)."""


def record_migrations(url: str, folder: Path) -> list[Statement]:
    """Migrate the empty schema of database URL `url` and return every statement sent to it."""
    sent: list[Statement] = []
    location = resolve_location(folder, url)
    engine = create_catalog_engine(location)
    event.listen(engine, "before_cursor_execute", _recorder(sent))
    try:
        migrate(engine, location)
    finally:
        engine.dispose()
    _check_unnamed(sent, url)
    return sent


def _schema_of(url: str) -> str:
    """The schema a database URL of tests/postgres.py names (its search_path)."""
    return make_url(url).query["options"].removeprefix("-csearch_path=")


def _check_unnamed(sent: list[Statement], url: str) -> None:
    """The schema is named by the connection's search_path only; a statement that named it
    would write into the recorded schema, not the test's, when sent again."""
    schema = _schema_of(url)
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

_TABLES = text(
    "SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)"
    " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
    " WHERE c.relnamespace = CAST(:schema AS regnamespace) AND c.relkind IN ('r', 'p')"
    " AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
    " GROUP BY c.oid, c.relname ORDER BY c.relname"
)
_SEQUENCES = text(
    "SELECT relname FROM pg_class"
    " WHERE relnamespace = CAST(:schema AS regnamespace) AND relkind = 'S' ORDER BY relname"
)


def _copying(connection: Connection, template: str) -> list[str]:
    """The statements that make a schema of the migrated shape, `{target}`, hold what schema
    `template` holds: every table's rows (but generated columns', which the server computes
    again), and every sequence where the template's is."""
    # S608: the names are the server's own, of the schemas tests/postgres.py made.
    statements = []
    for table, columns in connection.execute(_TABLES, {"schema": template}):
        statements.append(f'DELETE FROM "{{target}}"."{table}"')  # noqa: S608
        statements.append(
            f'INSERT INTO "{{target}}"."{table}" ({columns}) OVERRIDING SYSTEM VALUE'  # noqa: S608
            f' SELECT {columns} FROM "{template}"."{table}"'
        )
    for (sequence,) in connection.execute(_SEQUENCES, {"schema": template}):
        statements.append(
            f"""SELECT setval('"{{target}}"."{sequence}"', last_value, is_called)"""  # noqa: S608
            f' FROM "{template}"."{sequence}"'
        )
    return statements


@dataclass(frozen=True)
class _Template:
    home: Path
    statements: list[Statement] | None  # PostgreSQL's; SQLite's store is the file in home
    made: Any = None  # what fill returned
    copying: list[str] | None = None  # PostgreSQL's: _copying from the kept schema


@dataclass
class MigratedStore:
    """Seeds a test's empty store with the session's migrated one (`seed`), or with a copy
    of one filled once a session by a function of the test module (`seed(..., fill=)`).
    `close` drops the templates' PostgreSQL schemas."""

    folder: Path
    postgres_server: str | None = None
    _templates: dict[tuple[bool, str], _Template] = field(default_factory=dict, init=False)
    _kept: ExitStack = field(default_factory=ExitStack, init=False)
    _refiller: Engine | None = field(default=None, init=False)  # one backend for every refill

    def seed(
        self,
        home: Path,
        database_url: str | None = None,
        fill: Fill | None = None,
        *,
        spare: bool = True,
    ) -> Any:
        """Make the store of `home` / `database_url` (SQLite's file in `home` when no URL)
        the migrated empty store, or the one `fill` filled, its stored files included, and
        return what fill returned. The store must be new: an absent SQLite file, an empty
        PostgreSQL schema. `spare=False` replays the statements even when a spare schema is
        kept (for the test that compares the two)."""
        location = resolve_location(home, database_url)
        template = self._template(location.is_sqlite, fill)
        if location.is_sqlite:
            target = Path(make_url(location.database_url).database or "")
            assert not target.exists(), f"{target} exists: seed only a new store"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template.home / SQLITE_FILE, target)
        else:
            assert template.statements is not None
            kept = self._spare(location.database_url) if spare else None
            if kept is None:
                replay(location.database_url, template.statements)
            else:
                self._refill(kept, _schema_of(location.database_url), template)
        files = template.home / FILES_FOLDER
        if files.is_dir() and any(files.iterdir()):
            shutil.copytree(files, location.files, dirs_exist_ok=True)
        return template.made

    def close(self) -> None:
        if self._refiller is not None:
            self._refiller.dispose()
        self._kept.close()

    def _spare(self, database_url: str) -> str | None:
        """A spare schema on the server of `database_url`, if tests/postgres.py keeps one."""
        server = self.postgres_server
        if server is None or make_url(database_url).set(query={}) != make_url(server).set(query={}):
            return None
        return dropper(server).spare()

    def _refill(self, spare: str, target: str, template: _Template) -> None:
        """Make spare schema `spare` the test's schema `target` (new and empty, so dropped),
        holding what the template's holds. The server checks no foreign key meanwhile
        (`session_replication_role`): the rows are the template's, whole. A spare that
        fails is handed back to be dropped. One connection serves every refill: a new
        server process would read the catalog's tables' descriptions again each time."""
        assert self.postgres_server
        assert template.copying is not None
        if self._refiller is None:
            self._refiller = create_engine(
                with_installed_driver(make_url(self.postgres_server)), pool_size=1
            )
        try:
            with self._refiller.begin() as connection:
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                connection.execute(text(f'DROP SCHEMA "{target}"'))
                connection.execute(text(f'ALTER SCHEMA "{spare}" RENAME TO "{target}"'))
                for statement in template.copying:
                    connection.execute(text(statement.format(target=target)))
        except Exception:
            dropper(self.postgres_server)(spare)
            raise

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
                self._templates[key] = self._migrated(home)
            else:
                self._templates[key] = self._record(home, fill)
        return self._templates[key]

    def _kept_schema(self) -> str:
        """A new schema on the server, kept for the session (the templates')."""
        assert self.postgres_server, "no PostgreSQL server to record the migrations on"
        return self._kept.enter_context(schema_url(self.postgres_server))

    def _migrated(self, home: Path) -> _Template:
        """The migrations' statements, and their schema kept: the shape of a spare."""
        url = self._kept_schema()
        statements = record_migrations(url, home)
        return _Template(home, statements, copying=self._copying(url, shape=True))

    def _record(self, home: Path, fill: Fill) -> _Template:
        """The migrations' statements (recorded once), then those of `fill` on the migrated
        store, whose schema is kept."""
        migrations = self._templates[(False, "")].statements
        assert migrations is not None
        filled: list[Statement] = []
        url = self._kept_schema()
        replay(url, migrations)
        with Catalog.open(home, url) as catalog:
            event.listen(catalog.engine, "before_cursor_execute", _recorder(filled))
            made = fill(catalog)
        _check_unnamed(filled, url)
        return _Template(home, migrations + filled, made, self._copying(url))

    def _copying(self, url: str, *, shape: bool = False) -> list[str]:
        """`_copying` of the kept schema of `url`; `shape`: and keep, from now on, the
        schemas that describe as it does as spares (tests/postgres.py)."""
        assert self.postgres_server
        engine = create_engine(with_installed_driver(make_url(url)))
        try:
            with engine.connect() as connection:
                if shape:
                    dropper(self.postgres_server).keep(describe(connection))
                return _copying(connection, _schema_of(url))
        finally:
            engine.dispose()


def _recorder(sent: list[Statement]) -> Callable[..., None]:
    def record(_conn, _cursor, statement, parameters, _context, executemany) -> None:  # type: ignore[no-untyped-def]
        # An "executemany" of INSERTs goes out as batches of one statement with one
        # parameter dictionary (SQLAlchemy's insertmanyvalues): sent with execute.
        sent.append((statement, parameters, executemany and isinstance(parameters, list | tuple)))

    return record
