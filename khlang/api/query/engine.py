"""Running queries: one DuckDB instance per server process, tables attached read-only.

Every query runs in a worker thread (the event loop never waits on DuckDB), at most
`max_concurrent` at once and at most `client_share` of those for one client, admitted fairly
between clients (khlang.api.query.pool), under the instance's memory limit and one deadline
for the whole request: every statement it runs (page, count, facets) shares
`timeout_seconds`, and the watchdog interrupts DuckDB's connection when it passes (the caller
gets a clear 400). Exact counts and facet counts depend only
on the table and the filters, and a table never changes once built, so they are cached.
A table that is not built yet is built for the request that needs it, ahead of the tables the
server prepares at start (`prepare`); the request waits for it (`build_wait_seconds`) and
otherwise gets a 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import heapq
import itertools
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel

from khlang.api.errors import ApiError
from khlang.api.query.columns import Column, quote_identifier
from khlang.api.query.compile import Compiler, Sql
from khlang.api.query.cursor import decode_cursor, encode_cursor, sort_signature
from khlang.api.query.language import AggregateQuery, Conditions, RowQuery, SortKey
from khlang.api.query.pool import QUERY_CLIENT, FairPool
from khlang.api.query.tables import TableInfo, TableSource, ensure_table, read_info
from khlang.errors import KhlangError
from khlang.i18n import Text

FACET_SIZE = 30
log = logging.getLogger("khlang.api.query")
T = TypeVar("T")


class QueryLimits(BaseModel):
    """How much one query may take. The defaults suit a 2-core server."""

    timeout_seconds: float = 10.0
    download_timeout_seconds: float = 900.0
    memory_limit: str = "1GB"
    threads: int = 2
    max_concurrent: int = 3
    """Queries running at once: on 2 cores, two heavy ones and the place kept for light
    clients (`light_reserve`); more only share the same CPU and answer later."""
    client_share: int = 2
    """Of the `max_concurrent` places, how many one client (an API key, or an IP address
    without one) may hold: the others stay free for everyone else."""
    light_reserve: int = 1
    """Places kept for clients whose queries are light (see khlang.api.query.pool), so a
    cheap query never waits behind heavy ones."""
    light_seconds: float = 0.25
    max_waiting: int = 512
    """Queries queued behind the running ones before new ones get a 503. Waiting costs
    little, so the bound is well above the connections one process serves at its rated load
    (bench/load.py: 200 clients get no 503; at 64, one row query in ten did): only a
    flood is refused, and the last of a full queue waits a few seconds, not minutes."""
    build_wait_seconds: float = 30.0
    """How long a request waits for its table's build (requests' builds go before the
    start-up preparation's) before a 503 with Retry-After: tables of up to a few million
    rows are answered; a bigger one is built meanwhile."""
    cache_entries: int = 20_000


class RowPage(BaseModel):
    columns: list[Column]
    rows: list[dict[str, Any]]
    next_cursor: str | None
    count: int | None
    facets: dict[str, list[dict[str, Any]]]
    row_numbers: list[int]
    """Each row's position in the table (for CKAN's `_id`)."""


class AggregateResult(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool


class Watchdog:
    """One thread that interrupts queries past their deadline (a timer thread per query
    would cost more than a small query itself)."""

    def __init__(self) -> None:
        self._deadlines: list[tuple[float, int, Any]] = []
        self._active: set[int] = set()
        self._counter = itertools.count()
        self._condition = threading.Condition()
        self._stopped = False
        threading.Thread(target=self._run, name="khlang-query-watchdog", daemon=True).start()

    def watch(self, cursor: Any, seconds: float) -> int:
        ticket = next(self._counter)
        with self._condition:
            heapq.heappush(self._deadlines, (time.monotonic() + seconds, ticket, cursor))
            self._active.add(ticket)
            self._condition.notify()
        return ticket

    def release(self, ticket: int) -> None:
        with self._condition:
            self._active.discard(ticket)

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify()

    def _run(self) -> None:
        with self._condition:
            while not self._stopped:
                while self._deadlines and self._deadlines[0][1] not in self._active:
                    heapq.heappop(self._deadlines)
                if not self._deadlines:
                    self._condition.wait()
                    continue
                deadline, ticket, cursor = self._deadlines[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._condition.wait(wait)
                    continue
                heapq.heappop(self._deadlines)
                self._active.discard(ticket)
                cursor.interrupt()


class QueryEngine:
    """Queries over the tables of one server process."""

    def __init__(self, table_dir: Path, limits: QueryLimits | None = None) -> None:
        import duckdb  # lazy: duckdb, +40 ms

        self.table_dir = table_dir
        self.limits = limits or QueryLimits()
        self._duckdb = duckdb
        self._db = duckdb.connect(
            ":memory:",
            config={
                "threads": self.limits.threads,
                "memory_limit": self.limits.memory_limit,
                "temp_directory": str(table_dir / "tmp"),
                # DuckDB 2.0's late materialisation of small top-N queries fails on a
                # filter on rowid together with IS NULL (an internal error); our pages
                # are keyset pages on rowid, so it stays off.
                "late_materialization_max_rows": 0,
            },
        )
        self._attach_lock = threading.Lock()
        self._attached: dict[str, TableInfo] = {}
        self._builds: dict[str, concurrent.futures.Future[Path]] = {}
        self._builder = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="khlang-build")
        self.pool = FairPool(
            self.limits.max_concurrent,
            self.limits.client_share,
            self.limits.max_waiting,
            reserve=self.limits.light_reserve,
            light_seconds=self.limits.light_seconds,
        )
        self._threads = anyio.CapacityLimiter(self.limits.max_concurrent)
        self._deadline = threading.local()
        self._cache: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._watchdog = Watchdog()

    def close(self) -> None:
        self._watchdog.stop()
        self._builder.shutdown(wait=False, cancel_futures=True)
        self._db.close()

    # --- tables ------------------------------------------------------------------------------

    async def table(self, source: TableSource) -> TableInfo:
        """The built, attached table of a source (building it in the background if needed)."""
        info = self._attached.get(source.key)
        if info is not None:
            return info
        future = self._build_future(source)
        try:
            path = await asyncio.wait_for(
                asyncio.shield(asyncio.wrap_future(future)), self.limits.build_wait_seconds
            )
        except KhlangError as error:
            # DuckDB's text names server paths, SQL and the file's first line: it goes to
            # the log; the caller is told what is wrong, not where.
            log.warning("table %s cannot be built: %s", source.key, error.message.en)
            raise ApiError(
                Text(
                    th="ทรัพยากรนี้ค้นหาไม่ได้: ไฟล์อ่านตาม Table Schema ของทรัพยากรไม่ได้",
                    en="this resource cannot be queried: its file does not load with its "
                    "Table Schema",
                ),
                code="resource_not_queryable",
                status=422,
            ) from error
        except TimeoutError:
            raise ApiError(
                Text(
                    th="กำลังเตรียมตารางข้อมูลสำหรับการค้นหา กรุณาลองใหม่ในอีกสักครู่",
                    en="the table is being prepared for queries; try again shortly",
                ),
                code="table_preparing",
                status=503,
                headers={"Retry-After": "10"},
            ) from None
        return await anyio.to_thread.run_sync(self._attach, source.key, path)

    def table_sync(self, source: TableSource) -> TableInfo:
        """`table` for callers outside the event loop (CLI, tests, bench)."""
        info = self._attached.get(source.key)
        if info is not None:
            return info
        return self._attach(source.key, self._build_future(source).result())

    def prepare(self, source: TableSource) -> TableInfo:
        """Build and attach a table ahead of its first request (the server's start-up
        preparation), in the calling thread: the builder that requests use stays free, so a
        request for a table not prepared yet has it built at once instead of waiting behind
        the preparation of every other table. A request for the table being prepared waits
        for this build."""
        info = self._attached.get(source.key)
        if info is not None:
            return info
        with self._attach_lock:
            future = self._builds.get(source.key)
            mine = future is None or self._retry(future)
            if mine:
                future = concurrent.futures.Future()
                self._builds[source.key] = future
        assert future is not None
        if mine:
            try:
                future.set_result(self._ensure(source))
            except BaseException as error:
                future.set_exception(error)
        return self._attach(source.key, future.result())

    def _build_future(self, source: TableSource) -> concurrent.futures.Future[Path]:
        with self._attach_lock:
            future = self._builds.get(source.key)
            if future is None or self._retry(future):
                future = self._builder.submit(self._ensure, source)
                self._builds[source.key] = future
            return future

    @staticmethod
    def _retry(future: concurrent.futures.Future[Path]) -> bool:
        """A file that cannot be loaded stays refused; a failure of the machine (disk full,
        killed build) is tried again on the next request."""
        return (
            future.done()
            and future.exception() is not None
            and not isinstance(future.exception(), KhlangError)
        )

    def _ensure(self, source: TableSource) -> Path:
        return ensure_table(
            source, self.table_dir, memory_limit=self.limits.memory_limit,
            threads=self.limits.threads,
        )  # fmt: skip

    def _attach(self, key: str, path: Path) -> TableInfo:
        with self._attach_lock:
            info = self._attached.get(key)
            if info is None:
                alias = self._alias(key)
                literal = "'" + str(path).replace("'", "''") + "'"
                self._db.execute(f"ATTACH {literal} AS {quote_identifier(alias)} (READ_ONLY)")
                info = read_info(self._db, alias)
                self._attached[key] = info
            return info

    @staticmethod
    def _alias(key: str) -> str:
        return f"t_{key}"

    def compiler(self, info: TableInfo) -> Compiler:
        return Compiler(info, self._alias(info.key))

    # --- running -----------------------------------------------------------------------------

    async def run(self, function: Callable[[], T]) -> T:
        """`function()` in a worker thread once the caller (`QUERY_CLIENT`) has a place in
        the pool, with one deadline for every statement it runs."""
        async with self.pool.slot(QUERY_CLIENT.get()):
            return await anyio.to_thread.run_sync(
                self.within_deadline, function, limiter=self._threads
            )

    def within_deadline(self, function: Callable[[], T]) -> T:
        """`function()` with the request's deadline set for `_fetch` (in this thread)."""
        self._deadline.at = time.monotonic() + self.limits.timeout_seconds
        try:
            return function()
        finally:
            self._deadline.at = None

    def _timeout(self) -> ApiError:
        return ApiError(
            Text(
                th=f"การค้นหาใช้เวลาเกิน {self.limits.timeout_seconds:g} วินาที "
                "กรุณาเพิ่มตัวกรองหรือลดจำนวนกลุ่ม",
                en=f"the query took longer than {self.limits.timeout_seconds:g} s; "
                "add filters or group by fewer columns",
            ),
            code="query_timeout",
            status=400,
        )

    def _fetch(self, sql: Sql) -> list[tuple]:
        """Run one statement on its own cursor, interrupted at the request's deadline (or
        `timeout_seconds` from now outside a request)."""
        deadline = getattr(self._deadline, "at", None)
        seconds = (
            deadline - time.monotonic() if deadline is not None else self.limits.timeout_seconds
        )
        if seconds <= 0:
            raise self._timeout()
        cursor = self._db.cursor()
        ticket = self._watchdog.watch(cursor, seconds)
        try:
            return cursor.execute(sql.text, sql.params).fetchall()
        except self._duckdb.InterruptException:
            raise self._timeout() from None
        except self._duckdb.OutOfMemoryException:
            raise ApiError(
                Text(
                    th="การค้นหาต้องใช้หน่วยความจำเกินกำหนด กรุณาเพิ่มตัวกรองหรือลดจำนวนกลุ่ม",
                    en="the query needs more memory than allowed; add filters or group by "
                    "fewer columns",
                ),
                code="query_memory",
                status=400,
            ) from None
        finally:
            self._watchdog.release(ticket)
            cursor.close()

    def _cached(self, key: str, sql: Sql, compute: Callable[[], Any]) -> Any:
        cache_key = (key, sql.text, json.dumps(sql.params, default=str, ensure_ascii=False))
        with self._cache_lock:
            if cache_key in self._cache:
                self._cache.move_to_end(cache_key)
                return self._cache[cache_key]
        value = compute()
        with self._cache_lock:
            self._cache[cache_key] = value
            while len(self._cache) > self.limits.cache_entries:
                self._cache.popitem(last=False)
        return value

    def count(self, info: TableInfo, conditions: Conditions) -> int:
        """The exact number of rows matching, cached per table and filters."""
        if not conditions.filters and not conditions.text:
            return info.row_count
        sql = self.compiler(info).count(conditions)
        return self._cached(info.key, sql, lambda: self._fetch(sql)[0][0])

    def facet(self, info: TableInfo, conditions: Conditions, column: str) -> list[dict[str, Any]]:
        sql = self.compiler(info).facet(conditions, column, FACET_SIZE)
        return self._cached(
            info.key,
            sql,
            lambda: [{"value": value, "count": count} for value, count in self._fetch(sql)],
        )

    # --- rows --------------------------------------------------------------------------------

    async def rows(self, source: TableSource, query: RowQuery, *, offset: int = 0) -> RowPage:
        info = await self.table(source)
        return await self.run(lambda: self.rows_sync(info, query, offset=offset))

    def rows_sync(self, info: TableInfo, query: RowQuery, *, offset: int = 0) -> RowPage:
        compiler = self.compiler(info)
        by_name = {column.name: column for column in info.columns}
        fields = list(query.fields or by_name)
        signature = sort_signature(info.key, [(k.column, k.descending) for k in query.sort])
        after = None
        if query.cursor:
            sort_columns = [by_name[key.column] for key in query.sort]
            after = decode_cursor(query.cursor, signature, sort_columns)
        sql = compiler.page(
            fields, query.where, query.sort, query.size + 1, after=after, offset=offset
        )
        fetched = self._fetch(sql) if query.size else []
        more = len(fetched) > query.size
        fetched = fetched[: query.size]
        width = len(fields)
        rows = [dict(zip(fields, row[:width], strict=True)) for row in fetched]
        next_cursor = None
        if more and fetched:
            last = fetched[-1]
            next_cursor = encode_cursor(signature, list(last[width:-1]), last[-1])
        return RowPage(
            columns=[by_name[name] for name in fields],
            rows=rows,
            next_cursor=next_cursor,
            count=self.count(info, query.where) if query.count else None,
            facets={name: self.facet(info, query.where, name) for name in query.facets},
            row_numbers=[row[-1] for row in fetched],
        )

    def distinct_sync(
        self,
        info: TableInfo,
        fields: list[str],
        conditions: Conditions,
        sort: tuple[SortKey, ...],
        *,
        limit: int,
        offset: int = 0,
        count: bool = True,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """Distinct combinations of `fields` (CKAN's datastore_search `distinct`), a page of
        them and, when asked, how many there are."""
        compiler = self.compiler(info)
        fetched = self._fetch(compiler.distinct(fields, conditions, sort, limit, offset))
        rows = [dict(zip(fields, row, strict=True)) for row in fetched]
        if not count:
            return rows, None
        sql = compiler.count_distinct(fields, conditions)
        return rows, self._cached(info.key, sql, lambda: self._fetch(sql)[0][0])

    # --- aggregates ----------------------------------------------------------------------------

    async def aggregate(self, source: TableSource, query: AggregateQuery) -> AggregateResult:
        info = await self.table(source)
        return await self.run(lambda: self.aggregate_sync(info, query))

    def aggregate_sync(self, info: TableInfo, query: AggregateQuery) -> AggregateResult:
        sql = self.compiler(info).aggregate(query)
        names = [*query.group_by, *(aggregate.alias for aggregate in query.aggregates)]
        fetched = self._fetch(sql)
        return AggregateResult(
            columns=names,
            rows=[dict(zip(names, row, strict=True)) for row in fetched[: query.size]],
            truncated=len(fetched) > query.size,
        )

    # --- downloads -----------------------------------------------------------------------------

    def export_batches(self, sql: Sql, *, batch_rows: int = 50_000) -> Iterator[Any]:
        """pyarrow RecordBatches of a download, fetched as the client reads them (at least
        one, empty when no row matches, so a writer always knows the columns). The cursor is
        interrupted if the whole download outlives the download time limit."""
        cursor = self._db.cursor()
        deadline = self._watchdog.watch(cursor, self.limits.download_timeout_seconds)
        try:
            reader = cursor.sql(sql.text, params=sql.params).to_arrow_reader(batch_rows)
            empty = True
            for batch in reader:
                empty = False
                yield batch
            if empty:
                yield _empty_batch(reader.schema)
        except self._duckdb.InterruptException:
            raise KhlangError(
                Text(th="การดาวน์โหลดใช้เวลานานเกินกำหนด", en="the download took too long")
            ) from None
        finally:
            self._watchdog.release(deadline)
            cursor.close()


def _empty_batch(schema: Any) -> Any:
    import pyarrow as pa  # lazy: pyarrow, +65 ms

    return pa.RecordBatch.from_pylist([], schema=schema)
