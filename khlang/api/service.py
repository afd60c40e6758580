"""What the API and the web pages ask of the catalog, as plain functions.

Every function takes the shared state and the caller (visibility is the catalog's to decide)
and returns pydantic models or documents, with no HTTP in sight: the JSON routes, the
CKAN-compatible routes and the web pages (khlang/api/web) all render the same answers.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from pydantic import BaseModel
from rdflib import Graph

from khlang.api.errors import ApiError
from khlang.api.feed_cache import page_key, part_key, visibility_class
from khlang.api.name_offsets import names_from
from khlang.api.query.tables import TableSource, is_tabular, table_format, table_source_of
from khlang.api.state import ApiState, visible_organizations
from khlang.catalog import ANONYMOUS, Principal
from khlang.catalog.records import (
    DatasetRecord,
    DatasetSummary,
    OrganizationRecord,
    ResourceRecord,
    VersionRecord,
    VersionSummary,
)
from khlang.catalog.search.query import FACETS, DatasetCard, FacetCount, SearchQuery
from khlang.catalog.served import download_urls, served_graph, served_mqa, url_by_position
from khlang.catalog.urls import absolute
from khlang.i18n import Text
from khlang.metadata.budget_bureau import (
    CatalogState,
    DatasetState,
    RegistrationState,
    budget_bureau_score,
)
from khlang.metadata.compliance import ComplianceReport, check_dataset
from khlang.metadata.dcat import RDF_FORMATS, Paging, catalog_graph, serialize
from khlang.metadata.dcat_pages import DatasetPart, catalog_page, dataset_part
from khlang.metadata.fields import MANDATORY_FIELDS
from khlang.metadata.model import Dataset, Organization
from khlang.metadata.mqa import MqaReport

API = "/api/v1"
GD_CATALOG_TARGET = "gdc"


# --- search ------------------------------------------------------------------------------


class FacetView(BaseModel):
    label: Text
    items: list[FacetCount]


class SearchPage(BaseModel):
    count: int
    start: int
    rows: int
    results: list[DatasetCard]
    facets: dict[str, FacetView]


def search_datasets(state: ApiState, principal: Principal, query: SearchQuery) -> SearchPage:
    result = state.catalog.search(query, visible_organizations=visible_organizations(principal))
    return SearchPage(
        count=result.count,
        start=query.start,
        rows=query.rows,
        results=result.cards,
        facets={
            facet: FacetView(label=FACETS[facet], items=items)
            for facet, items in result.facets.items()
        },
    )


# --- datasets ----------------------------------------------------------------------------


class ResourceView(BaseModel):
    id: str
    position: int
    name: str | None
    name_en: str | None
    description: str | None
    format: str | None
    media_type: str | None
    byte_size: int | None
    sha256: str | None
    filename: str | None
    download_url: str | None
    """This version's file: a fixed URL that never changes."""
    tabular: bool
    links: dict[str, str]
    metadata: dict[str, Any]


class MandatoryField(BaseModel):
    item: int
    key: str
    label: Text
    value: Any


class DatasetView(BaseModel):
    id: str
    name: str
    organization: str
    organization_title: Text | None
    private: bool
    state: str
    version: int
    current_version: int
    content_hash: str
    published_at: dt.datetime
    author: str
    change_note: str | None
    metadata: dict[str, Any]
    mandatory: list[MandatoryField]
    resources: list[ResourceView]
    compliance: dict[str, Any]
    links: dict[str, str]


def dataset_record(state: ApiState, principal: Principal, name: str) -> DatasetRecord:
    return state.catalog.dataset(name, viewer=principal)


def version_record(
    state: ApiState, principal: Principal, name: str, version: int | None = None
) -> VersionRecord:
    return state.catalog.version(name, version, viewer=principal)


def metadata_document(dataset: Dataset) -> dict[str, Any]:
    """The metadata as khlang's form: GD Catalog keys with their Thai values, khlang's
    additions beside them, nothing of CKAN's bookkeeping."""
    document = dataset.model_dump(mode="json", by_alias=True, exclude={"ckan"}, exclude_none=True)
    for resource in document.get("resources", []):
        resource.pop("ckan", None)
    return document


def dataset_view(
    state: ApiState, principal: Principal, name: str, base: str, version: int | None = None
) -> DatasetView:
    record = dataset_record(state, principal, name)
    current = record.current if version is None else version_record(state, principal, name, version)
    organization = _organization(state, record.organization)
    dataset = current.metadata
    report = compliance_report(current)
    prefix = f"{base}{API}/datasets/{record.name}"
    pinned = f"?version={current.number}" if version is not None else ""
    return DatasetView(
        id=record.id,
        name=record.name,
        organization=record.organization,
        organization_title=organization.title if organization else None,
        private=record.private,
        state=record.state,
        version=current.number,
        current_version=record.version,
        content_hash=current.content_hash,
        published_at=current.published_at,
        author=current.author,
        change_note=current.change_note,
        metadata=metadata_document(dataset),
        mandatory=[
            MandatoryField(
                item=spec.mandatory_item or 0,
                key=spec.key,
                label=spec.label,
                value=getattr(dataset, spec.key),
            )
            for spec in MANDATORY_FIELDS
        ],
        resources=[resource_view(record.name, item, base) for item in current.resources],
        compliance={**report.summary(), "ok": report.ok},
        links={
            "self": prefix + pinned,
            "versions": f"{prefix}/versions",
            "compliance": f"{prefix}/compliance{pinned}",
            "datapackage": f"{prefix}/datapackage.json{pinned}",
            **{
                f"dcat_{ext}": f"{prefix}/metadata.{ext}{pinned}"
                for ext in ("ttl", "jsonld", "rdf")
            },
            "ckan": f"{base}/api/3/action/package_show?id={record.name}",
            "page": f"{base}/dataset/{record.name}",
        },
    )


def resource_view(dataset: str, item: ResourceRecord, base: str) -> ResourceView:
    tabular = is_tabular(item)
    prefix = f"{base}{API}/datasets/{dataset}/resources/{item.id}"
    links = {"self": prefix}
    if tabular:
        links |= {
            "rows": f"{prefix}/rows",
            "aggregate": f"{prefix}/aggregate",
            "openapi": f"{prefix}/openapi.json",
            **{
                f"download_{fmt}": f"{prefix}/download.{fmt}"
                for fmt in ("csv", "json", "ndjson", "parquet")
            },
        }
    metadata = item.metadata.model_dump(
        mode="json", by_alias=True, exclude={"ckan"}, exclude_none=True
    )
    return ResourceView(
        id=item.id,
        position=item.position,
        name=item.metadata.name,
        name_en=item.metadata.name_en,
        description=item.metadata.description,
        format=item.format,
        media_type=item.media_type,
        byte_size=item.byte_size,
        sha256=item.sha256,
        filename=item.filename,
        download_url=absolute(base, item.version_download_path)
        if item.version_download_path
        else None,
        tabular=tabular,
        links=links,
        metadata=metadata,
    )


def versions(state: ApiState, principal: Principal, name: str) -> list[VersionSummary]:
    return state.catalog.history(name, viewer=principal)


def _organization(state: ApiState, name: str) -> OrganizationRecord | None:
    return state.organizations().get(name)


# --- compliance and scores ---------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _compliance(content_hash: str, metadata: str) -> ComplianceReport:
    return check_dataset(Dataset.model_validate_json(metadata))


def compliance_report(version: VersionRecord) -> ComplianceReport:
    """The compliance report of one version (a version never changes, so it is computed once)."""
    return _compliance(version.content_hash, version.metadata.model_dump_json(by_alias=True))


@functools.lru_cache(maxsize=256)
def _mqa(metadata: str, base: str, downloads: tuple[str | None, ...]) -> MqaReport:
    return served_mqa(Dataset.model_validate_json(metadata), base, downloads)


def mqa_report(version: VersionRecord, base: str) -> MqaReport:
    """The MQA score of the version as this catalog serves it: its DCAT-AP form (the one
    `/metadata.ttl` answers) names the catalog's download URL of every stored file, so a
    served dataset is never told to add download URLs it has."""
    return _mqa(version.metadata.model_dump_json(by_alias=True), base, download_urls(base, version))


def organization_score(state: ApiState, organization: str) -> dict[str, Any]:
    """The Budget Bureau's data-catalog indicator for an organisation's public datasets:
    they are in an agency catalog (this one), and their GD Catalog states come from the
    registrations khlang recorded. Read as an anonymous visitor, whoever asks: the answer is
    shown on public pages and beside public datasets, so a private dataset never weighs in
    (its name, its count or its score would tell it exists). Kept while the organisation's
    versions and registration states stay the same (the key says so), so an organisation
    page reads its versions again only after a change."""
    summaries = state.catalog.datasets(viewer=ANONYMOUS, organization=organization)
    registered = {
        item.dataset: item.gdc_state
        for item in state.catalog.registrations(organization=organization)
        if item.gdc_state
    }
    key = (
        "organization-score",
        organization,
        tuple((s.name, s.content_hash) for s in summaries),
        tuple(sorted(registered.items())),
    )
    return state.remember(
        key, lambda: _organization_score(state, organization, summaries, registered), seconds=3600
    )


def _organization_score(
    state: ApiState,
    organization: str,
    summaries: list[DatasetSummary],
    registered: dict[str, str | None],
) -> dict[str, Any]:
    names = [s.name for s in summaries]
    records = list(state.catalog.current_versions(names, viewer=ANONYMOUS))
    datasets = [record.metadata for record in records]
    catalog_state = CatalogState(
        datasets={
            (dataset.name or record.dataset): DatasetState(
                in_agency_catalog=True,
                gdc_state=_gdc_state(registered.get(record.dataset)),
            )
            for record, dataset in zip(records, datasets, strict=True)
        }
    )
    reports = [compliance_report(record) for record in records]
    score = budget_bureau_score(datasets, state=catalog_state, reports=reports)
    return {"organization": organization, **score.as_dict()}


def _gdc_state(value: str | None) -> RegistrationState | None:
    try:
        return RegistrationState(value) if value else None
    except ValueError:
        return None


def compliance_view(
    state: ApiState, principal: Principal, name: str, base: str, version: int | None = None
) -> dict[str, Any]:
    record = dataset_record(state, principal, name)
    current = record.current if version is None else version_record(state, principal, name, version)
    return {
        "dataset": record.name,
        "version": current.number,
        "compliance": compliance_report(current).as_dict(),
        "mqa": mqa_report(current, base).as_dict(),
        "budget_bureau": organization_score(state, record.organization),
        "publish_checks": current.checks,
    }


# --- DCAT-AP -----------------------------------------------------------------------------

RDF_EXTENSIONS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml", "xml": "xml", "n3": "n3"}
"""The extensions of ckanext-dcat's URLs (`/dataset/NAME.ttl`, `/catalog.rdf`) and their
serialisations; `rdf` and `xml` are both RDF/XML, as there."""
RDF_MEDIA_TYPES = {
    media: name for name, (_, media) in RDF_FORMATS.items() if name in RDF_EXTENSIONS.values()
}
"""Media type -> serialisation, for content negotiation."""


def dataset_rdf(version: VersionRecord, base: str, format: str) -> str:
    graph = served_graph(version.metadata, base, download_urls(base, version))
    return serialize(graph, format)


FeedLink = Callable[[str, str | int], str]
"""The address of a feed page at a position: `("page", n)` or `("after", name)`."""


class FeedPage(BaseModel):
    """A page of the DCAT feed as served: its gzip-compressed text (as the feed cache keeps
    it), its cache key (also its ETag) and how many datasets it lists."""

    compressed: bytes
    key: str
    count: int

    @property
    def text(self) -> str:
        return gzip.decompress(self.compressed).decode()


def catalog_rdf(
    state: ApiState,
    principal: Principal,
    base: str,
    format: str,
    size: int,
    link: FeedLink,
    *,
    page: int = 1,
    after: str | None = None,
) -> FeedPage:
    """One page of the catalog's DCAT-AP feed, with Hydra paging links (as ckanext-dcat's
    /catalog.ttl?page=N), read from the feed cache when nothing on it changed.

    A page is asked for by number (`page`, ckanext-dcat's and the old links: the catalog
    skips the earlier datasets) or by keyset (`after`, the last name of the previous page:
    the name index is walked from there, so the last page costs what the first does).
    `hydra:next` always carries the keyset, so a harvester following it walks the feed in
    constant time a page; `hydra:first` and `hydra:last` are numbered pages, and
    `hydra:previous` is given on numbered pages only. A numbered page past the last is a 404;
    a keyset page past the end (datasets withdrawn since the link was made) is empty, with no
    next link. `link` keeps every other parameter of the request."""
    catalog = state.catalog
    total = state.while_unchanged(
        ("visible-count", *visibility_class(principal)),
        lambda: catalog.count_datasets(viewer=principal),
    )
    last = max(1, -(-total // size))
    if after is None and page > last:
        raise ApiError(
            Text(th=f"มีเพียง {last} หน้า", en=f"there are only {last} pages"),
            code="page_out_of_range",
            status=404,
            parameter="page",
        )
    if after is None:  # numbered: from the name at the page's offset (name_offsets.py)
        first = names_from(state, (page - 1) * size, 1, principal)
        listed = catalog.datasets(viewer=principal, limit=size + 1, start=first[0]) if first else []
    else:
        listed = catalog.datasets(viewer=principal, limit=size + 1, after=after)
    listed, more = listed[:size], len(listed) > size
    paging = Paging(
        page_url=link("page", page) if after is None else link("after", after),
        total_items=total,
        items_per_page=size,
        first_url=link("page", 1),
        last_url=link("page", last),
        next_url=link("after", listed[-1].name) if more else None,
        previous_url=link("page", page - 1) if after is None and page > 1 else None,
    )
    key = page_key(
        principal, listed, format=format, base=base, title=state.settings.site_title,
        paging=paging.model_dump(),
    )  # fmt: skip
    compressed = state.feeds.get(key)
    if compressed is None:
        text, as_listed = _catalog_page(state, principal, base, format, listed, paging)
        if as_listed:
            compressed = state.feeds.put(key, text)
        else:  # a dataset changed between the two reads: served, not kept
            compressed = gzip.compress(text.encode(), mtime=0)
    return FeedPage(compressed=compressed, key=key, count=len(listed))


FEED_DESCRIPTION = Text(
    th="บัญชีข้อมูลงบประมาณเชิงพื้นที่ที่เผยแพร่ด้วย khlang",
    en="Area-based budget open data published with khlang",
)
FEED_PUBLISHER = Organization(name="khlang", title=Text(th="คลัง", en="khlang"))


def _catalog_page(
    state: ApiState,
    principal: Principal,
    base: str,
    format: str,
    listed: list[DatasetSummary],
    paging: Paging,
) -> tuple[str, bool]:
    """The feed page of the `listed` datasets, and whether the versions read are the ones
    listed (the page may be kept under the listing's key).

    The page is assembled (khlang.metadata.dcat_pages) from each dataset's serialised
    description, kept in `state.feed_parts` by its version's content hash (`part_key`), and
    the catalog node with the Hydra view, serialised for this page: a new, changed or
    withdrawn dataset costs rdflib only its own description, not the page's 17,000 triples.
    Only the descriptions not kept are built, from the versions the caller may see."""
    keys = {s.name: part_key(principal, s, format=format, base=base) for s in listed}
    parts: dict[str, DatasetPart] = {}
    for summary in listed:
        kept = state.feed_parts.get(keys[summary.name])
        if kept is not None:
            parts[summary.name] = DatasetPart.model_validate_json(gzip.decompress(kept))
    missing = [s.name for s in listed if s.name not in parts]
    versions = list(state.catalog.current_versions(missing, viewer=principal)) if missing else []
    listed_as = {s.name: (s.version, s.content_hash) for s in listed}
    as_listed = sorted(v.dataset for v in versions) == sorted(missing)
    for version in versions:
        parts[version.dataset] = dataset_part(
            version.metadata, base_url=base, format=format,
            resource_url=url_by_position(version.metadata.resources,
                                         download_urls(base, version)),
        )  # fmt: skip
        if listed_as.get(version.dataset) == (version.number, version.content_hash):
            state.feed_parts.put(keys[version.dataset], parts[version.dataset].model_dump_json())
        else:  # changed between the listing and the read: served, not kept
            as_listed = False
    text = catalog_page(
        [parts[s.name] for s in listed if s.name in parts], format=format, base_url=base,
        title=_feed_title(state), description=FEED_DESCRIPTION, publisher=FEED_PUBLISHER,
        paging=paging,
    )  # fmt: skip
    if text is None:  # the parts' prefixes conflict: the page is built whole
        names = [s.name for s in listed]
        text = serialize(_whole_page(state, principal, base, names, paging), format)
    return text, as_listed


def _feed_title(state: ApiState) -> Text:
    return Text(th=state.settings.site_title, en=state.settings.site_title)


def _whole_page(
    state: ApiState, principal: Principal, base: str, names: list[str], paging: Paging
) -> Graph:
    """The page's graph built whole by rdflib."""
    versions = list(state.catalog.current_versions(names, viewer=principal))
    downloads = {
        id(v.metadata): url_by_position(v.metadata.resources, download_urls(base, v))
        for v in versions
    }

    def resource_url(dataset: Dataset, resource) -> str | None:
        return downloads[id(dataset)](dataset, resource)

    return catalog_graph(
        [v.metadata for v in versions], base_url=base, title=_feed_title(state),
        description=FEED_DESCRIPTION, publisher=FEED_PUBLISHER, resource_url=resource_url,
        paging=paging,
    )  # fmt: skip


# --- tabular resources -------------------------------------------------------------------


class ResolvedTable(BaseModel):
    """A tabular resource as the rows endpoints need it."""

    version: VersionRecord
    resource: ResourceRecord
    source: TableSource
    private: bool


def table_source(
    state: ApiState, principal: Principal, name: str, resource_id: str, version: int | None
) -> ResolvedTable:
    """The table behind a resource, or a 404/422 saying why it has none. Answers are kept
    for a moment (`ApiState.remember`), so a client paging through rows does not cost three
    catalog reads a page."""
    key = ("table", name, resource_id, version, principal.cache_key)
    return state.remember(key, lambda: _table_source(state, principal, name, resource_id, version))


def no_resource(name: str, resource_id: str) -> ApiError:
    """A version without the resource asked for (its metadata and its table answer alike)."""
    return ApiError(
        Text(th=f"ไม่พบทรัพยากร {resource_id}", en=f"no resource {resource_id!r} in {name}"),
        code="not_found",
        status=404,
    )


def _table_source(
    state: ApiState, principal: Principal, name: str, resource_id: str, version: int | None
) -> ResolvedTable:
    dataset = dataset_record(state, principal, name)
    record = dataset.current if version is None else version_record(state, principal, name, version)
    item = record.resource(resource_id)
    if item is None:
        raise no_resource(name, resource_id)
    if not is_tabular(item):
        raise ApiError(
            Text(
                th="ทรัพยากรนี้ไม่ใช่ตารางที่มี Table Schema (CSV, JSON, NDJSON หรือ Parquet)",
                en="this resource is not a table with a Table Schema "
                "(CSV, JSON, NDJSON or Parquet)",
            ),
            code="not_tabular",
            status=422,
        )
    stored = state.catalog.resource_file(name, resource_id, version=record.number, viewer=principal)
    source = table_source_of(item, stored.path, stored.sha256)
    return ResolvedTable(version=record, resource=item, source=source, private=dataset.private)


def current_table_sources(state: ApiState) -> list[TableSource]:
    """Every distinct table of the offered datasets' current versions, to prepare them at
    start: the catalog keeps them (a few rows, `Catalog.table_sources`), so this reads no
    version, whatever the catalog's size. Those whose format cannot be loaded are left out."""
    sources = []
    for record in state.catalog.table_sources():
        format = table_format(record.format, PurePosixPath(record.filename or ""))
        if format is None or not record.table_schema.get("fields"):
            continue
        sources.append(
            TableSource(path=state.catalog.blobs.path(record.sha256), format=format,
                        schema_=record.table_schema, file_hash=record.sha256)
        )  # fmt: skip
    return sources
