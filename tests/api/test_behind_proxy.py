"""Behind a reverse proxy: a harvester reaches khlang as https://data.example.go.th while the
proxy talks to `khlang serve` on a loopback port, sending the asked name in
`X-Forwarded-Host` and the scheme in `X-Forwarded-Proto` (as Apache's mod_proxy and Traefik
do). Every link the harvester follows (CKAN resource URLs, Data Package paths, DCAT IRIs and
Hydra pages) must name the public site, never the loopback upstream; a forwarded name the
site does not answer to is refused, naming the header."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from tests.api.server import running_khlang

pytestmark = pytest.mark.slow  # a real server process
PUBLIC = "https://data.example.go.th"
PROXIED = {"X-Forwarded-Host": "data.example.go.th", "X-Forwarded-Proto": "https"}
HYDRA_NEXT = "http://www.w3.org/ns/hydra/core#next"


@pytest.fixture(scope="module")
def upstream(api_catalog):
    with running_khlang(api_catalog.home, "--host-name", "data.example.go.th") as url:
        yield url


def test_links_name_the_public_site(upstream) -> None:
    with httpx.Client(base_url=upstream, headers=PROXIED, timeout=60) as proxy:
        shown = proxy.get("/api/3/action/package_show", params={"id": "chiang-mai-allocation"})
        assert shown.status_code == 200, shown.text
        package = shown.json()
        assert package["help"].startswith(f"{PUBLIC}/api/3/action/help_show")
        urls = [r["url"] for r in package["result"]["resources"]]
        assert urls
        assert all(url.startswith(f"{PUBLIC}/dataset/chiang-mai-allocation/") for url in urls)
        first = package["result"]["resources"][0]
        checked = proxy.head(first["url"].removeprefix(PUBLIC))  # a link checker's HEAD
        assert checked.status_code == 200
        assert checked.headers["etag"] == f'"{first["hash"].removeprefix("sha256:")}"'
        assert int(checked.headers["content-length"]) == first["size"]
        descriptor = proxy.get("/api/v1/datasets/chiang-mai-allocation/datapackage.json").json()
        assert all(r["path"].startswith(f"{PUBLIC}/dataset/") for r in descriptor["resources"])
        page = proxy.get("/catalog.ttl", params={"size": 1})
        graph = Graph().parse(data=page.text, format="turtle")
        datasets = [str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)]
        assert datasets
        assert all(iri.startswith(PUBLIC) for iri in datasets)
        pages = [str(o) for o in graph.objects(None, URIRef(HYDRA_NEXT))]
        assert pages
        assert all(url.startswith(f"{PUBLIC}/catalog.ttl?") for url in pages)
        assert upstream.removeprefix("http://") not in page.text + shown.text
    direct = httpx.get(f"{upstream}/api/3/action/package_show?id=chiang-mai-allocation").json()
    assert direct["result"]["resources"][0]["url"].startswith(f"{upstream}/dataset/")


def test_a_forwarded_name_the_site_does_not_answer_to_is_refused(upstream) -> None:
    forged = {**PROXIED, "X-Forwarded-Host": "evil.example"}
    for path in ("/api/v1/datasets/chiang-mai-allocation", "/catalog.ttl"):
        answer = httpx.get(f"{upstream}{path}", headers=forged, timeout=60)
        assert answer.status_code == 400, path
        assert answer.json()["error"]["parameter"] == "X-Forwarded-Host"
        assert "evil.example" not in answer.text
    ckan = httpx.get(f"{upstream}/api/3/action/package_show?id=chiang-mai-allocation",
                     headers=forged, timeout=60)  # fmt: skip
    assert ckan.status_code == 400
    assert ckan.json()["success"] is False
