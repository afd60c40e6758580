"""khlang's JSON API for datasets over HTTP: search, detail, visibility by role, versions,
compliance and scores, metadata in every form, the DCAT feed, caching headers. Who sees
which dataset through every door is in test_authz_matrix.py."""

from __future__ import annotations

import gzip

import pytest
from rdflib import Graph

API = "/api/v1"


def test_index_links_everything(client) -> None:
    links = client.get(API).json()["links"]
    assert {"datasets", "catalog_dcat", "openapi", "ckan"} <= set(links)


def test_search_thai_with_and_without_spaces(client) -> None:
    spaced = client.get(f"{API}/datasets", params={"q": "งบประมาณ เชียงใหม่"}).json()
    joined = client.get(f"{API}/datasets", params={"q": "งบประมาณเชียงใหม่"}).json()
    assert [r["name"] for r in spaced["results"]] == [r["name"] for r in joined["results"]]
    assert spaced["results"][0]["name"] == "chiang-mai-allocation"


def test_search_english_facets_and_filters(client) -> None:
    found = client.get(f"{API}/datasets", params={"q": "budget allocation Nakhon Nayok"}).json()
    assert found["results"][0]["name"] == "nakhon-nayok-allocation"
    facets = client.get(f"{API}/datasets").json()["facets"]
    assert set(facets) == {
        "organization",
        "data_type",
        "geo_coverage",
        "fiscal_year",
        "tags",
        "format",
        "data_category",
    }
    assert facets["organization"]["label"]["th"] == "องค์กร"
    assert {i["value"]: i["count"] for i in facets["organization"]["items"]} == {
        "cm-office": 1,
        "nn-office": 1,
    }
    only_nn = client.get(f"{API}/datasets", params={"organization": "nn-office"}).json()
    assert [r["name"] for r in only_nn["results"]] == ["nakhon-nayok-allocation"]
    by_name = client.get(f"{API}/datasets", params={"sort": "-name", "size": 1, "page": 2}).json()
    assert by_name["results"][0]["name"] == "chiang-mai-allocation"


def test_a_bad_key_is_refused_not_ignored(client) -> None:
    response = client.get(f"{API}/datasets", headers={"Authorization": "Bearer khlang_nope"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_api_key"


def test_dataset_detail(client) -> None:
    detail = client.get(f"{API}/datasets/chiang-mai-allocation").json()
    assert detail["version"] == 1
    assert len(detail["mandatory"]) == 15  # 14 items; item 9 has two keys
    labels = {item["key"]: item["label"]["th"] for item in detail["mandatory"]}
    assert labels["title"] == "ชื่อชุดข้อมูล"
    assert detail["metadata"]["data_type"] == "ข้อมูลสถิติ"
    assert detail["compliance"]["ok"] is True
    tabular = [r for r in detail["resources"] if r["tabular"]]
    assert len(tabular) == 1
    assert {"rows", "aggregate", "openapi", "download_csv"} <= set(tabular[0]["links"])
    text = next(r for r in detail["resources"] if not r["tabular"])
    assert "rows" not in text["links"]
    assert detail["links"]["dcat_ttl"].endswith("/metadata.ttl")


def test_unknown_dataset_is_a_404_in_both_languages(client) -> None:
    error = client.get(f"{API}/datasets/no-such-thing").json()["error"]
    assert error["status"] == 404
    assert error["message"]["th"]
    assert "no-such-thing" in error["message"]["en"]


def test_versions_and_pinning(client) -> None:
    versions = client.get(f"{API}/datasets/chiang-mai-allocation/versions").json()["versions"]
    assert [v["number"] for v in versions] == [1]
    pinned = client.get(f"{API}/datasets/chiang-mai-allocation", params={"version": 1})
    assert pinned.headers["cache-control"].endswith("immutable")
    missing = client.get(f"{API}/datasets/chiang-mai-allocation", params={"version": 9})
    assert missing.status_code == 404
    bad = client.get(f"{API}/datasets/chiang-mai-allocation", params={"version": "x"})
    assert bad.status_code == 400
    assert bad.json()["error"]["parameter"] == "version"


def test_compliance_and_both_scores(client) -> None:
    body = client.get(f"{API}/datasets/chiang-mai-allocation/compliance").json()
    assert body["compliance"]["mandatory_complete"] is True
    assert body["mqa"]["max"] == 405
    assert 0 < body["mqa"]["total"] <= 405
    assert body["budget_bureau"]["max"] == 100
    assert body["budget_bureau"]["organization"] == "cm-office"


@pytest.mark.parametrize(
    ("accept", "media", "rdf_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/html;q=0.9, application/ld+json;q=0.5", "application/ld+json", "json-ld"),
    ],
)
def test_dcat_by_content_negotiation(client, accept, media, rdf_format) -> None:
    response = client.get(
        f"{API}/datasets/chiang-mai-allocation/metadata", headers={"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    graph = Graph().parse(data=response.text, format=rdf_format)
    assert any("chiang-mai-allocation" in str(s) for s in graph.subjects())


@pytest.mark.parametrize(
    ("extension", "media"),
    [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("json", "application/json"),
    ],
)
def test_metadata_by_extension(client, extension, media) -> None:
    response = client.get(f"{API}/datasets/chiang-mai-allocation/metadata.{extension}")
    assert response.headers["content-type"].startswith(media)


def test_metadata_json_by_default_and_406_for_the_rest(client) -> None:
    plain = client.get(f"{API}/datasets/chiang-mai-allocation/metadata")
    assert plain.json()["title"].startswith("งบประมาณ")
    refused = client.get(
        f"{API}/datasets/chiang-mai-allocation/metadata", headers={"Accept": "image/png"}
    )
    assert refused.status_code == 406
    assert client.get(f"{API}/datasets/chiang-mai-allocation/metadata.exe").status_code == 404


def test_datapackage_links_the_files(client) -> None:
    descriptor = client.get(f"{API}/datasets/chiang-mai-allocation/datapackage.json").json()
    assert descriptor["name"] == "chiang-mai-allocation"
    assert descriptor["resources"][0]["path"].startswith("http://testserver/dataset/")
    assert descriptor["resources"][0]["schema"]["fields"][0]["name"] == "line_id"


def test_catalog_feed_pages(client) -> None:
    first = client.get(f"{API}/catalog.ttl", params={"size": 1})
    graph = Graph().parse(data=first.text, format="turtle")
    text = first.text
    assert "hydra" in text
    assert "page=2" in text
    assert len(set(graph.subjects(predicate=None, object=None))) > 1
    negotiated = client.get(f"{API}/catalog", headers={"Accept": "application/ld+json"})
    assert negotiated.headers["content-type"].startswith("application/ld+json")
    assert client.get(f"{API}/catalog.ttl", params={"page": 99}).status_code == 404


def test_etag_and_304(client) -> None:
    first = client.get(f"{API}/datasets/chiang-mai-allocation")
    etag = first.headers["etag"]
    again = client.get(f"{API}/datasets/chiang-mai-allocation", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert first.headers["cache-control"] == "public, max-age=60"


def test_cors_for_reads_only(client) -> None:
    origin = {"Origin": "https://example.org"}
    read = client.get(f"{API}/datasets", headers=origin)
    assert read.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        f"{API}/datasets",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 400  # POST is not offered cross-origin


def test_gzip(client) -> None:
    response = client.get(f"{API}/datasets", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert gzip  # httpx decodes it; the header is what matters


def test_organizations(client) -> None:
    names = [o["name"] for o in client.get(f"{API}/organizations").json()["organizations"]]
    assert names == ["cm-office", "nn-office"]
    cm = client.get(f"{API}/organizations/cm-office").json()
    assert [d["name"] for d in cm["datasets"]] == ["chiang-mai-allocation"]
    assert cm["budget_bureau"]["max"] == 100


def test_openapi_documents_every_endpoint_with_examples(client) -> None:
    document = client.get(f"{API}/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/datasets",
        "/api/v1/datasets/{name}",
        "/api/v1/datasets/{name}/compliance",
        "/api/v1/datasets/{name}/resources/{resource_id}/rows",
        "/api/v1/datasets/{name}/resources/{resource_id}/aggregate",
        "/api/3/action/{action}",
        "/api/v1/catalog.{extension}",
    ):
        assert path in paths, path
    search = paths["/api/v1/datasets"]["get"]
    q = next(p for p in search["parameters"] if p["name"] == "q")
    assert q["schema"]["examples"] == ["งบประมาณ เชียงใหม่"]


def test_remembered_answers_are_kept_per_caller(client, as_user) -> None:
    """Answers are reused for a moment (ApiState.remember), never across callers: what a
    member was just shown of a private dataset stays hidden from the next anonymous caller."""
    member = as_user("cm-member")
    for path in ("", "/metadata.ttl", "/metadata.json", "/datapackage.json"):
        url = f"{API}/datasets/cm-private-plan{path}"
        assert client.get(url, headers=member).status_code == 200, url
        assert client.get(url).status_code == 404, url
        assert client.get(url, headers=member).status_code == 200, url


@pytest.mark.parametrize("q", ["งบ\x00ประมาณ", "\x82:w\x13\x00", "\x1b[31m", "budget\x7f"])
def test_control_characters_in_a_search_separate_words(client, q) -> None:
    """Found by bench/fuzz.py: a NUL inside a word ended SQLite's FTS string (a 500)."""
    response = client.get(f"{API}/datasets", params={"q": q})
    assert response.status_code == 200
    assert response.json()["count"] >= 0
