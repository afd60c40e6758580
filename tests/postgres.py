"""PostgreSQL for the tests: the server at KHLANG_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), and a schema of its own for each catalog, dropped
afterwards, so tests never see each other's (or another session's) tables."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from khlang.catalog.database import with_installed_driver

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


@contextmanager
def schema_url(server: str) -> Iterator[str]:
    """A database URL whose search_path is a new, empty schema (dropped on exit)."""
    schema = f"khlang_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(with_installed_driver(make_url(server)), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
