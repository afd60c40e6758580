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
from khlang.api.feed_cache import FeedCache, page_key, part_key, visibility_class
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
    return _graph_datasets(Graph().parse(data=text, format="turtle"))


def _no_rdflib(monkeypatch) -> None:
    """From here on, building or assembling a page fails: whatever is answered came from
    the page cache."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the page was built again")

    for name in ("catalog_graph", "catalog_page", "dataset_part"):
        monkeypatch.setattr(service, name, refuse)


def _no_description_built(monkeypatch) -> list[str]:
    """From here on, a dataset's description may only be read back from the kept parts;
    the pages assembled are counted."""
    assembled: list[str] = []
    assemble = service.catalog_page

    def refuse(*_args, **_kwargs):
        raise AssertionError("a dataset's description was built again")

    def counted(*args, **kwargs):
        assembled.append(kwargs["format"])
        return assemble(*args, **kwargs)

    monkeypatch.setattr(service, "dataset_part", refuse)
    monkeypatch.setattr(service, "catalog_graph", refuse)
    monkeypatch.setattr(service, "catalog_page", counted)
    return assembled


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


@pytest.mark.parametrize("extension", ["ttl", "jsonld", "rdf", "n3"])
def test_an_assembled_page_is_the_page_built_whole(app_client, built, extension) -> None:
    """The served page, assembled from the datasets' kept descriptions, parses to the graph
    rdflib builds whole for the same page (blank nodes aside), in every serialisation."""
    from rdflib.compare import isomorphic

    from khlang.metadata.dcat import Paging

    member = {"Authorization": f"Bearer {built.keys['cm-member']}"}
    format = service.RDF_EXTENSIONS[extension]
    for _ in range(2):  # built from the catalog, then from the kept descriptions
        text = app_client.get(f"/catalog.{extension}", headers=member).text
    served = Graph().parse(data=text, format=format)
    hydra = "http://www.w3.org/ns/hydra/core#"
    view = next(s for s, o in served.subject_objects(RDF.type) if str(o).startswith(hydra))
    total = int(served.value(view, URIRef(f"{hydra}totalItems")))
    state = app_client.app.state.khlang
    principal = Principal(name="cm-member", roles={"cm-office": "member"})
    listed = state.catalog.datasets(viewer=principal, limit=100)
    assert PRIVATE in _graph_datasets(served)
    paging = Paging(page_url=str(view), total_items=total, items_per_page=100,
                    first_url=str(served.value(view, URIRef(f"{hydra}first"))),
                    last_url=str(served.value(view, URIRef(f"{hydra}last"))))  # fmt: skip
    names = [s.name for s in listed]
    whole = service._whole_page(state, principal, "http://testserver", names, paging)
    assert isomorphic(served, whole)


def _graph_datasets(graph: Graph) -> set[URIRef]:
    catalog = graph.value(predicate=RDF.type, object=DCAT.Catalog)
    return set(graph.objects(catalog, DCAT.dataset))


def test_a_private_description_is_kept_for_its_callers_class_only(app_client, built) -> None:
    """A private dataset's kept description is keyed by the visibility class of the caller
    that listed it: no other class's key finds it, and no other caller's page holds it."""
    member = {"Authorization": f"Bearer {built.keys['cm-member']}"}
    outsider = {"Authorization": f"Bearer {built.keys['nn-editor']}"}
    assert "cm-private-plan" in app_client.get("/catalog.ttl", headers=member).text
    with Catalog.open(built.home, None) as catalog:
        [summary] = [s for s in catalog.datasets(viewer=OPERATOR) if s.name == "cm-private-plan"]
    parts = FeedCache(built.home / "api" / "feed-parts")
    context = {"format": "turtle", "base": "http://testserver"}
    in_office = Principal(name="cm-member", roles={"cm-office": "member"})
    elsewhere = Principal(name="nn-editor", roles={"nn-office": "editor"})
    assert parts.get(part_key(in_office, summary, **context)) is not None
    for other in (ANONYMOUS, elsewhere, OPERATOR):
        assert parts.get(part_key(other, summary, **context)) is None, other.name
    for headers in ({}, outsider):
        assert "cm-private-plan" not in app_client.get("/catalog.ttl", headers=headers).text


def test_a_withdrawal_costs_no_other_dataset_its_description(
    app_client, built, monkeypatch
) -> None:
    """A withdrawal changes every page's total and last link, so every page is another
    page; each is assembled again from the kept descriptions, building none of them."""
    before = app_client.get("/catalog.ttl?size=1")
    assembled = _no_description_built(monkeypatch)
    state = app_client.app.state.khlang
    state.catalog.withdraw("nakhon-nayok-allocation", actor=OPERATOR)
    state.forget()  # as after a withdrawal through this process: the total is counted again
    try:
        after = app_client.get("/catalog.ttl?size=1")
    finally:
        state.catalog.reinstate("nakhon-nayok-allocation", actor=OPERATOR)
        state.forget()
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert assembled == ["turtle"]
    graph = Graph().parse(data=after.text, format="turtle")
    view = URIRef("http://testserver/catalog.ttl?size=1&page=1")
    assert int(graph.value(view, URIRef("http://www.w3.org/ns/hydra/core#totalItems"))) == 1
    assert _graph_datasets(graph) == {URIRef("http://testserver/dataset/chiang-mai-allocation")}
