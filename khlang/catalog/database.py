"""Engines, transactions and schema migrations for both back ends.

SQLite runs in WAL mode (readers never wait for the writer) with foreign keys on and full
sync, and every write transaction starts with `BEGIN IMMEDIATE`, so two writers queue on the
database lock instead of failing half-way with "database is locked" after reading stale rows.
PostgreSQL runs at READ COMMITTED; the optimistic-locking updates re-check their condition
after waiting for a row lock, which is all the publish protocol needs.

Migrations are Alembic scripts shipped inside the package and applied when a catalog is
opened (under a lock, so two processes opening a new catalog at once do not both migrate).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import importlib.util
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from khlang.catalog.location import CatalogLocation
from khlang.errors import KhlangError
from khlang.i18n import Text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
WRITE_OPTION = "khlang_write"
# The PostgreSQL advisory lock held while migrating: this constant ("khla") and the schema's
# name, so that catalogs in different schemas of one database do not wait for each other.
_PG_MIGRATION_LOCK = 0x6B686C61


def create_catalog_engine(location: CatalogLocation) -> Engine:
    url = make_url(location.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        _configure_sqlite(engine)
        return engine
    if url.get_backend_name() != "postgresql":
        raise KhlangError(
            Text(
                th=f"ไม่รองรับฐานข้อมูล {url.get_backend_name()} ใช้ SQLite หรือ PostgreSQL",
                en=f"unsupported database {url.get_backend_name()}: use SQLite or PostgreSQL",
            ),
            where="KHLANG_DATABASE_URL",
        )
    return create_engine(with_installed_driver(url), pool_pre_ping=True)


def with_installed_driver(url: URL) -> URL:
    """A plain `postgresql://` URL means SQLAlchemy's default driver (psycopg 3 since
    SQLAlchemy 2.1); use psycopg2 when that is the one installed."""
    if url.drivername != "postgresql" or importlib.util.find_spec("psycopg"):
        return url
    return url.set(drivername="postgresql+psycopg2")


@contextlib.contextmanager
def scratch_schema(
    server: str, *, prefix: str, dropper: Callable[[str], None] | None = None
) -> Iterator[str]:
    """The URL of PostgreSQL server `server` with its search_path set to a new, empty schema
    (`prefix` and a random suffix), dropped with everything in it on exit: a catalog of its
    own on a shared database, for a test or a bench run that must see no other's tables.
    `dropper(schema)`, when given, is handed the schema to drop instead (the tests drop
    theirs on a thread of their own, so that no test waits for it)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(with_installed_driver(make_url(server)), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        if dropper is None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        else:
            dropper(schema)
        admin.dispose()


def upsert(session: Session, table: type[DeclarativeBase]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` that takes ON CONFLICT clauses, in the session's back end's
    dialect (PostgreSQL and SQLite spell them alike; SQLAlchemy's core INSERT has none)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling
        # would start transactions late and never as IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        # 64 MB of page cache instead of 2 MB: the area-budget store's indexes take millions
        # of inserts at national scale, and a small cache turns each into disk reads.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def session_factories(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """(read, write) session makers; the write one takes SQLite's write lock up front."""
    read = sessionmaker(engine, expire_on_commit=False)
    write = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    return read, write


# --- migrations -----------------------------------------------------------------------------


def alembic_config(connection: Connection | None) -> Config:
    from alembic.config import Config  # lazy: alembic, +250-500 ms

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration's revision, read once a process: every `Catalog.open` asks, and
    reading the migration scripts costs ~15 ms of CPU where no bytecode is cached. The
    scripts ship with the package, so they cannot change under a running process."""
    from alembic.script import ScriptDirectory  # lazy: alembic, +250-500 ms

    config = alembic_config(None)
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext  # lazy: alembic, +250-500 ms

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, location: CatalogLocation) -> bool:
    """Bring the schema to the newest revision; True when something was applied."""
    try:
        if current_revision(engine) == head_revision():
            return False
    except OperationalError as error:
        raise _unreachable(location, error) from error
    from alembic import command  # lazy: alembic, +250-500 ms

    with _migration_lock(engine, location), engine.begin() as connection:
        config = alembic_config(connection)
        command.upgrade(config, "head")
    return True


@contextlib.contextmanager
def _migration_lock(engine: Engine, location: CatalogLocation) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            key = {"key": _PG_MIGRATION_LOCK}
            connection.execute(
                text("SELECT pg_advisory_lock(:key, hashtext(current_schema()))"), key
            )
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key, hashtext(current_schema()))"), key
                )
                connection.commit()
        return
    location.home.mkdir(parents=True, exist_ok=True)
    with open(location.home / ".migrate.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _unreachable(location: CatalogLocation, error: Exception) -> KhlangError:
    reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
    return KhlangError(
        Text(
            th=f"เปิดฐานข้อมูลของคลังไม่ได้: {reason}",
            en=f"cannot open the catalog database: {reason}",
        ),
        where=location.describe(),
    )
