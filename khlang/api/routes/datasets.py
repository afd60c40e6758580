"""khlang's JSON API for datasets: search, detail, versions, compliance and both scores,
metadata as JSON, DCAT-AP and Data Package (the catalog's DCAT feed is in routes/dcat.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from khlang.api import service
from khlang.api.errors import ApiError, bad_parameter
from khlang.api.http import (
    CURRENT,
    IMMUTABLE,
    PRIVATE,
    accepted,
    base_url,
    cached_response,
    etag_of,
    json_bytes,
    not_acceptable,
)
from khlang.api.state import ApiState, api_state, caller
from khlang.catalog import Principal
from khlang.catalog.search.query import FACETS, SORT_ORDERS, SearchQuery
from khlang.i18n import Text
from khlang.metadata.datapackage import to_datapackage

router = APIRouter(prefix=service.API, tags=["datasets"])
State = Annotated[ApiState, Depends(api_state)]
Caller = Annotated[Principal, Depends(caller)]
Version = Annotated[
    int | None,
    Query(ge=1, description="A version number; the current version when left out.", examples=[2]),
]
MAX_SEARCH_ROWS = 1000


@router.get(
    "/datasets",
    summary="Search datasets",
    description=(
        "Free text in Thai or English (Thai is segmented into words, so `งบประมาณ เชียงใหม่` "
        "and `งบประมาณเชียงใหม่` find the same datasets), facet filters (repeat a facet to "
        "accept any of its values), sort and paging. Facet counts are over the matching "
        "datasets."
    ),
    responses={200: {"description": "A page of datasets with facet counts."}},
)
def search(
    request: Request,
    state: State,
    principal: Caller,
    q: Annotated[str | None, Query(max_length=1000, examples=["งบประมาณ เชียงใหม่"])] = None,
    organization: Annotated[
        list[str] | None, Query(examples=[["chiang-mai-provincial-office"]])
    ] = None,
    data_type: Annotated[list[str] | None, Query(examples=[["ข้อมูลสถิติ"]])] = None,
    geo_coverage: Annotated[list[str] | None, Query(examples=[["จังหวัด"]])] = None,
    fiscal_year: Annotated[list[str] | None, Query(examples=[["2567"]])] = None,
    tags: Annotated[list[str] | None, Query(examples=[["งบประมาณ"]])] = None,
    format: Annotated[list[str] | None, Query(examples=[["CSV"]])] = None,
    data_category: Annotated[list[str] | None, Query(examples=[["ข้อมูลสาธารณะ"]])] = None,
    sort: Annotated[
        str,
        Query(
            description=f"One of {', '.join(SORT_ORDERS)}; prefix `-` to reverse.",
            json_schema_extra={"enum": [*SORT_ORDERS, *(f"-{order}" for order in SORT_ORDERS)]},
        ),
    ] = "relevance",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=0, le=MAX_SEARCH_ROWS)] = 20,
) -> Response:
    selected = {
        "organization": organization, "data_type": data_type, "geo_coverage": geo_coverage,
        "fiscal_year": fiscal_year, "tags": tags, "format": format, "data_category": data_category,
    }  # fmt: skip
    query = SearchQuery(
        q=q,
        filters=[(facet, frozenset(values)) for facet, values in selected.items() if values],
        start=(page - 1) * size,
        rows=size,
        **_sort(sort),
    )
    result = service.search_datasets(state, principal, query)
    body = result.model_dump(mode="json")
    body["page"], body["size"] = page, size
    return _json(request, body, cache=listing_policy(principal))


def _sort(text: str) -> dict[str, Any]:
    descending = text.startswith("-")
    name = text.lstrip("-")
    if name not in SORT_ORDERS:
        raise bad_parameter(
            "sort",
            f"เรียงได้ตาม {', '.join(SORT_ORDERS)}",
            f"sort by one of {', '.join(SORT_ORDERS)}",
        )
    return {"sort": name, "descending": descending if descending else None}


@router.get("/facets", summary="The search facets and their labels")
def facets() -> dict[str, Any]:
    return {key: label.model_dump() for key, label in FACETS.items()}


@router.get(
    "/datasets/{name}",
    summary="A dataset: metadata, resources, compliance summary and links",
    description="The 14 mandatory GD Catalog items with their official Thai labels, every "
    "metadata field in khlang's form, the resources with their download and query links.",
)
def dataset(
    request: Request, state: State, principal: Caller, name: str, version: Version = None
) -> Response:
    base = base_url(request)

    def build() -> Answer:
        view = service.dataset_view(state, principal, name, base, version)
        body = json_bytes(view.model_dump(mode="json"))
        etag = etag_of("dataset", view.content_hash, view.current_version, base)
        return body, "application/json", etag, _policy(view.private, version)

    return _remembered(request, state, principal, ("dataset", name, version), build)


@router.get("/datasets/{name}/versions", summary="Every published version, newest first")
def dataset_versions(request: Request, state: State, principal: Caller, name: str) -> Response:
    found = service.versions(state, principal, name)
    record = service.dataset_record(state, principal, name)
    return _json(
        request,
        {"dataset": name, "versions": [v.model_dump(mode="json") for v in found]},
        etag=etag_of("versions", [v.content_hash for v in found]),
        cache=_policy(record.private, None),
    )


@router.get(
    "/datasets/{name}/compliance",
    summary="Compliance report and both scores",
    description="The GD Catalog compliance findings (stable codes, Thai labels, fixes), the EU "
    "Metadata Quality Assessment score of the DCAT-AP form, and the Budget Bureau data-catalog "
    "indicator of the dataset's organisation.",
)
def compliance(
    request: Request, state: State, principal: Caller, name: str, version: Version = None
) -> Response:
    record = service.dataset_record(state, principal, name)
    body = service.compliance_view(state, principal, name, base_url(request), version)
    return _json(request, body, cache=_policy(record.private, version))


METADATA_TYPES = ["application/json", "text/turtle", "application/ld+json", "application/rdf+xml"]
RDF_EXTENSIONS = list(service.RDF_EXTENSIONS)
# Documented as an enum (so clients and generated tests know the forms); an unknown one is
# still answered by the route, with a 404 naming the forms.


def unknown_extension(known: list[str]) -> ApiError:
    listed = ", ".join(known)
    return ApiError(
        Text(th=f"ใช้ได้: {listed}", en=f"use one of {listed}"),
        code="not_found",
        status=404,
        parameter="extension",
    )


@router.get(
    "/datasets/{name}/metadata",
    summary="Metadata, negotiated: JSON or DCAT-AP (Turtle, JSON-LD, RDF/XML)",
    description="Send `Accept: text/turtle`, `application/ld+json` or `application/rdf+xml` for "
    "DCAT-AP 3; `application/json` (the default) for khlang's form.",
    responses={200: {"content": {media: {} for media in METADATA_TYPES}}},
)
def metadata(
    request: Request, state: State, principal: Caller, name: str, version: Version = None
) -> Response:
    media = accepted(request, METADATA_TYPES)
    if media is None:
        raise not_acceptable(METADATA_TYPES)
    extension = (
        "json"
        if media == "application/json"
        else next(
            ext
            for ext, fmt in service.RDF_EXTENSIONS.items()
            if service.RDF_MEDIA_TYPES[media] == fmt
        )
    )
    return metadata_as(request, state, principal, name, extension, version)


@router.get(
    "/datasets/{name}/metadata.{extension}",
    summary="Metadata in one form: json, ttl (Turtle), jsonld (JSON-LD), rdf or xml (RDF/XML), n3",
    responses={200: {"content": {media: {} for media in METADATA_TYPES}}},
)
def metadata_as(
    request: Request,
    state: State,
    principal: Caller,
    name: str,
    extension: Annotated[str, Path(json_schema_extra={"enum": ["json", *RDF_EXTENSIONS]})],
    version: Version = None,
) -> Response:
    format = service.RDF_EXTENSIONS.get(extension)
    if format is None and extension != "json":
        raise unknown_extension(["json", *RDF_EXTENSIONS])
    base = base_url(request)

    def build() -> Answer:
        record = service.dataset_record(state, principal, name)
        current = service.version_record(state, principal, name, version)
        etag = etag_of("metadata", extension, current.content_hash, base)
        cache = _policy(record.private, version)
        if format is None:
            body = json_bytes(service.metadata_document(current.metadata))
            return body, "application/json", etag, cache
        media = next(m for m, f in service.RDF_MEDIA_TYPES.items() if f == format)
        text = service.dataset_rdf(current, base, format)
        return text.encode(), f"{media}; charset=utf-8", etag, cache

    return _remembered(request, state, principal, ("metadata", name, extension, version), build)


@router.get("/datasets/{name}/datapackage.json", summary="The Frictionless Data Package descriptor")
def datapackage(
    request: Request, state: State, principal: Caller, name: str, version: Version = None
) -> Response:
    base = base_url(request)

    def build() -> Answer:
        record = service.dataset_record(state, principal, name)
        current = service.version_record(state, principal, name, version)
        descriptor = to_datapackage(current.metadata)
        resources = descriptor.get("resources", [])
        for item, resource in zip(current.resources, resources, strict=False):
            if item.version_download_path:
                resource["path"] = f"{base}{item.version_download_path}"
        etag = etag_of("datapackage", current.content_hash, base)
        return json_bytes(descriptor), "application/json", etag, _policy(record.private, version)

    return _remembered(request, state, principal, ("datapackage", name, version), build)


@router.get("/organizations", summary="Organisations")
def organizations(request: Request, state: State) -> Response:
    found = [o.model_dump(mode="json") for o in state.catalog.organizations()]
    return _json(request, {"organizations": found})


@router.get(
    "/organizations/{name}",
    summary="An organisation, its datasets and its Budget Bureau data-catalog indicator",
)
def organization(request: Request, state: State, principal: Caller, name: str) -> Response:
    record = state.catalog.organization(name)
    datasets = state.catalog.datasets(viewer=principal, organization=name)
    body = {
        **record.model_dump(mode="json"),
        "datasets": [d.model_dump(mode="json") for d in datasets],
        "budget_bureau": service.organization_score(state, name),
    }
    return _json(request, body, cache=listing_policy(principal))


def listing_policy(principal: Principal) -> str:
    """A listing may hold private datasets for a member or a sysadmin: then no shared cache
    may keep it (it would hand it to the next visitor)."""
    return PRIVATE if principal.roles or principal.sysadmin else CURRENT


Answer = tuple[bytes, str, str, str]
"""A built answer: body, media type, ETag, Cache-Control."""


def _remembered(
    request: Request,
    state: ApiState,
    principal: Principal,
    key: tuple,
    build: Callable[[], Answer],
) -> Response:
    """The answer `build()` makes, reused for the moment `ApiState.remember` keeps catalog
    answers: a popular dataset is asked for many times a second, and building its JSON (a
    200 KB metadata dump) or its DCAT-AP costs 8-17 ms of CPU each time (bench/load.py).
    Kept per caller, as `service.table_source` is, so no one gets what only another may see."""
    who = principal.cache_key
    body, media, etag, cache = state.remember(("answer", *key, base_url(request), who), build)
    return cached_response(request, body, media_type=media, etag=etag, cache_control=cache)


def _policy(private: bool, version: int | None) -> str:
    if private:
        return PRIVATE
    return IMMUTABLE if version is not None else CURRENT


def _json(
    request: Request, body: Any, *, etag: str | None = None, cache: str = CURRENT
) -> Response:
    return cached_response(
        request,
        json_bytes(body),
        media_type="application/json",
        etag=etag or etag_of(body),
        cache_control=cache,
    )
