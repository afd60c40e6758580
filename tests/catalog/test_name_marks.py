"""Deep offsets of CKAN's package_list without walking them (khlang/api/name_offsets.py):
the catalog's name marks, and pages read from them, equal the offset walk, on both back
ends, with private and withdrawn datasets left out as the listing leaves them out."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from khlang.api.name_offsets import names_at
from khlang.catalog import Catalog, Principal
from tests.catalog.conftest import publish_folders
from tests.catalog.folders import rows_csv, write_folder

NAMES = [f"budget-{letter}" for letter in "abcdefg"]


def fill_with_seven_one_withdrawn(catalog: Catalog) -> None:
    publish_folders(catalog, *[(name, None) for name in NAMES])
    catalog.withdraw("budget-c", actor=Principal.operator("cli:tester"))


CATALOG_FILL = fill_with_seven_one_withdrawn


@pytest.fixture
def seven(catalog: Catalog) -> Catalog:
    """Seven datasets, budget-c withdrawn (CATALOG_FILL)."""
    return catalog


def test_marks_are_every_nth_listed_name(seven: Catalog) -> None:
    listed = seven.names()
    assert listed == [name for name in NAMES if name != "budget-c"]
    assert listed == [summary.name for summary in seven.datasets()]
    for every in (1, 2, 3, 10):
        assert seven.name_marks(every) == listed[::every]


def test_pages_from_the_marks_are_the_offset_walk(seven: Catalog) -> None:
    listed = seven.names()
    for every in (1, 2, 4):
        marks = seven.name_marks(every)
        for offset in range(len(listed) + 2):
            for limit in (None, 0, 1, 2, 5):
                expected = listed[offset:] if limit is None else listed[offset : offset + limit]
                assert names_at(seven, marks, every, offset, limit) == expected, (
                    every, offset, limit
                )  # fmt: skip


def test_the_change_stamp_moves_with_every_publish_withdrawal_and_reinstatement(
    seven: Catalog, publish, operator, tmp_path
) -> None:
    """What the API keeps its name marks and feed totals by (ApiState.while_unchanged)."""
    stamps = [seven.change_stamp()]
    assert seven.change_stamp() == stamps[0]
    publish(write_folder(tmp_path / "new", "budget-h"))
    stamps.append(seven.change_stamp())
    seven.withdraw("budget-h", actor=operator)
    stamps.append(seven.change_stamp())
    seven.reinstate("budget-h", actor=operator)
    stamps.append(seven.change_stamp())
    publish(write_folder(tmp_path / "again", "budget-a", csv=rows_csv(4)))
    stamps.append(seven.change_stamp())
    assert len(set(stamps)) == len(stamps)


def test_the_change_stamp_reads_the_counter_not_the_datasets(seven: Catalog) -> None:
    """The stamp is a sum over the counter's few rows, whatever the catalog's size: one
    statement, which names no dataset table."""
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(seven.engine, "before_cursor_execute", seen)
    try:
        seven.change_stamp()
    finally:
        event.remove(seven.engine, "before_cursor_execute", seen)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, statements
    assert "catalog_changes" in reads[0]
    assert "datasets" not in reads[0]
