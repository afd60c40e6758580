"""`khlang catalog check` for the area-budget store: does it hold exactly what the catalog's
current, offered versions say, each group counted once?

* `area-store-missing` / `area-store-stale`: a table that should feed the store does not,
  or a table that should not (superseded, withdrawn) still does;
* `area-store-amounts`: a table's stored amounts differ from its file (count or sum);
* `area-store-election`: a group with no counted source, several, or not the best one;
* `area-store-cells`: pre-summed cells (cells.py) that differ from the amounts' sums;
* `area-store-labels`: code labels (labels.py) that differ from the offered versions' schemas.

`--repair` rebuilds the store from the stored files (maintain.rebuild).
"""

from __future__ import annotations

from sqlalchemy import func, select, text

from khlang.catalog.area_budget import labels
from khlang.catalog.area_budget.cells import differences
from khlang.catalog.area_budget.extract import read_amounts, source_tables
from khlang.catalog.area_budget.maintain import files_of, rebuild
from khlang.catalog.context import CatalogContext
from khlang.catalog.records import CheckFinding
from khlang.catalog.tables import AreaAmount, AreaSource, DatasetVersion
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.i18n import Text

_BAD_ELECTION = text(
    "SELECT count(*) FROM (SELECT group_key FROM area_amounts GROUP BY group_key "
    "HAVING count(DISTINCT CASE WHEN counted THEN source_id END) <> 1 "
    "OR count(CASE WHEN counted IS NULL THEN 1 END) > 0) AS bad"
)
_NOT_BEST = text(
    "SELECT count(*) FROM area_amounts a WHERE a.counted AND EXISTS (SELECT 1 FROM "
    "area_amounts b WHERE b.group_key = a.group_key AND (b.rank < a.rank OR "
    "(b.rank = a.rank AND b.source_id < a.source_id)))"
)

Key = tuple[str, int, str]
"""(dataset, version, resource id)"""


def _expected(catalog: CatalogContext) -> dict[Key, tuple[int, int]]:
    """What each table that should feed the store holds: (amounts, satang)."""
    expected: dict[Key, tuple[int, int]] = {}
    with catalog.read() as session:
        rows = session.execute(
            select(DatasetRow.name, DatasetVersion)
            .join(DatasetVersion, DatasetVersion.id == DatasetRow.current_version_id)
            .where(DatasetRow.state == "active")
        ).all()
        for name, version in rows:
            for table in source_tables(files_of(session, catalog.blobs, version)):
                count = total = 0
                for _, frame in read_amounts(table):
                    count += len(frame)
                    total += int(frame["amount"].sum())
                expected[(name, version.number or 0, table.file.resource_id)] = (count, total)
    return expected


def _stored(catalog: CatalogContext) -> dict[Key, tuple[int, int]]:
    with catalog.read() as session:
        rows = session.execute(
            select(
                AreaSource.dataset,
                AreaSource.version,
                AreaSource.resource_id,
                func.count(AreaAmount.id),
                func.coalesce(func.sum(AreaAmount.amount), 0),
            )
            .outerjoin(AreaAmount, AreaAmount.source_id == AreaSource.id)
            .group_by(AreaSource.dataset, AreaSource.version, AreaSource.resource_id)
        ).all()
    return {(name, version, resource): (int(n), int(s)) for name, version, resource, n, s in rows}


def check_store(catalog: CatalogContext, *, repair: bool) -> list[CheckFinding]:
    expected, stored = _expected(catalog), _stored(catalog)
    problems: list[tuple[str, str, Text]] = []
    for key in sorted(expected.keys() - stored.keys()):
        problems.append(("area-store-missing", _subject(key), _MISSING))
    for key in sorted(stored.keys() - expected.keys()):
        problems.append(("area-store-stale", _subject(key), _STALE))
    for key in sorted(expected.keys() & stored.keys()):
        if expected[key] != stored[key]:
            (n_file, s_file), (n_store, s_store) = expected[key], stored[key]
            problems.append(
                (
                    "area-store-amounts",
                    _subject(key),
                    Text(
                        th=f"ไฟล์มี {n_file} จำนวนเงิน รวม {s_file / 100:,.2f} บาท แต่คลังรวมพื้นที่มี "
                        f"{n_store} รวม {s_store / 100:,.2f} บาท",
                        en=f"the file holds {n_file} amounts totalling {s_file / 100:,.2f} baht; "
                        f"the area store holds {n_store} totalling {s_store / 100:,.2f}",
                    ),
                )
            )
    with catalog.read() as session:
        bad = int(session.scalar(_BAD_ELECTION) or 0) + int(session.scalar(_NOT_BEST) or 0)
        wrong_cells = differences(session)
        wrong_labels = labels.differences(session)
    if bad:
        problems.append(("area-store-election", "area_amounts", _election(bad)))
    if wrong_cells:
        problems.append(("area-store-cells", "area_cells", _cells(wrong_cells)))
    if wrong_labels:
        problems.append(("area-store-labels", "area_code_labels", _labels(wrong_labels)))
    if repair and problems:
        with catalog.write() as session:
            rebuild(session, catalog.blobs)
    return [
        CheckFinding(code=code, severity="error", subject=subject, message=message, repaired=repair)
        for code, subject, message in problems
    ]


def _subject(key: Key) -> str:
    return f"{key[0]}@{key[1]}: {key[2]}"


def _election(count: int) -> Text:
    return Text(
        th=f"{count} กลุ่มจำนวนเงินนับไม่ถูกต้อง (ไม่มีแหล่งที่นับ นับหลายแหล่ง หรือไม่ใช่แหล่งที่ควรนับ)",
        en=f"{count} groups of amounts are counted wrongly (no source counted, several, or "
        "not the best one)",
    )


def _cells(count: int) -> Text:
    return Text(
        th=f"ผลรวมสำเร็จรูป {count} แถวไม่ตรงกับจำนวนเงินในคลัง (--repair เพื่อคำนวณใหม่)",
        en=f"{count} pre-summed cells differ from the stored amounts (--repair recomputes them)",
    )


def _labels(count: int) -> Text:
    return Text(
        th=f"ป้ายรหัส {count} แถวไม่ตรงกับ Table Schema ของรุ่นที่เผยแพร่อยู่ (--repair เพื่อสร้างใหม่)",
        en=f"{count} code labels differ from the offered versions' Table Schemas (--repair "
        "rebuilds them)",
    )


_MISSING = Text(
    th="ตารางนี้ควรอยู่ในคลังงบประมาณรายพื้นที่แต่ไม่มี (--repair เพื่อสร้างใหม่)",
    en="this table should feed the area-budget store but does not (--repair rebuilds it)",
)
_STALE = Text(
    th="ตารางของรุ่นที่ถูกแทนที่หรือถอนแล้วยังอยู่ในคลังงบประมาณรายพื้นที่ (--repair เพื่อสร้างใหม่)",
    en="a table of a superseded or withdrawn version still feeds the area-budget store "
    "(--repair rebuilds it)",
)
