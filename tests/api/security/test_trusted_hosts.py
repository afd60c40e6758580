"""Trusted hosts: without a base URL only the configured host names are used in absolute
links, an unknown `Host` is a 400, and answers that may hold private data are never
publicly cacheable."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import make_app

EVIL = "evil.example"


def test_an_unknown_host_is_refused_everywhere(client, resource_id) -> None:
    rid = resource_id("chiang-mai-allocation")
    for path in ("/api/v1/datasets/chiang-mai-allocation", "/sitemap.xml", "/",
                 f"/api/v1/datasets/chiang-mai-allocation/resources/{rid}"):  # fmt: skip
        response = client.get(path, headers={"Host": EVIL})
        assert response.status_code == 400, path
        assert response.json()["error"]["code"] == "unknown_host"
        assert EVIL not in response.text
    ckan = client.get("/api/3/action/package_show", params={"id": "chiang-mai-allocation"},
                      headers={"Host": f"{EVIL}:8000"})  # fmt: skip
    assert ckan.status_code == 400
    assert ckan.json()["success"] is False
    assert ckan.headers["content-type"] == "application/json;charset=utf-8"


def test_configured_names_and_the_base_url_host_are_answered(api_catalog) -> None:
    app = make_app(api_catalog.home, host_names=["data.example.go.th"])
    with TestClient(app) as client:
        for host in ("data.example.go.th", "localhost:8000", "127.0.0.1", "[::1]:8000"):
            answer = client.get("/api/v1/datasets/chiang-mai-allocation", headers={"Host": host})
            assert answer.status_code == 200, host
        links = answer.json()["resources"][0]["download_url"]
        assert links.startswith("http://[::1]:8000/") or links.startswith("http://::1")
        assert client.get("/api/v1/datasets", headers={"Host": EVIL}).status_code == 400
    base = make_app(api_catalog.home, host_names=[], base_url="https://open.example.go.th")
    with TestClient(base, base_url="http://open.example.go.th") as client:
        answer = client.get("/api/v1/datasets/chiang-mai-allocation")
        assert answer.status_code == 200
        assert answer.json()["links"]["self"].startswith("https://open.example.go.th/")


def test_ckan_answers_to_a_key_are_never_shared(client, as_user) -> None:
    private = client.get(
        "/api/3/action/package_show", params={"id": "cm-private-plan"}, headers=as_user("cm-member")
    )
    assert private.status_code == 200
    assert private.headers["cache-control"] == "private, no-store"
    listing = client.get(
        "/api/3/action/package_search", params={"include_private": "true"},
        headers=as_user("cm-member"),
    )  # fmt: skip
    assert "cm-private-plan" in listing.text
    assert listing.headers["cache-control"] == "private, no-store"
