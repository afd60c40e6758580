"""Catalog scale: search and listing latency over HTTP with 100,000 datasets on PostgreSQL.

    python bench/scale.py                          # 100,000 datasets on PostgreSQL
    python bench/scale.py --datasets 5000 --repeat 10              # a smoke run
    python bench/scale.py --sqlite                 # the same on SQLite, for comparison
    python bench/scale.py --reuse                  # keep the catalog a previous run built
    python bench/scale.py --reuse --feeds          # worker start, DCAT feed, package_list
    python bench/scale.py --reuse --feeds --schema-sizes   # and Table Schema dedup sizes

1. Templates: `khlang generate --scale province` and `khlang publish` write the seven area-budget
   datasets of one agency; `Catalog.publish` stores them through the catalog's own gate
   (metadata check and validators), as in production.
2. Bulk: each of the other datasets is a copy of a template under another organisation (LAO-
   like organisations named after real sub-districts), fiscal year, title, tags, province and
   visibility (1 in 20 private). Publishing 100,000 folders through the gate would take hours,
   so the copies are written with SQLAlchemy Core inserts in batches, producing the rows a
   publish produces (organizations, datasets with title_key and lock_version, a published
   dataset_versions row with the whole metadata and the gate's checks, resources,
   version_resources pointing at the template's stored blobs, and the audit entries); nothing
   is published that the gate did not pass, since the files and checks are the template's.
   The copies' search entries are then written in one pass (`khlang.catalog.search.maintain.
   rebuild`, what migration 0008 does to an existing catalog), and its time printed.
3. Serve: `khlang serve` (uvicorn) on loopback, rate limit off; the time from starting the
   process until it answers its first Thai search is printed (the search is in the
   database: nothing is built per process). A `--reuse`d catalog of an older schema is
   migrated first, timed apart.
4. Measure: one keep-alive httpx client asks each question once to warm up, then `--repeat`
   times, cycling through variants (Thai and English words, organisations, pages); prints
   p50/p95/max in milliseconds per question.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from query import free_port, stop, timed  # bench/query.py: a free loopback port, one timed GET

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "khlang" / "publishers" / "reference"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/khlang_scale"
OPERATOR_NAME = "bench:scale"
BATCH = 2000
FIRST_YEAR = 2559
PRIVATE_EVERY = 20
FIRST_SEARCH = quote("งบประมาณ เชียงใหม่")


# --- 1. templates ---------------------------------------------------------------------------


def khlang(*args: str) -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "khlang", *args], env=environment, check=True)


def publish_templates(catalog: Any, work: Path) -> list[str]:
    """The seven datasets `khlang publish` writes for one agency, published through the gate."""
    from khlang.catalog import Principal
    from khlang.catalog.folder import dataset_sources

    exports, published = work / "exports", work / "published"
    shutil.rmtree(work, ignore_errors=True)
    khlang("generate", "--scale", "province", "--years", "2566-2568", "--seed", "1", str(exports))
    khlang(
        "publish", str(exports), "--agency", "scale-template", "--email",
        "opendata@example.go.th", "--out", str(published),
    )  # fmt: skip
    operator = Principal.operator(OPERATOR_NAME)
    names = []
    for folder in dataset_sources(published):
        result = catalog.publish(folder, actor=operator, create_organization=True)
        names.append(result.dataset)
    return names


# --- 2. bulk copies -------------------------------------------------------------------------


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


def template_rows(catalog: Any, names: list[str]) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from khlang.catalog.tables import Dataset, DatasetVersion, Resource, VersionResource

    templates = []
    with catalog.read() as session:
        for name in names:
            row = session.scalar(select(Dataset).where(Dataset.name == name))
            version = session.get(DatasetVersion, row.current_version_id)
            links = session.execute(
                select(VersionResource, Resource.key)
                .join(Resource, Resource.id == VersionResource.resource_id)
                .where(VersionResource.version_id == version.id)
            ).all()
            templates.append(
                {
                    "suffix": name.removeprefix("scale-template-"),
                    "metadata": version.metadata_,  # as stored: schemas by hash
                    "schema_positions": version.schema_positions,
                    "checks": version.checks,
                    "links": [(_columns(link), key) for link, key in links],
                }
            )
    return templates


def _columns(row: Any) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in row.__mapper__.column_attrs}


def copy_metadata(
    template: dict[str, Any], organization: dict[str, str], year: int, private: bool, name: str
) -> dict[str, Any]:
    metadata = json.loads(json.dumps(template["metadata"]))
    base_th = metadata["title"].split(" – ")[0]
    base_en = (metadata.get("title_en") or "").split(" – ")[0]
    metadata.update(
        name=name,
        title=f"{base_th} {organization['title_th']} ปีงบประมาณ {year}",
        title_en=f"{base_en}, {organization['title_en']}, fiscal year {year}",
        owner_org=organization["name"],
        maintainer=organization["name"],
        publisher={"name": organization["name"], "email": "opendata@example.go.th"},
        tags=[*metadata.get("tags", []), organization["province_th"]],
        spatial=[organization["province"]],
        first_year_of_data=str(year),
        last_year_of_data=str(year),
        temporal={"start": f"{year - 544}-10-01", "end": f"{year - 543}-09-30"},
        private=private,
    )
    if private:
        metadata.update(
            data_category="ข้อมูลใช้ภายใน",
            data_classification="ชั้นเผยแพร่ภายในองค์กร",
            allow_harvest=False,
        )
    return metadata


def bulk_copies(catalog: Any, templates: list[dict[str, Any]], total: int, orgs: int) -> float:
    """Write `total` datasets (minus the templates) in batches; returns seconds taken."""
    from sqlalchemy import insert, text

    from khlang.catalog.tables import (
        AuditEntry,
        Dataset,
        DatasetVersion,
        Organization,
        Resource,
        VersionResource,
    )
    from khlang.metadata.matching import normalise

    started = time.perf_counter()
    found = organizations(orgs)
    now = dt.datetime.now(dt.UTC)
    org_ids = {org["name"]: str(uuid.uuid4()) for org in found}
    with catalog.write() as session:
        session.execute(
            insert(Organization),
            [
                {"id": org_ids[o["name"]], "name": o["name"], "title_th": o["title_th"],
                 "title_en": o["title_en"], "catalog_type": "local_government",
                 "created_at": now}
                for o in found
            ],
        )  # fmt: skip
    count = total - len(templates)
    for first in range(0, count, BATCH):
        datasets, versions, resources, links, audit = [], [], [], [], []
        for i in range(first, min(count, first + BATCH)):
            organization = found[i % len(found)]
            template = templates[(i // len(found)) % len(templates)]
            year = FIRST_YEAR + (i // (len(found) * len(templates))) % 10
            private = i % PRIVATE_EVERY == PRIVATE_EVERY - 1
            name = f"{organization['name']}-{template['suffix']}-{year}"
            metadata = copy_metadata(template, organization, year, private, name)
            dataset_id, version_id = str(uuid.uuid4()), str(uuid.uuid4())
            when = now - dt.timedelta(seconds=count - i)
            digest = hashlib.sha256(json.dumps(metadata, sort_keys=True).encode()).hexdigest()
            datasets.append(
                {"id": dataset_id, "name": name, "organization_id": org_ids[organization["name"]],
                 "lock_version": 1, "title": metadata["title"],
                 "title_key": normalise(metadata["title"]), "private": private,
                 "state": "active", "created_at": when, "updated_at": when}
            )  # fmt: skip
            versions.append(
                {"id": version_id, "dataset_id": dataset_id, "number": 1, "status": "published",
                 "content_hash": f"sha256:{digest}", "metadata_": metadata,
                 "schema_positions": template["schema_positions"],
                 "author": OPERATOR_NAME, "checks": template["checks"], "source": "bench",
                 "created_at": when, "published_at": when}
            )  # fmt: skip
            for link, key in template["links"]:
                resource_id = str(uuid.uuid4())
                resources.append(
                    {"id": resource_id, "dataset_id": dataset_id, "key": key, "created_at": when}
                )
                links.append(
                    {**link, "version_id": version_id, "resource_id": resource_id,
                     "issued": when, "modified": when}
                )  # fmt: skip
            for action in ("dataset.create", "version.stage", "version.publish"):
                audit.append(
                    {"at": when, "actor": OPERATOR_NAME, "action": action,
                     "object_type": "dataset", "object_id": dataset_id, "object_name": name}
                )  # fmt: skip
        with catalog.write() as session:
            session.execute(insert(Dataset), datasets)
            session.execute(insert(DatasetVersion), versions)
            session.execute(insert(Resource), resources)
            session.execute(insert(VersionResource), links)
            session.execute(insert(AuditEntry), audit)
            # The pointer move that makes each version visible, as a publish's commit does.
            session.execute(
                text(
                    "UPDATE datasets SET current_version_id = (SELECT v.id FROM dataset_versions v"
                    " WHERE v.dataset_id = datasets.id) WHERE current_version_id IS NULL"
                )
            )
        done = min(count, first + BATCH)
        print(f"  {done + len(templates):,} datasets ({time.perf_counter() - started:.0f} s)")
    if catalog.engine.dialect.name == "postgresql":
        with catalog.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    return time.perf_counter() - started


def build(database_url: str, home: Path, total: int, orgs: int) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from khlang.catalog import Catalog
    from khlang.catalog.database import with_installed_driver

    shutil.rmtree(home, ignore_errors=True)
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        admin = create_engine(
            with_installed_driver(url.set(database="postgres")), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
    with Catalog.open(home, database_url, create=True) as catalog:
        started = time.perf_counter()
        names = publish_templates(catalog, home.parent / "templates")
        print(f"templates: {len(names)} datasets through the gate in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        seconds = bulk_copies(catalog, template_rows(catalog, names), total, orgs)
        print(f"bulk: {total - len(names):,} copies in {seconds:.0f} s")
        index_copies(catalog)
        count_table_sources(catalog)


def index_copies(catalog: Any) -> None:
    """Write every dataset's search entry (the copies were inserted without one)."""
    from sqlalchemy import text

    from khlang.catalog.search import maintain

    started = time.perf_counter()
    with catalog.write() as session:
        written = maintain.rebuild(session)
    if catalog.engine.dialect.name == "postgresql":
        with catalog.engine.connect() as connection:
            connection.execute(text("ANALYZE search_entries, search_values"))
            connection.commit()
    print(f"search tables: {written:,} entries in {time.perf_counter() - started:.0f} s")


def count_table_sources(catalog: Any) -> None:
    """Count the copies' query tables (`table_sources`, what migration 0011 does to an
    existing catalog): the copies were inserted without moving the counts."""
    from khlang.catalog import table_sources

    started = time.perf_counter()
    with catalog.write() as session:
        written = table_sources.rebuild(session)
    print(f"table sources: {written} in {time.perf_counter() - started:.1f} s")


def migrate_first(database_url: str, home: Path) -> None:
    """Bring a reused catalog to the current schema before timing the server's start (the
    search migration fills the search tables of every dataset once)."""
    from sqlalchemy import text

    from khlang.catalog import Catalog

    started = time.perf_counter()
    with Catalog.open(home, database_url) as catalog:
        if catalog.engine.dialect.name == "postgresql":
            autocommit = catalog.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            with autocommit as connection:
                connection.execute(text("ANALYZE"))
                # what autovacuum does minutes after a bulk load: the visibility map lets a
                # deep listing page walk the name index alone (17 ms against 77 ms at 50,000)
                connection.execute(text("VACUUM search_entries"))
    print(f"catalog opened (migrated when older), analysed and search vacuumed in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


# --- 3. serve -------------------------------------------------------------------------------


def serve(database_url: str, home: Path, port: int, *, prepare: bool = True) -> subprocess.Popen:
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "KHLANG_DATABASE_URL": database_url,
    }
    command = [
        sys.executable, "-m", "khlang", "serve", "--home", str(home), "--port", str(port),
        "--rate-limit", "off", *([] if prepare else ["--no-prepare"]),
    ]  # fmt: skip
    return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)


def wait_for(url: str, process: subprocess.Popen, timeout: float = 3600) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=600).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url}")


# --- 4. measure -----------------------------------------------------------------------------


def questions(orgs: list[dict[str, str]], total: int) -> dict[str, list[str]]:
    api = "/api/v1/datasets"
    provinces_th = [o["province_th"] for o in orgs[::97]][:10]
    provinces_en = [o["province_en"] for o in orgs[::97]][:10]
    public = total - total // PRIVATE_EVERY
    deep = max(1, public // 20 - 10)
    return {
        "search Thai (งบประมาณ <province>)": [
            f"{api}?q={quote(f'งบประมาณ {p}')}" for p in provinces_th
        ],
        "search Thai, one word": [f"{api}?q={quote(p)}" for p in provinces_th],
        "search English (budget <province>)": [
            f"{api}?q={quote(f'budget {p}')}" for p in provinces_en
        ],
        "search + facet filters": [
            f"{api}?q={quote(p)}&data_type={quote('ข้อมูลสถิติ')}&fiscal_year={2559 + i}"
            for i, p in enumerate(provinces_th)
        ],
        "filters only (no words)": [
            f"{api}?{urlencode({'fiscal_year': 2559 + i, 'format': 'PARQUET'})}" for i in range(10)
        ],
        "listing, first page (newest)": [f"{api}?sort=-modified", f"{api}?sort=name"],
        "listing, deep page": [f"{api}?sort=name&page={deep - i}" for i in range(10)],
        "organisation page": [f"/api/v1/organizations/{o['name']}" for o in orgs[::53][:10]],
        "CKAN package_search": [
            f"/api/3/action/package_search?q={quote(p)}&rows=20" for p in provinces_th
        ],
        "CKAN harvester page (id asc, 100)": [
            f"/api/3/action/package_search?rows=100&start={100 * i * 37}&sort=id%20asc"
            for i in range(10)
        ],
        "CKAN fielded fq (org OR, since)": [
            "/api/3/action/package_search?rows=20&"
            + urlencode(
                {
                    "fq": (
                        f"organization:{orgs[i]['name']} OR organization:{orgs[i + 1]['name']} "
                        "metadata_modified:[NOW-30DAYS TO *]"
                    )
                }
            )
            for i in range(0, 20, 2)
        ],
        "CKAN package_list, deep": [
            f"/api/3/action/package_list?limit=100&offset={max(0, public - 100 * (i + 1))}"
            for i in range(10)
        ],
        "DCAT catalog page, deep": [
            f"/api/v1/catalog.jsonld?page={max(1, public // 100 - i)}" for i in range(10)
        ],
    }


def measure(client: httpx.Client, urls: list[str], repeat: int) -> dict[str, float]:
    first = timed(client, urls[0]) * 1000
    spread = spread_of([timed(client, urls[i % len(urls)]) * 1000 for i in range(repeat)])
    return {"first": first, **{k: v for k, v in spread.items() if k != "n"}}


def spread_of(milliseconds: list[float]) -> dict[str, float]:
    """n, p50, p95 and max of some timings."""
    times = sorted(milliseconds)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"n": len(times), "p50": statistics.median(times), "p95": p95, "max": times[-1]}


# --- 5. feeds, lists and stored schemas (issue 19; --feeds) ------------------------------------

SCHEMA_DEDUP = "0007"
"""The migration that stores Table Schemas once (khlang/catalog/table_schemas.py)."""
INLINE = "0005"
"""The revision before it: every version's schemas inline."""


def database_sizes(engine: Any) -> dict[str, int]:
    """Bytes of the whole database, of dataset_versions (with its TOAST and indexes) and of
    table_schemas, after VACUUM FULL of both tables so that dead rows are not counted."""
    from sqlalchemy import inspect, text

    tables = [t for t in ("dataset_versions", "table_schemas") if inspect(engine).has_table(t)]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in tables:
            connection.execute(text(f"VACUUM FULL ANALYZE {table}"))
        sizes = {"database": connection.scalar(text("SELECT pg_database_size(current_database())"))}
        for table in tables:
            sizes[table] = connection.scalar(text(f"SELECT pg_total_relation_size('{table}')"))
    return sizes


def schema_dedup(database_url: str) -> None:
    """The database's size with every Table Schema inline (revision 0005) and stored once
    (0007), and how long the migration takes each way, on the bench's catalog."""
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from khlang.catalog.database import alembic_config, current_revision, with_installed_driver

    engine = create_engine(with_installed_driver(make_url(database_url)))

    def move(step: Any, revision: str) -> float:
        started = time.perf_counter()
        with engine.begin() as connection:
            step(alembic_config(connection), revision)
        return time.perf_counter() - started

    if current_revision(engine) != INLINE:
        print(f"downgrade to {INLINE} (schemas inline): {move(command.downgrade, INLINE):.0f} s")
    inline = database_sizes(engine)
    upgrade = move(command.upgrade, SCHEMA_DEDUP)
    stored_once = database_sizes(engine)
    print(f"upgrade to {SCHEMA_DEDUP} (schemas stored once): {upgrade:.0f} s")
    print(f"\n{'size (MB, after VACUUM FULL)':38} {'inline':>10} {'once':>10}")
    for part in ("database", "dataset_versions", "table_schemas"):
        before, after = inline.get(part, 0) / 1e6, stored_once.get(part, 0) / 1e6
        print(f"{part:38} {before:10.1f} {after:10.1f}")
    engine.dispose()


def measure_each(client: httpx.Client, urls: list[str]) -> dict[str, float]:
    """Each URL once: p50/p95/max in milliseconds (cold pages are only cold once)."""
    return spread_of([timed(client, url) * 1000 for url in urls])


def _heading(label: str, first: str) -> str:
    return f"\n{label:38} {first:>8} {'p50':>8} {'p95':>8} {'max':>8}  (ms)"


def feeds(client: httpx.Client, database_url: str, home: Path, total: int, repeat: int) -> None:
    """DCAT feed pages cold (nothing cached) and unchanged (read back), by keyset (the
    hydra:next links) and by number (old links); deep pages after one dataset changed; and
    package_list at offsets 0, 50,000 and 99,000 (scaled to --datasets)."""
    for kept in ("feeds", "feed-parts"):
        shutil.rmtree(home / "api" / kept, ignore_errors=True)
    public = total - total // PRIVATE_EVERY
    depths = [public * i // 10 for i in range(10)]
    action = "/api/3/action/package_list"
    cursors = [client.get(f"{action}?offset={d}&limit=1").json()["result"][0] for d in depths]
    keyset = [f"/api/v1/catalog.jsonld?{urlencode({'after': c})}" for c in cursors]
    numbered = [f"/api/v1/catalog.jsonld?page={max(1, d // 100)}" for d in depths[1:]]
    print(_heading("DCAT page (100 datasets, JSON-LD)", "n"))
    for label, urls in (("keyset (after=), cold", keyset), ("numbered (page=), cold", numbered)):
        figures = measure_each(client, urls)
        print(f"{label:38} " + " ".join(f"{figures[k]:8.1f}" for k in figures))
    for label, urls in (("keyset, unchanged", keyset), ("numbered, unchanged", numbered)):
        figures = measure_each(client, [urls[i % len(urls)] for i in range(repeat)])
        print(f"{label:38} " + " ".join(f"{figures[k]:8.1f}" for k in figures))
    first = client.get(f"{action}?offset=0&limit=10").json()["result"]
    changed = changed_then_deep(client, database_url, home, first, keyset[1:])
    print(f"{'one dataset changed, then a deep page':38} "
          + " ".join(f"{changed[k]:8.1f}" for k in changed))  # fmt: skip
    print(_heading("CKAN package_list (limit 100)", "first"))
    for offset in (0, public // 2, max(0, public - 100)):  # the last: the deepest full page
        figures = measure(client, [f"{action}?offset={offset}&limit=100"], repeat)
        label = f"offset {offset:,}"
        print(f"{label:38} " + " ".join(f"{figures[k]:8.1f}" for k in figures))


def changed_then_deep(
    client: httpx.Client, database_url: str, home: Path, names: list[str], urls: list[str]
) -> dict[str, float]:
    """Withdraw one more of the first datasets, wait for the server to see the change stamp
    move (it reads it at most every 2 s), then ask for a deep page that was cached before:
    its total and last link changed, so it is another page each time. The datasets are
    reinstated afterwards."""
    from khlang.catalog import Catalog, Principal

    operator = Principal.operator(OPERATOR_NAME)
    times = []
    with Catalog.open(home, database_url) as catalog:
        try:
            for step, name in enumerate(names):
                catalog.withdraw(name, actor=operator, note="bench: one dataset changed")
                time.sleep(2.5)
                times.append(timed(client, urls[step % len(urls)]) * 1000)
        finally:
            for name in names[: len(times) + 1]:
                catalog.reinstate(name, actor=operator)
    return spread_of(times)


def worker_start(database_url: str, home: Path, *, fresh: bool) -> None:
    """A worker started with the default options (it prepares the query tables), with no
    query table on disk (`fresh`: a new machine) or with them there (a restart): when it
    answers its first search, then its first datastore_search of the biggest template
    table, timed from the moment the search was answered."""
    from khlang.catalog import Catalog, Principal

    with Catalog.open(home, database_url) as catalog:
        record = catalog.dataset(
            "scale-template-budget-allocation", viewer=Principal.operator(OPERATOR_NAME)
        )
        resource = next(r.id for r in record.current.resources if (r.format or "") == "CSV")
    if fresh:
        shutil.rmtree(home / "api" / "tables", ignore_errors=True)
    port = free_port()
    server = serve(database_url, home, port)
    try:
        search = wait_for(f"http://127.0.0.1:{port}/api/v1/datasets?q={FIRST_SEARCH}", server)
        started = time.perf_counter()
        answer = httpx.get(f"http://127.0.0.1:{port}/api/3/action/datastore_search",
                           params={"resource_id": resource, "limit": 5}, timeout=600)  # fmt: skip
        rows = time.perf_counter() - started
    finally:
        stop(server)
    tables = "no query table on disk" if fresh else "query tables on disk (a restart)"
    print(f"\nworker start, default options, {tables}: first search answered {search:.1f} s "
          f"after the process started; then a datastore_search of budget-allocation "
          f"answered {answer.status_code} in {rows:.1f} s; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--organizations", type=int, default=2000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite", action="store_true", help="SQLite in --work instead")
    parser.add_argument("--work", type=Path, default=Path("/tmp/khlang-bench-scale"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the catalog already built")
    parser.add_argument("--only", help="measure only the questions whose label contains this")
    parser.add_argument(
        "--feeds",
        action="store_true",
        help="measure a worker's start with the default options, then the DCAT feed cache "
        "(cold, unchanged, after one dataset changed) and package_list offsets instead of the "
        "questions (that server starts with --no-prepare: neither needs the tables)",
    )
    parser.add_argument(
        "--schema-sizes",
        action="store_true",
        help="first measure the database with Table Schemas inline (0005) and stored once "
        "(0007) (PostgreSQL; migrates the catalog down and up again)",
    )
    parser.add_argument(
        "--no-prepare",
        action="store_true",
        help="start the server without building the query tables first (no search question "
        "reads them; on a loaded machine the warm-up takes many minutes)",
    )
    options = parser.parse_args()
    backend = "sqlite" if options.sqlite else "postgresql"
    home = options.work / backend / "home"
    database_url = (
        f"sqlite:///{home / 'catalog.sqlite'}" if options.sqlite else options.database_url
    )
    if not options.reuse:
        build(database_url, home, options.datasets, options.organizations)
    if options.schema_sizes and not options.sqlite:
        schema_dedup(database_url)
    migrate_first(database_url, home)
    if options.feeds:
        for fresh in (True, False):
            worker_start(database_url, home, fresh=fresh)
    port = free_port()
    server = serve(database_url, home, port, prepare=not (options.feeds or options.no_prepare))
    try:
        first = (
            "/api/3/action/package_list?limit=1"
            if options.feeds
            else f"/api/v1/datasets?q={FIRST_SEARCH}"
        )
        ready = wait_for(f"http://127.0.0.1:{port}{first}", server)
        print(f"\n{backend}, {options.datasets:,} datasets: {first} answered {ready:.1f} s after "
              f"the server process started; load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
        if options.feeds:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
                feeds(client, database_url, home, options.datasets, options.repeat)
            return
        orgs = organizations(options.organizations)
        print(f"\n{'question':38} {'first':>8} {'p50':>8} {'p95':>8} {'max':>8}  (ms)")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            for label, urls in questions(orgs, options.datasets).items():
                if options.only and options.only not in label:
                    continue
                figures = measure(client, urls, options.repeat)
                print(f"{label:38} " + " ".join(f"{figures[k]:8.1f}" for k in figures))
    finally:
        stop(server)


if __name__ == "__main__":
    main()
