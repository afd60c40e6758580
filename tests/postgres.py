"""PostgreSQL for the tests: the server at KHLANG_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), and a schema of its own for each catalog, so tests
never see each other's (or another session's) tables.

A catalog's schema costs the server far more to create and drop (its tables, indexes and
sequences, half a second or more of its CPU) than to empty, so a test's schema is not always
dropped: when it still has the shape of a migrated store (`describe`, object for object, as
tests/migrated.py registers it), it is kept as a spare, and tests/migrated.py gives a spare
(renamed, emptied and filled from its template) to the next test that seeds a store, instead
of replaying the migrations. Any other schema is dropped. Both are done on a thread of their
own (a DROP waits a few hundred milliseconds on the server's files, which no test needs to
wait for); the spares and the last schemas are dropped before the test process ends."""

from __future__ import annotations

import atexit
import os
import queue
import sys
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from khlang.catalog.database import scratch_schema, with_installed_driver

POSTGRES_URL = os.environ.get(
    "KHLANG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)

SPARES = 4
"""Schemas kept at most for the next tests (one a test is enough when every test seeds)."""

# What the current schema holds, as the database describes it, without the schema's name.
_DESCRIPTION = (
    "SELECT 'object', c.relname, c.relkind::text, concat_ws(' ', c.relpersistence,"
    " c.relrowsecurity, c.reloptions, c.relacl,"
    " CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END) FROM pg_class c"
    " WHERE c.relnamespace = current_schema()::regnamespace",
    "SELECT 'column', c.relname, a.attname, concat_ws(' ', a.attnum,"
    " format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated, a.attidentity,"
    " a.attcollation::regcollation, replace(pg_get_expr(d.adbin, d.adrelid),"
    " current_schema() || '.', '')) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
    " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
    " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')"
    " AND a.attnum > 0 AND NOT a.attisdropped",
    "SELECT 'index', c.relname, i.relname, replace(pg_get_indexdef(i.oid), current_schema() || '.',"
    " '') FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c"
    " ON c.oid = x.indrelid WHERE i.relnamespace = current_schema()::regnamespace",
    "SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
    " FROM pg_constraint WHERE connamespace = current_schema()::regnamespace",
    "SELECT 'trigger', tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger"
    " WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class"
    " WHERE relnamespace = current_schema()::regnamespace)",
    "SELECT 'sequence', c.relname, s.seqtypid::regtype::text, concat_ws(' ', s.seqincrement,"
    " s.seqmin, s.seqmax, s.seqstart, s.seqcycle) FROM pg_sequence s"
    " JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = current_schema()::regnamespace",
    "SELECT 'function', proname, prokind::text, md5(prosrc) FROM pg_proc"
    " WHERE pronamespace = current_schema()::regnamespace",
    "SELECT 'type', typname, typtype::text, '' FROM pg_type"
    " WHERE typnamespace = current_schema()::regnamespace",
    "SELECT 'policy', polrelid::regclass::text, polname, '' FROM pg_policy"
    " WHERE polrelid IN (SELECT oid FROM pg_class"
    " WHERE relnamespace = current_schema()::regnamespace)",
    "SELECT 'revision', version_num, '', '' FROM alembic_version",
)


def describe(connection: Connection) -> list[tuple[str, ...]]:
    """Every object of the connection's current schema (tables, columns, indexes, constraints,
    triggers, sequences, views, functions, types, policies) and its Alembic revision, sorted;
    two schemas that describe alike take the same statements alike."""
    rows = [
        tuple(map(str, row)) for query in _DESCRIPTION for row in connection.execute(text(query))
    ]
    return sorted(rows)


def reachable_server() -> str:
    """The server's URL, or a skip naming why it cannot be used."""
    engine = create_engine(with_installed_driver(make_url(POSTGRES_URL)))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0]
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL} ({reason})")
    finally:
        engine.dispose()
    return POSTGRES_URL


class _Dropper:
    """Takes the schemas handed to it, in order, on a thread of its own: one that describes
    as `shape` (set by `keep`) is kept as a spare while there are fewer than SPARES, any
    other is dropped; `close` waits for the last, drops the spares and names any schema
    that could not be dropped."""

    def __init__(self, server: str) -> None:
        self.engine = create_engine(
            with_installed_driver(make_url(server)), isolation_level="AUTOCOMMIT"
        )
        self.schemas: queue.Queue[str | None] = queue.Queue()
        self.spares: queue.Queue[str] = queue.Queue()
        self.shape: Sequence[tuple[str, ...]] | None = None
        self.failures: list[str] = []
        self.thread = threading.Thread(target=self._run, name="drop-test-schemas", daemon=True)
        self.thread.start()
        atexit.register(self.close)

    def __call__(self, schema: str) -> None:
        self.schemas.put(schema)

    def keep(self, shape: Sequence[tuple[str, ...]]) -> None:
        """Keep, from now on, the schemas that describe as `shape` (with `describe`). Only
        a superuser may refill a spare (its foreign keys are not checked while it is
        filled), so for any other role this keeps none."""
        with self.engine.connect() as connection:
            superuser = connection.execute(
                text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            ).scalar()
        if superuser:
            self.shape = shape

    def spare(self) -> str | None:
        """A schema that describes as `shape` (rows aside), or None when none is kept."""
        try:
            return self.spares.get_nowait()
        except queue.Empty:
            return None

    def settled(self) -> None:
        """Wait until every schema handed so far is kept or dropped."""
        self.schemas.join()

    def _run(self) -> None:
        while (schema := self.schemas.get()) is not None:
            try:
                if not self._kept(schema):
                    self._drop(schema)
            except Exception as error:  # reported at the end; the next schemas still go
                self.failures.append(f"{schema}: {error}")
            finally:
                self.schemas.task_done()

    def _kept(self, schema: str) -> bool:
        if self.shape is None or self.spares.qsize() >= SPARES:
            return False
        with self.engine.connect() as connection:
            connection.execute(text(f'SET search_path TO "{schema}"'))
            try:
                described = describe(connection)
            except Exception:  # no alembic_version table, say: not a migrated store
                return False
            finally:
                connection.execute(text("RESET search_path"))
        if described != self.shape:
            return False
        self.spares.put(schema)
        return True

    def _drop(self, schema: str) -> None:
        with self.engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    def close(self) -> None:
        if not self.thread.is_alive():
            return
        self.schemas.put(None)
        self.thread.join()
        while (spare := self.spare()) is not None:
            try:
                self._drop(spare)
            except Exception as error:
                self.failures.append(f"{spare}: {error}")
        self.engine.dispose()
        for failure in self.failures:
            print(f"tests/postgres.py: a test schema was not dropped: {failure}", file=sys.stderr)


_droppers: dict[str, _Dropper] = {}


def dropper(server: str) -> _Dropper:
    """The dropper (and keeper of spares) of the schemas on `server`."""
    if server not in _droppers:
        _droppers[server] = _Dropper(server)
    return _droppers[server]


def drop_the_rest() -> None:
    """Wait for every schema handed to a dropper to be dropped (at the session's end)."""
    for each in _droppers.values():
        each.close()


def schema_url(server: str) -> AbstractContextManager[str]:
    """A database URL whose search_path is a new, empty schema (dropped after the test, or
    kept as a spare)."""
    return scratch_schema(server, prefix="khlang_test", dropper=dropper(server))
