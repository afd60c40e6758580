"""Catalog scale: search and listing latency over HTTP with 100,000 datasets or more on
PostgreSQL.

    python bench/scale.py                          # 100,000 datasets on PostgreSQL
    python bench/scale.py --datasets 5000 --organizations 200 --repeat 10 --check  # verified
    python bench/scale.py --datasets 500000 --organizations 7436   # the national size
    python bench/scale.py --reuse                  # keep the catalog a previous run built
    python bench/scale.py --reuse --feeds          # worker start, DCAT feed, package_list
    python bench/scale.py --reuse --feeds --schema-sizes   # and Table Schema dedup sizes

1. Templates: `khlang generate --scale province` and `khlang publish` write the seven area-budget
   datasets of one agency; `Catalog.publish` stores them through the catalog's own gate
   (metadata check and validators), as in production.
2. Bulk: each of the other datasets is a copy of a template under another organisation (LAO-
   like organisations named after real sub-districts), fiscal year, title, tags, province and
   visibility (1 in 20 private). Publishing 500,000 folders through the gate would take days,
   so the copies' rows (those a publish commits, search entries included) are streamed with
   PostgreSQL's COPY: bench/scale_copies.py says how, and which templates are copied.
   `--check` verifies a small build: its search tables equal what `maintain.rebuild` writes,
   `khlang catalog check` finds nothing, and the server finds, lists and shows a copy.
3. Serve: `khlang serve` (uvicorn) on loopback, rate limit off, with its default options; the
   time from starting the process until it answers its first Thai search is printed. A
   `--reuse`d catalog of an older schema is migrated first, timed apart.
4. Measure: one keep-alive httpx client asks each question once to warm up, then `--repeat`
   times, cycling through variants (Thai and English words, organisations, pages); prints
   p50/p95/max in milliseconds per question.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from query import free_port, stop, timed  # bench/query.py: a free loopback port, one timed GET
from scale_copies import (
    OPERATOR_NAME,
    PRIVATE_EVERY,
    bulk_copies,
    check_copies,
    check_served,
    organizations,
    templates_to_copy,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/khlang_scale"
MAX_PAGE = 10_000
"""The highest `page` /api/v1/datasets accepts (khlang/api/routes/datasets.py)."""
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


# --- 2. bulk copies (bench/scale_copies.py) -------------------------------------------------


def build(database_url: str, home: Path, total: int, orgs: int) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from khlang.catalog import Catalog
    from khlang.catalog.database import with_installed_driver

    shutil.rmtree(home, ignore_errors=True)
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("the bulk copies are written with PostgreSQL's COPY: build on PostgreSQL")
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
        templates = templates_to_copy(catalog, names)
        started = time.perf_counter()
        for line in bulk_copies(catalog, templates, total - len(names), orgs):
            print(f"  {line}", flush=True)
        print(f"bulk: {total - len(names):,} copies in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        with catalog.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
        print(f"VACUUM ANALYZE: {time.perf_counter() - started:.0f} s")


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


def print_sizes(database_url: str) -> None:
    """The database's size on disk and its five largest tables (with indexes and TOAST)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from khlang.catalog.database import with_installed_driver

    engine = create_engine(with_installed_driver(make_url(database_url)))
    with engine.connect() as connection:
        total = connection.scalar(text("SELECT pg_database_size(current_database())"))
        largest = connection.execute(
            text(
                "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC LIMIT 5"
            )
        ).all()
    engine.dispose()
    print(f"database: {total / 1e9:.2f} GB; " + ", ".join(f"{name} {size / 1e9:.2f} GB"
          for name, size in largest))  # fmt: skip


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
    # the deepest pages of 20 (the API numbers pages up to MAX_PAGE: 200,000 datasets)
    deep = max(1, min(public // 20, MAX_PAGE) - 10)
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
    parser.add_argument(
        "--check",
        action="store_true",
        help="verify the copies: search tables against a rebuild, `khlang catalog check`, and "
        "a copy found, listed and shown over HTTP (for small builds: it reads every file)",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/khlang-bench-scale"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the catalog already built")
    parser.add_argument("--build-only", action="store_true", help="build, then stop")
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
    home = options.work / "postgresql" / "home"
    database_url = options.database_url
    if not options.reuse:
        build(database_url, home, options.datasets, options.organizations)
    sample = check_copies(database_url, home) if options.check else None
    if options.build_only:
        return
    if options.schema_sizes:
        schema_dedup(database_url)
    migrate_first(database_url, home)
    print_sizes(database_url)
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
        print(f"\npostgresql, {options.datasets:,} datasets: {first} answered {ready:.1f} s after "
              f"the server process started; load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
        if options.feeds:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
                feeds(client, database_url, home, options.datasets, options.repeat)
            return
        orgs = organizations(options.organizations)
        if sample is not None:
            check_served(f"http://127.0.0.1:{port}", sample)
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
