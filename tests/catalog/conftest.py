"""Fixtures of the catalog tests. Every store test runs on both back ends: SQLite in a
temporary home, and PostgreSQL in a schema of its own (dropped afterwards) in the database
at KHLANG_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from khlang.catalog import Catalog, Principal
from khlang.catalog.database import with_installed_driver
from khlang.catalog.gate import GateReport

POSTGRES_URL = os.environ.get(
    "KHLANG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def postgres_server() -> str:
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


@pytest.fixture
def postgres_schema_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database URL whose search_path is a new, empty schema."""
    server = request.getfixturevalue("postgres_server")
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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'home' / 'catalog.sqlite'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def catalog(home: Path, database_url: str) -> Iterator[Catalog]:
    with Catalog.open(home, database_url, create=True) as opened:
        yield opened


@pytest.fixture
def operator() -> Principal:
    return Principal.operator("cli:tester")


def accepting_gate(dataset, files) -> GateReport:  # type: ignore[no-untyped-def]
    """A gate that accepts every version, for the tests of storage mechanics (atomicity,
    locking, files); the gate's own decisions are tested in test_gate.py with the real one."""
    return GateReport(passed=True, compliance={"checked": dataset.name}, validation=[], problems=[])


@pytest.fixture
def publish(catalog: Catalog, operator: Principal):  # type: ignore[no-untyped-def]
    """`publish(folder, **options)` with the operator's rights and the accepting gate."""

    def run(folder: Path, **options):  # type: ignore[no-untyped-def]
        options.setdefault("actor", operator)
        options.setdefault("create_organization", True)
        options.setdefault("gate", accepting_gate)
        return catalog.publish(folder, **options)

    return run
