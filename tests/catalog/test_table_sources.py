"""The catalog's list of distinct query tables (`table_sources`) follows publishes,
withdrawals and reinstatements, is what counting the current versions gives, and
`catalog check --repair` counts it again when it drifted."""

from __future__ import annotations

from sqlalchemy import delete, update

from khlang.catalog import Catalog, Principal, table_sources
from khlang.catalog.tables import QueryTableSource
from tests.catalog.folders import rows_csv, write_folder


def _kept(catalog: Catalog) -> dict[str, int]:
    """File hash -> datasets holding it, as the kept table says."""
    with catalog.read() as session:
        return {blob: count for (blob, _), count in table_sources.stored(session).items()}


def _counted(catalog: Catalog) -> dict[str, int]:
    with catalog.read() as session:
        found = table_sources.expected(session)
    return {blob: count for (blob, _), (_, _, count) in found.items()}


def test_sources_follow_publish_withdraw_and_reinstate(
    catalog: Catalog, publish, operator: Principal, tmp_path
) -> None:
    shared = rows_csv(3)
    publish(write_folder(tmp_path / "a", "lamphun-budget", csv=shared))
    publish(write_folder(tmp_path / "b", "lampang-budget", csv=shared))  # the same file
    [(blob, count)] = _kept(catalog).items()
    assert count == 2
    [record] = catalog.table_sources()
    assert record.sha256 == blob
    assert record.table_schema["fields"]
    assert record.filename
    assert record.filename.endswith(".csv")

    publish(write_folder(tmp_path / "c", "lamphun-budget", csv=rows_csv(4)))  # a new version
    assert sorted(_kept(catalog).values()) == [1, 1]
    catalog.withdraw("lampang-budget", actor=operator)
    assert list(_kept(catalog).values()) == [1]
    assert blob not in _kept(catalog)
    catalog.reinstate("lampang-budget", actor=operator)
    assert _kept(catalog)[blob] == 1
    assert _kept(catalog) == _counted(catalog)
    assert len(catalog.table_sources()) == 2
    assert catalog.check(actor=operator).ok


def test_check_finds_drifted_sources_and_repair_counts_them_again(
    catalog: Catalog, publish, operator: Principal, tmp_path
) -> None:
    publish(write_folder(tmp_path, "lamphun-budget", second_csv=rows_csv(2, offset=5)))
    before = _kept(catalog)
    assert len(before) == 2
    with catalog.write() as session:
        session.execute(delete(QueryTableSource).where(QueryTableSource.blob_sha256 == min(before)))
        session.execute(update(QueryTableSource).values(datasets=QueryTableSource.datasets + 4))
    codes = [f.code for f in catalog.check(actor=operator).findings]
    assert codes == ["table-sources"]
    catalog.check(actor=operator, repair=True)
    assert catalog.check(actor=operator).ok
    assert _kept(catalog) == before


def test_migration_counts_the_sources_of_an_existing_catalog(
    catalog: Catalog, publish, tmp_path
) -> None:
    """Migration 0011 fills `table_sources` from the current versions already there."""
    from alembic import command

    from khlang.catalog.database import alembic_config

    publish(write_folder(tmp_path / "a", "lamphun-budget", second_csv=rows_csv(2, offset=5)))
    publish(write_folder(tmp_path / "b", "lampang-budget"))
    before = _kept(catalog)
    assert sorted(before.values()) == [1, 2]
    with catalog.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0011-1")
        command.upgrade(alembic_config(connection), "head")
    assert _kept(catalog) == before
