"""`khlang catalog check` of the search tables: is every offered dataset found as its current
version is, and nothing else?

Findings (code: meaning -> what `--repair` does):

* `search-missing`: an offered dataset has no entry -> write it;
* `search-stale`: an entry holds another version or visibility than the dataset's current
  one, or a dataset that is no longer offered -> rewrite or remove it;
* `search-words`: the words do not match the entries (an FTS5 row without its entry or the
  reverse; a PostgreSQL entry without its `tsvector`) -> rebuild every entry;
* `search-counts`: the facet counts kept for searches without a condition (`counts`)
  differ from the entries' values -> count them again.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from khlang.catalog.context import CatalogContext
from khlang.catalog.records import CheckFinding
from khlang.catalog.search import counts, maintain
from khlang.catalog.search.tables import FTS_TABLE, SearchCount, SearchEntry
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.i18n import Text

_MESSAGES = {
    "search-missing": Text(
        th="ชุดข้อมูลนี้ค้นหาไม่พบ: ไม่มีในตารางค้นหา",
        en="the dataset is not in the search tables: search does not find it",
    ),
    "search-stale": Text(
        th="ตารางค้นหาเก็บรุ่นหรือการเปิดเผยที่ไม่ใช่รุ่นปัจจุบันของชุดข้อมูลนี้",
        en="the search tables hold another version or visibility than the dataset's current one",
    ),
    "search-counts": Text(
        th="จำนวนชุดข้อมูลต่อค่าตัวกรองที่เก็บไว้ไม่ตรงกับตารางค้นหา",
        en="the facet counts kept for the catalog do not match the search entries",
    ),
    "search-words": Text(
        th="ดัชนีคำของการค้นหาไม่ตรงกับตารางค้นหา",
        en="the search words do not match the search entries",
    ),
}


def check_search(catalog: CatalogContext, *, repair: bool) -> list[CheckFinding]:
    with catalog.read() as session:
        expected = _expected(session)
        stored = {
            dataset_id: (version_id, private, name)
            for dataset_id, version_id, private, name in session.execute(
                select(
                    SearchEntry.dataset_id,
                    SearchEntry.version_id,
                    SearchEntry.private,
                    SearchEntry.name,
                )
            )
        }
        words_differ = _words_differ(session)
        counts_differ = counts.stored(session) != counts.counted(session)
    problems = [
        ("search-missing", dataset_id, expected[dataset_id][2])
        for dataset_id in sorted(expected.keys() - stored.keys())
    ]
    problems += [
        ("search-stale", dataset_id, stored[dataset_id][2])
        for dataset_id in sorted(stored.keys())
        if stored[dataset_id] != expected.get(dataset_id)
    ]
    if words_differ:
        problems.append(("search-words", "", FTS_TABLE))
    if counts_differ:
        problems.append(("search-counts", "", SearchCount.__tablename__))
    if repair and problems:
        with catalog.write() as session:
            if words_differ:
                maintain.rebuild(session)
            else:
                for _, dataset_id, _ in problems:
                    if dataset_id:
                        maintain.refresh(session, dataset_id)
            if counts_differ:
                counts.recount(session)
    return [
        CheckFinding(
            code=code, severity="error", subject=name, message=_MESSAGES[code], repaired=repair
        )
        for code, _, name in problems
    ]


def _expected(session: Session) -> dict[str, tuple[str, bool, str]]:
    """Dataset id -> (current version, visibility, name) of every offered dataset."""
    rows = session.execute(
        select(
            DatasetRow.id, DatasetRow.current_version_id, DatasetRow.private, DatasetRow.name
        ).where(DatasetRow.state == "active", DatasetRow.current_version_id.is_not(None))
    )
    return {
        dataset_id: (str(version), private, name) for dataset_id, version, private, name in rows
    }


def _words_differ(session: Session) -> bool:
    if session.get_bind().dialect.name == "postgresql":
        return bool(session.scalar(select(func.count()).where(SearchEntry.words.is_(None))))
    unmatched = text(
        f"SELECT count(*) FROM {FTS_TABLE} t LEFT JOIN search_entries e ON e.id = t.rowid "  # noqa: S608
        "WHERE e.id IS NULL"
    )
    entries = session.scalar(select(func.count()).select_from(SearchEntry)) or 0
    texts = session.scalar(text(f"SELECT count(*) FROM {FTS_TABLE}")) or 0  # noqa: S608
    return bool(session.scalar(unmatched)) or entries != texts
