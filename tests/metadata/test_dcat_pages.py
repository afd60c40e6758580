"""A catalog page assembled from its datasets' serialised parts (khlang.metadata.dcat_pages)
is the page built whole: isomorphic graphs in every serialisation the feed serves, and the
assembled page passes SEMIC's DCAT-AP shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from khlang.i18n import Text
from khlang.metadata.dcat import Paging, catalog_graph, serialize
from khlang.metadata.dcat_pages import Part, catalog_page, dataset_part, join
from khlang.metadata.model import Dataset
from tests.dcat_shapes import assert_dcat_ap

BASE = "https://data.example.go.th"
PAGING = Paging(
    page_url=f"{BASE}/catalog.ttl?page=2", total_items=60, items_per_page=6,
    first_url=f"{BASE}/catalog.ttl?page=1", last_url=f"{BASE}/catalog.ttl?page=10",
    next_url=f"{BASE}/catalog.ttl?after=x", previous_url=f"{BASE}/catalog.ttl?page=1",
)  # fmt: skip
FORMATS = ["turtle", "json-ld", "xml", "n3"]
"""Every serialisation the feed answers in (service.RDF_EXTENSIONS)."""


def _options(agency: list[Dataset]) -> dict:
    return {
        "base_url": BASE,
        "title": Text(th="บัญชีข้อมูล", en="Data catalog"),
        "description": Text(th="ข้อมูลงบประมาณ", en="Budget data"),
        "publisher": agency[0].publisher,
        "paging": PAGING,
    }


def _download(_dataset, resource) -> str:
    return f"{BASE}/download/{resource.name}"


@pytest.mark.parametrize("format", FORMATS)
def test_an_assembled_page_is_the_page_built_whole(agency: list[Dataset], format: str) -> None:
    whole = catalog_graph(agency, resource_url=_download, **_options(agency))
    parts = [dataset_part(d, base_url=BASE, resource_url=_download, format=format)
             for d in agency]  # fmt: skip
    text = catalog_page(parts, format=format, **_options(agency))
    assert text is not None
    page = Graph().parse(data=text, format=format)
    assert len(page) == len(whole)
    assert isomorphic(page, whole)
    # the page as rdflib writes it whole parses to the same graph too
    assert isomorphic(page, Graph().parse(data=serialize(whole, format), format=format))


def test_an_assembled_page_passes_the_shapes(shared_dir: Path, agency: list[Dataset]) -> None:
    reference = shared_dir / "reference" / "dcat-ap-3.0.0"
    parts = [dataset_part(d, base_url=BASE, resource_url=_download, format="turtle")
             for d in agency]  # fmt: skip
    text = catalog_page(parts, format="turtle", **_options(agency))
    assert_dcat_ap(Graph().parse(data=text, format="turtle"), reference, "assembled page")


def test_conflicting_prefixes_are_declared_per_part_or_refused() -> None:
    """Two parts binding one prefix to different namespaces: Turtle declares each part's
    prefixes before it (and still parses to both triples); JSON-LD and RDF/XML, which
    declare them once, give None so that the caller builds the page whole."""
    first = Part(prefixes={"ex": "http://a.example/"}, body="ex:s ex:p ex:o .")
    second = Part(prefixes={"ex": "http://b.example/"}, body="ex:s ex:p ex:o .")
    text = join([first, second], "turtle")
    assert text is not None
    assert len(Graph().parse(data=text, format="turtle")) == 2
    assert join([first, second], "json-ld") is None
    assert join([first, second], "xml") is None
