"""HEAD on every kind of answer, as link checkers send it before downloading (the EU MQA's
URL checks, CKAN's archiver): the GET's status and headers, no body. A 405 there would mark
each distribution of the catalog broken."""

from __future__ import annotations

import pytest


@pytest.fixture
def published_file(client):
    package = client.get("/api/3/action/package_show", params={"id": "chiang-mai-allocation"})
    return package.json()["result"]["resources"][0]["url"].removeprefix("http://testserver")


def _paths(published_file: str) -> list[str]:
    return [
        published_file,
        "/",
        "/dataset/chiang-mai-allocation",
        "/dataset/chiang-mai-allocation.ttl",
        "/catalog.ttl",
        "/sitemap.xml",
        "/api/v1/datasets",
        "/api/v1/datasets/chiang-mai-allocation/datapackage.json",
        "/api/3/action/package_search?q=งบประมาณ",
    ]


def test_head_is_the_get_without_its_body(client, published_file) -> None:
    for path in _paths(published_file):
        got = client.get(path)
        head = client.head(path)
        assert got.status_code == 200, path
        assert head.status_code == 200, path
        assert head.content == b"", path
        for header in ("content-type", "etag", "content-length", "cache-control"):
            assert head.headers.get(header) == got.headers.get(header), (path, header)
    assert int(client.head(published_file).headers["content-length"]) > 0


def test_head_of_what_is_not_there_is_a_404(client) -> None:
    for path in ("/dataset/no-such-dataset", "/api/v1/datasets/no-such-dataset/datapackage.json",
                 "/dataset/chiang-mai-allocation/resource/nope/download/x.csv"):  # fmt: skip
        head = client.head(path)
        assert head.status_code == 404, path
        assert head.content == b"", path
    assert client.head("/api/3/action/package_show", params={"id": "nope"}).status_code == 404
