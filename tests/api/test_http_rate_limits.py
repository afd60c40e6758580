"""Rate limits: per IP without a key, per key with one; 429 with Retry-After."""

from __future__ import annotations

from fastapi.testclient import TestClient

from khlang.api.settings import RateLimits
from tests.api.conftest import make_app


def test_limits_per_ip_and_per_key(api_catalog, as_user) -> None:
    app = make_app(api_catalog.home, rate_limits=RateLimits(anonymous="3/minute", key="5/minute"))
    with TestClient(app) as client:
        answers = [client.get("/api/v1/datasets") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[0].headers["ratelimit-limit"] == "3"
        assert answers[0].headers["ratelimit-remaining"] == "2"
        refused = answers[-1]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.json()["error"]["message"]["th"]
        # a key has its own allowance, whatever the IP address has used
        keyed = [client.get("/api/v1/datasets", headers=as_user("cm-member")) for _ in range(6)]
        assert [k.status_code for k in keyed] == [200] * 5 + [429]
        other_key = client.get("/api/v1/datasets", headers=as_user("cm-editor"))
        assert other_key.status_code == 200
        ckan = client.get("/api/3/action/status_show")
        assert ckan.status_code == 429
        assert ckan.json()["success"] is False


def test_limits_can_be_read_from_text() -> None:
    assert RateLimits.parse("off").enabled is False
    parsed = RateLimits.parse("10/second;100/second")
    assert (parsed.anonymous, parsed.key) == ("10/second", "100/second")
