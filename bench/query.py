"""Query API speed: khlang against Datasette on the same national area-budget table.

    python bench/query.py                      # 10M rows, 30 timed requests per query
    python bench/query.py --rows 20000 --pages 20 --repeat 3    # a smoke run

Builds one area-budget table (bench/area_budget_rows.py; the publishers' generator replaces
it once it is on main), publishes it to a fresh khlang catalog through the catalog's own gate
and serves it with `khlang serve`; loads the same rows into SQLite for Datasette (indexes on
the columns the queries filter, sort and facet on, as Datasette's documentation advises, and
`-i` immutable mode). Then, in the same run, over HTTP on loopback, one keep-alive client
asks each server the same questions: a filtered and sorted 100-row page, the 1,000th page by
cursor, a group-by province x fiscal year sum, a Thai text filter, and two facet counts. Each
query is asked once to warm up (its time is printed as "first"), then `--repeat` times; the
median and the 95th percentile are printed for both, and the ratio of the medians.

Datasette runs with a long SQL time limit, so that its answers are measured instead of cut
off at its default 1 s. khlang's rate limit is off (Datasette has none). khlang caches exact
counts and facet counts per table and filter (its design; the "first" column shows the cold
cost); pages and aggregates are computed on every request.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from area_budget_rows import SCHEMA, generate

ROOT = Path(__file__).resolve().parents[1]
TABLE = "budget"
SQLITE_TYPES = {"integer": "INTEGER", "number": "REAL"}
INDEXED = ("fiscal_year", "province_code", "budget_type", "allocated")
PAGE_FILTERS = [("50", 2567), ("10", 2566), ("30", 2568), ("13", 2565), ("90", 2564)]
THAI_TEXT = "ถนนคอนกรีต"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}: {url}")
        try:
            if httpx.get(url, timeout=30).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"no answer from {url}")


# --- khlang ----------------------------------------------------------------------------


def stop(server: subprocess.Popen) -> None:
    """Stop a server the bench started: politely, then for good after 30 s."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def publish_to_khlang(folder: Path, home: Path) -> tuple[str, float]:
    """A fresh catalog holding the dataset, published through the catalog's gate."""
    from khlang.catalog import Catalog, Principal
    from khlang.i18n import Text

    shutil.rmtree(home, ignore_errors=True)
    operator = Principal.operator("bench")
    started = time.perf_counter()
    with Catalog.open(home, create=True) as catalog:
        catalog.accounts.create_organization(
            "khlang-bench", actor=operator, title=Text(th="ทดสอบความเร็ว", en="Bench")
        )
        catalog.publish(folder, actor=operator, change_note="bench")
        record = catalog.version("national-area-budget-bench", viewer=operator)
        resource = next(item.id for item in record.resources if item.format == "CSV")
    return resource, time.perf_counter() - started


def existing_resource(home: Path) -> str | None:
    """The CSV resource of a catalog a previous run published, or None."""
    from khlang.catalog import Catalog, Principal
    from khlang.errors import KhlangError

    try:
        with Catalog.open(home) as catalog:
            operator = Principal.operator("bench")
            record = catalog.version("national-area-budget-bench", viewer=operator)
            return next(item.id for item in record.resources if item.format == "CSV")
    except KhlangError:
        return None


def start_khlang(home: Path, port: int) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "khlang",
        "serve",
        "--home",
        str(home),
        "--port",
        str(port),
        "--rate-limit",
        "off",
    ]
    return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)


# --- Datasette -------------------------------------------------------------------------


def load_sqlite(folder: Path, database: Path) -> float:
    import pyarrow.parquet as pq

    started = time.perf_counter()
    database.unlink(missing_ok=True)
    fields = SCHEMA["fields"]
    names = [field["name"] for field in fields]
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    columns = ", ".join(f"[{f['name']}] {SQLITE_TYPES.get(f['type'], 'TEXT')}" for f in fields)
    db.execute(f"CREATE TABLE {TABLE} ({columns})")
    insert = f"INSERT INTO {TABLE} VALUES ({', '.join('?' * len(names))})"  # noqa: S608
    parquet = pq.ParquetFile(folder.parent / "area-budget.parquet")
    for batch in parquet.iter_batches(batch_size=100_000, columns=names):
        db.executemany(insert, zip(*(batch.column(n).to_pylist() for n in names), strict=True))
    for column in INDEXED:
        db.execute(f"CREATE INDEX idx_{column} ON {TABLE}([{column}])")
    db.commit()
    db.execute("ANALYZE")
    db.close()
    return time.perf_counter() - started


def datasette_command() -> list[str]:
    beside = Path(sys.executable).parent / "datasette"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("datasette")
    if found:
        return [found]
    raise SystemExit(
        "Datasette is not installed: pip install -e '.[dev]' (or pip install datasette)"
    )


def start_datasette(database: Path, port: int) -> subprocess.Popen:
    settings = [
        "--setting",
        "sql_time_limit_ms",
        "600000",
        "--setting",
        "facet_time_limit_ms",
        "600000",
        "--setting",
        "max_returned_rows",
        "1000",
    ]
    command = [*datasette_command(), "serve", "-i", str(database), "-p", str(port), *settings]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# --- measuring -------------------------------------------------------------------------


def timed(client: httpx.Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{response.status_code} from {url}: {response.text[:300]}")
    return elapsed


def measure(client: httpx.Client, urls: list[str], repeat: int) -> tuple[float, float, float]:
    """(first, median, p95) in milliseconds; `urls` are cycled through."""
    first = timed(client, urls[0])
    for url in urls[1:]:
        timed(client, url)
    times = [timed(client, urls[i % len(urls)]) for i in range(repeat)]
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return first * 1000, statistics.median(times) * 1000, p95 * 1000


def walk_khlang(client: httpx.Client, url: str, pages: int) -> str:
    """The URL of page `pages` by following next_cursor from the first page."""
    for _ in range(pages - 1):
        url = client.get(url).json()["next"]
    return url


def walk_datasette(client: httpx.Client, url: str, pages: int) -> str:
    for _ in range(pages - 1):
        body = client.get(url + "&_nocount=1").json()
        url = body["next_url"].replace("&_nocount=1", "")
    return url


def questions(
    khlang: str, datasette: str, pages_url: tuple[str, str]
) -> dict[str, tuple[list[str], list[str]]]:
    thai = quote(THAI_TEXT)
    ds_table = f"{datasette}/bench/{TABLE}.json"
    group_sql = quote(
        "select province_code, fiscal_year, sum(allocated) as sum_allocated from budget "
        "group by province_code, fiscal_year"
    )
    return {
        "filtered, sorted 100-row page": (
            [
                f"{khlang}/rows?province_code={p}&fiscal_year={y}&_sort=-allocated&_size=100"
                for p, y in PAGE_FILTERS
            ],
            [
                f"{ds_table}?province_code={p}&fiscal_year={y}&_sort_desc=allocated&_size=100&_nosuggest=1"
                for p, y in PAGE_FILTERS
            ],
        ),
        "page 1,000 by cursor": ([pages_url[0]], [pages_url[1]]),
        "group-by province x year sum": (
            [f"{khlang}/aggregate?_group=province_code,fiscal_year&_agg=sum:allocated"],
            [f"{datasette}/bench.json?sql={group_sql}&_shape=array"],
        ),
        f"Thai text filter ({THAI_TEXT})": (
            [f"{khlang}/rows?project_name__search={thai}&_size=100"],
            [f"{ds_table}?project_name__contains={thai}&_size=100&_nosuggest=1"],
        ),
        "facet: budget type in FY2567": (
            [f"{khlang}/rows?fiscal_year=2567&_facet=budget_type&_size=0"],
            [f"{ds_table}?fiscal_year=2567&_facet=budget_type&_size=0&_nosuggest=1"],
        ),
        "facet: province, whole table": (
            [f"{khlang}/rows?_facet=province_code&_size=0"],
            [f"{ds_table}?_facet=province_code&_size=0&_nosuggest=1"],
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--pages", type=int, default=1000, help="Which page to reach by cursor.")
    parser.add_argument("--repeat", type=int, default=30, help="Timed requests per query.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "query")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Reuse the table, the khlang catalog and the SQLite file a previous run built.",
    )
    arguments = parser.parse_args()
    out = arguments.out
    out.mkdir(parents=True, exist_ok=True)
    folder = out / "area-budget"
    home, database = out / "khlang-home", out / "bench.db"
    print(f"khlang query bench: {arguments.rows:,} rows, {os.cpu_count()} cores", flush=True)
    started = time.perf_counter()
    if not (arguments.reuse and (folder / "dataset.yaml").exists()):
        generate(out, arguments.rows)
        print(f"  generated the table in {time.perf_counter() - started:.0f} s", flush=True)
    resource = existing_resource(home) if arguments.reuse else None
    if resource is None:
        resource, seconds = publish_to_khlang(folder, home)
        print(f"  published to khlang (metadata check + validation) in {seconds:.0f} s", flush=True)
    if not (arguments.reuse and database.exists()):
        seconds = load_sqlite(folder, database)
        print(
            f"  loaded SQLite for Datasette ({len(INDEXED)} indexes) in {seconds:.0f} s", flush=True
        )

    khlang_port, datasette_port = free_port(), free_port()
    servers = [
        start_khlang(home, khlang_port),
        start_datasette(database, datasette_port),
    ]
    try:
        base = f"http://127.0.0.1:{khlang_port}/api/v1/datasets/national-area-budget-bench/resources/{resource}"
        datasette = f"http://127.0.0.1:{datasette_port}"
        started = time.perf_counter()
        wait_for(f"{datasette}/bench.json", servers[1])
        wait_for(f"{base}/rows?_size=1", servers[0])
        print(
            "  servers ready (khlang built its query table) in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        with httpx.Client(timeout=900) as client:
            pages = (
                walk_khlang(client, f"{base}/rows?_size=100&_count=false", arguments.pages),
                walk_datasette(
                    client,
                    f"{datasette}/bench/{TABLE}.json?_size=100&_nosuggest=1",
                    arguments.pages,
                ),
            )
            rows = []
            for name, (ours, theirs) in questions(base, datasette, pages).items():
                mine = measure(client, ours, arguments.repeat)
                other = measure(client, theirs, arguments.repeat)
                rows.append((name, mine, other))
                print(f"  measured {name}", flush=True)
    finally:
        for server in servers:
            stop(server)
    print()
    print(
        f"{arguments.rows:,} rows; milliseconds over HTTP on loopback; median and p95 of "
        f"{arguments.repeat} requests after one warm-up (first)"
    )
    print()
    print(
        "| query | khlang median | khlang p95 | Datasette median | Datasette p95 | ratio "
        "| khlang first | Datasette first |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (first, median, p95), (other_first, other_median, other_p95) in rows:
        print(
            f"| {name} | {median:.1f} | {p95:.1f} | {other_median:.1f} | {other_p95:.1f} | "
            f"{other_median / median:.1f}x | {first:.1f} | {other_first:.1f} |"
        )


if __name__ == "__main__":
    main()
