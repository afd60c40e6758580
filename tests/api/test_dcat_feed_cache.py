"""The DCAT feed's page cache (khlang/api/feed_cache.py): an unchanged page is read back, not
built again; a new version, another page, format, base URL or caller's visibility is another
page; and a private dataset never reaches a caller who may not see it through the cache."""

from __future__ import annotations

import gzip

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from khlang.api import service
from khlang.api.feed_cache import FeedCache, page_key, visibility_class
from khlang.catalog import ANONYMOUS, Catalog, Principal
from tests.api.catalog_fixture import OPERATOR, copy_of, dataset_folder
from tests.api.conftest import make_app

PRIVATE = URIRef("http://testserver/dataset/cm-private-plan")


@pytest.fixture(scope="module")
def built(tmp_path_factory, api_catalog_template):
    return copy_of(api_catalog_template, tmp_path_factory.mktemp("feed-cache"))


@pytest.fixture(scope="module")
def app_client(built):
    with TestClient(make_app(built.home)) as client:
        yield client


def _datasets(text: str) -> set[URIRef]:
    graph = Graph().parse(data=text, format="turtle")
    catalog = graph.value(predicate=RDF.type, object=DCAT.Catalog)
    return set(graph.objects(catalog, DCAT.dataset))


def _no_rdflib(monkeypatch) -> None:
    """From here on, building a page fails: whatever is answered came from the cache."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the page was built again")

    monkeypatch.setattr(service, "catalog_graph", refuse)


def _cached_pages(built) -> int:
    return sum(1 for path in (built.home / "api" / "feeds").glob("*/*"))


def test_an_unchanged_page_is_read_back(app_client, built, monkeypatch) -> None:
    first = app_client.get("/catalog.ttl?size=2")
    assert first.status_code == 200
    pages = _cached_pages(built)
    assert pages >= 1
    _no_rdflib(monkeypatch)
    again = app_client.get("/catalog.ttl?size=2")
    assert (again.text, again.headers["etag"]) == (first.text, first.headers["etag"])
    assert _cached_pages(built) == pages
    # a conditional request is a 304
    assert (
        app_client.get("/catalog.ttl?size=2", headers={"If-None-Match": first.headers["etag"]})
    ).status_code == 304


@pytest.mark.parametrize(
    "other",
    ["/catalog.jsonld?size=2", "/catalog.ttl?size=1", "/catalog.ttl?size=1&page=2",
     "/api/v1/catalog.ttl?size=2"],
)  # fmt: skip
def test_another_format_size_position_or_address_is_another_page(app_client, other) -> None:
    base = app_client.get("/catalog.ttl?size=2")
    answer = app_client.get(other)
    assert answer.status_code == 200
    assert answer.headers["etag"] != base.headers["etag"]


def test_a_private_dataset_never_leaks_through_the_cache(app_client, built, monkeypatch) -> None:
    member = {"Authorization": f"Bearer {built.keys['cm-member']}"}
    outsider = {"Authorization": f"Bearer {built.keys['nn-editor']}"}
    for headers in (member, {}, outsider, member, {}):
        seen = _datasets(app_client.get("/catalog.ttl", headers=headers).text)
        assert (PRIVATE in seen) == (headers is member), headers
    # numbered pages of one dataset each: name marks are per visibility class too
    for headers, count in ((member, 3), ({}, 2), (member, 3), (outsider, 2)):
        pages = [
            _datasets(app_client.get(f"/catalog.ttl?size=1&page={n}", headers=headers).text)
            for n in range(1, count + 1)
        ]
        assert sum(PRIVATE in page for page in pages) == (headers is member), headers
        assert (
            app_client.get(f"/catalog.ttl?size=1&page={count + 1}", headers=headers).status_code
            == 404
        )
    # with every page cached, the answers stay right without building anything
    _no_rdflib(monkeypatch)
    for headers in ({}, outsider, member):
        seen = _datasets(app_client.get("/catalog.ttl", headers=headers).text)
        assert (PRIVATE in seen) == (headers is member), headers


def test_the_key_holds_the_callers_visibility() -> None:
    """Even for the same listing (a page with no private dataset on it), callers who see
    different private datasets do not share a page: the key says who may see what."""
    member = Principal(name="m", roles={"cm-office": "member"})
    assert visibility_class(ANONYMOUS) == []
    assert visibility_class(member) == ["cm-office"]
    assert visibility_class(OPERATOR) == ["*"]
    keys = {page_key(p, [], format="turtle") for p in (ANONYMOUS, member, OPERATOR)}
    assert len(keys) == 3


def test_a_new_version_is_a_new_page(app_client, built, tmp_path) -> None:
    before = app_client.get("/catalog.ttl")
    folder = dataset_folder(
        tmp_path, "nakhon-nayok-allocation", organization="nn-office",
        title="งบประมาณที่ได้รับจัดสรรรายพื้นที่ จังหวัดนครนายก ฉบับปรับปรุง",
        title_en="Budget allocation by area, Nakhon Nayok (revised)", province="26",
    )  # fmt: skip
    with Catalog.open(built.home, None) as catalog:
        catalog.publish(folder, actor=OPERATOR, change_note="revised title")
    after = app_client.get("/catalog.ttl")
    assert after.headers["etag"] != before.headers["etag"]
    graph = Graph().parse(data=after.text, format="turtle")
    node = URIRef("http://testserver/dataset/nakhon-nayok-allocation")
    titles = {str(title) for title in graph.objects(node, DCTERMS.title)}
    assert "Budget allocation by area, Nakhon Nayok (revised)" in titles


@pytest.mark.parametrize("path", ["/catalog.ttl?size=1", "/catalog.jsonld"])
def test_a_page_is_sent_as_kept_to_a_gzip_client(app_client, path) -> None:
    """The kept gzip bytes go out as they are; a client that takes no gzip gets the text."""
    compressed = app_client.get(path, headers={"Accept-Encoding": "gzip"})
    plain = app_client.get(path, headers={"Accept-Encoding": "identity"})
    assert compressed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert "accept-encoding" in compressed.headers["vary"].lower()
    assert compressed.text == plain.text  # httpx decodes the gzip
    assert compressed.headers["etag"] == plain.headers["etag"]


def test_the_cache_keeps_at_most_its_size(tmp_path) -> None:
    cache = FeedCache(tmp_path, max_pages=10)
    for number in range(30):
        cache.put(f"{number:064x}", f"page {number}")
    cache.prune()
    kept = sorted(tmp_path.glob("*/*"))
    assert len(kept) <= 10
    assert gzip.decompress(cache.get(f"{29:064x}")) == b"page 29"
    assert cache.get("ff" * 32) is None
