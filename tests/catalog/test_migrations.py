"""The Alembic migrations shipped in the package create exactly the tables the models
describe, on both back ends, and can be undone and redone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from khlang.catalog import Catalog, Principal
from khlang.catalog.database import (
    alembic_config,
    current_revision,
    head_revision,
    with_installed_driver,
)
from khlang.catalog.schema import METADATA
from khlang.catalog.search.tables import BYTE_ORDER_INDEXES, FTS_TABLE
from tests.migrated import MigratedStore
from tests.postgres import describe, dropper, schema_url

OPERATOR = Principal.operator("cli:tester")


@pytest.fixture
def catalog(home: Path, database_url: str) -> Iterator[Catalog]:
    """A new catalog that its migrations build here; the other tests' catalogs are copies of
    one migrated once a session (tests/migrated.py), which the last test checks."""
    with Catalog.open(home, database_url, create=True) as opened:
        yield opened


def _described(name: str | None, kind: str, _parents: object) -> bool:
    """Every object but SQLite's FTS5 search table and its shadow tables, which the
    migration creates beside the models (SQLAlchemy does not describe virtual tables)."""
    return not (kind == "table" and name is not None and name.startswith(FTS_TABLE))


def _for_dialect(dialect: str) -> Callable[..., bool]:
    """Every object, but those the models create on another back end only (`ddl_if`:
    PostgreSQL's GIN index of facets and C-collated sort indexes) and the C-collated indexes,
    whose collation reflection does not read (`test_byte_order_indexes` checks them)."""

    def kept(item: object, name: object, _kind: object, _reflected: object, _to: object) -> bool:
        condition = getattr(item, "_ddl_if", None)
        if name in BYTE_ORDER_INDEXES:
            return False
        return condition is None or condition.dialect in (None, dialect)

    return kept


def test_migrated_schema_matches_the_models(catalog: Catalog) -> None:
    assert current_revision(catalog.engine) == head_revision()
    with catalog.engine.connect() as connection:
        options = {
            "compare_type": True,
            "include_name": _described,
            "include_object": _for_dialect(connection.dialect.name),
        }
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, METADATA) == []


def test_byte_order_indexes(home: Path, postgres_schema_url: str) -> None:
    """On PostgreSQL, search's name, id and title sorts (`COLLATE "C"`) have their indexes
    (SQLite compares bytes already: the unique name index serves the sort)."""
    with (
        Catalog.open(home, postgres_schema_url, create=True) as catalog,
        catalog.engine.connect() as connection,
    ):
        found = dict(
            connection.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_entries'"
                )
            ).all()
        )
    for name, columns in BYTE_ORDER_INDEXES.items():
        collated = ", ".join(f'{column} COLLATE "C"' for column in columns)
        assert f"({collated}) INCLUDE (id, private, organization)" in found[name]


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


_SQLITE_SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"


def _schema(engine: Engine) -> list[tuple[str, ...]]:
    """What a store holds, as the database describes it (PostgreSQL's without its schema's
    name: tests/postgres.py's `describe`)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = [tuple(map(str, row)) for row in connection.execute(text(_SQLITE_SCHEMA))]
        else:
            rows = describe(connection)
    return sorted((*row[:3], _lines(row[3])) for row in rows)


def _lines(sql: str) -> str:
    """SQLite's CREATE TABLE with its lines sorted: batch migrations rebuild a table with its
    constraints in a set's order, which differs from one process to the next."""
    return "\n".join(sorted(line.strip().rstrip(",") for line in sql.splitlines()))


def test_a_seeded_store_is_the_migrated_one(
    catalog: Catalog,
    database_url: str,
    migrated_store: MigratedStore,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    """The other tests' catalogs start from tests/migrated.py's copy of a migrated store (a
    file copied, or the migrations' statements sent again): the same schema object for
    object as the migrations build."""
    with ExitStack() as stack:
        url = None
        if database_url.startswith("postgresql"):
            url = stack.enter_context(schema_url(request.getfixturevalue("postgres_server")))
        migrated_store.seed(tmp_path / "seeded", url)
        seeded = stack.enter_context(Catalog.open(tmp_path / "seeded", url))
        described = _schema(seeded.engine)
        assert len(described) > 50  # tables, indexes (and columns, constraints)
        assert described == _schema(catalog.engine)


def fill_with_an_organization(catalog: Catalog) -> None:
    """Rows in a few tables, and sequences moved, for the spare test."""
    catalog.accounts.create_organization("province", actor=OPERATOR)
    catalog.accounts.create_user("somsri", actor=OPERATOR, email="somsri@example.go.th")


def _content(engine: Engine) -> tuple[list[tuple[str, ...]], dict[str, list[str]], list[str]]:
    """A PostgreSQL store's schema and what it holds: every table's rows, and every
    sequence's value (the identifiers the next rows get)."""
    with engine.connect() as connection:
        relations = connection.execute(
            text(
                "SELECT relname, relkind FROM pg_class WHERE relkind IN ('r', 'S')"
                " AND relnamespace = current_schema()::regnamespace ORDER BY relname"
            )
        ).all()
        query = 'SELECT {} FROM "{}"'
        rows = {
            name: sorted(map(str, connection.execute(text(query.format("*", name)))))
            for name, kind in relations
            if kind == "r"
        }
        sequences = [
            f"{name} {connection.execute(text(query.format('last_value, is_called', name))).one()}"
            for name, kind in relations
            if kind == "S"
        ]
        return describe(connection), rows, sequences


def test_a_spare_schema_holds_what_the_replayed_statements_make(
    postgres_server: str, migrated_store: MigratedStore, tmp_path: Path
) -> None:
    """A test's PostgreSQL store is an earlier test's schema, emptied and refilled
    (tests/postgres.py keeps it as a spare), whenever one is kept: the same schema, rows and
    sequences as the statements replayed on a new schema make, whatever the earlier test
    wrote."""
    fill = fill_with_an_organization
    with schema_url(postgres_server) as used:
        migrated_store.seed(tmp_path / "used", used, fill=fill)
        with Catalog.open(tmp_path / "used", used) as catalog:
            catalog.accounts.create_organization("district", actor=OPERATOR)
            catalog.accounts.set_member("province", "somsri", "editor", actor=OPERATOR)
    dropper(postgres_server).settled()
    with ExitStack() as stack:
        refilled, replayed = (stack.enter_context(schema_url(postgres_server)) for _ in "ab")
        before = _namespace(refilled)
        migrated_store.seed(tmp_path / "refilled", refilled, fill=fill)
        # Only a superuser's schemas are kept (tests/postgres.py); the default role is one.
        took_a_spare = _namespace(refilled) != before
        assert took_a_spare == (dropper(postgres_server).shape is not None)
        migrated_store.seed(tmp_path / "replayed", replayed, fill=fill, spare=False)
        stores = [
            stack.enter_context(Catalog.open(tmp_path / name, url))
            for name, url in (("refilled", refilled), ("replayed", replayed))
        ]
        spare, new = (_content(store.engine) for store in stores)
        assert len(new[1]["organizations"]) == 1
        assert any(" (1, False)" not in sequence for sequence in new[2])  # some were moved
        assert spare == new


def _namespace(url: str) -> int:
    """The object id of the schema a URL of tests/postgres.py names."""
    engine = create_engine(with_installed_driver(make_url(url)))
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT current_schema()::regnamespace::oid")
            ).scalar_one()
    finally:
        engine.dispose()
