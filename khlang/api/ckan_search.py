"""CKAN's package_search over khlang's search index.

`q` and `fq` are CKAN's Solr syntax (khlang.api.ckan_query reads them into a search tree),
`sort` any of CKAN's sort fields, facets any keyword field with `facet.limit` (-1: all) and
`facet.mincount`. `include_private` shows the caller's private datasets (members of their
organisation only, as everywhere else). A query khlang cannot evaluate is CKAN's `Search Query
Error` (400) naming the part, never an empty result that looks like an answer.
"""

from __future__ import annotations

from typing import Any

from khlang.api.ckan_actions import package_dicts
from khlang.api.ckan_common import Context, boolean, integer, listed, search_error, validation
from khlang.api.ckan_query import (
    FIELD_ALIASES,
    QueryError,
    field_name,
    parse_fq,
    parse_q,
    parse_sort,
)
from khlang.api.state import ApiState, visible_organizations
from khlang.catalog import ANONYMOUS
from khlang.catalog.search.query import SearchQuery
from khlang.catalog.search.tree import FIELDS, FieldKind, all_of

ROWS_MAX = 1000
ROWS_DEFAULT = 10
FACET_LIMIT_DEFAULT = 50
DEFAULT_SORT = "score desc, metadata_modified desc"


def package_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Search datasets. Parameters: q (free text, or Solr/Lucene syntax with fields),
    fq and fq_list (Lucene syntax), sort (e.g. `score desc, metadata_modified desc`,
    `id asc`, `name asc`, `title_string desc`), rows (at most 1000), start, facet.field (a
    JSON list of fields), facet.limit (-1: all), facet.mincount, include_private (with a key:
    the private datasets the key may see)."""
    state: ApiState = context.state
    rows = integer(data, "rows", ROWS_DEFAULT, cap=ROWS_MAX)
    start = integer(data, "start", 0)
    sort_text = str(data.get("sort") or DEFAULT_SORT)
    facet_fields = listed(data, "facet.field") or []
    facet_limit = _facet_limit(data)
    try:
        parts = [parse_q(str(data.get("q") or ""))]
        parts += [parse_fq(str(data.get("fq") or ""))]
        parts += [parse_fq(item) for item in listed(data, "fq_list") or []]
        order = parse_sort(sort_text)
        facets = tuple(_facet_field(name) for name in facet_fields)
    except QueryError as error:
        raise search_error(str(error)) from None
    principal = context.principal if boolean(data, "include_private", False) else ANONYMOUS
    query = SearchQuery(
        where=all_of(parts),
        order=order,
        start=start,
        rows=rows,
        facets=facets,
        facet_limit=facet_limit,
        facet_mincount=integer(data, "facet.mincount", 1),
    )
    result = state.catalog.search(query, visible_organizations=visible_organizations(principal))
    packages = package_dicts(state, result.names, principal, context.base)
    titles = {o.name: o.title.th if o.title else o.name for o in state.organizations().values()}
    facet_counts, search_facets = {}, {}
    for name, field in zip(facet_fields, facets, strict=True):
        items = result.facets.get(field, [])
        facet_counts[name] = {item.value: item.count for item in items}
        search_facets[name] = {
            "title": name,
            "items": [
                {
                    "name": item.value,
                    "display_name": titles.get(item.value, item.value)
                    if field == "organization"
                    else item.value,
                    "count": item.count,
                }
                for item in items
            ],
        }
    return {
        "count": result.count,
        "sort": sort_text,
        "facets": facet_counts,
        "search_facets": search_facets,
        "results": packages,
    }


def current_package_list_with_resources(context: Context, data: dict[str, Any]) -> list[dict]:
    """Public datasets with their resources, the most recently changed first, as CKAN 2.11
    answers it (a package_search with no query; a sysadmin's key adds private datasets).
    Parameters: limit (10, at most 1000), offset, or page (from 1, pages of `limit`)."""
    limit = integer(data, "limit", ROWS_DEFAULT, cap=ROWS_MAX)
    offset = integer(data, "offset", 0)
    if data.get("offset") in (None, "") and data.get("page") not in (None, ""):
        page = integer(data, "page", 1)
        if page < 1:
            raise validation("page", "Must be a positive integer")
        offset = (page - 1) * limit
    search = {"rows": limit, "start": offset, "include_private": context.principal.sysadmin}
    return package_search(context, search)["results"]


def _facet_limit(data: dict[str, Any]) -> int | None:
    """`facet.limit`: a count, or a negative number for every value (Solr's -1)."""
    value = data.get("facet.limit")
    if value in (None, ""):
        return FACET_LIMIT_DEFAULT
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise validation("facet.limit", "Invalid integer") from None
    return None if limit < 0 else limit


def _facet_field(name: str) -> str:
    field = field_name(name)
    if FIELDS[field] is not FieldKind.keyword:
        keywords = sorted(
            {*(f for f, kind in FIELDS.items() if kind is FieldKind.keyword), *FIELD_ALIASES}
        )
        raise QueryError(
            f"cannot facet on {name!r}: facets count exact values ({', '.join(keywords[:12])}, "
            "... and every GD Catalog field)"
        )
    return field
