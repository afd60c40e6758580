"""ckanext-dcat's URLs on khlang, as a DCAT harvester or client uses them: each dataset at
/dataset/NAME.{ttl,rdf,xml,jsonld,n3} and by `Accept` on /dataset/NAME, the catalog at
/catalog.{ext}, at its own IRI and by `Accept` on /, a feed whose Hydra links keep every
parameter and reach every page; and every dataset page and every catalog page, of the sample
catalog and of the three-real-source catalog, passes DCAT-AP 3's combined SHACL file and
shapes.ttl + range.ttl with 0 violations (tests/dcat_shapes.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF

from khlang.metadata.dcat import HYDRA
from tests.api.conftest import make_app
from tests.dcat_shapes import assert_dcat_ap
from tests.published import CATALOGS, catalog_home, dataset_names, shared_root

NAME = "chiang-mai-allocation"
SERIALISATIONS = {
    "ttl": ("text/turtle", "turtle"),
    "rdf": ("application/rdf+xml", "xml"),
    "xml": ("application/rdf+xml", "xml"),
    "jsonld": ("application/ld+json", "json-ld"),
    "n3": ("text/n3", "n3"),
}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _graph(response, extension: str = "ttl") -> Graph:
    media, parser = SERIALISATIONS[extension]
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith(media)
    return Graph().parse(data=response.text, format=parser)


def _walk(client: TestClient, url: str, extension: str = "ttl") -> list[tuple[str, Graph]]:
    """Every page of a feed, by following `hydra:next` from `url` (as ckanext-dcat's RDF
    harvester does), checking each page's own links on the way."""
    pages: list[tuple[str, Graph]] = []
    while url:
        graph = _graph(client.get(url), extension)
        [view] = graph.subjects(RDF.type, HYDRA.PartialCollectionView)
        assert (view, RDF.type, HYDRA.PagedCollection) in graph
        assert graph.value(view, HYDRA.nextPage) == graph.value(view, HYDRA.next)
        pages.append((str(view), graph))
        following = graph.value(view, HYDRA.next)
        url = str(following) if following is not None else ""
        assert len(pages) < 100
    return pages


def _datasets(graph: Graph) -> set[URIRef]:
    catalog = graph.value(predicate=RDF.type, object=DCAT.Catalog)
    return set(graph.objects(catalog, DCAT.dataset))


# --- URLs and negotiation, on the API tests' catalog ------------------------------------------


@pytest.mark.parametrize("extension", list(SERIALISATIONS))
def test_a_dataset_at_each_extension_is_the_same_graph(client, extension) -> None:
    turtle = _graph(client.get(f"/dataset/{NAME}.ttl"))
    assert isomorphic(turtle, _graph(client.get(f"/dataset/{NAME}.{extension}"), extension))
    assert (URIRef(f"http://testserver/dataset/{NAME}"), RDF.type, DCAT.Dataset) in turtle


@pytest.mark.parametrize(
    ("accept", "extension"),
    [("text/turtle", "ttl"), ("application/rdf+xml", "rdf"), ("application/ld+json", "jsonld"),
     ("application/rdf+xml; q=1.0, application/ld+json; q=0.6", "rdf"),
     ("text/html;q=0.5, text/turtle", "ttl")],
)  # fmt: skip
def test_the_dataset_iri_answers_rdf_by_accept(client, accept, extension) -> None:
    """The dataset's IRI (`/dataset/NAME`, as in the graph) is its web page for a browser and
    its DCAT-AP for an RDF client, and says that it varies by Accept."""
    answer = client.get(f"/dataset/{NAME}", headers={"Accept": accept})
    expected = _graph(client.get(f"/dataset/{NAME}.{extension}"), extension)
    assert isomorphic(_graph(answer, extension), expected)
    assert "accept" in answer.headers["vary"].lower()
    page = client.get(f"/dataset/{NAME}", headers={"Accept": BROWSER})
    assert page.headers["content-type"].startswith("text/html")
    assert "Accept" in [item.strip() for item in page.headers["vary"].split(",")]


def test_an_unknown_dataset_or_extension_is_a_404(client) -> None:
    assert client.get("/dataset/no-such-dataset.ttl").status_code == 404
    assert (
        client.get("/dataset/no-such-dataset", headers={"Accept": "text/turtle"}).status_code == 404
    )
    # Any other extension is no DCAT route (ckanext-dcat's): the dataset page's 404, a page.
    for path in (f"/dataset/{NAME}.csv", "/dataset/0.0"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")


def test_the_catalog_iri_dereferences(client) -> None:
    """The dcat:Catalog's IRI answers its feed to an RDF client and sends a browser home."""
    graph = _graph(client.get("/catalog.ttl"))
    catalog = graph.value(predicate=RDF.type, object=DCAT.Catalog)
    assert catalog == URIRef("http://testserver/catalog")
    for accept, extension in (("text/turtle", "ttl"), ("*/*", "ttl"),
                              ("application/ld+json", "jsonld"), (None, "ttl")):  # fmt: skip
        answer = client.get("/catalog", headers={"Accept": accept} if accept else {})
        described = _graph(answer, extension)
        assert (catalog, RDF.type, DCAT.Catalog) in described
        assert _datasets(described) == _datasets(graph)
    home = client.get("/catalog", headers={"Accept": BROWSER}, follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (303, "http://testserver/")


def test_the_site_root_answers_the_catalog_by_accept(client) -> None:
    """ckanext-dcat's negotiation on the home page: RDF for an RDF client, whose paging links
    lead to /catalog.ext; the page for a browser."""
    graph = _graph(client.get("/", headers={"Accept": "text/turtle"}))
    assert _datasets(graph) == _datasets(_graph(client.get("/catalog.ttl")))
    view = next(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
    assert str(graph.value(view, HYDRA.first)) == "http://testserver/catalog.ttl?page=1"
    assert (
        client.get("/", headers={"Accept": BROWSER}).headers["content-type"].startswith("text/html")
    )


@pytest.mark.parametrize("path", ["/catalog.ttl", "/catalog.xml", "/api/v1/catalog.ttl"])
def test_paging_keeps_every_parameter_and_reaches_every_page(client, path) -> None:
    """`hydra:next` pages by keyset (`after` the previous page's last dataset); first, last
    and previous are numbered pages, and the old `?page=N` is still answered."""
    extension = path.rsplit(".", 1)[1]
    whole = _datasets(_graph(client.get(path), extension))
    pages = _walk(client, f"{path}?size=1", extension)
    assert len(pages) == len(whole) >= 2
    seen = [dataset for _, graph in pages for dataset in _datasets(graph)]
    assert sorted(seen) == sorted(whole)  # each dataset once
    assert seen == sorted(seen)  # in name order
    for number, (url, graph) in enumerate(pages, start=1):
        query = parse_qs(urlsplit(url).query)
        if number == 1:
            assert query == {"size": ["1"], "page": ["1"]}
        else:
            previous_name = str(seen[number - 2]).rsplit("/", 1)[1]
            assert query == {"size": ["1"], "after": [previous_name]}
        assert urlsplit(url).path == path
        view = URIRef(url)
        assert graph.value(view, HYDRA.totalItems).toPython() == len(whole)
        assert graph.value(view, HYDRA.itemsPerPage).toPython() == 1
        assert str(graph.value(view, HYDRA.first)).endswith("size=1&page=1")
        assert str(graph.value(view, HYDRA.last)).endswith(f"page={len(pages)}")
        assert graph.value(view, HYDRA.previous) is None  # keyset pages have none
        numbered = _graph(client.get(f"{path}?size=1&page={number}"), extension)
        assert _datasets(numbered) == _datasets(graph)
        numbered_view = URIRef(f"http://testserver{path}?size=1&page={number}")
        assert (numbered.value(numbered_view, HYDRA.previous) is None) == (number == 1)
        assert numbered.value(numbered_view, HYDRA.next) == graph.value(view, HYDRA.next)
    assert client.get(f"{path}?size=1&page={len(pages) + 1}").status_code == 404
    past_the_end = _graph(client.get(f"{path}?size=1&after=zzzz"), extension)
    assert _datasets(past_the_end) == set()


def test_the_negotiated_feed_pages_at_its_own_address(client) -> None:
    pages = _walk(client, "/catalog?size=1")
    queries = [urlsplit(url).query for url, _ in pages]
    assert queries[0] == "size=1&page=1"
    assert urlsplit(pages[1][0]).path == "/catalog"
    assert queries[1].startswith("size=1&after=")


def test_after_places_the_page_when_page_is_given_too(client) -> None:
    """A schema-valid request is answered (the OpenAPI campaign sends both): the keyset
    cursor says where the page starts, and its links carry the cursor, not the number."""
    both = client.get("/catalog.ttl?page=2&after=a&size=1")
    alone = client.get("/catalog.ttl?after=a&size=1")
    assert both.status_code == alone.status_code == 200
    assert both.text == alone.text


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("q=budget", "q"), ("fq=tags:x", "fq"), ("modified_since=2025-01-01", "modified_since"),
     ("page=0", "page"), ("size=1001", "size"), ("page=x", "page")],
)  # fmt: skip
def test_the_feed_names_a_parameter_it_does_not_take(client, query, parameter) -> None:
    """Rather than ignore a filter (and hand over the whole catalog as if it were filtered)."""
    for path in ("/catalog.ttl", "/api/v1/catalog.ttl"):
        answer = client.get(f"{path}?{query}")
        assert answer.status_code == 400, (path, query)
        assert answer.json()["error"]["parameter"] == parameter
    root = client.get(f"/?{query}", headers={"Accept": "text/turtle"})
    assert root.status_code == 400
    assert root.json()["error"]["parameter"] == parameter


# --- SHACL over every page of the sample and the three-real-source catalogs ---------------------


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory, worker_id, shared_dir):
    """A TestClient over each published catalog, made when first asked for."""
    root = shared_root(tmp_path_factory, worker_id)
    clients: dict[str, TestClient] = {}

    def client_of(catalog: str) -> TestClient:
        if catalog not in clients:
            home = catalog_home(root, shared_dir, catalog)
            clients[catalog] = TestClient(make_app(home)).__enter__()
        return clients[catalog]

    yield client_of
    for opened in clients.values():
        opened.__exit__(None, None, None)


@pytest.mark.slow
@pytest.mark.parametrize("catalog", list(CATALOGS))
def test_every_dataset_page_passes_the_dcat_ap_shapes(catalogs, shared_dir, catalog) -> None:
    client = catalogs(catalog)
    reference = shared_dir / "reference" / "dcat-ap-3.0.0"
    for name in dataset_names(catalog):
        graph = _graph(client.get(f"/dataset/{name}.ttl"))
        node = URIRef(f"http://testserver/dataset/{name}")
        distributions = list(graph.objects(node, DCAT.distribution))
        assert len(distributions) >= 3, name
        assert all(graph.value(d, DCAT.downloadURL) for d in distributions), name
        assert_dcat_ap(graph, reference, name)


@pytest.mark.slow
@pytest.mark.parametrize("catalog", list(CATALOGS))
def test_every_catalog_page_passes_the_dcat_ap_shapes(catalogs, shared_dir, catalog) -> None:
    client = catalogs(catalog)
    reference = shared_dir / "reference" / "dcat-ap-3.0.0"
    pages = _walk(client, "/catalog.ttl?size=3")
    names = dataset_names(catalog)
    assert len(pages) == -(-len(names) // 3)
    seen = {str(d).rsplit("/", 1)[1] for _, graph in pages for d in _datasets(graph)}
    assert seen == set(names)
    for url, graph in pages:
        assert_dcat_ap(graph, reference, url)
