"""Bulk copies for bench/scale.py: hundreds of thousands of datasets, written as a publish
writes them, in minutes.

How a copy is made. Each copy is one of the templates (published through the gate by
scale.py) under another organisation, fiscal year, title, tags, province and visibility (1
in 20 private). Its rows are the ones `Catalog.publish` commits (publish.py):

* `datasets` (lock_version 1, title_key) pointing at one published `dataset_versions` row
  whose metadata is the template's as stored (Table Schemas by hash), with the copy's fields,
  its `modified` and each resource's `issued` / `modified` set to its publication time, and
  the gate's checks of the template (the files are the template's, so are the checks);
* `resources` and `version_resources` pointing at the template's stored files;
* the audit entries `dataset.create`, `version.stage` and `version.publish` with their
  details;
* the search entry and exact values that `search.maintain.refresh` writes in the publish's
  transaction, built by the same code (`maintain.postgres_entry`, `words_expression`);
* the counts each publish moves by its difference (the facet counts of `search_counts`, the
  datasets of each query table in `table_sources`), counted once after the last copy by
  `counts.recount` and `table_sources.rebuild`, which give the same totals.

Organisations are created through `Catalog.accounts.create_organization`, as an
administrator does. Only the templates whose tables feed no area-budget store are copied: a
copy of the budget-allocation or LAO revenue template would feed the template's 26,000 or
8,000 amounts into the store again under another organisation (a real publish does), which
is billions of rows at 500,000 datasets, all the same province's figures; the two templates
that feed the store are in the catalog once, through the gate.

How they are written: rows are built in chunks of `CHUNK` datasets and streamed with
PostgreSQL's `COPY` (psycopg2's `copy_expert`), one transaction per chunk, by a writer
thread while the next chunk is built. Search entries go through a temporary staging table
so that PostgreSQL computes their English stems with the same expression as a publish.
Thai is segmented by `search.words` (each distinct phrase once, as in production). At the
end the database is vacuumed and analysed, the state autovacuum keeps a live catalog in.
`check_copies` (scale.py --check) verifies a small build: the search tables equal what
`maintain.rebuild` writes, and `khlang catalog check` finds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from pydantic import TypeAdapter
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Session

from khlang.catalog import Catalog, Principal, changes, table_sources
from khlang.catalog.search import counts, maintain
from khlang.catalog.search.tables import SearchEntry
from khlang.catalog.tables import (
    AreaSource,
    Dataset,
    DatasetVersion,
    Organization,
    Resource,
    VersionResource,
)
from khlang.i18n import Text as Words
from khlang.metadata.matching import normalise

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "khlang" / "publishers" / "reference"
OPERATOR_NAME = "bench:scale"
CHUNK = 5000
LAST_YEAR = 2568
PRIVATE_EVERY = 20
EMAIL = "opendata@example.go.th"
_JSON_TIME = TypeAdapter(dt.datetime)


# --- what is copied --------------------------------------------------------------------------


def organizations(count: int) -> list[dict[str, str]]:
    """LAO-like organisations, spread over every province: (name, Thai and English titles)."""
    with (REFERENCE / "provinces.csv").open(encoding="utf-8") as handle:
        provinces = {row["province_code"]: row for row in csv.DictReader(handle)}
    with (REFERENCE / "subdistricts.csv").open(encoding="utf-8") as handle:
        subdistricts = list(csv.DictReader(handle))
    step = max(1, len(subdistricts) // count)
    found = []
    for row in subdistricts[::step][:count]:
        code = row["subdistrict_code"]
        province = provinces[code[:2]]
        found.append(
            {
                "name": f"lao-{code}",
                "title_th": f"องค์การบริหารส่วนตำบล{row['name_th']} จังหวัด{province['name_th']}",
                "title_en": f"{row['name_en']} SAO, {province['name_en']}",
                "province": code[:2],
                "province_th": province["name_th"],
                "province_en": province["name_en"],
            }
        )
    return found


def templates_to_copy(catalog: Any, names: list[str]) -> list[dict[str, Any]]:
    """The published templates whose tables feed no area-budget store, as stored."""
    with catalog.read() as session:
        feeding = set(session.scalars(select(AreaSource.dataset).distinct()))
        templates = []
        for name in names:
            if name in feeding:
                continue
            row = session.scalar(select(Dataset).where(Dataset.name == name))
            version = session.get(DatasetVersion, row.current_version_id)
            links = session.execute(
                select(VersionResource, Resource.key)
                .join(Resource, Resource.id == VersionResource.resource_id)
                .where(VersionResource.version_id == version.id)
                .order_by(VersionResource.position)
            ).all()
            templates.append(
                {
                    "suffix": name.removeprefix("scale-template-"),
                    "metadata": version.metadata_,  # as stored: schemas by hash
                    "schema_positions": version.schema_positions,
                    "checks": version.checks,
                    "staged": version.staged,
                    "links": [(link, key) for link, key in links],
                }
            )
    print(f"copied templates: {', '.join(t['suffix'] for t in templates)} (the others feed "
          f"the area-budget store: {', '.join(sorted(feeding))})")  # fmt: skip
    return templates


def copy_metadata(
    template: dict[str, Any], organization: dict[str, str], year: int, private: bool, name: str,
    when: str,
) -> dict[str, Any]:  # fmt: skip
    """The template's stored metadata with the copy's fields; `modified` and the resources'
    dates are its publication time, as a publish sets them."""
    metadata = dict(template["metadata"])
    base_th = metadata["title"].split(" – ")[0]
    base_en = (metadata.get("title_en") or "").split(" – ")[0]
    metadata.update(
        name=name,
        title=f"{base_th} {organization['title_th']} ปีงบประมาณ {year}",
        title_en=f"{base_en}, {organization['title_en']}, fiscal year {year}",
        owner_org=organization["name"],
        maintainer=organization["name"],
        publisher={"name": organization["name"], "email": EMAIL},
        tags=[*metadata.get("tags", []), organization["province_th"]],
        spatial=[organization["province"]],
        first_year_of_data=str(year),
        last_year_of_data=str(year),
        temporal={"start": f"{year - 544}-10-01", "end": f"{year - 543}-09-30"},
        private=private,
        modified=when,
        resources=[{**r, "issued": when, "modified": when} for r in metadata["resources"]],
    )
    if private:
        metadata.update(
            data_category="ข้อมูลใช้ภายใน",
            data_classification="ชั้นเผยแพร่ภายในองค์กร",
            allow_harvest=False,
        )
    return metadata


def create_organizations(catalog: Any, found: list[dict[str, str]]) -> dict[str, Organization]:
    """The organisations, created as an administrator creates them (with their audit)."""
    operator = Principal.operator(OPERATOR_NAME)
    for org in found:
        catalog.accounts.create_organization(
            org["name"], actor=operator, title=Words(th=org["title_th"], en=org["title_en"]),
            catalog_type="local_government", email=EMAIL,
        )  # fmt: skip
    with catalog.read() as session:
        rows = session.scalars(select(Organization)).all()
        session.expunge_all()
    return {row.name: row for row in rows}


# --- COPY text ----------------------------------------------------------------------------------


def _field(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, _TextArray):
        value = "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                               for v in value) + "}"  # fmt: skip
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dt.datetime):
        value = value.isoformat()
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class _TextArray(list[str]):
    """A list written as a PostgreSQL text[] (the facets), not as JSON."""


class _Rows:
    """COPY buffers of one chunk, table by table."""

    def __init__(self, columns: dict[str, tuple[str, ...]]) -> None:
        self.columns = columns
        self.buffers = {table: io.StringIO() for table in columns}
        self.datasets: list[str] = []

    def add(self, table: str, row: dict[str, Any]) -> None:
        line = "\t".join(_field(row.get(column)) for column in self.columns[table])
        self.buffers[table].write(line + "\n")


_STAGING = Table(
    "bench_search_staging",
    MetaData(),
    Column("id", BigInteger),
    *(Column(name, Text) for name in ("dataset_id", "version_id", "name", "organization")),
    Column("private", Boolean),
    Column("title_key", Text),
    Column("modified", BigInteger),
    Column("created", BigInteger),
    Column("num_resources", Integer),
    Column("num_tags", Integer),
    Column("card", JSONB),
    Column("facets", ARRAY(Text)),
    Column("lexemes", Text),
    *(Column(f"english_{weight}", Text) for weight in "ABCD"),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DELETE ROWS",
)
"""Search entries as `maintain.postgres_entry` gives them; PostgreSQL turns them into
entries with `maintain.words_expression` (its English stems)."""

_ENTRY_COLUMNS = tuple(c.name for c in _STAGING.columns if c.name not in {"lexemes"}
                       and not c.name.startswith("english_"))  # fmt: skip
COLUMNS = {
    "datasets": ("id", "name", "organization_id", "lock_version", "title", "title_key",
                 "private", "state", "created_at", "updated_at"),
    "dataset_versions": ("id", "dataset_id", "number", "status", "content_hash", "metadata",
                         "schema_positions", "author", "checks", "source", "created_at",
                         "published_at", "owner", "staged"),
    "resources": ("id", "dataset_id", "key", "created_at"),
    "version_resources": ("version_id", "resource_id", "position", "blob_sha256", "filename",
                          "media_type", "byte_size", "format", "issued", "modified"),
    "audit_log": ("at", "actor", "action", "object_type", "object_id", "object_name",
                  "detail"),
    "bench_search_staging": tuple(c.name for c in _STAGING.columns),
    "search_values": ("entry_id", "field", "value"),
}  # fmt: skip
"""The tables a chunk writes, in the order it writes them (foreign keys first)."""


# --- building and writing -----------------------------------------------------------------------


class Plan:
    """Which template, organisation, fiscal year and visibility copy `i` has: organisations
    vary fastest, then templates, then fiscal years counting back from `LAST_YEAR`, so every
    name is unique; as many fiscal years as the count needs."""

    def __init__(self, count: int, orgs: list[dict[str, str]], templates: int) -> None:
        self.count, self.orgs, self.templates = count, orgs, templates
        self.years = max(1, math.ceil(count / (len(orgs) * templates)))

    def of(self, i: int) -> tuple[dict[str, str], int, int, bool]:
        organization = self.orgs[i % len(self.orgs)]
        template = (i // len(self.orgs)) % self.templates
        year = LAST_YEAR - i // (len(self.orgs) * self.templates)
        return organization, template, year, i % PRIVATE_EVERY == PRIVATE_EVERY - 1


def _chunk(
    plan: Plan,
    templates: list[dict[str, Any]],
    orgs: dict[str, Organization],
    first: int,
    first_entry: int,
    now: dt.datetime,
) -> _Rows:
    rows = _Rows(COLUMNS)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    for i in range(first, min(plan.count, first + CHUNK)):
        organization, which, year, private = plan.of(i)
        template = templates[which]
        org = orgs[organization["name"]]
        name = f"{organization['name']}-{template['suffix']}-{year}"
        when = now - dt.timedelta(seconds=plan.count - i)
        metadata = copy_metadata(
            template, organization, year, private, name, _JSON_TIME.dump_python(when, mode="json")
        )
        digest = hashlib.sha256(json.dumps(metadata, sort_keys=True).encode()).hexdigest()
        dataset = Dataset(
            id=str(uuid.uuid4()), name=name, organization_id=org.id, lock_version=1,
            title=metadata["title"], title_key=normalise(metadata["title"]), private=private,
            state="active", created_at=when, updated_at=when,
        )  # fmt: skip
        version = DatasetVersion(
            id=str(uuid.uuid4()), dataset_id=dataset.id, number=1, status="published",
            content_hash=f"sha256:{digest}", metadata_=metadata,
            schema_positions=template["schema_positions"], author=OPERATOR_NAME,
            checks=template["checks"], source="bench", created_at=when, published_at=when,
            owner=owner, staged=template["staged"],
        )  # fmt: skip
        rows.add("datasets", _values(dataset))
        rows.datasets.append(dataset.id)
        rows.add("dataset_versions", {**_values(version), "metadata": metadata})
        for link, key in template["links"]:
            resource = {"id": str(uuid.uuid4()), "dataset_id": dataset.id, "key": key,
                        "created_at": when}  # fmt: skip
            rows.add("resources", resource)
            rows.add("version_resources", {**_values(link), "version_id": version.id,
                     "resource_id": resource["id"], "issued": when, "modified": when})  # fmt: skip
        for action, detail in (
            ("dataset.create", {"organization": org.name}),
            ("version.stage", {"version_id": version.id, "hash": version.content_hash}),
            ("version.publish", {"version": 1, "hash": version.content_hash, "change_note": None}),
        ):
            rows.add("audit_log", {"at": when, "actor": OPERATOR_NAME, "action": action,
                     "object_type": "dataset", "object_id": dataset.id, "object_name": name,
                     "detail": detail})  # fmt: skip
        entry, values = maintain.postgres_entry(dataset, version, org)
        entry_id = first_entry + i
        rows.add("bench_search_staging",
                 {**entry, "id": entry_id, "facets": _TextArray(entry["facets"])})  # fmt: skip
        for field, value in values:
            rows.add("search_values", {"entry_id": entry_id, "field": field, "value": value})
    return rows


def _values(row: Any) -> dict[str, Any]:
    return {column.name: getattr(row, key) for key, column in _mapped_columns(row).items()}


def _mapped_columns(row: Any) -> dict[str, Any]:
    return {attribute.key: attribute.columns[0] for attribute in row.__mapper__.column_attrs}


_INSERT_ENTRIES = insert(SearchEntry).from_select(
    [*_ENTRY_COLUMNS, "words"],
    select(
        *(_STAGING.c[name] for name in _ENTRY_COLUMNS),
        maintain.words_expression(lambda name: _STAGING.c[name]),
    ),
)
"""The staged entries as search entries, their words computed as a publish computes them."""


def _write(connection: Any, rows: _Rows) -> None:
    """One chunk in one transaction: COPY each table, point each dataset at its version,
    turn the staged search entries into entries."""
    with connection.begin():
        cursor = connection.connection.dbapi_connection.cursor()
        for table, columns in rows.columns.items():
            buffer = rows.buffers[table]
            buffer.seek(0)
            names = ", ".join(f'"{c}"' for c in columns)
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
            if table == "dataset_versions":  # the pointer move that makes each visible
                cursor.execute(
                    "UPDATE datasets d SET current_version_id = v.id FROM dataset_versions v "
                    "WHERE v.dataset_id = d.id AND d.id = ANY(%s)",
                    (rows.datasets,),
                )
            if table == _STAGING.name:
                connection.execute(_INSERT_ENTRIES)


def bulk_copies(
    catalog: Any, templates: list[dict[str, Any]], count: int, orgs: int
) -> Iterator[str]:
    """Write `count` copies; yields a progress line per chunk."""
    started = time.perf_counter()
    plan = Plan(count, organizations(orgs), len(templates))
    yield (f"plan: {count:,} copies of {len(templates)} templates over {len(plan.orgs):,} "
           f"organisations and {plan.years} fiscal years ({LAST_YEAR - plan.years + 1}-"
           f"{LAST_YEAR})")  # fmt: skip
    rows_of = create_organizations(catalog, plan.orgs)
    yield f"organisations: {len(plan.orgs):,} created in {time.perf_counter() - started:.0f} s"
    now = dt.datetime.now(dt.UTC)
    with catalog.engine.connect() as connection:
        _STAGING.create(connection)
        connection.commit()
        first_entry = (connection.scalar(select(func.max(SearchEntry.id))) or 0) + 1
        connection.commit()
        pending: Future[None] | None = None
        with ThreadPoolExecutor(max_workers=1) as writer:
            for first in range(0, count, CHUNK):
                rows = _chunk(plan, templates, rows_of, first, first_entry, now)
                if pending is not None:
                    pending.result()
                    yield f"copies: {first:,} written in {time.perf_counter() - started:.0f} s"
                pending = writer.submit(_write, connection, rows)
            if pending is not None:
                pending.result()
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence('search_entries', 'id'), :last)"),
            {"last": first_entry + count - 1},
        )
        connection.commit()
    yield f"copies: {count:,} written in {time.perf_counter() - started:.0f} s"
    with catalog.write() as session:
        counts.recount(session)
        sources = table_sources.rebuild(session)
        changes.record(session, OPERATOR_NAME)  # as each publish does: workers see the copies
    yield (f"facet counts and {sources} table sources counted: "
           f"{time.perf_counter() - started:.0f} s")  # fmt: skip


# --- checking a small build (scale.py --check) --------------------------------------------------


def _search_tables(session: Session) -> tuple[dict[str, Any], set[tuple[str, ...]]]:
    """Every entry by dataset (every column but its row id) and every exact value."""
    statement = text("SELECT dataset_id, to_jsonb(e) - 'id' FROM search_entries e")
    entries: dict[str, Any] = dict(session.execute(statement).tuples().all())
    values = {
        tuple(row)
        for row in session.execute(
            text(
                "SELECT e.dataset_id, v.field, v.value FROM search_values v "
                "JOIN search_entries e ON e.id = v.entry_id"
            )
        )
    }
    return entries, values


def check_copies(database_url: str, home: Path) -> tuple[str, str, str]:
    """The copies' search tables equal what `maintain.rebuild` writes (compared inside a
    transaction that is rolled back), and `khlang catalog check` finds nothing; returns a
    copy's name, English title and organisation for `check_served`."""
    with Catalog.open(home, database_url) as catalog, Session(catalog.engine) as session:
        written = _search_tables(session)
        maintain.rebuild(session)
        rebuilt = _search_tables(session)
        session.rollback()
        sample = session.execute(
            text(
                "SELECT name, card->>'title_en', organization FROM search_entries "
                "WHERE name LIKE 'lao-%' AND NOT private ORDER BY name LIMIT 1"
            )
        ).one()
    differing = [key for key in written[0].keys() | rebuilt[0].keys()
                 if written[0].get(key) != rebuilt[0].get(key)]  # fmt: skip
    if differing or written[1] != rebuilt[1]:
        raise SystemExit(
            f"check: {len(differing)} search entries and {len(written[1] ^ rebuilt[1])} exact "
            f"values differ from what maintain.rebuild writes (e.g. {differing[:1]})"
        )
    print(f"check: the {len(written[0]):,} search entries and {len(written[1]):,} exact values "
          "equal maintain.rebuild's")  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "KHLANG_DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "-m", "khlang", "catalog", "check", "--home", str(home)],
        env=environment,
        check=True,
    )
    print("check: khlang catalog check found nothing")
    return sample[0], sample[1], sample[2]


def check_served(base_url: str, sample: tuple[str, str, str]) -> None:
    """Over HTTP, a copy is found by its English title, listed on its organisation's page
    and shown by CKAN's package_show."""
    name, title_en, organization = sample
    with httpx.Client(base_url=base_url, timeout=600) as client:
        found = client.get("/api/v1/datasets", params={"q": title_en}).text
        listed = client.get(f"/api/v1/organizations/{organization}").text
        shown = client.get("/api/3/action/package_show", params={"id": name})
    problems = [
        what
        for what, ok in (
            ("search", name in found),
            ("organisation page", name in listed),
            ("CKAN package_show", shown.status_code == 200 and title_en in shown.text),
        )
        if not ok
    ]
    if problems:
        raise SystemExit(f"check: {name} is missing from {', '.join(problems)}")
    print(f"check: {name} is found by search, on its organisation's page and by package_show")
