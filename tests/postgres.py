"""PostgreSQL for the tests: the server at KHLANG_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), and a schema of its own for each catalog, dropped
afterwards, so tests never see each other's (or another session's) tables."""

from __future__ import annotations

import os
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


def schema_url(server: str) -> AbstractContextManager[str]:
    """A database URL whose search_path is a new, empty schema (dropped on exit)."""
    return scratch_schema(server, prefix="khlang_test")
