"""`khlang serve` as a user runs it."""

from __future__ import annotations

import fcntl
import http.client
import time

import httpx
import pytest

from khlang.api.query.engine import QueryLimits
from tests.api.server import running_khlang


def test_serve_answers_on_its_port(api_catalog) -> None:
    with running_khlang(api_catalog.home) as url, httpx.Client(base_url=url, timeout=60) as http:
        body = http.get("/api/v1/datasets", params={"q": "เชียงใหม่"}).json()
        assert body["results"][0]["name"] == "chiang-mai-allocation"
        assert "ratelimit-limit" in http.get("/api/v1").headers


def test_serve_refuses_a_home_without_a_catalog(khlang_here, tmp_path) -> None:
    """Through main() in this process: the refusal comes before any server starts, and the
    exit code a real process ends with is main()'s (tests/test_errors.py runs one)."""
    result = khlang_here("serve", "--home", str(tmp_path / "nothing"), "--port", "1")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_serve_keeps_idle_connections_longer_than_clients_do(api_catalog) -> None:
    """A connection idle for 6 s still answers: uvicorn's default (5 s) closes it as the
    clients' pools (httpx: 5 s) reuse it, and the request sent on it fails under load."""
    with running_khlang(api_catalog.home) as url:
        host, port = url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            for pause in (0, 6):
                time.sleep(pause)
                connection.request("GET", "/api/v1")  # on the same socket, never reopened
                answer = connection.getresponse()
                assert answer.status == 200, f"after {pause} s"
                answer.read()
        finally:
            connection.close()


def test_a_fresh_worker_answers_its_first_search_from_the_database(api_catalog) -> None:
    """A worker builds no search index: its first search is answered from the catalog's
    search tables, which the publishes wrote (issue 19)."""
    from fastapi.testclient import TestClient

    from tests.api.conftest import make_app

    app = make_app(api_catalog.home, prepare_tables=True)
    with TestClient(app) as client:
        found = client.get("/api/v1/datasets", params={"q": "งบประมาณ เชียงใหม่"}).json()
    assert "chiang-mai-allocation" in [item["name"] for item in found["results"]]


def test_a_starting_server_answers_rows_while_it_prepares_its_tables(
    tmp_path, api_catalog_template
) -> None:
    """A server takes requests at once and prepares its query tables in the background, from
    the catalog's list of them (issue 19). A datastore_search for a table not prepared yet
    has it built first and gets its rows, with the default limits, while the preparation is
    held up: the test holds the build lock of the first table it prepares, as another
    worker building it would. Before, such a request waited behind the preparation and got
    a 503 `table_preparing`."""
    from fastapi.testclient import TestClient

    from khlang.api import service
    from khlang.catalog import ANONYMOUS
    from tests.api.catalog_fixture import copy_of
    from tests.api.conftest import make_app

    # its own home, copied from the template no server ever opened: no table built yet
    built = copy_of(api_catalog_template, tmp_path)
    app = make_app(built.home, prepare_tables=True, query=QueryLimits())
    state = app.state.khlang
    first = service.current_table_sources(state)[0]
    asked = [
        (dataset, rid)
        for dataset, resources in built.resources.items()
        for filename, rid in resources.items()
        if filename.endswith(".csv") and dataset != "cm-private-plan"
        and service.table_source(state, ANONYMOUS, dataset, rid, None).source.key != first.key
    ]  # fmt: skip
    assert asked  # a table other than the blocked one
    state.engine.table_dir.mkdir(parents=True, exist_ok=True)
    with (state.engine.table_dir / f"{first.key}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with TestClient(app) as client:
            try:
                found = client.get("/api/v1/datasets", params={"q": "งบประมาณ"}).json()
                assert found["count"] > 0
                for dataset, rid in asked:
                    answer = client.get("/api/3/action/datastore_search",
                                        params={"resource_id": rid, "limit": 1})  # fmt: skip
                    assert answer.status_code == 200, answer.text
                    assert answer.json()["result"]["records"], dataset
                    answer = client.get(f"/api/v1/datasets/{dataset}/resources/{rid}/rows")
                    assert answer.status_code == 200, answer.text
                assert not (state.engine.table_dir / f"{first.key}.duckdb").exists()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)  # the preparation goes on, and ends


@pytest.mark.slow
def test_workers_share_rate_limit_counts_through_redis(api_catalog, as_user, redis_url) -> None:
    """Two `khlang serve` processes (workers behind a load balancer) with the counts in
    Redis: a key's allowance is spent across both, not granted once per worker."""
    import random

    # a window no other run uses, so that nothing else on this Redis shares the count; the
    # third allowance is the metadata reads' (/facets is one)
    limit = f"1000/minute;1000/minute;3 per {random.randrange(100, 10_000)} minutes"
    options = ("--rate-limit", limit, "--rate-limit-storage", redis_url)
    key = as_user("cm-member")
    with (
        running_khlang(api_catalog.home, *options) as first,
        running_khlang(api_catalog.home, *options) as second,
    ):
        codes = [
            httpx.get(f"{url}/api/v1/facets", headers=key, timeout=30).status_code
            for url in (first, second, first, second)
        ]
    assert codes == [200, 200, 200, 429]
