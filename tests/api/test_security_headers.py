"""Every kind of answer carries the security headers (issue 8), and an internal error tells
the client nothing about the server: no stack trace, no path, no secret, only a bilingual
message with an incident id that the server's log also holds."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from khlang.catalog import Catalog
from khlang.catalog.location import SQLITE_FILE
from tests.api.conftest import make_app

API = "/api/v1"
SECRET = "khlang-secret-0f3c9a7e"


def _file_url(client) -> str:
    detail = client.get(f"{API}/datasets/chiang-mai-allocation").json()
    return next(r for r in detail["resources"] if r["tabular"])["download_url"]


ANSWERS = {
    "HTML page": lambda client: "/",
    "HTML 404 page": lambda client: "/dataset/no-such-dataset",
    "JSON API": lambda client: f"{API}/datasets",
    "JSON 404": lambda client: f"{API}/datasets/no-such-dataset",
    "JSON 400": lambda client: f"{API}/datasets?sort=nonsense",
    "CKAN API": lambda client: "/api/3/action/package_list",
    "CKAN error": lambda client: "/api/3/action/package_show?id=no-such-dataset",
    "DCAT feed": lambda client: f"{API}/catalog.ttl",
    "published file": _file_url,
}


def _assert_secure(response, name: str) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", name
    assert headers["x-frame-options"] == "DENY", name
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy, (name, policy)
    if not headers["content-type"].startswith("text/html"):
        assert "default-src 'none'" in policy, (name, policy)
    assert "server" not in {key.lower() for key in headers} or "python" not in headers["server"]


@pytest.mark.parametrize("name", ANSWERS)
def test_every_answer_carries_the_headers(client, name: str) -> None:
    response = client.get(ANSWERS[name](client))
    assert response.status_code < 500, (name, response.status_code)
    _assert_secure(response, name)


def test_an_internal_error_shows_an_incident_id_and_nothing_else(
    tmp_path, monkeypatch, caplog
) -> None:
    monkeypatch.setenv("CKAN_TOKEN", SECRET)
    monkeypatch.setenv("KHLANG_API_KEY", SECRET)
    home = tmp_path / "home"
    Catalog.open(home, create=True).close()
    with TestClient(make_app(home), raise_server_exceptions=False) as client:
        assert client.get(f"{API}/datasets/anything").status_code == 404
        # A real fault under a running server: its database is destroyed underneath it.
        (home / SQLITE_FILE).write_bytes(b"this is not a database " * 512)
        with caplog.at_level(logging.ERROR):
            response = client.get(f"{API}/datasets/anything")
    assert response.status_code == 500
    _assert_secure(response, "500")
    body = response.text
    for leak in ("Traceback", "sqlite", "sqlalchemy", str(home), 'File "', SECRET):
        assert leak.lower() not in body.lower(), leak
    error = response.json()["error"]
    assert error["code"] == "internal_error"
    incident = error["message"]["en"].rsplit(" ", 1)[-1].rstrip(")")
    assert len(incident) == 12
    assert incident in error["message"]["th"]
    assert any(incident in record.getMessage() for record in caplog.records)
    assert SECRET not in caplog.text
