"""Heavy anonymous queries against a cheap one: does one kind of client starve another?

    python bench/heavy_queries.py                         # 300,000 rows, 20 heavy clients, 30 s
    python bench/heavy_queries.py --rows 50000 --duration 5 --clients 4   # a smoke run

Publishes one national area-budget table (bench/area_budget_rows.py) to a fresh catalog
through the catalog's own gate, starts `khlang serve` with its default limits (rate limits
on, query pool, deadline), and then:

1. idle: one client (an application with its own API key, so that asking ten times a second
   stays within its rate limit) asks a cheap question (the first 5 rows of the table, no
   count) again and again for `--idle` seconds, alone;
2. loaded: `--clients` anonymous clients, each from its own address (`X-Forwarded-For`, which
   uvicorn trusts from loopback, as behind a reverse proxy), send the heaviest queries the API
   lets them build, as fast as they are answered: a 10-word `_q` (the most the API accepts)
   with an exact count, five facets and a sort on an amount; a group-by of five text columns
   with nine aggregates and 10,000 groups; CKAN's `datastore_search` with a 10-word `q` and
   32,000 rows; fifty `__contains` filters on a text column. Meanwhile the cheap client keeps
   asking its question.

It prints the cheap question's median and 95th percentile alone and under load, their ratio,
and what the heavy clients got (status counts: 400 is a query cut off at its deadline, 429
the rate limit, 503 a full queue); it exits 1 when the loaded p95 is 10 times the idle p95
or more.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from area_budget_rows import generate
from query import free_port, publish_to_khlang, stop, wait_for

ROOT = Path(__file__).resolve().parents[1]
DATASET = "national-area-budget-bench"
WORDS = "โครงการ ก่อสร้าง ถนน คอนกรีต เสริม เหล็ก หมู่ ที่ บ้าน ตำบล"
"""Ten words, the most a text search may hold (MAX_SEARCH_WORDS), all common in the table."""
TEXT = ("project_name", "lao_name", "district_name", "source_of_funds", "line_id")


def heavy_requests(base: str, resource: str) -> list[tuple[str, list[tuple[str, str]]]]:
    table = f"{base}/api/v1/datasets/{DATASET}/resources/{resource}"
    return [
        (
            f"{table}/rows",
            [("_q", WORDS), ("_count", "true"), ("_sort", "-allocated"), ("_size", "1000"),
             *(("_facet", name) for name in TEXT)],
        ),
        (
            f"{table}/aggregate",
            [("_group", ",".join(TEXT)), ("_size", "10000"), ("_sort", "-sum_allocated"),
             ("_agg", "sum:allocated,avg:allocated,min:allocated,max:allocated,sum:committed,"
                      "avg:committed,sum:disbursed,avg:disbursed,count")],
        ),
        (
            f"{base}/api/3/action/datastore_search",
            [("resource_id", resource), ("q", WORDS), ("limit", "32000"),
             ("sort", "project_name desc")],
        ),
        (
            f"{table}/rows",
            [*(("project_name__contains", chr(0x0E01 + i)) for i in range(50)),
             ("_sort", "-disbursed"), ("_count", "true")],
        ),
    ]  # fmt: skip


def cheap_request(base: str, resource: str) -> tuple[str, list[tuple[str, str]]]:
    table = f"{base}/api/v1/datasets/{DATASET}/resources/{resource}"
    return f"{table}/rows", [("_size", "5"), ("_count", "false")]


async def cheap_client(url: str, params, stop_at: float, key: str) -> list[float]:
    timings = []
    async with httpx.AsyncClient(timeout=120, headers={"Authorization": f"Bearer {key}"}) as client:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            response = await client.get(url, params=params)
            response.raise_for_status()
            timings.append(time.perf_counter() - started)
            await asyncio.sleep(0.1)
    return timings


async def heavy_client(requests, stop_at: float, address: str, statuses: Counter) -> None:
    async with httpx.AsyncClient(timeout=120, headers={"X-Forwarded-For": address}) as client:
        turn = 0
        while time.monotonic() < stop_at:
            url, params = requests[turn % len(requests)]
            turn += 1
            try:
                response = await client.get(url, params=params)
                statuses[response.status_code] += 1
                if response.status_code == 429:
                    await asyncio.sleep(float(response.headers.get("retry-after", "1")))
            except httpx.HTTPError as error:
                statuses[type(error).__name__] += 1


async def run(
    base: str, resource: str, key: str, clients: int, idle: float, duration: float
) -> int:
    url, params = cheap_request(base, resource)
    async with httpx.AsyncClient(timeout=120) as warm:  # build the table, warm the caches
        (await warm.get(url, params=params)).raise_for_status()
    alone = await cheap_client(url, params, time.monotonic() + idle, key)
    statuses: Counter = Counter()
    stop_at = time.monotonic() + duration
    requests = heavy_requests(base, resource)
    heavy = [
        heavy_client(requests[i % len(requests):] + requests[: i % len(requests)], stop_at,
                     f"10.8.0.{i + 1}", statuses)
        for i in range(clients)
    ]  # fmt: skip
    await asyncio.sleep(2)  # let the heavy clients fill the server first
    loaded, *_ = await asyncio.gather(cheap_client(url, params, stop_at, key), *heavy)
    return report(alone, loaded, statuses)


def application_key(home: Path) -> str:
    """An API key of a user of no organisation: the cheap client's own rate limit."""
    from khlang.catalog import Catalog, Principal

    operator = Principal.operator("bench")
    with Catalog.open(home) as catalog:
        catalog.accounts.create_user("bench-app", actor=operator)
        return catalog.accounts.create_key("bench-app", actor=operator)[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(alone: list[float], loaded: list[float], statuses: Counter) -> int:
    idle_p50, idle_p95 = statistics.median(alone), percentile(alone, 0.95)
    load_p50, load_p95 = statistics.median(loaded), percentile(loaded, 0.95)
    ratio = load_p95 / idle_p95
    print("| cheap query | requests | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|")
    print(f"| alone | {len(alone)} | {idle_p50 * 1000:.1f} | {idle_p95 * 1000:.1f} |")
    print(f"| under heavy load | {len(loaded)} | {load_p50 * 1000:.1f} | {load_p95 * 1000:.1f} |")
    print(f"p95 ratio: {ratio:.1f}x")
    shown = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items(), key=str))
    print(f"heavy requests: {sum(statuses.values())} ({shown})")
    return 0 if ratio < 10 else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--idle", type=float, default=10)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "heavy")
    args = parser.parse_args()
    folder = args.out / f"rows-{args.rows}"
    if not (folder / "area-budget").exists():
        generate(folder, args.rows)
    home = folder / "home"
    resource, seconds = publish_to_khlang(folder / "area-budget", home)
    print(f"published {args.rows:,} rows in {seconds:.1f} s", flush=True)
    key = application_key(home)
    port = free_port()
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "khlang", "serve", "--home", str(home), "--port", str(port)]
    server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/3/action/status_show", server)
        code = asyncio.run(run(base, resource, key, args.clients, args.idle, args.duration))
    finally:
        stop(server)
    sys.exit(code)


if __name__ == "__main__":
    main()
