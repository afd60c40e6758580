"""PostgreSQL for the tests: the server at KHLANG_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), and a schema of its own for each catalog, dropped
afterwards, so tests never see each other's (or another session's) tables. The schemas are
dropped on a thread of their own (a DROP of a catalog's schema waits a few hundred
milliseconds on the server's files, which no test needs to wait for), the last ones before
the test process ends."""

from __future__ import annotations

import atexit
import os
import queue
import sys
import threading
from contextlib import AbstractContextManager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from khlang.catalog.database import scratch_schema, with_installed_driver

POSTGRES_URL = os.environ.get(
    "KHLANG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


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
    """Drops the schemas handed to it, in order, on a thread of its own; `close` waits for
    the last and names any that could not be dropped."""

    def __init__(self, server: str) -> None:
        self.engine = create_engine(
            with_installed_driver(make_url(server)), isolation_level="AUTOCOMMIT"
        )
        self.schemas: queue.Queue[str | None] = queue.Queue()
        self.failures: list[str] = []
        self.thread = threading.Thread(target=self._run, name="drop-test-schemas", daemon=True)
        self.thread.start()
        atexit.register(self.close)

    def __call__(self, schema: str) -> None:
        self.schemas.put(schema)

    def _run(self) -> None:
        while (schema := self.schemas.get()) is not None:
            try:
                with self.engine.connect() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            except Exception as error:  # reported at the end; the next schemas still go
                self.failures.append(f"{schema}: {error}")

    def close(self) -> None:
        if not self.thread.is_alive():
            return
        self.schemas.put(None)
        self.thread.join()
        self.engine.dispose()
        for failure in self.failures:
            print(f"tests/postgres.py: a test schema was not dropped: {failure}", file=sys.stderr)


_droppers: dict[str, _Dropper] = {}


def drop_the_rest() -> None:
    """Wait for every schema handed to a dropper to be dropped (at the session's end)."""
    for dropper in _droppers.values():
        dropper.close()


def schema_url(server: str) -> AbstractContextManager[str]:
    """A database URL whose search_path is a new, empty schema (dropped after the test)."""
    if server not in _droppers:
        _droppers[server] = _Dropper(server)
    return scratch_schema(server, prefix="khlang_test", dropper=_droppers[server])
