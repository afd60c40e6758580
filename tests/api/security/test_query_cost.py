"""Every query has a cost bound: text search is bounded and compiled to one predicate whose
size does not grow with its words, one deadline covers a whole request, and expensive
queries share a bounded pool fairly between clients."""

from __future__ import annotations

import asyncio
import time

import pytest

from khlang.api.errors import ApiError
from khlang.api.query.compile import Compiler, Sql
from khlang.api.query.engine import QueryEngine, QueryLimits
from khlang.api.query.language import (
    MAX_SEARCH_LENGTH,
    MAX_SEARCH_WORDS,
    Conditions,
    Schema,
    parse_row_query,
)
from khlang.api.query.pool import FairPool

API = "/api/v1"
WORDS = [
    "ถนน",
    "คอนกรีต",
    "เสริม",
    "เหล็ก",
    "หมู่",
    "บ้าน",
    "ตำบล",
    "คลอง",
    "ส่งน้ำ",
    "อาชีพ",
    "สำนักงาน",
    "ครุภัณฑ์",
    "อบรม",
]


def _rows_path(resource_id) -> str:
    rid = resource_id("chiang-mai-allocation")
    return f"{API}/datasets/chiang-mai-allocation/resources/{rid}/rows"


def test_q_predicate_does_not_grow_with_its_words(table) -> None:
    """The SQL of a 10-word search holds as many subqueries and joins as a 1-word one."""
    compiler = Compiler(table, "t")

    def shape(words: int) -> tuple[int, int]:
        sql = compiler.where(Conditions(text=" ".join(WORDS[:words]))).text
        return sql.count("SELECT"), len(sql)

    one, ten = shape(1), shape(MAX_SEARCH_WORDS)
    assert one[0] == ten[0]
    assert ten[1] == one[1]


def test_q_matches_rows_holding_every_word(engine, table, sample_rows) -> None:
    schema = Schema(table.columns)
    for text in ("ถนนคอนกรีต เชียงใหม่", "คลอง บ้านนา", "อบรม องครักษ์ นครนายก"):
        query = parse_row_query([("_q", text), ("_size", "1000")], schema)
        found = {row["line_id"] for row in engine.rows_sync(table, query).rows}
        words = text.split()
        expected = {
            row["line_id"]
            for row in sample_rows
            if all(any(w in str(value) for value in row.values()) for w in words)
        }
        assert found, text
        assert found == expected, text


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (" ".join(WORDS[: MAX_SEARCH_WORDS + 1]), "search_too_many_words"),
        ("ถนน" * (MAX_SEARCH_LENGTH // 3 + 1), "search_too_long"),
        (" ".join(f"คำ{n}" for n in range(120)), "search_too_long"),
    ],
)
def test_text_search_is_bounded(client, resource_id, value, code) -> None:
    for parameter in ("_q", "project_name__search", "project_name__contains"):
        response = client.get(_rows_path(resource_id), params={parameter: value})
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert (error["code"], error["parameter"]) == (code, parameter)
    ckan = client.get(
        "/api/3/action/datastore_search",
        params={"resource_id": resource_id("chiang-mai-allocation"), "q": value},
    )
    assert ckan.status_code == 409
    assert "q" in ckan.json()["error"]


def test_the_largest_search_allowed_is_answered(client, resource_id) -> None:
    text = " ".join(WORDS[:MAX_SEARCH_WORDS])
    response = client.get(
        _rows_path(resource_id), params={"_q": text, "_facet": "budget_type", "_count": "true"}
    )
    assert response.status_code == 200, response.text


LIMIT = 0.2
"""The deadline of test_one_deadline_covers_every_statement_of_a_request, in seconds."""


def test_one_deadline_covers_every_statement_of_a_request(tmp_path) -> None:
    """Ten statements of at least a third of the limit each (0.07 s under 0.2 s): the
    request is cut off before the last begins (each statement had its own 10 s limit
    before, and all ten ran), and DuckDB stops a statement that would never end when
    interrupted. Counted, not timed, so that a loaded machine cannot fail it; the limit is
    short because the test burns CPU until it (0.6 s and 0.2 s statements cost 1.5 s)."""
    engine = QueryEngine(tmp_path, QueryLimits(timeout_seconds=LIMIT))
    try:
        slow = "SELECT count(*) FROM range(?) t(i) WHERE hash(i) % 7 = 3"
        size = 1_000_000
        while True:  # calibrate a statement of at least a third of the limit on this machine
            started = time.monotonic()
            engine._db.execute(slow, [size]).fetchall()
            if time.monotonic() - started > LIMIT / 3:
                break
            size *= 2
        begun: list[int] = []

        def statements() -> list[object]:
            for _ in range(10):
                begun.append(1)
                engine._fetch(Sql(slow, [size]))
            return begun

        with pytest.raises(ApiError) as refused:
            engine.within_deadline(statements)
        assert refused.value.code == "query_timeout"
        assert len(begun) < 10
        endless = Sql("SELECT sum(hash(i)) FROM range(10000000000000) t(i)", [])
        with pytest.raises(ApiError) as stopped:
            engine.within_deadline(lambda: engine._fetch(endless))
        assert stopped.value.code == "query_timeout"
    finally:
        engine.close()


def test_pool_shares_places_fairly_and_keeps_one_for_light_clients() -> None:
    """Two clients known for slow queries send five each: they hold at most the places that
    are not reserved, a light client's query gets the reserved place at once, and the two
    heavy clients take turns rather than first come, first served."""

    async def scenario() -> list[str]:
        pool = FairPool(capacity=3, share=2, max_waiting=100, reserve=1, light_seconds=0.05)
        gate = asyncio.Event()
        order: list[str] = []

        async def query(client: str, wait: bool = True) -> None:
            async with pool.slot(client):
                order.append(client)
                if wait:
                    await gate.wait()

        for heavy in ("h1", "h2"):  # the pool learns that their queries are slow
            async with pool.slot(heavy):
                await asyncio.sleep(0.1)
        async with pool.slot("light"):  # and that this one's are fast
            pass
        assert pool.heavy("h1")
        assert pool.heavy("new")
        assert not pool.heavy("light")
        first = [asyncio.create_task(query("h1")) for _ in range(5)]
        await asyncio.sleep(0.01)
        second = [asyncio.create_task(query("h2")) for _ in range(5)]
        await asyncio.sleep(0.01)
        assert pool.running == 2  # h1's share; the reserved place stays free
        await asyncio.wait_for(query("light", wait=False), 1)
        gate.set()
        await asyncio.gather(*first, *second)
        return order

    order = asyncio.run(scenario())
    assert order[:3] == ["h1", "h1", "light"]
    rest = order[3:]
    assert rest.index("h2") <= 1  # h2 is served at once, not after h1's three queued queries
    assert sorted(rest) == ["h1"] * 3 + ["h2"] * 5


def test_pool_refuses_when_its_queue_is_full() -> None:
    async def scenario() -> None:
        pool = FairPool(capacity=1, share=1, max_waiting=1)
        gate = asyncio.Event()

        async def query() -> None:
            async with pool.slot("a"):
                await gate.wait()

        tasks = [asyncio.create_task(query()) for _ in range(2)]
        await asyncio.sleep(0.01)
        with pytest.raises(ApiError) as refused:
            async with pool.slot("b"):
                pass
        assert refused.value.status == 503
        gate.set()
        await asyncio.gather(*tasks)

    asyncio.run(scenario())
