"""DCAT-AP 3: complete datasets and catalogs pass SEMIC's SHACL shapes with 0 violations, the
combined file and shapes.ttl + range.ttl (read from ../shared, not from khlang's own copy, see
tests/dcat_shapes.py), the shipped shapes are the reference ones, every serialisation parses
back to the same graph, and the Thai vocabularies land on the EU authority IRIs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from khlang.i18n import Text
from khlang.metadata import eu
from khlang.metadata.dcat import (
    VCARD,
    Paging,
    catalog_graph,
    dataset_graph,
    dataset_iri,
    serialize,
)
from khlang.metadata.model import Dataset, Organization
from khlang.metadata.shacl import SHAPE_FILES, SHAPES_DIR, shapes_graph, validate_dcat
from tests.dcat_shapes import assert_dcat_ap, read_shapes, shapes

REFERENCE_SHAPES = {
    "dcat-ap-3.0.0-shapes.ttl": "shapes.ttl",
    "dcat-ap-3.0.0-range.ttl": "range.ttl",
}
# Properties whose values must come from EU authority lists (mdr-vocabularies.shape.ttl).
EU_CONTROLLED = {DCTERMS.accrualPeriodicity, DCTERMS.language, DCAT.theme, DCTERMS.format,
                 DCTERMS.accessRights}  # fmt: skip


@pytest.fixture(scope="module")
def reference(shared_dir: Path) -> Path:
    return shared_dir / "reference" / "dcat-ap-3.0.0"


def test_shipped_shapes_are_the_reference_files(reference: Path) -> None:
    assert set(SHAPE_FILES) == set(REFERENCE_SHAPES)
    for shipped, original in REFERENCE_SHAPES.items():
        assert (SHAPES_DIR / shipped).read_bytes() == (reference / original).read_bytes()


def test_shipped_shapes_correct_only_the_byte_size_erratum(reference: Path) -> None:
    """khlang's own check (the MQA's compliance points) reads the shipped shapes with 3.0.1's
    byteSize datatype: the reference files plus that one change."""
    expected = read_shapes(reference, "shapes.ttl", "range.ttl", corrected=True)
    assert isomorphic(shapes_graph(), expected)


def test_every_example_passes_the_shapes(reference: Path, agency: list[Dataset]) -> None:
    for dataset in agency:
        assert_dcat_ap(dataset_graph(dataset), reference, dataset.name or "")


def test_mandatory_items_only_dataset_passes(reference: Path, statistical: Dataset) -> None:
    """A dataset with the 14 items and one resource, none of khlang's additions."""
    for key in ("title_en", "notes_en", "publisher", "temporal", "issued", "first_year_of_data",
                "last_year_of_data", "accessible_condition"):  # fmt: skip
        setattr(statistical, key, None)
    statistical.spatial, statistical.themes, statistical.uses = [], [], []
    assert_dcat_ap(dataset_graph(statistical), reference, "14 items only")


def test_catalog_passes_the_shapes(reference: Path, agency: list[Dataset]) -> None:
    publisher = agency[0].publisher
    graph = catalog_graph(
        agency,
        title=Text(th="บัญชีข้อมูลจังหวัดเชียงใหม่", en="Chiang Mai data catalog"),
        description=Text(th="ข้อมูลงบประมาณเชิงพื้นที่", en="Area-based budget data"),
        publisher=publisher,
        paging=Paging(page_url="http://127.0.0.1:8000/catalog?page=1", total_items=6,
                      next_url="http://127.0.0.1:8000/catalog?page=2"),
    )  # fmt: skip
    assert_dcat_ap(graph, reference, "catalog")
    catalog = URIRef("http://127.0.0.1:8000/catalog")
    assert len(list(graph.objects(catalog, DCAT.dataset))) == len(agency)
    assert graph.value(catalog, DCTERMS.modified) == Literal("2025-10-05", datatype=XSD.date)


def test_catalog_page_links_for_both_hydra_generations(agency: list[Dataset]) -> None:
    """ckanext-dcat's harvester follows `hydra:next` of a PartialCollectionView or a
    PagedCollection; older ones `hydra:nextPage` of a PagedCollection."""
    from khlang.metadata.dcat import HYDRA

    url = "https://d.example/catalog.ttl?size=2&page={}".format
    graph = catalog_graph(
        agency[:2],
        title=Text(th="บัญชีข้อมูล", en="Catalog"),
        description=Text(th="ข้อมูล", en="Data"),
        publisher=agency[0].publisher,
        paging=Paging(page_url=url(2), total_items=6, items_per_page=2, first_url=url(1),
                      last_url=url(3), next_url=url(3), previous_url=url(1)),
    )  # fmt: skip
    page = URIRef(url(2))
    assert set(graph.objects(page, RDF.type)) == {HYDRA.PartialCollectionView,
                                                  HYDRA.PagedCollection}  # fmt: skip
    for current, older, expected in ((HYDRA.next, HYDRA.nextPage, 3), (HYDRA.previous,
            HYDRA.previousPage, 1), (HYDRA.first, HYDRA.firstPage, 1),
            (HYDRA.last, HYDRA.lastPage, 3)):  # fmt: skip
        assert graph.value(page, current) == graph.value(page, older) == URIRef(url(expected))
    assert graph.value(page, HYDRA.totalItems).toPython() == 6
    assert graph.value(page, HYDRA.itemsPerPage).toPython() == 2


def test_eu_controlled_values_pass_the_vocabulary_shapes(
    reference: Path, agency: list[Dataset]
) -> None:
    """The values khlang maps to EU lists satisfy mdr-vocabularies.shape.ttl; only the Thai
    publisher and area codes, which no EU list holds, may be reported there (as warnings)."""
    vocabularies = shapes(reference, "mdr-vocabularies.shape.ttl")
    for dataset in agency:
        graph = dataset_graph(dataset)
        node = dataset_iri(dataset)
        distributions = set(graph.objects(node, DCAT.distribution))
        for item in validate_dcat(graph, vocabularies).violations:
            if item.focus in {str(node), *map(str, distributions)} and item.path:
                assert URIRef(item.path) not in EU_CONTROLLED, item


@pytest.mark.parametrize("name", ["turtle", "json-ld", "xml"])
def test_serialisations_round_trip(statistical: Dataset, name: str) -> None:
    graph = dataset_graph(statistical)
    back = Graph().parse(data=serialize(graph, name), format=name)
    assert isomorphic(graph, back)


def test_unknown_serialisation_is_refused(statistical: Dataset) -> None:
    with pytest.raises(ValueError, match="unknown RDF format"):
        serialize(dataset_graph(statistical), "csv")


def test_dataset_properties(statistical: Dataset) -> None:
    graph = dataset_graph(statistical, base_url="https://data.example.go.th/")
    node = URIRef("https://data.example.go.th/dataset/chiang-mai-budget-allocation")
    titles = {(lit.language, str(lit)) for lit in graph.objects(node, DCTERMS.title)}
    assert ("th", statistical.title) in titles
    assert ("en", statistical.title_en) in titles
    assert Literal("budget", lang="en") in set(graph.objects(node, DCAT.keyword))
    assert Literal("งบประมาณ", lang="th") in set(graph.objects(node, DCAT.keyword))
    assert graph.value(node, DCTERMS.accrualPeriodicity) == URIRef(eu.FREQUENCY + "ANNUAL")
    assert graph.value(node, DCTERMS.accessRights) == URIRef(eu.ACCESS_RIGHT + "PUBLIC")
    assert graph.value(node, DCTERMS.language) == URIRef(eu.LANGUAGE + "THA")
    assert set(graph.objects(node, DCAT.theme)) == {URIRef(eu.DATA_THEME + "GOVE"),
                                                    URIRef(eu.DATA_THEME + "ECON")}  # fmt: skip
    assert graph.value(node, DCTERMS.spatial) == URIRef("https://data.example.go.th/area/50")
    period = graph.value(node, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2021-10-01", datatype=XSD.date)
    contact = graph.value(node, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:opendata@chiangmai.go.th")
    publisher = graph.value(node, DCTERMS.publisher)
    assert publisher == URIRef(
        "https://data.example.go.th/organization/chiang-mai-provincial-office"
    )
    distribution = graph.value(node, DCAT.distribution)
    assert graph.value(distribution, DCTERMS.format) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    )
    assert graph.value(distribution, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )
    assert graph.value(distribution, DCAT.byteSize) == Literal(
        "48213", datatype=XSD.nonNegativeInteger
    )
    assert (distribution, DCAT.accessURL, None) in graph


def test_licence_checksum_and_years(statistical: Dataset) -> None:
    from khlang.metadata.dcat import SPDX

    statistical.license_id = "Creative Commons Attributions"
    statistical.resources[0].hash = "sha256:" + "ab" * 32
    statistical.temporal = None  # fall back to the Buddhist-era data years 2565-2568
    graph = dataset_graph(statistical)
    node = dataset_iri(statistical)
    distribution = graph.value(node, DCAT.distribution)
    assert graph.value(distribution, DCTERMS.license) == URIRef(eu.LICENCE + "CC_BY_4_0")
    checksum = graph.value(distribution, SPDX.checksum)
    assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert (SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm) in graph
    assert str(graph.value(checksum, SPDX.checksumValue)) == "ab" * 32
    period = graph.value(node, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2022", datatype=XSD.gYear)
    assert graph.value(period, DCAT.endDate) == Literal("2025", datatype=XSD.gYear)


def test_country_when_no_area_codes(statistical: Dataset) -> None:
    statistical.spatial = []
    graph = dataset_graph(statistical)
    assert graph.value(dataset_iri(statistical), DCTERMS.spatial) == URIRef(eu.THAILAND)


def test_private_resources_are_left_out(record: Dataset) -> None:
    record.resources[1].private = True
    graph = dataset_graph(record)
    assert len(list(graph.objects(dataset_iri(record), DCAT.distribution))) == 1


@pytest.mark.parametrize(
    ("unit", "interval", "code"),
    [("year", "1", "ANNUAL"), ("year", "2", "ANNUAL_2"), ("half_year", None, "ANNUAL_2"),
     ("quarter", "1", "QUARTERLY"), ("month", "1", "MONTHLY"), ("month", "2", "MONTHLY_2"),
     ("week", "1", "WEEKLY"), ("working_day", "1", "WEEKLY_5"), ("day", "1", "DAILY"),
     ("hour", "1", "HOURLY"), ("minute", "1", "1MIN"), ("real_time", None, "UPDATE_CONT"),
     ("never", None, "NEVER"), ("unknown", None, "UNKNOWN"), ("other", None, "OTHER"),
     ("year", "4", "OTHER"), ("year", "ทุกปี", "OTHER")],
)  # fmt: skip
def test_frequency_mapping(unit: str, interval: str | None, code: str) -> None:
    assert eu.frequency_for(unit, interval).code == code


def test_every_frequency_unit_maps() -> None:
    from khlang.metadata.vocabularies import UPDATE_FREQUENCY_UNIT

    for term in UPDATE_FREQUENCY_UNIT.terms:
        assert eu.frequency_for(term.code, "1") is not None


def test_resource_url_callback_gives_download_urls(statistical: Dataset) -> None:
    statistical.resources[0].url = None
    statistical.resources[0].path = "data/allocation.csv"
    graph = dataset_graph(
        statistical,
        resource_url=lambda dataset, resource: f"https://d.example/{dataset.name}/{resource.path}",
    )
    distribution = graph.value(dataset_iri(statistical), DCAT.distribution)
    expected = URIRef("https://d.example/chiang-mai-budget-allocation/data/allocation.csv")
    assert graph.value(distribution, DCAT.downloadURL) == expected
    without = dataset_graph(statistical)
    distribution = without.value(dataset_iri(statistical), DCAT.distribution)
    assert without.value(distribution, DCAT.accessURL) == dataset_iri(statistical)
    assert without.value(distribution, DCAT.downloadURL) is None


def test_publisher_without_details(statistical: Dataset) -> None:
    statistical.publisher = Organization(name="chiang-mai-provincial-office")
    graph = dataset_graph(statistical)
    agent = graph.value(dataset_iri(statistical), DCTERMS.publisher)
    assert str(graph.value(agent, URIRef("http://xmlns.com/foaf/0.1/name"))) == (
        "chiang-mai-provincial-office"
    )
