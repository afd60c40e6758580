"""Rate limits count verified identities: a key that is unknown, revoked or malformed is a
401 and counts against the caller's IP address; only a valid key gets the key's allowance.
Expensive requests and metadata reads stay counted apart."""

from __future__ import annotations

import secrets

from fastapi.testclient import TestClient

from khlang.api.settings import RateLimits
from tests.api.conftest import make_app


def test_junk_keys_count_against_the_ip(api_catalog, as_user, resource_id) -> None:
    rows = (
        f"/api/v1/datasets/chiang-mai-allocation/resources/"
        f"{resource_id('chiang-mai-allocation')}/rows"
    )
    limits = RateLimits(anonymous="3/minute", key="5/minute", reads="4/minute")
    with TestClient(make_app(api_catalog.home, rate_limits=limits)) as client:
        junk = [
            {"Authorization": f"Bearer khlang_{secrets.token_hex(16)}"},
            {"X-CKAN-API-Key": secrets.token_hex(20)},
            {"Authorization": "Bearer"},
            {"Authorization": ("\u0e01" * 3).encode()},  # not even ASCII
        ]
        answers = [client.get(rows, headers=headers) for headers in junk]
        assert [a.status_code for a in answers] == [401, 401, 401, 429]
        assert answers[0].json()["error"]["code"] == "bad_api_key"
        assert answers[0].headers["ratelimit-limit"] == "3"  # the IP's allowance, not a key's
        assert client.get(rows).status_code == 429  # the IP's allowance is spent
        # a valid key has its own allowance, untouched by the junk
        keyed = [client.get(rows, headers=as_user("cm-member")) for _ in range(6)]
        assert [k.status_code for k in keyed] == [200] * 5 + [429]
        assert keyed[0].headers["ratelimit-limit"] == "5"
        # metadata reads: junk keys count against the IP's reads, apart from the queries
        reads = [
            client.get("/api/3/action/package_list", headers={"Authorization": f"junk{n}"})
            for n in range(5)
        ]
        assert [r.status_code for r in reads] == [401] * 4 + [429]
        assert reads[0].json()["success"] is False
        assert client.get("/api/3/action/package_list").status_code == 429


def test_a_revoked_key_counts_against_the_ip(api_catalog, tmp_path) -> None:
    from khlang.catalog import Catalog, Principal

    operator = Principal.operator("test")
    with Catalog.open(api_catalog.home) as catalog:
        catalog.accounts.create_user("revoked-limiter", actor=operator)
        record, token = catalog.accounts.create_key("revoked-limiter", actor=operator)
        catalog.accounts.revoke_key(record.id, actor=operator)
    limits = RateLimits(anonymous="2/minute", key="50/minute", reads="2/minute")
    with TestClient(make_app(api_catalog.home, rate_limits=limits)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        statuses = [client.get("/api/v1/datasets", headers=headers).status_code for _ in range(3)]
        assert statuses == [401, 401, 429]
