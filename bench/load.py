"""Load: many concurrent clients against one `khlang serve`, on loopback.

    python bench/load.py                                   # 200 clients for 60 s, 2 workers
    python bench/load.py --clients 20 --duration 5         # a short run
    python bench/load.py --home khlang-demo --workers 4    # any catalog you have

Without `--home`, builds (once, then reuses) the `khlang demo` catalog in bench/out/load/demo:
province-scale exports of Chiang Mai's 230 LAOs over five fiscal years, published as the seven
standard datasets (27 query tables, 275,010 rows) through the catalog's own gate, on the
embedded SQLite default. Then starts `khlang serve --workers N` in a child process and lets
`--clients` clients, each an asyncio task that sends its next request as soon as the last one
is answered, work for `--duration` seconds through a realistic mix, drawn with a fixed seed:

- search: the search API with Thai and English words, half of them with a facet filter;
- dataset: a dataset as JSON, its web page (HTML), its DCAT-AP Turtle or its datapackage.json;
- rows: a filtered, sorted page of a table (a code and a fiscal year, or Thai words in a text
  column), then up to three more pages by cursor, each a request;
- aggregate: a group-by (area code or fiscal year) sum of an amount column, sometimes filtered;
- download (query): a filtered table as CSV or Parquet through the query API;
- download (file): a published file (CSV or Parquet), byte for byte.

Every answer is read to its end. Errors are transport errors and every status of 400 or more,
429 included. The rate limiter stays on: each client sends its own `X-Forwarded-For` address,
as a reverse proxy would (uvicorn trusts it from loopback), and `--rate-limit` allows each
address 1,200 requests a minute, above the pace of one client that never pauses, so no
legitimate request is refused while the limiter's cost is still measured. The run prints
requests per second, errors and the 50th, 95th and 99th percentile latency of each kind, and
exits 1 if any request failed.

The clients run in this process, on the same machine as the server, so the figures include
the load generator's own CPU (printed at the end). They are plain asyncio and httpx (already
a dependency) rather than locust: one process without gevent's monkey-patching, exact
percentiles per kind (locust rounds response times into buckets), and full control of what
counts as an error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from query import ROOT, free_port, stop, wait_for  # the query bench's helpers; khlang on the path

KINDS = {"search": 25, "dataset": 20, "rows": 30, "aggregate": 15, "download (query)": 5,
         "download (file)": 5}  # fmt: skip
"""Each kind's share of the sessions the clients start (a rows session is several pages).
Client n starts with kind n (mod 6), so a short run with six clients covers them all."""
THAI_WORDS = ["งบประมาณ", "เชียงใหม่", "การเบิกจ่าย", "โครงการ", "อปท.", "จัดซื้อจัดจ้าง",
              "รายรับ รายจ่าย", "ความต้องการของประชาชน", "งบประมาณเชิงพื้นที่", "ถนน"]  # fmt: skip
ENGLISH_WORDS = ["budget", "disbursement", "procurement contracts", "projects", "revenue",
                 "citizens needs", "allocation by area", "benchmark per capita"]  # fmt: skip
GROUP_COLUMNS = ("district_code", "province_code", "lao_type", "fiscal_year", "kind", "phase")
FILTER_COLUMNS = ("district_code", "lao_key", "province_code")
TEXT_COLUMNS = ("project_name", "title", "item_name", "lao_name", "community")
MAX_FOLLOWED_PAGES = 3
ERROR_EXAMPLES = 5
DISCOVERY_ADDRESS = "10.255.255.1"
"""Reading the catalog before the run counts against an address of its own."""


# --- the catalog and the server --------------------------------------------------------


def catalog_home(requested: Path | None, out: Path) -> Path:
    """The catalog to serve: the one asked for, or the demo catalog (built once)."""
    if requested is not None:
        return requested.resolve()
    from khlang.demo import build_demo

    def notify(step) -> None:
        print(f"  demo: {step.label.en}: {step.detail.en} ({step.seconds:.0f} s)", flush=True)

    report = build_demo(out / "demo", notify=notify)
    print(f"  demo catalog {'reused' if report.reused else 'built'}: {report.home}", flush=True)
    return report.home


def start_server(home: Path, port: int, workers: int, rate_limit: str, log: Path):
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "khlang", "serve", "--home", str(home), "--port", str(port),
               "--workers", str(workers), "--rate-limit", rate_limit]  # fmt: skip
    with log.open("w") as output:
        return subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT)


def cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by the server and its worker processes (Linux's /proc), or None
    where that cannot be read: the server's cost per request, whatever else the machine runs."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0
        for process in (pid, *map(int, children)):
            fields = Path(f"/proc/{process}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return None


# --- what there is to ask for -----------------------------------------------------------


@dataclass
class Table:
    """One tabular resource and the values its queries use."""

    dataset: str
    links: dict[str, str]
    filter_column: str | None
    filter_values: list[str]
    years: list[int]
    group_columns: list[str]
    amount: str | None
    text_column: str | None
    text_words: list[str]


@dataclass
class Workload:
    base: str
    datasets: list[str]
    tables: list[Table]
    files: list[str]
    """Published CSV and Parquet files (download URLs)."""
    facets: list[tuple[str, str]] = field(default_factory=list)


def discover(base: str) -> Workload:
    """Read the catalog through the API, as a client would, and collect what to ask for."""
    api = f"{base}/api/v1"
    with httpx.Client(timeout=300, headers={"X-Forwarded-For": DISCOVERY_ADDRESS}) as client:
        found = client.get(f"{api}/datasets", params={"size": 1000}).raise_for_status().json()
        datasets = [item["name"] for item in found["results"]]
        facets = [
            (facet, entry["value"])
            for facet in ("fiscal_year", "data_type")
            for entry in found["facets"].get(facet, {}).get("items", [])[:5]
        ]
        tables, files = [], []
        for name in datasets:
            view = client.get(f"{api}/datasets/{name}").raise_for_status().json()
            for resource in view["resources"]:
                if resource["format"] in ("CSV", "Parquet") and resource["download_url"]:
                    files.append(resource["download_url"])
                if resource["tabular"]:
                    tables.append(_table(client, name, resource))
    if not datasets or not tables:
        raise SystemExit(f"the catalog at {base} has no public tabular dataset to load")
    return Workload(base=base, datasets=datasets, tables=tables, files=files, facets=facets)


def _table(client: httpx.Client, dataset: str, resource: dict) -> Table:
    fields = {f["name"]: f["type"] for f in resource["metadata"]["schema"]["fields"]}
    filter_column = next((c for c in FILTER_COLUMNS if c in fields), None)
    text_column = next((c for c in TEXT_COLUMNS if fields.get(c) == "string"), None)
    wanted = [c for c in (filter_column, "fiscal_year") if c]
    values: dict[str, list] = {}
    if wanted:
        query = [("_size", "0"), ("_count", "false"), *(("_facet", c) for c in wanted)]
        body = client.get(resource["links"]["rows"], params=query).raise_for_status().json()
        values = {c: [e["value"] for e in body["facets"].get(c, [])] for c in wanted}
    words: list[str] = []
    if text_column:
        sample = client.get(
            resource["links"]["rows"], params={"_size": "20", "_fields": text_column}
        ).raise_for_status()
        for row in sample.json()["rows"]:
            words.extend(word for word in str(row[text_column] or "").split() if len(word) > 2)
    return Table(
        dataset=dataset,
        links=resource["links"],
        filter_column=filter_column,
        filter_values=[str(v) for v in values.get(filter_column or "", []) if v is not None],
        years=[int(v) for v in values.get("fiscal_year", []) if v is not None],
        group_columns=[c for c in GROUP_COLUMNS if c in fields],
        amount=next(
            (c for c, kind in fields.items() if kind == "number"),
            None,
        ),
        text_column=text_column,
        text_words=words[:20],
    )


# --- the clients --------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    bytes_read: int = 0

    def record(self, kind: str, seconds: float, problem: str | None, url: str) -> None:
        self.latencies[kind].append(seconds)
        if problem:
            self.errors[(kind, problem)] += 1
            if len(self.examples) < ERROR_EXAMPLES:
                self.examples.append(f"{kind}: {problem} {url}")


class Client:
    """One simulated user: its own address, its own random choices."""

    def __init__(self, number: int, http: httpx.AsyncClient, work: Workload, seed: int) -> None:
        self.number = number
        self.http = http
        self.work = work
        self.random = random.Random(seed * 100_003 + number)
        self.headers = {"X-Forwarded-For": f"10.{number // 250 % 250}.{number % 250}.1"}

    async def get(self, results: Results, kind: str, url: str, params=None) -> dict | None:
        """One request, read to its end; the JSON body when it is JSON and wanted."""
        started = time.perf_counter()
        problem, body = None, None
        try:
            async with self.http.stream("GET", url, params=params, headers=self.headers) as answer:
                chunks = [chunk async for chunk in answer.aiter_bytes()]
                results.bytes_read += sum(len(chunk) for chunk in chunks)
                if answer.status_code >= 400:
                    problem = f"HTTP {answer.status_code} {b''.join(chunks)[:200]!r}"
                elif answer.headers.get("content-type", "").startswith("application/json"):
                    body = httpx.Response(200, content=b"".join(chunks)).json()
        except httpx.HTTPError as error:
            problem = f"{type(error).__name__} {error}"
        results.record(kind, time.perf_counter() - started, problem, str(url))
        return body

    async def run(self, results: Results, deadline: float) -> None:
        kinds, weights = list(KINDS), list(KINDS.values())
        actions = {"search": self.search, "dataset": self.dataset, "rows": self.rows,
                   "aggregate": self.aggregate, "download (query)": self.query_download,
                   "download (file)": self.file_download}  # fmt: skip
        kind = kinds[self.number % len(kinds)]
        while time.monotonic() < deadline:
            await actions[kind](results)
            kind = self.random.choices(kinds, weights)[0]

    async def search(self, results: Results) -> None:
        words = THAI_WORDS if self.random.random() < 0.6 else ENGLISH_WORDS
        params = [("q", self.random.choice(words))]
        if self.work.facets and self.random.random() < 0.5:
            params.append(self.random.choice(self.work.facets))
        await self.get(results, "search", f"{self.work.base}/api/v1/datasets", params)

    async def dataset(self, results: Results) -> None:
        name = self.random.choice(self.work.datasets)
        api = f"{self.work.base}/api/v1/datasets/{name}"
        url = self.random.choice(
            [
                api,
                api,
                f"{self.work.base}/dataset/{name}",
                f"{api}/metadata.ttl",
                f"{api}/datapackage.json",
            ]
        )
        await self.get(results, "dataset", url)

    def _filters(self, table: Table) -> list[tuple[str, str]]:
        params = []
        if table.filter_values:
            params.append((table.filter_column, self.random.choice(table.filter_values)))
        if table.years and self.random.random() < 0.7:
            params.append(("fiscal_year", str(self.random.choice(table.years))))
        return params

    async def rows(self, results: Results) -> None:
        table = self.random.choice(self.work.tables)
        if table.text_words and self.random.random() < 0.3:
            word = self.random.choice(table.text_words)
            params = [(f"{table.text_column}__search", word)]
        else:
            params = self._filters(table)
        if table.amount:
            params.append(("_sort", f"-{table.amount}"))
        params.append(("_size", str(self.random.choice((20, 50, 100)))))
        body = await self.get(results, "rows", table.links["rows"], params)
        for _ in range(self.random.randint(0, MAX_FOLLOWED_PAGES)):
            if not body or not body.get("next"):
                return
            body = await self.get(results, "rows (next page)", body["next"])

    async def aggregate(self, results: Results) -> None:
        table = self.random.choice([t for t in self.work.tables if t.group_columns])
        group = self.random.sample(table.group_columns, min(2, len(table.group_columns)))
        aggregates = [f"sum:{table.amount}", "count"] if table.amount else ["count"]
        params = [("_group", ",".join(group)), ("_agg", ",".join(aggregates))]
        if self.random.random() < 0.5:
            params += self._filters(table)[:1]
        await self.get(results, "aggregate", table.links["aggregate"], params)

    async def file_download(self, results: Results) -> None:
        if not self.work.files:
            await self.query_download(results)
            return
        await self.get(results, "download (file)", self.random.choice(self.work.files))

    async def query_download(self, results: Results) -> None:
        table = self.random.choice(self.work.tables)
        link = table.links[self.random.choice(("download_csv", "download_parquet"))]
        await self.get(results, "download (query)", link, self._filters(table))


async def load(work: Workload, clients: int, duration: float, seed: int) -> tuple[Results, float]:
    results = Results()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        users = [Client(number, http, work, seed) for number in range(clients)]
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*(user.run(results, deadline) for user in users))
        return results, time.monotonic() - started


# --- the report -----------------------------------------------------------------------------


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(results: Results, elapsed: float) -> int:
    """Print the table of figures; the number of failed requests."""
    everything = [t for times in results.latencies.values() for t in times]
    print()
    print("| kind | requests | req/s | errors | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rows = [*sorted(results.latencies.items()), ("all", everything)]
    for kind, times in rows:
        ordered = sorted(times)
        errors = sum(n for (k, _), n in results.errors.items() if kind in (k, "all"))
        figures = [percentile(ordered, share) * 1000 for share in (0.5, 0.95, 0.99)]
        print(
            f"| {kind} | {len(times):,} | {len(times) / elapsed:,.1f} | {errors} | "
            + " | ".join(f"{value:,.0f}" for value in figures)
            + " |"
        )
    failed = sum(results.errors.values())
    print()
    print(f"errors: {failed}")
    for (kind, problem), count in results.errors.most_common(10):
        print(f"  {count} x {kind}: {problem[:160]}")
    for example in results.examples:
        print(f"  e.g. {example[:300]}")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of load.")
    parser.add_argument("--workers", type=int, default=2, help="khlang serve --workers.")
    parser.add_argument(
        "--rate-limit",
        default="1200/minute;1200/minute",
        help="khlang serve --rate-limit: per client address;per API key, or 'off'.",
    )
    parser.add_argument("--home", type=Path, help="Serve this catalog instead of the demo's.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "load")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    out = arguments.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    print(
        f"khlang load bench: {arguments.clients} clients for {arguments.duration:g} s, "
        f"{arguments.workers} server workers, {os.cpu_count()} cores, "
        f"load average {load_before:.1f} before",
        flush=True,
    )
    home = catalog_home(arguments.home, out)
    port, log = free_port(), out / "server.log"
    server = start_server(home, port, arguments.workers, arguments.rate_limit, log)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_for(f"{base}/api/v1/datasets", server, timeout=600)
        except SystemExit:
            print(log.read_text(), file=sys.stderr)
            raise
        try:
            work = discover(base)
        except httpx.HTTPStatusError as error:
            raise SystemExit(f"reading the catalog before the run failed: {error}") from None
        print(
            f"  serving {len(work.datasets)} datasets, {len(work.tables)} tables, "
            f"{len(work.files)} files at {base}; rate limit {arguments.rate_limit} "
            "(per client address;per API key)",
            flush=True,
        )
        cpu_before, server_before = time.process_time(), cpu_seconds(server.pid)
        results, elapsed = asyncio.run(
            load(work, arguments.clients, arguments.duration, arguments.seed)
        )
        cpu, server_after = time.process_time() - cpu_before, cpu_seconds(server.pid)
    finally:
        stop(server)
    failed = report(results, elapsed)
    if server_before is not None and server_after is not None:
        used, count = server_after - server_before, sum(map(len, results.latencies.values()))
        each = used / max(count, 1) * 1000
        print(f"the server used {used:.1f} s of CPU: {each:.1f} ms a request")
    print(
        f"{elapsed:.1f} s of load, {results.bytes_read / 1e6:,.1f} MB read; the load generator "
        f"used {cpu:.1f} s of CPU in this process; load average {os.getloadavg()[0]:.1f} after"
    )
    if failed:
        print(f"server log: {log}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
