"""The catalog and its datasets as DCAT-AP, at ckanext-dcat's URLs, so that DCAT harvesters
and clients written for a CKAN work unchanged:

    /catalog.{ttl,rdf,xml,jsonld,n3}?page=&size=&after= the catalog feed, with Hydra paging
    /catalog                                          the catalog's IRI: its feed, negotiated
    /dataset/{name}.{ttl,rdf,xml,jsonld,n3}           one dataset
    /dataset/{name}, /  with `Accept: text/turtle`... a dataset, the catalog (web pages else)

and khlang's own `/api/v1/catalog[.ext]`, the same feed. `rdf` and `xml` are RDF/XML, as in
ckanext-dcat; the Accept header is weighed by its `q` values and wildcards (`text/*`), HTML
winning ties on pages, so a browser always gets the page. Every paging link keeps the
request's parameters; `hydra:next` pages by keyset (`after`, the last name of the page), and
pages are served from the feed cache while their datasets are unchanged (service.catalog_rdf).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.convertors import Convertor, register_url_convertor

from khlang.api import service
from khlang.api.errors import bad_parameter
from khlang.api.http import accepted, accepts_gzip, base_url, cached_response, not_acceptable
from khlang.api.routes.datasets import listing_policy, metadata_as, unknown_extension
from khlang.api.state import ApiState, api_state, caller
from khlang.catalog import Principal

router = APIRouter(tags=["DCAT"])
State = Annotated[ApiState, Depends(api_state)]
Caller = Annotated[Principal, Depends(caller)]

RDF_TYPES = ["text/turtle", "application/ld+json", "application/rdf+xml", "text/n3"]
"""What the DCAT URLs answer in, Turtle first (the default for `*/*`)."""
EXTENSIONS = list(service.RDF_EXTENSIONS)
EXTENSION_PATTERN = "|".join(EXTENSIONS)
"""The regex of the extensions that make `/dataset/NAME.EXT` ckanext-dcat's URL."""
Extension = Annotated[str, Path(json_schema_extra={"enum": EXTENSIONS})]


class _RdfExtension(Convertor[str]):
    """Only the RDF extensions make `/dataset/{name}.{extension}` the DCAT route, as in
    ckanext-dcat: any other dotted name (`/dataset/report.pdf`) is left to the dataset page,
    whose 404 is a page a person can read, not a JSON error."""

    regex = EXTENSION_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("rdf_extension", _RdfExtension())
PAGE_SIZE = 100
"""Datasets per feed page unless `size` says otherwise (ckanext-dcat's default)."""
MAX_PAGE_SIZE = 1000
FEED_PARAMETERS = ("page", "size", "after")
POSITION = ("page", "after")
Page = Annotated[int, Query(ge=1, description="The page, from 1.")]
After = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        description="Keyset paging: the datasets named after this one (the last name of the "
        "previous page), as `hydra:next` links give it. With `after`, `page` is not read: "
        "the cursor says where the page starts.",
    ),
]
Size = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description="Datasets per page (1-1000, default 100).")
]


def extension_of(media: str) -> str:
    """The URL extension of a media type's serialisation (`text/turtle` -> `ttl`)."""
    format = service.RDF_MEDIA_TYPES[media]
    return next(ext for ext, name in service.RDF_EXTENSIONS.items() if name == format)


def wanted_rdf(request: Request) -> str | None:
    """The RDF serialisation (its extension) a request for a web page prefers to HTML, or
    None when HTML is what it wants (a browser, `*/*`, no Accept header)."""
    media = accepted(request, ["text/html", *RDF_TYPES])
    return extension_of(media) if media in RDF_TYPES else None


def catalog_feed(
    request: Request,
    state: ApiState,
    principal: Principal,
    extension: str,
    page: int = 1,
    size: int = PAGE_SIZE,
    after: str | None = None,
    *,
    links_to: str | None = None,
) -> Response:
    """One page of the feed in the serialisation of `extension`. Its paging links go to the
    request's own address with its parameters kept (only `page` or `after` changes), or to
    the path `links_to` (the site's root answers RDF, but pages the feed at /catalog.ext)."""
    format = service.RDF_EXTENSIONS.get(extension)
    if format is None:
        raise unknown_extension(EXTENSIONS)
    unknown = [key for key in request.query_params if key not in FEED_PARAMETERS]
    if unknown:
        raise bad_parameter(
            unknown[0],
            "บัญชีข้อมูล DCAT รับเฉพาะ page, size และ after ค้นหาได้ที่ /api/v1/datasets หรือ package_search",
            "the DCAT feed takes only page, size and after; search with /api/v1/datasets or "
            "package_search",
            code="unknown_parameter",
        )
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in POSITION]
    address = f"{base_url(request)}{links_to or request.url.path}"

    def link(position: str, value: str | int) -> str:
        return f"{address}?{urlencode([*kept, (position, value)])}"

    found = service.catalog_rdf(
        state, principal, base_url(request), format, size, link, page=page, after=after
    )
    media = next(m for m, f in service.RDF_MEDIA_TYPES.items() if f == format)
    gzipped = accepts_gzip(request)
    return cached_response(
        request,
        found.compressed if gzipped else found.text,
        media_type=f"{media}; charset=utf-8",
        etag=f'"{found.key[:32]}"',
        cache_control=listing_policy(principal),
        headers={
            "Vary": "Accept, Accept-Encoding",
            **({"Content-Encoding": "gzip"} if gzipped else {}),
        },
    )


def feed_position(request: Request) -> tuple[int, int, str | None]:
    """`page`, `size` and `after` of a request whose route does not declare them (the
    site's root)."""
    found = []
    for key, default, most in (("page", 1, None), ("size", PAGE_SIZE, MAX_PAGE_SIZE)):
        raw = request.query_params.get(key, str(default))
        if not raw.isdecimal() or int(raw) < 1 or (most is not None and int(raw) > most):
            th, en = (f"1–{most}", f"1-{most}") if most else ("ตั้งแต่ 1 ขึ้นไป", "1 or more")
            raise bad_parameter(
                key, f"{key} ต้องเป็นจำนวนเต็ม {th}", f"{key} must be an integer, {en}"
            )
        found.append(int(raw))
    after = request.query_params.get("after")
    if after is not None and not 1 <= len(after) <= 200:
        raise bad_parameter(
            "after", "after ต้องยาว 1–200 ตัวอักษร", "after must be 1-200 characters long"
        )
    return found[0], found[1], after


_FEED = {200: {"content": {media: {} for media in RDF_TYPES}}}
_VARY = {"Vary": "Accept"}


@router.get(
    "/catalog.{extension}",
    summary="The catalog as DCAT-AP 3 (ckanext-dcat's URL): ttl, rdf, xml, jsonld or n3",
    description="One page of datasets (`size`, default 100) with Hydra paging links "
    "(`hydra:next`, `hydra:last`...) that keep the request's parameters.",
    responses=_FEED,
)
def catalog_as(request: Request, state: State, principal: Caller, extension: Extension,
               page: Page = 1, size: Size = PAGE_SIZE,
               after: After = None) -> Response:  # fmt: skip
    return catalog_feed(request, state, principal, extension, page, size, after)


@router.get(
    "/catalog",
    summary="The catalog's IRI: its DCAT-AP feed, negotiated (Turtle by default)",
    description="A browser (HTML preferred) is sent to the home page.",
    responses={**_FEED, 303: {"description": "HTML was asked for: see the home page."}},
)
def catalog(request: Request, state: State, principal: Caller, page: Page = 1,
            size: Size = PAGE_SIZE, after: After = None) -> Response:  # fmt: skip
    media = accepted(request, [*RDF_TYPES, "text/html"])
    if media is None:
        raise not_acceptable(RDF_TYPES)
    if media == "text/html":
        return RedirectResponse(f"{base_url(request)}/", status_code=303, headers=_VARY)
    return catalog_feed(request, state, principal, extension_of(media), page, size, after)


@router.get(
    f"{service.API}/catalog.{{extension}}",
    summary="The catalog's DCAT-AP feed (as /catalog.{extension})",
    responses=_FEED,
)
def api_catalog_as(request: Request, state: State, principal: Caller, extension: Extension,
                   page: Page = 1, size: Size = PAGE_SIZE,
                   after: After = None) -> Response:  # fmt: skip
    return catalog_feed(request, state, principal, extension, page, size, after)


@router.get(
    f"{service.API}/catalog",
    summary="The catalog as DCAT-AP, negotiated (Turtle by default), one page at a time",
    responses=_FEED,
)
def api_catalog(request: Request, state: State, principal: Caller, page: Page = 1,
                size: Size = PAGE_SIZE, after: After = None) -> Response:  # fmt: skip
    media = accepted(request, RDF_TYPES)
    if media is None:
        raise not_acceptable(RDF_TYPES)
    return catalog_feed(request, state, principal, extension_of(media), page, size, after)


@router.get(
    "/dataset/{name}.{extension:rdf_extension}",
    summary="A dataset as DCAT-AP 3 (ckanext-dcat's URL): ttl, rdf, xml, jsonld or n3",
    responses={200: {"content": {media: {} for media in RDF_TYPES}}},
)
def dataset_as(
    request: Request,
    state: State,
    principal: Caller,
    name: str,
    extension: Extension,
    version: Annotated[int | None, Query(ge=1, description="A version number.")] = None,
) -> Response:
    return metadata_as(request, state, principal, name, extension, version)
