"""CKAN's read API (the Action API, version 3) over khlang's catalog.

Parameters, defaults, caps and result shapes follow CKAN 2.11, so that the `ckanapi` client,
CKAN harvesters and scripts written for data.go.th work against khlang unchanged. Package
dicts carry the GD Catalog fields with their Thai values (`to_ckan(..., "gdc")`), as a
catalog running ckanext-thai_gdc returns them. What CKAN would refuse is refused with CKAN's
error types (`Validation Error` 409, `Not Found Error` 404, `Authorization Error` 403, `Search
Query Error` 409); what CKAN silently caps (`rows` at 1000, `limit` at 32000) is capped the
same way, and the applied value is echoed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from khlang import __version__
from khlang.api import service
from khlang.api.errors import ApiError
from khlang.api.query.columns import Column, Op
from khlang.api.query.language import Conditions, Filter, RowQuery, Schema, SortKey
from khlang.api.query.values import parse_scalar
from khlang.api.search import SearchQuery
from khlang.api.state import ApiState, visible_organizations
from khlang.catalog import Principal
from khlang.catalog.records import DatasetRecord, OrganizationRecord, ResourceRecord
from khlang.catalog.urls import absolute
from khlang.metadata.ckan import to_ckan
from khlang.metadata.parquet import stated_size
from khlang.metadata.vocabularies import LICENSE

CKAN_VERSION = "2.11.0"
SEARCH_ROWS_MAX = 1000
SEARCH_ROWS_DEFAULT = 10
DATASTORE_ROWS_MAX = 32_000
DATASTORE_ROWS_DEFAULT = 100
FACET_LIMIT_DEFAULT = 50
# CKAN's search field names -> khlang's facets.
FIELD_FACETS = {
    "organization": "organization",
    "tags": "tags",
    "res_format": "format",
    "data_type": "data_type",
    "geo_coverage": "geo_coverage",
    "data_category": "data_category",
    "fiscal_year": "fiscal_year",
}
SORTS = {
    "score": "relevance",
    "metadata_modified": "modified",
    "metadata_created": "modified",
    "title_string": "title",
    "title": "title",
    "name": "name",
}
_DATASTORE_TYPES = {
    "integer": "int",
    "year": "int",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
    "time": "time",
}


class CkanError(Exception):
    """An error in CKAN's envelope: `__type` and either a message or per-field messages."""

    def __init__(
        self,
        kind: str,
        status: int,
        message: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message or kind)
        self.kind = kind
        self.status = status
        self.message = message
        self.fields = fields or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"__type": self.kind}
        if self.message is not None:
            error["message"] = self.message
        error.update(self.fields)
        return error


def validation(field: str, message: str) -> CkanError:
    return CkanError("Validation Error", 409, fields={field: [message]})


def not_found(message: str = "Not found") -> CkanError:
    return CkanError("Not Found Error", 404, message=message)


def search_error(message: str) -> CkanError:
    return CkanError("Search Query Error", 409, message=f"Search Query is invalid: {message}")


class Context(BaseModel):
    """What an action knows of the request."""

    model_config = {"arbitrary_types_allowed": True}

    state: Any
    principal: Principal
    base: str


# --- parameters --------------------------------------------------------------------------


def _int(data: dict[str, Any], key: str, default: int, *, cap: int | None = None) -> int:
    value = data.get(key, default)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise validation(key, "Invalid integer") from None
    if number < 0:
        raise validation(key, "Must be a positive integer")
    return min(number, cap) if cap is not None else number


def _bool(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise validation(key, f"Value must be one of {['true', 'false']}")


def _list(data: dict[str, Any], key: str) -> list[str] | None:
    """A list parameter: a JSON list (as `facet.field=["tags"]`), a list, or comma-separated."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return [str(item) for item in value]
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            raise validation(key, "Invalid JSON list") from None
        if not isinstance(parsed, list):
            raise validation(key, "Must be a list")
        return [str(item) for item in parsed]
    return [item.strip() for item in text.split(",") if item.strip()]


def _id(data: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise validation(keys[0], "Missing value")


# --- package dicts -----------------------------------------------------------------------


def organization_dict(organization: OrganizationRecord, package_count: int | None = None) -> dict:
    title = organization.title
    found = {
        "id": organization.id,
        "name": organization.name,
        "title": title.th if title else organization.name,
        "display_name": title.th if title else organization.name,
        "title_en": title.en if title else None,
        "description": "",
        "image_url": "",
        "created": organization.created_at.isoformat(),
        "is_organization": True,
        "type": "organization",
        "state": "active",
        "approval_status": "approved",
        "catalog_type": organization.catalog_type,
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def resource_dict(item: ResourceRecord, ckan: dict[str, Any], package_id: str, base: str) -> dict:
    url = absolute(base, item.download_path) if item.download_path else item.metadata.url
    return {
        **ckan,
        "id": item.id,
        "package_id": package_id,
        "position": item.position,
        "name": item.metadata.name or item.filename or item.id,
        "description": item.metadata.description or "",
        "format": item.format or "",
        "url": url or "",
        "url_type": "upload" if item.has_file else None,
        "mimetype": item.media_type,
        "size": stated_size(item.metadata),
        # With its algorithm: frictionless-py reads a bare hash as MD5 (a false hash error).
        "hash": f"sha256:{item.sha256}" if item.sha256 else "",
        "created": item.issued.isoformat(),
        "last_modified": item.modified.isoformat(),
        "metadata_modified": item.modified.isoformat(),
        "datastore_active": service.is_tabular(item),
        "state": "active",
    }


def package_dict(state: ApiState, record: DatasetRecord, base: str) -> dict[str, Any]:
    key = ("package", record.name, record.current.content_hash, record.private, record.state, base)
    return state.remember(key, lambda: _package_dict(state, record, base))


def _package_dict(state: ApiState, record: DatasetRecord, base: str) -> dict[str, Any]:
    dataset = record.current.metadata
    package = to_ckan(dataset, "gdc")
    organization = state.organizations().get(record.organization)
    licence = LICENSE.by_value(dataset.license_id or "")
    ckan_resources = package.get("resources", [])
    tags = [
        {"name": tag, "display_name": tag, "state": "active", "vocabulary_id": None}
        for tag in dataset.tags
    ]
    package.update(
        {
            "id": record.id,
            "name": record.name,
            "title": dataset.title or record.name,
            "type": "dataset",
            "state": "active" if record.state == "active" else "deleted",
            "private": record.private,
            "owner_org": organization.id if organization else record.organization,
            "organization": organization_dict(organization) if organization else None,
            "metadata_created": record.created_at.isoformat(),
            "metadata_modified": record.current.published_at.isoformat(),
            "version": str(record.version),
            "author": None,
            "author_email": None,
            "creator_user_id": None,
            "isopen": bool(licence and licence.code not in ("not_specified", "other")),
            "license_title": dataset.license_id,
            "notes": dataset.notes,
            "tags": tags,
            "num_tags": len(tags),
            "groups": [],
            "relationships_as_object": [],
            "relationships_as_subject": [],
            "resources": [
                resource_dict(
                    item, ckan_resources[i] if i < len(ckan_resources) else {}, record.id, base
                )
                for i, item in enumerate(record.current.resources)
            ],
            "num_resources": len(record.current.resources),
        }
    )
    return package


# --- actions -----------------------------------------------------------------------------

_FIELD = re.compile(r'([+-]?)([A-Za-z_]+):("(?:[^"\\]|\\.)*"|\S+)')


def _field_filters(text: str, source: str) -> tuple[list[tuple[str, frozenset[str]]], str]:
    """Solr `field:value` clauses of q or fq as facet filters, and the free text left."""
    filters: list[tuple[str, frozenset[str]]] = []

    def take(found: re.Match[str]) -> str:
        sign, field, value = found.groups()
        if field == "*" or (field, value) == ("*", "*"):
            return " "
        facet = FIELD_FACETS.get(field)
        if facet is None:
            known = ", ".join(sorted(FIELD_FACETS))
            raise search_error(f"undefined field {field} in {source} (known: {known})")
        if sign == "-":
            raise search_error(f"negative clauses are not supported ({source})")
        value = value[1:-1].replace('\\"', '"') if value.startswith('"') else value
        filters.append((facet, frozenset({value})))
        return " "

    rest = _FIELD.sub(take, text)
    if re.search(r"[(){}\[\]]|\b(OR|NOT)\b", rest):
        raise search_error(f"boolean groups are not supported in {source}")
    return filters, rest.replace("*:*", " ").strip()


def package_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    state: ApiState = context.state
    rows = _int(data, "rows", SEARCH_ROWS_DEFAULT, cap=SEARCH_ROWS_MAX)
    start = _int(data, "start", 0)
    filters, text = _field_filters(str(data.get("q") or ""), "q")
    for clause in [str(data.get("fq") or ""), *(_list(data, "fq_list") or [])]:
        more, leftover = _field_filters(clause, "fq")
        if leftover:
            raise search_error(f"fq must hold field:value clauses, not {leftover!r}")
        filters += more
    sort_text = str(data.get("sort") or "score desc, metadata_modified desc")
    first = sort_text.split(",")[0].split()
    order = SORTS.get(first[0]) if first else "relevance"
    if order is None:
        raise search_error(f"cannot sort by {first[0]} (use {', '.join(SORTS)})")
    descending = len(first) > 1 and first[1].lower() == "desc"
    if order == "relevance" and not text:
        order, descending = "modified", True
    facet_fields = _list(data, "facet.field") or []
    facet_limit = _int(data, "facet.limit", FACET_LIMIT_DEFAULT)
    include_private = _bool(data, "include_private", False)
    principal = context.principal if include_private else Principal(name="anonymous")
    query = SearchQuery(
        q=text or None,
        filters=filters,
        sort=order,  # type: ignore[arg-type]
        descending=descending if order != "relevance" else None,
        start=start,
        rows=rows,
        facets=tuple(FIELD_FACETS[f] for f in facet_fields if f in FIELD_FACETS),
        facet_limit=facet_limit if facet_limit >= 0 else 10_000,
    )
    result = state.search.search(query, visible=visible_organizations(principal))
    packages = [
        package_dict(state, state.catalog.dataset(name, viewer=principal), context.base)
        for name in result.names
    ]
    titles = _organization_titles(state)
    facets, search_facets = {}, {}
    for field in facet_fields:
        items = result.facets.get(FIELD_FACETS.get(field, ""), [])
        facets[field] = {item.value: item.count for item in items}
        search_facets[field] = {
            "title": field,
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
        "facets": facets,
        "search_facets": search_facets,
        "results": packages,
    }


def _organization_titles(state: ApiState) -> dict[str, str]:
    return {o.name: o.title.th if o.title else o.name for o in state.organizations().values()}


def package_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    state: ApiState = context.state
    record = state.catalog.dataset(_id(data, "id", "name"), viewer=context.principal)
    return package_dict(state, record, context.base)


def package_list(context: Context, data: dict[str, Any]) -> list[str]:
    state: ApiState = context.state
    limit = data.get("limit")
    return [
        s.name
        for s in state.catalog.datasets(
            limit=_int(data, "limit", 0) if limit not in (None, "") else None,
            offset=_int(data, "offset", 0),
        )
    ]


def organization_list(context: Context, data: dict[str, Any]) -> list[Any]:
    state: ApiState = context.state
    organizations = list(state.organizations().values())
    wanted = _list(data, "organizations")
    if wanted:
        organizations = [o for o in organizations if o.name in wanted]
    found = state.catalog.count_by_organization()
    counts = {o.name: found.get(o.name, 0) for o in organizations}
    sort = str(data.get("sort") or "title asc").split()
    key = sort[0] if sort else "title"
    if key not in ("name", "title", "package_count"):
        raise validation("sort", f"Cannot sort by field `{key}`")
    titles = {o.name: (o.title.th if o.title else o.name) for o in organizations}
    value: Callable[[OrganizationRecord], Any] = {
        "name": lambda o: o.name,
        "title": lambda o: titles[o.name],
        "package_count": lambda o: counts[o.name],
    }[key]
    organizations.sort(key=value, reverse=len(sort) > 1 and sort[1].lower() == "desc")
    offset = _int(data, "offset", 0)
    limit = _int(data, "limit", 1000, cap=1000)
    page = organizations[offset : offset + limit]
    if _bool(data, "all_fields", False):
        return [organization_dict(o, counts[o.name]) for o in page]
    return [o.name for o in page]


def organization_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    state: ApiState = context.state
    key = _id(data, "id")
    found = next((o for o in state.organizations().values() if key in (o.id, o.name)), None)
    if found is None:
        raise not_found("Organization not found")
    summaries = state.catalog.datasets(viewer=context.principal, organization=found.name)
    result = organization_dict(found, len(summaries))
    if _bool(data, "include_datasets", False):
        result["packages"] = [
            package_dict(
                state, state.catalog.dataset(s.name, viewer=context.principal), context.base
            )
            for s in summaries[:1000]
        ]
    result["users"] = []
    result["extras"] = []
    result["tags"] = []
    result["groups"] = []
    return result


def group_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """khlang has no CKAN groups (its categories are facets); an empty list, as a CKAN
    without groups answers."""
    return []


def tag_list(context: Context, data: dict[str, Any]) -> list[Any]:
    state: ApiState = context.state
    state.search.refresh()
    visible = {name for name, card in state.search.cards.items() if not card.private}
    tags = sorted({tag for name in visible for tag in state.search.cards[name].tags})
    query = str(data.get("query") or data.get("q") or "").strip()
    if query:
        tags = [tag for tag in tags if query.casefold() in tag.casefold()]
    if _bool(data, "all_fields", False):
        return [{"id": tag, "name": tag, "vocabulary_id": None} for tag in tags]
    return tags


def resource_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    state: ApiState = context.state
    resource_id = _id(data, "id")
    state.search.refresh()
    name = state.search.resources.get(resource_id)
    if name is None:
        raise not_found("Resource was not found.")
    record = state.catalog.dataset(name, viewer=context.principal)
    package = package_dict(state, record, context.base)
    found = next((r for r in package["resources"] if r["id"] == resource_id), None)
    if found is None:
        raise not_found("Resource was not found.")
    return found


def status_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    state: ApiState = context.state
    return {
        "site_title": state.settings.site_title,
        "site_description": "Area-based budget open data (khlang)",
        "site_url": context.base,
        "ckan_version": CKAN_VERSION,
        "khlang_version": __version__,
        "error_emails_to": None,
        "locale_default": "th",
        "extensions": ["datastore", "scheming_datasets", "thai_gdc"],
    }


# --- datastore_search --------------------------------------------------------------------


def datastore_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Rows of a tabular resource, as CKAN's DataStore answers them (`_id` numbers rows from
    1; `limit` is capped at 32,000 like CKAN's rows_max)."""
    import anyio.from_thread

    state: ApiState = context.state
    resource_id = _id(data, "resource_id", "id")
    state.search.refresh()
    name = state.search.resources.get(resource_id)
    if name is None:
        raise not_found(f'Resource "{resource_id}" was not found.')
    try:
        table = service.table_source(state, context.principal, name, resource_id, None)
    except Exception as error:
        if getattr(error, "code", None) == "not_tabular":
            raise not_found(f'Resource "{resource_id}" is not in the DataStore') from None
        raise
    info = anyio.from_thread.run(state.engine.table, table.source)
    schema = Schema(info.columns)
    limit = _int(data, "limit", DATASTORE_ROWS_DEFAULT, cap=DATASTORE_ROWS_MAX)
    offset = _int(data, "offset", 0)
    fields = _datastore_fields(data, schema)
    query = RowQuery(
        where=Conditions(filters=_datastore_filters(data, schema), text=_datastore_q(data)),
        sort=_datastore_sort(data, schema),
        fields=tuple(fields),
        size=limit,
        count=_bool(data, "include_total", True),
    )
    page = state.engine.rows_sync(info, query, offset=offset) if limit else None
    total = state.engine.count(info, query.where) if query.count else None
    records = [
        {"_id": number + 1, **row}
        for number, row in zip(page.row_numbers, page.rows, strict=True)
    ] if page else []  # fmt: skip
    columns = [schema.by_name[name] for name in fields]
    link = f"/api/3/action/datastore_search?resource_id={resource_id}"
    result: dict[str, Any] = {
        "include_total": query.count,
        "resource_id": resource_id,
        "fields": [{"id": "_id", "type": "int"}, *(_datastore_field(c) for c in columns)],
        "records_format": "objects",
        "records": [_jsonable(record) for record in records],
        "limit": limit,
        "offset": offset,
        "_links": {"start": link, "next": f"{link}&offset={offset + limit}"},
    }
    if total is not None:
        result["total"] = total
        result["total_was_estimated"] = False
    for key in ("filters", "q", "sort"):
        if data.get(key) not in (None, ""):
            result[key] = data[key]
    return result


def _datastore_field(column: Column) -> dict[str, Any]:
    info = {"label": column.title} if column.title else {}
    return {"id": column.name, "type": _DATASTORE_TYPES.get(column.type, "text"), "info": info}


def _datastore_fields(data: dict[str, Any], schema: Schema) -> list[str]:
    names = _list(data, "fields")
    if not names:
        return list(schema.by_name)
    wanted = [name for name in names if name != "_id"]
    for name in wanted:
        if name not in schema.by_name:
            raise validation("fields", f'field "{name}" not in resource')
    return wanted


def _datastore_filters(data: dict[str, Any], schema: Schema) -> tuple[Filter, ...]:
    raw = data.get("filters")
    if raw in (None, "", {}):
        return ()
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise validation("filters", "Cannot parse JSON") from None
    if not isinstance(raw, dict):
        raise validation("filters", "Not a JSON object")
    filters = []
    for name, value in raw.items():
        column = schema.by_name.get(name)
        if column is None:
            raise validation("filters", f'field "{name}" not in resource')
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str | int | float | bool) for v in values):
            raise validation("filters", f'invalid value for field "{name}"')
        try:
            typed = [parse_scalar(column, _text(v), "filters") for v in values]
        except ApiError as error:
            raise validation("filters", f'field "{name}": {error.message.en}') from None
        if len(typed) == 1:
            filters.append(Filter(column=name, op=Op.eq, value=typed[0], parameter="filters"))
        else:
            filters.append(Filter(column=name, op=Op.in_, value=typed, parameter="filters"))
    return tuple(filters)


def _text(value: str | int | float | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _datastore_q(data: dict[str, Any]) -> str | None:
    q = data.get("q")
    if q in (None, ""):
        return None
    if isinstance(q, dict):
        raise validation("q", "per-field full-text search is not supported; use filters")
    if isinstance(q, str) and q.strip().startswith("{"):
        raise validation("q", "per-field full-text search is not supported; use filters")
    return str(q)


def _datastore_sort(data: dict[str, Any], schema: Schema) -> tuple[SortKey, ...]:
    raw = data.get("sort")
    if raw in (None, ""):
        return ()
    items = raw if isinstance(raw, list) else str(raw).split(",")
    keys = []
    for item in items:
        parts = str(item).strip().strip('"').split()
        if not parts or parts[0].strip('"') not in schema.by_name or len(parts) > 2:
            raise validation("sort", f'field "{item}" not in resource')
        direction = parts[1].lower() if len(parts) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise validation("sort", f'invalid sort direction "{parts[1]}"')
        keys.append(SortKey(column=parts[0].strip('"'), descending=direction == "desc"))
    return tuple(keys)


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    return {
        key: value.isoformat() if isinstance(value, dt.date | dt.datetime | dt.time) else value
        for key, value in record.items()
    }


ACTIONS: dict[str, Callable[[Context, dict[str, Any]], Any]] = {
    "package_search": package_search,
    "package_show": package_show,
    "package_list": package_list,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "tag_list": tag_list,
    "resource_show": resource_show,
    "datastore_search": datastore_search,
    "status_show": status_show,
}
