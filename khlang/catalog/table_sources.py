"""The distinct tables of the offered datasets' current versions, kept as the catalog changes.

An API worker prepares the query table of every distinct (file, Table Schema) pair that a
current version holds. Finding them by reading every current version's metadata took 237 s
at 100,000 datasets on PostgreSQL, so the catalog keeps them in `table_sources`, with the
number of offered datasets holding each: the publish commit, the withdrawal and the
reinstatement move the counts of the version that stops counting and the one that starts
(`move`, in their transaction), and a worker reads the few rows whose count is above zero.
`rebuild` counts them again from the current versions in one statement (migration 0011's
fill, `khlang catalog check --repair`); `check_sources` compares the two.

A resource counts when it has a stored file and its schema is stored by hash (a JSON object:
`table_schemas.split`); whether its format can be loaded is the API's question.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from khlang.catalog.context import CatalogContext
from khlang.catalog.database import upsert
from khlang.catalog.records import CheckFinding, TableSourceRecord
from khlang.catalog.table_schemas import documents_of
from khlang.catalog.tables import QueryTableSource
from khlang.i18n import Text

Key = tuple[str, str]
"""(file SHA-256, schema SHA-256)."""
Counted = tuple[str | None, str | None, int]
"""(a declared format, a file name, datasets) of a source."""

_RESOURCES = {
    # each version's metadata read once (one detoast), its resources numbered from 0
    "postgresql": "CROSS JOIN LATERAL jsonb_array_elements(v.metadata -> 'resources') "
    "WITH ORDINALITY AS r(value, n) JOIN version_resources vr ON vr.version_id = v.id "
    "AND vr.position = r.n - 1",
    "sqlite": "JOIN json_each(v.metadata, '$.resources') AS r JOIN version_resources vr "
    "ON vr.version_id = v.id AND vr.position = r.key",
}
_SCHEMA = {"postgresql": "r.value ->> 'schema'", "sqlite": "json_extract(r.value, '$.schema')"}
_BY_HASH = {
    "postgresql": "v.schema_positions @> to_jsonb(vr.position)",
    "sqlite": "EXISTS (SELECT 1 FROM json_each(v.schema_positions) AS p "
    "WHERE p.value = vr.position)",
}
_CURRENT = "JOIN datasets d ON d.current_version_id = v.id AND d.state = 'active'"
_ONE = "WHERE v.id = :version"


def _counted(session: Session, join: str, where: str, **params: Any) -> dict[Key, Counted]:
    """(file, schema) -> (format, filename, datasets) of the versions `join` and `where`
    select: one statement, the JSON read by the database (no version is loaded into
    Python)."""
    dialect = session.get_bind().dialect.name
    # `join`, `where` and the dialect's fragments are this module's constants; values are bound.
    statement = text(
        f"SELECT vr.blob_sha256, {_SCHEMA[dialect]} AS schema_sha256, min(vr.format), "  # noqa: S608
        f"min(vr.filename), count(DISTINCT v.dataset_id) FROM dataset_versions v {join} "
        f"{_RESOURCES[dialect]} {where or 'WHERE TRUE'} AND vr.blob_sha256 IS NOT NULL "
        f"AND {_BY_HASH[dialect]} GROUP BY 1, 2"
    )
    return {
        (blob, schema): (format, filename, count)
        for blob, schema, format, filename, count in session.execute(statement, params)
        if schema
    }


def expected(session: Session) -> dict[Key, Counted]:
    """The sources of every offered dataset's current version, counted from the versions."""
    return _counted(session, _CURRENT, "")


def move(session: Session, before: str | None, after: str | None) -> None:
    """The version `before` stops counting and `after` starts (either may be None): the
    counts of the sources they hold move by the difference, in key order (two writers
    moving the same sources lock them in the same order)."""
    if before == after:
        return
    gone = _counted(session, "", _ONE, version=before) if before else {}
    added = _counted(session, "", _ONE, version=after) if after else {}
    delta: Counter[Key] = Counter(dict.fromkeys(added, 1))
    delta.subtract(dict.fromkeys(gone, 1))
    for key in sorted(delta):
        if delta[key]:
            format, filename, _ = added.get(key) or gone[key]
            _add(session, key, format, filename, delta[key])


def _add(session: Session, key: Key, format: str | None, filename: str | None, by: int) -> None:
    row = {"blob_sha256": key[0], "schema_sha256": key[1], "format": format,
           "filename": filename, "datasets": max(by, 0)}  # fmt: skip
    statement = upsert(session, QueryTableSource).values(row)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["blob_sha256", "schema_sha256"],
            set_={"datasets": QueryTableSource.datasets + by},
        )
    )


def rebuild(session: Session) -> int:
    """Count every source again from the current versions; the number of sources."""
    session.execute(delete(QueryTableSource))
    rows = [
        {"blob_sha256": blob, "schema_sha256": schema, "format": format, "filename": filename,
         "datasets": count}
        for (blob, schema), (format, filename, count) in expected(session).items()
    ]  # fmt: skip
    for start in range(0, len(rows), 1000):
        session.execute(insert(QueryTableSource), rows[start : start + 1000])
    return len(rows)


def stored(session: Session) -> dict[Key, int]:
    """(file, schema) -> datasets, for the sources some offered dataset holds."""
    query = select(QueryTableSource.blob_sha256, QueryTableSource.schema_sha256,
                   QueryTableSource.datasets).where(QueryTableSource.datasets > 0)  # fmt: skip
    return {(blob, schema): count for blob, schema, count in session.execute(query)}


def current_sources(session: Session) -> list[TableSourceRecord]:
    """The sources to prepare: a few rows and their schemas, whatever the catalog's size."""
    rows = session.scalars(
        select(QueryTableSource)
        .where(QueryTableSource.datasets > 0)
        .order_by(QueryTableSource.datasets.desc(), QueryTableSource.blob_sha256)
    ).all()
    documents = documents_of(session, {row.schema_sha256 for row in rows})
    return [
        TableSourceRecord(
            sha256=row.blob_sha256,
            schema_sha256=row.schema_sha256,
            table_schema=documents[row.schema_sha256],
            format=row.format,
            filename=row.filename,
        )
        for row in rows
        if row.schema_sha256 in documents
    ]


_STALE = Text(
    th="ตารางแหล่งข้อมูลสำหรับการค้นหาแถว (table_sources) ไม่ตรงกับรุ่นปัจจุบันของชุดข้อมูล "
    "เซิร์ฟเวอร์ที่เริ่มใหม่จะเตรียมตารางไม่ครบหรือเกิน",
    en="the table sources (table_sources) do not match the datasets' current versions: a "
    "starting server would prepare too few or too many query tables",
)


def check_sources(catalog: CatalogContext, *, repair: bool) -> list[CheckFinding]:
    """`table-sources`: the kept counts differ from the current versions -> count again."""
    with catalog.read() as session:
        wanted = {key: found[2] for key, found in expected(session).items()}
        differ = stored(session) != wanted
    if not differ:
        return []
    if repair:
        with catalog.write() as session:
            rebuild(session)
    return [
        CheckFinding(code="table-sources", severity="error", subject="table_sources",
                     message=_STALE, repaired=repair)
    ]  # fmt: skip
