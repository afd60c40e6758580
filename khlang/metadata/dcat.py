"""DCAT-AP 3 forms of khlang's datasets and catalogs, with rdflib.

The graph says what a European (or any DCAT) catalog needs to find and reuse a GD Catalog
dataset: titles and descriptions in Thai (`@th`) and English (`@en`), keywords, the publisher and
a vCard contact point, spatial and temporal coverage, update frequency, licence, access rights and
one distribution per resource with its URLs, EU file type, IANA media type, size, checksum and
dates. Thai vocabulary values become EU authority IRIs where one exists (khlang.metadata.eu).

Every EU concept and class-ranged node the graph points at also carries its type (and, for
concepts, label and scheme; for a web address, `rdfs:Resource`; for a checksum algorithm,
`spdx:ChecksumAlgorithm`), so the graph passes SEMIC's DCAT-AP 3.0.0 shapes on its own, both
`shapes.ttl` + `range.ttl` and the stricter combined `dcat-ap-SHACL.ttl`: no vocabulary
download is needed to validate it. `dcat:byteSize` is an `xsd:nonNegativeInteger`, as DCAT 3,
DCAT-AP 3 and the combined file say (the separate `shapes.ttl` of 3.0.0 still says
`xsd:decimal`, an erratum SEMIC fixed in 3.0.1: see khlang.metadata.shacl).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import Literal as TypingLiteral

from pydantic import BaseModel
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from khlang.i18n import Text
from khlang.metadata import eu
from khlang.metadata.formats import IANA_MEDIA_TYPES, FileFormat, format_by_name, resource_format
from khlang.metadata.model import Dataset, Organization, Resource
from khlang.metadata.vocabularies import (
    DATA_CATEGORY,
    DATA_LANGUAGE,
    GEO_COVERAGE,
    LICENSE,
    UPDATE_FREQUENCY_UNIT,
)
from khlang.thai import christian_year, written_year

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCATAP = Namespace("http://data.europa.eu/r5r/")

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
"""Where `khlang serve` answers by default, so exported IRIs resolve on the same machine."""

RdfFormat = TypingLiteral["turtle", "json-ld", "xml", "n3"]
RDF_FORMATS: dict[str, tuple[RdfFormat, str]] = {
    "turtle": ("turtle", "text/turtle"),
    "ttl": ("turtle", "text/turtle"),
    "json-ld": ("json-ld", "application/ld+json"),
    "jsonld": ("json-ld", "application/ld+json"),
    "xml": ("xml", "application/rdf+xml"),
    "rdf": ("xml", "application/rdf+xml"),
    "n3": ("n3", "text/n3"),
}
"""Serialisation names (and their media types) `serialize` accepts."""

_NOT_IN_IRI = frozenset('<>" {}|\\^`\t\n\r')
"""Characters an IRI cannot hold (rdflib warns about them and its serialisers break)."""


def _iri(text: str | None) -> URIRef | None:
    """An IRI from a value of the metadata, or None when the value cannot be one (a URL with
    spaces, say): the compliance check reports such a value; the graph leaves it out."""
    value = (text or "").strip()
    if not value or _NOT_IN_IRI & set(value):
        return None
    return URIRef(value)


_THAI_AREAS = frozenset({"country", "region", "province", "district", "subdistrict", "village",
                         "local_government", "coordinates"})  # fmt: skip
_THAILAND = Text(th="ประเทศไทย", en="Thailand")

ResourceUrl = Callable[[Dataset, Resource], str | None]
"""Gives the download URL of a resource that has no `url` of its own (e.g. one the API serves
from its `path`); None when there is none."""


class Paging(BaseModel):
    """A page of a catalog feed, described with Hydra as ckanext-dcat does: typed both
    `hydra:PartialCollectionView` (Hydra's current term) and `hydra:PagedCollection`, with
    both the current (`hydra:next`) and the older (`hydra:nextPage`) links, so harvesters of
    either generation find the next page."""

    page_url: str
    total_items: int
    items_per_page: int | None = None
    first_url: str | None = None
    last_url: str | None = None
    next_url: str | None = None
    previous_url: str | None = None


def new_graph() -> Graph:
    """An empty graph that knows only DCAT-AP's prefixes (so JSON-LD's context stays short)."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in (
        ("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("skos", SKOS),
        ("spdx", SPDX), ("gsp", GSP), ("dcatap", DCATAP), ("hydra", HYDRA),
    ):  # fmt: skip
        graph.bind(prefix, namespace)
    return graph


def dataset_iri(dataset: Dataset, base_url: str = DEFAULT_BASE_URL) -> URIRef:
    """The dataset's IRI: its URL name under the catalog, stable across exports."""
    key = dataset.name or dataset.ckan.get("id")
    if not key:
        key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"khlang:{dataset.owner_org}:{dataset.title}"))
    return URIRef(f"{base_url.rstrip('/')}/dataset/{key}")


def dataset_graph(
    dataset: Dataset,
    *,
    base_url: str = DEFAULT_BASE_URL,
    resource_url: ResourceUrl | None = None,
    graph: Graph | None = None,
) -> Graph:
    """The DCAT-AP 3 graph of one dataset (added to `graph` when given)."""
    graph = graph if graph is not None else new_graph()
    _Builder(graph, base_url.rstrip("/"), resource_url).dataset(dataset)
    return graph


def catalog_graph(
    datasets: Iterable[Dataset],
    *,
    base_url: str = DEFAULT_BASE_URL,
    title: Text,
    description: Text,
    publisher: Organization,
    resource_url: ResourceUrl | None = None,
    paging: Paging | None = None,
) -> Graph:
    """A dcat:Catalog of the datasets (one page of them when `paging` is given)."""
    graph = new_graph()
    builder = _Builder(graph, base_url.rstrip("/"), resource_url)
    links = [(builder.dataset(dataset), _modified(dataset)) for dataset in datasets]
    return catalog_head_graph(
        links, base_url=base_url, title=title, description=description, publisher=publisher,
        paging=paging, graph=graph,
    )  # fmt: skip


DatasetLink = tuple[URIRef, dt.date | dt.datetime | None]
"""A dataset of a catalog: its IRI and when it was last modified."""


def catalog_head_graph(
    links: Iterable[DatasetLink],
    *,
    base_url: str = DEFAULT_BASE_URL,
    title: Text,
    description: Text,
    publisher: Organization,
    paging: Paging | None = None,
    graph: Graph | None = None,
) -> Graph:
    """The dcat:Catalog node of a page listing datasets, without the datasets' own
    descriptions: with `dataset_graph` of each, the triples of `catalog_graph` (a feed page
    is assembled from the two, khlang.metadata.dcat_pages)."""
    base = base_url.rstrip("/")
    graph = graph if graph is not None else new_graph()
    builder = _Builder(graph, base, None)
    catalog = URIRef(f"{base}/catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    builder.texts(catalog, DCTERMS.title, title.th, title.en)
    builder.texts(catalog, DCTERMS.description, description.th, description.en)
    graph.add((catalog, DCTERMS.publisher, builder.agent(publisher.name, publisher)))
    homepage = URIRef(f"{base}/")
    graph.add((catalog, FOAF.homepage, homepage))
    graph.add((homepage, RDF.type, FOAF.Document))
    graph.add(
        (catalog, DCTERMS.language, builder.concept(_language("th"), DCTERMS.LinguisticSystem))
    )
    themes = URIRef(eu.DATA_THEME.rstrip("/"))
    graph.add((catalog, DCAT.themeTaxonomy, themes))
    graph.add((themes, RDF.type, SKOS.ConceptScheme))
    graph.add((themes, DCTERMS.title, Literal("Data theme", lang="en")))
    modified = []
    for node, when in links:
        graph.add((catalog, DCAT.dataset, node))
        if when is not None:
            modified.append(when)
    if modified:
        graph.add((catalog, DCTERMS.modified, _date_literal(max(modified, key=_sort_key))))
    if paging is not None:
        _add_paging(graph, paging)
    return graph


def modified_of(dataset: Dataset) -> dt.date | dt.datetime | None:
    """When the dataset was last modified, as its DCAT-AP says (`dct:modified`)."""
    return _modified(dataset)


def serialize(graph: Graph, format: str = "turtle") -> str:
    """The graph as Turtle, JSON-LD, RDF/XML or N3 (see RDF_FORMATS for the accepted names)."""
    try:
        rdflib_format, _ = RDF_FORMATS[format.lower()]
    except KeyError:
        raise ValueError(
            f"unknown RDF format {format!r}; use one of {sorted(RDF_FORMATS)}"
        ) from None
    if rdflib_format == "json-ld":
        return graph.serialize(format="json-ld", auto_compact=True, indent=2)
    return graph.serialize(format=rdflib_format)


# --- building ------------------------------------------------------------------------------


class _Builder:
    def __init__(self, graph: Graph, base: str, resource_url: ResourceUrl | None) -> None:
        self.graph = graph
        self.base = base
        self.resource_url = resource_url

    def add(self, subject: Node, predicate: URIRef, value: Node | None) -> None:
        if value is not None:
            self.graph.add((subject, predicate, value))

    def texts(
        self, subject: Node, predicate: URIRef, thai: str | None, english: str | None
    ) -> None:
        if thai and thai.strip():
            self.graph.add((subject, predicate, Literal(thai.strip(), lang="th")))
        if english and english.strip():
            self.graph.add((subject, predicate, Literal(english.strip(), lang="en")))

    def concept(self, concept: eu.Concept, range_class: URIRef | None = None) -> URIRef:
        """An EU authority concept, typed, labelled and placed in its scheme."""
        node = URIRef(concept.iri)
        self.graph.add((node, RDF.type, SKOS.Concept))
        if range_class is not None:
            self.graph.add((node, RDF.type, range_class))
        self.texts(node, SKOS.prefLabel, concept.label.th, concept.label.en)
        self.graph.add((node, SKOS.inScheme, URIRef(concept.scheme_iri)))
        return node

    def web_resource(self, url: str | None) -> URIRef | None:
        """A web address the graph points at, typed as the resource it is (the combined
        DCAT-AP shapes check the class of access and download URLs, landing pages...); None
        when the value cannot be an IRI (see `_iri`)."""
        node = _iri(url)
        if node is not None:
            self.graph.add((node, RDF.type, RDFS.Resource))
        return node

    def agent(self, name: str, organization: Organization | None) -> URIRef:
        node = URIRef(f"{self.base}/organization/{name}")
        self.graph.add((node, RDF.type, FOAF.Agent))
        self.graph.add((node, RDF.type, FOAF.Organization))
        title = organization.title if organization else None
        if title is not None:
            self.texts(node, FOAF.name, title.th, title.en)
        else:
            self.graph.add((node, FOAF.name, Literal(name)))
        homepage = _iri(organization.url) if organization is not None else None
        if homepage is not None:
            self.graph.add((node, FOAF.homepage, homepage))
        mailbox = (
            _iri(f"mailto:{organization.email}") if organization and organization.email else None
        )
        if mailbox is not None:
            self.graph.add((node, FOAF.mbox, mailbox))
        return node

    def dataset(self, dataset: Dataset) -> URIRef:
        node = dataset_iri(dataset, self.base)
        graph = self.graph
        graph.add((node, RDF.type, DCAT.Dataset))
        if dataset.name:
            graph.add((node, DCTERMS.identifier, Literal(dataset.name)))
        self.texts(node, DCTERMS.title, dataset.title, dataset.title_en)
        self.texts(node, DCTERMS.description, dataset.notes, dataset.notes_en)
        for tag in dataset.tags:
            graph.add((node, DCAT.keyword, Literal(tag, lang=_script_language(tag))))
        for code in dataset.themes:
            if code in eu.DATA_THEMES:
                graph.add((node, DCAT.theme, self.concept(eu.DATA_THEMES[code])))
        owner = dataset.owner_org or (dataset.publisher.name if dataset.publisher else None)
        if owner:
            graph.add((node, DCTERMS.publisher, self.agent(owner, dataset.publisher)))
        self._contact_point(node, dataset)
        self._spatial(node, dataset)
        self._temporal(node, dataset)
        self._frequency(node, dataset)
        self._access_rights(node, dataset)
        for value in dataset.data_language:
            term = DATA_LANGUAGE.by_value(value)
            if term and term.code in eu.LANGUAGE_CODES:
                concept = _language(term.code)
                graph.add((node, DCTERMS.language, self.concept(concept, DCTERMS.LinguisticSystem)))
        landing = self.web_resource(dataset.url)
        if landing is not None:
            graph.add((node, DCAT.landingPage, landing))
            graph.add((landing, RDF.type, FOAF.Document))
        if dataset.data_source:
            provenance = BNode()
            graph.add((node, DCTERMS.provenance, provenance))
            graph.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
            graph.add((provenance, RDFS.label, Literal(dataset.data_source, lang="th")))
        self.add(node, DCTERMS.issued, _optional_date(_issued(dataset)))
        self.add(node, DCTERMS.modified, _optional_date(_modified(dataset)))
        for use in dataset.uses:
            page = self.web_resource(use.url)
            if page is None:
                continue
            graph.add((node, DCTERMS.isReferencedBy, page))
            graph.add((page, RDFS.label, Literal(use.title)))
        licence = self._licence(dataset)
        rights = self._rights(dataset.accessible_condition)
        for index, resource in enumerate(dataset.resources):
            if not resource.private:
                self._distribution(node, dataset, index, resource, licence, rights)
        return node

    def _contact_point(self, node: URIRef, dataset: Dataset) -> None:
        if not (dataset.maintainer or dataset.maintainer_email):
            return
        contact = URIRef(f"{node}#contact")
        self.graph.add((node, DCAT.contactPoint, contact))
        self.graph.add((contact, RDF.type, VCARD.Kind))
        self.graph.add((contact, RDF.type, VCARD.Organization))
        if dataset.maintainer:
            self.graph.add((contact, VCARD.fn, Literal(dataset.maintainer, lang="th")))
        mailbox = (
            _iri(f"mailto:{dataset.maintainer_email.strip()}") if dataset.maintainer_email else None
        )
        if mailbox is not None:
            self.graph.add((contact, VCARD.hasEmail, mailbox))

    def _spatial(self, node: URIRef, dataset: Dataset) -> None:
        for code in dataset.spatial:
            area = URIRef(f"{self.base}/area/{code}")
            self.graph.add((node, DCTERMS.spatial, area))
            self.graph.add((area, RDF.type, DCTERMS.Location))
            self.graph.add((area, DCTERMS.identifier, Literal(code)))
        term = GEO_COVERAGE.by_value(dataset.geo_coverage or "")
        if not dataset.spatial and term is not None and term.code in _THAI_AREAS:
            thailand = eu.Concept(scheme=eu.COUNTRY, code="THA", label=_THAILAND)
            self.graph.add((node, DCTERMS.spatial, self.concept(thailand, DCTERMS.Location)))
        box = _bounding_box(dataset)
        if box is not None:
            location = BNode()
            self.graph.add((node, DCTERMS.spatial, location))
            self.graph.add((location, RDF.type, DCTERMS.Location))
            self.graph.add((location, DCAT.bbox, Literal(box, datatype=GSP.wktLiteral)))

    def _temporal(self, node: URIRef, dataset: Dataset) -> None:
        start, end = _period(dataset)
        if start is None and end is None:
            return
        period = BNode()
        self.graph.add((node, DCTERMS.temporal, period))
        self.graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        self.add(period, DCAT.startDate, start)
        self.add(period, DCAT.endDate, end)

    def _frequency(self, node: URIRef, dataset: Dataset) -> None:
        term = UPDATE_FREQUENCY_UNIT.by_value(dataset.update_frequency_unit or "")
        concept = eu.frequency_for(term.code if term else None, dataset.update_frequency_interval)
        if concept is not None:
            self.graph.add(
                (node, DCTERMS.accrualPeriodicity, self.concept(concept, DCTERMS.Frequency))
            )

    def _access_rights(self, node: URIRef, dataset: Dataset) -> None:
        term = DATA_CATEGORY.by_value(dataset.data_category or "")
        if term is None:
            return
        code = "NON_PUBLIC" if dataset.private else eu.ACCESS_RIGHT_BY_CATEGORY[term.code]
        concept = self.concept(eu.ACCESS_RIGHTS[code], DCTERMS.RightsStatement)
        self.graph.add((node, DCTERMS.accessRights, concept))

    def _licence(self, dataset: Dataset) -> URIRef | BNode | None:
        term = LICENSE.by_value(dataset.license_id or "")
        if term is None:
            return None
        licence = eu.LICENCES[term.code]
        if licence.eu_iri:
            node: URIRef | BNode = URIRef(licence.eu_iri)
        elif licence.url:
            node = URIRef(licence.url)
        else:
            node = BNode()
        self.graph.add((node, RDF.type, DCTERMS.LicenseDocument))
        name = dataset.license_id_other if term.code == "other" else term.value
        if name:
            self.graph.add((node, RDFS.label, Literal(name)))
        return node

    def _rights(self, text: str | None) -> BNode | None:
        if not text or not text.strip():
            return None
        node = BNode()
        self.graph.add((node, RDF.type, DCTERMS.RightsStatement))
        self.graph.add((node, RDFS.label, Literal(text.strip(), lang="th")))
        return node

    def _distribution(
        self,
        dataset_node: URIRef,
        dataset: Dataset,
        index: int,
        resource: Resource,
        licence: URIRef | BNode | None,
        rights: BNode | None,
    ) -> None:
        graph = self.graph
        key = resource.ckan.get("id") or str(index + 1)
        node = URIRef(f"{dataset_node}/resource/{key}")
        graph.add((dataset_node, DCAT.distribution, node))
        graph.add((node, RDF.type, DCAT.Distribution))
        self.texts(node, DCTERMS.title, resource.name, resource.name_en)
        self.texts(node, DCTERMS.description, resource.description, resource.description_en)
        download = self.web_resource(
            resource.url or (self.resource_url(dataset, resource) if self.resource_url else None)
        )
        access = download if download is not None else self.web_resource(str(dataset_node))
        self.add(node, DCAT.accessURL, access)
        if download is not None:
            graph.add((node, DCAT.downloadURL, download))
        found = format_by_name(resource.format) or resource_format(
            media_type=resource.media_type, url=resource.path or resource.url
        )
        self._format(node, resource, found)
        if resource.byte_size is not None and resource.byte_size >= 0:
            size = Literal(resource.byte_size, datatype=XSD.nonNegativeInteger)
            graph.add((node, DCAT.byteSize, size))
        self._checksum(node, resource.hash)
        issued = resource.issued or resource.resource_created_date
        modified = resource.modified or resource.resource_last_updated_date
        self.add(node, DCTERMS.issued, _optional_date(issued))
        self.add(node, DCTERMS.modified, _optional_date(modified))
        self.add(node, DCTERMS.license, licence)
        own_rights = self._rights(resource.resource_accessible_condition)
        self.add(node, DCTERMS.rights, own_rights or rights)

    def _format(self, node: URIRef, resource: Resource, found: FileFormat | None) -> None:
        graph = self.graph
        if found is not None and found.eu_code:
            label = Text(th=found.name, en=found.name)
            concept = eu.Concept(
                scheme=f"{eu.AUTHORITY}file-type/", code=found.eu_code, label=label
            )
            graph.add((node, DCTERMS.format, self.concept(concept, DCTERMS.MediaTypeOrExtent)))
        elif resource.format:
            extent = BNode()
            graph.add((node, DCTERMS.format, extent))
            graph.add((extent, RDF.type, DCTERMS.MediaTypeOrExtent))
            graph.add((extent, RDFS.label, Literal(resource.format)))
        media_type = resource.media_type or (found.media_type if found else None)
        if media_type:
            media = URIRef(f"{IANA_MEDIA_TYPES}{media_type.split(';')[0].strip().lower()}")
            graph.add((node, DCAT.mediaType, media))
            graph.add((media, RDF.type, DCTERMS.MediaType))

    def _checksum(self, node: URIRef, value: str | None) -> None:
        if not value or ":" not in value:
            return
        algorithm, _, digest = value.partition(":")
        checksum = BNode()
        method = SPDX[f"checksumAlgorithm_{algorithm.lower()}"]
        self.graph.add((node, SPDX.checksum, checksum))
        self.graph.add((checksum, RDF.type, SPDX.Checksum))
        self.graph.add((checksum, SPDX.algorithm, method))
        self.graph.add((method, RDF.type, SPDX.ChecksumAlgorithm))
        self.graph.add(
            (checksum, SPDX.checksumValue, Literal(digest.lower(), datatype=XSD.hexBinary))
        )


# --- values --------------------------------------------------------------------------------


def _language(code: str) -> eu.Concept:
    term = DATA_LANGUAGE.by_code(code)
    return eu.Concept(scheme=eu.LANGUAGE, code=eu.LANGUAGE_CODES[code], label=term.label)


def _script_language(text: str) -> str:
    return "th" if any("\u0e00" <= char <= "\u0e7f" for char in text) else "en"


def _date_literal(value: dt.date | dt.datetime) -> Literal:
    if isinstance(value, dt.datetime):
        return Literal(value.isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


def _optional_date(value: dt.date | dt.datetime | None) -> Literal | None:
    return _date_literal(value) if value is not None else None


def _sort_key(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


def _parse_ckan_time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _issued(dataset: Dataset) -> dt.date | dt.datetime | None:
    return dataset.issued or _parse_ckan_time(dataset.ckan.get("metadata_created"))


def _modified(dataset: Dataset) -> dt.date | dt.datetime | None:
    return (
        dataset.modified
        or dataset.last_updated_date
        or _parse_ckan_time(dataset.ckan.get("metadata_modified"))
    )


def _year(value: str | None) -> int | None:
    """A data year as the Christian era (the GD Catalog's year fields are usually Buddhist)."""
    year = written_year(value)
    return None if year is None else christian_year(year)


def _period(dataset: Dataset) -> tuple[Literal | None, Literal | None]:
    if dataset.temporal is not None and (dataset.temporal.start or dataset.temporal.end):
        return _optional_date(dataset.temporal.start), _optional_date(dataset.temporal.end)
    first, last = _year(dataset.first_year_of_data), _year(dataset.last_year_of_data)
    return (
        Literal(str(first), datatype=XSD.gYear) if first else None,
        Literal(str(last), datatype=XSD.gYear) if last else None,
    )


def _bounding_box(dataset: Dataset) -> str | None:
    try:
        west, east, south, north = (
            float(bound or "")  # no bound: no box
            for bound in (
                dataset.west_bound_longitude, dataset.east_bound_longitude,
                dataset.south_bound_longitude, dataset.north_bound_longitude,
            )
        )  # fmt: skip
    except ValueError:
        return None
    ring = f"{west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}"
    return f"POLYGON(({ring}))"


def _add_paging(graph: Graph, paging: Paging) -> None:
    page = URIRef(paging.page_url)
    graph.add((page, RDF.type, HYDRA.PartialCollectionView))
    graph.add((page, RDF.type, HYDRA.PagedCollection))
    graph.add((page, HYDRA.totalItems, Literal(paging.total_items, datatype=XSD.integer)))
    if paging.items_per_page is not None:
        graph.add((page, HYDRA.itemsPerPage, Literal(paging.items_per_page, datatype=XSD.integer)))
    for predicates, url in (
        ((HYDRA.first, HYDRA.firstPage), paging.first_url),
        ((HYDRA.last, HYDRA.lastPage), paging.last_url),
        ((HYDRA.next, HYDRA.nextPage), paging.next_url),
        ((HYDRA.previous, HYDRA.previousPage), paging.previous_url),
    ):
        if url:
            for predicate in predicates:
                graph.add((page, predicate, URIRef(url)))


__all__ = [
    "DEFAULT_BASE_URL",
    "RDF_FORMATS",
    "DatasetLink",
    "Paging",
    "catalog_graph",
    "catalog_head_graph",
    "dataset_graph",
    "dataset_iri",
    "modified_of",
    "serialize",
]
