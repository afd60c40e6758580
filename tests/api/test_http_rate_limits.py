"""Rate limits: per IP without a key, per key with one; 429 with Retry-After."""

from __future__ import annotations

from fastapi.testclient import TestClient

from khlang.api.settings import RateLimits
from tests.api.conftest import make_app


def test_limits_per_ip_and_per_key(api_catalog, as_user, resource_id) -> None:
    """Expensive requests (here a table query) have the tight allowance: per IP without a
    key, per key with one."""
    budget_rows_path = (
        f"/api/v1/datasets/chiang-mai-allocation/resources/"
        f"{resource_id('chiang-mai-allocation')}/rows"
    )
    app = make_app(api_catalog.home, rate_limits=RateLimits(anonymous="3/minute", key="5/minute"))
    with TestClient(app) as client:
        answers = [client.get(budget_rows_path) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[0].headers["ratelimit-limit"] == "3"
        assert answers[0].headers["ratelimit-remaining"] == "2"
        refused = answers[-1]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.json()["error"]["message"]["th"]
        # a key has its own allowance, whatever the IP address has used
        keyed = [client.get(budget_rows_path, headers=as_user("cm-member")) for _ in range(6)]
        assert [k.status_code for k in keyed] == [200] * 5 + [429]
        other_key = client.get(budget_rows_path, headers=as_user("cm-editor"))
        assert other_key.status_code == 200
        datastore = client.get("/api/3/action/datastore_search", params={"resource_id": "x"})
        assert datastore.status_code == 429
        assert datastore.json()["success"] is False
        # metadata reads are counted apart: the queries' limit does not refuse them, even
        # a CKAN read action POSTed as ckanapi sends every call; a CKAN write is not a read
        assert client.get("/api/v1/datasets").status_code == 200
        assert client.get("/api/3/action/status_show").status_code == 200
        shown = client.post("/api/3/action/package_show", json={"id": "chiang-mai-allocation"})
        assert shown.status_code == 200
        write = client.post("/api/3/action/package_patch", json={"id": "chiang-mai-allocation"})
        assert write.status_code == 429


def test_metadata_reads_have_their_own_allowance(api_catalog) -> None:
    app = make_app(api_catalog.home, rate_limits=RateLimits(anonymous="2/minute", reads="4/minute"))
    with TestClient(app) as client:
        answers = [client.get("/api/3/action/package_list") for _ in range(5)]
        assert [a.status_code for a in answers] == [200] * 4 + [429]
        assert answers[0].headers["ratelimit-limit"] == "4"
        assert answers[-1].json()["success"] is False
        assert "retry-after" in answers[-1].headers


def test_limits_can_be_read_from_text() -> None:
    assert RateLimits.parse("off").enabled is False
    parsed = RateLimits.parse("10/second;100/second")
    assert (parsed.anonymous, parsed.key, parsed.reads) == (
        "10/second",
        "100/second",
        "3000/minute",
    )
    assert RateLimits.parse("1/second;2/second;3/second").reads == "3/second"
