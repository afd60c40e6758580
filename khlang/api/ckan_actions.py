"""CKAN's read API (the Action API, version 3) over khlang's catalog: package, organisation,
group, tag and resource dicts and the actions that show and list them.

Parameters, defaults, caps and result shapes follow CKAN 2.11, so that the `ckanapi` client,
CKAN harvesters and scripts written for data.go.th work against khlang unchanged. Package
dicts carry the GD Catalog fields with their Thai values (`to_ckan(..., "gdc")`), as a
catalog running ckanext-thai_gdc returns them, plus CKAN's own keys; times are naive UTC in
ISO form, as CKAN gives them. khlang's CKAN groups are the EU data themes its datasets carry
(`themes`), the grouping DCAT-AP catalogs share. What CKAN would refuse is refused with
CKAN's error types (ckan_common.py); what CKAN silently caps (`limit` at 1000) is capped the
same way.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from khlang.api.ckan_common import (
    Context,
    boolean,
    identifier,
    integer,
    listed,
    not_found,
    validation,
)
from khlang.api.name_offsets import names_from
from khlang.api.query.tables import is_tabular
from khlang.api.state import ApiState, visible_organizations
from khlang.catalog import NotFoundError, Principal
from khlang.catalog.records import DatasetRecord, OrganizationRecord, ResourceRecord
from khlang.catalog.search.query import SearchQuery, SortKey
from khlang.catalog.search.tree import Match
from khlang.catalog.urls import absolute, dataset_path
from khlang.metadata.ckan import plain_extras, to_ckan
from khlang.metadata.eu import DATA_THEMES, LICENCES
from khlang.metadata.model import Dataset
from khlang.metadata.parquet import stated_size
from khlang.metadata.vocabularies import LICENSE

LIST_LIMIT = 1000
_GROUP_IDS = {
    code: str(uuid.uuid5(uuid.NAMESPACE_URL, concept.scheme + code))
    for code, concept in DATA_THEMES.items()
}


def ckan_time(value: dt.datetime) -> str:
    """A time as CKAN gives it: UTC, ISO 8601, without a zone (`2024-05-01T03:04:05.123456`)."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).replace(tzinfo=None).isoformat()


# --- dicts -----------------------------------------------------------------------------------


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
        "created": ckan_time(organization.created_at),
        "is_organization": True,
        "type": "organization",
        "state": "active",
        "approval_status": "approved",
        "catalog_type": organization.catalog_type,
        "image_display_url": "",
        "num_followers": 0,  # khlang has no followers
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def group_dict(code: str, package_count: int | None = None) -> dict[str, Any]:
    """The CKAN group of an EU data theme: named by its code in lower case (`gove`)."""
    label = DATA_THEMES[code].label
    found: dict[str, Any] = {
        "id": _GROUP_IDS[code],
        "name": code.lower(),
        "title": label.th,
        "display_name": label.th,
        "title_en": label.en,
        "description": f"{label.en} ({DATA_THEMES[code].scheme}{code})",
        "image_url": "",
        "image_display_url": "",
        "is_organization": False,
        "type": "group",
        "state": "active",
        "approval_status": "approved",
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def _package_group(code: str) -> dict[str, Any]:
    found = group_dict(code)
    keys = ("id", "name", "title", "display_name", "description", "image_display_url")
    return {key: found[key] for key in keys}


def tag_dict(name: str) -> dict[str, Any]:
    """A free tag as CKAN gives it; its id is derived from the name, so it is the same in
    every answer (CKAN's is a row id; clients use it as a key, never to look a tag up)."""
    tag_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "khlang:tag:" + name))
    return {"id": tag_id, "name": name, "display_name": name, "vocabulary_id": None}


def theme_codes(dataset: Dataset) -> list[str]:
    return [code for code in dict.fromkeys(dataset.themes) if code in DATA_THEMES]


# Keys a stock CKAN's resource dict always has, null until something fills them (its
# archiver, a resource type): clients that read them get what CKAN would give.
_RESOURCE_NULLS = dict.fromkeys(("cache_last_updated", "cache_url", "mimetype_inner",
                                 "resource_type"))  # fmt: skip


def resource_dict(item: ResourceRecord, ckan: dict[str, Any], package_id: str, base: str) -> dict:
    url = absolute(base, item.download_path) if item.download_path else item.metadata.url
    return {
        **_RESOURCE_NULLS,
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
        "created": ckan_time(item.issued),
        "last_modified": ckan_time(item.modified),
        "metadata_modified": ckan_time(item.modified),
        "datastore_active": is_tabular(item),
        "state": "active",
    }


def package_dict(state: ApiState, record: DatasetRecord, base: str) -> dict[str, Any]:
    key = ("package", record.name, record.current.content_hash, record.private, record.state, base)
    return state.remember(key, lambda: _package_dict(state, record, base))


def package_dicts(
    state: ApiState, names: list[str], viewer: Principal, base: str
) -> list[dict[str, Any]]:
    """The package dicts of these datasets that `viewer` may see, in order, read in bulk."""
    return [
        package_dict(state, record, base)
        for record in state.catalog.dataset_records(names, viewer=viewer)
    ]


def _package_dict(state: ApiState, record: DatasetRecord, base: str) -> dict[str, Any]:
    dataset = record.current.metadata
    package = to_ckan(dataset, "gdc")
    organization = state.organizations().get(record.organization)
    licence = LICENSE.by_value(dataset.license_id or "")
    ckan_resources = package.get("resources", [])
    tags = [tag_dict(tag) | {"state": "active"} for tag in dataset.tags]
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
            "metadata_created": ckan_time(record.created_at),
            "metadata_modified": ckan_time(record.current.published_at),
            "version": str(record.version),
            "url": dataset.url or absolute(base, dataset_path(record.name)),
            "author": None,
            "author_email": None,
            "creator_user_id": None,
            "isopen": bool(licence and licence.code not in ("not_specified", "other")),
            "license_id": dataset.license_id,
            "license_title": dataset.license_id,
            "license_url": LICENCES[licence.code].url if licence else None,
            "notes": dataset.notes,
            "tags": tags,
            "num_tags": len(tags),
            "groups": [_package_group(code) for code in theme_codes(dataset)],
            "extras": [{"key": k, "value": v} for k, v in plain_extras(dataset).items()],
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


def package_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A dataset (`id`: its id or name) as a CKAN package dict."""
    state: ApiState = context.state
    record = state.catalog.dataset(identifier(data, "id", "name"), viewer=context.principal)
    return package_dict(state, record, context.base)


def package_list(context: Context, data: dict[str, Any]) -> list[str]:
    """The names of the public datasets, by name. Parameters: limit, offset (answered from
    the name marks of name_offsets.py, so a deep offset does not walk the index)."""
    limit = data.get("limit")
    return names_from(
        context.state,
        integer(data, "offset", 0),
        integer(data, "limit", 0) if limit not in (None, "") else None,
    )


def _listing(
    data: dict[str, Any],
    items: list[dict[str, Any]],
    wanted_key: str,
) -> list[Any]:
    """organization_list / group_list: `sort` (name, title or package_count, asc or desc),
    `limit` (at most 1000), `offset`, a list of names to keep, and `all_fields`."""
    wanted = listed(data, wanted_key)
    if wanted:
        items = [item for item in items if item["name"] in wanted]
    sort = str(data.get("sort") or "title asc").split()
    key = sort[0] if sort else "title"
    if key not in ("name", "title", "package_count"):
        raise validation("sort", f"Cannot sort by field `{key}`")
    items = sorted(items, key=lambda item: (item[key], item["name"]))
    if len(sort) > 1 and sort[1].lower() == "desc":
        items.reverse()
    offset = integer(data, "offset", 0)
    limit = integer(data, "limit", LIST_LIMIT, cap=LIST_LIMIT)
    page = items[offset : offset + limit]
    if boolean(data, "all_fields", False):
        if not boolean(data, "include_dataset_count", True):
            page = [{k: v for k, v in item.items() if k != "package_count"} for item in page]
        return page
    return [item["name"] for item in page]


def organization_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """Organisations. Parameters: all_fields, sort (name, title or package_count, asc or
    desc), limit (at most 1000), offset, organizations (names to keep),
    include_dataset_count."""
    state: ApiState = context.state
    counts = state.catalog.count_by_organization()
    items = [organization_dict(o, counts.get(o.name, 0)) for o in state.organizations().values()]
    return _listing(data, items, "organizations")


def group_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """Every group (EU data theme) with its count of public datasets."""
    counts = _group_counts(context.state)
    return _listing(data, [group_dict(code, counts.get(code.lower(), 0)) for code in DATA_THEMES],
                    "groups")  # fmt: skip


def _group_counts(state: ApiState) -> dict[str, int]:
    found = state.catalog.search(
        SearchQuery(rows=0, facets=("groups",), facet_limit=None), visible_organizations=set()
    )
    return {item.value: item.count for item in found.facets["groups"]}


def organization_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """An organisation (`id`: its id or name). Parameters: include_datasets (up to 1000
    package dicts), include_dataset_count."""
    state: ApiState = context.state
    key = identifier(data, "id")
    found = next((o for o in state.organizations().values() if key in (o.id, o.name)), None)
    if found is None:
        raise not_found("Organization not found")
    summaries = state.catalog.datasets(viewer=context.principal, organization=found.name)
    result = organization_dict(found, len(summaries))
    if boolean(data, "include_datasets", False):
        result["packages"] = package_dicts(
            state, [s.name for s in summaries[:LIST_LIMIT]], context.principal, context.base
        )
    return _show_extras(result, data)


def group_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A group (EU data theme) by name (`gove`) or id, with its datasets when asked."""
    state: ApiState = context.state
    key = identifier(data, "id")
    code = next((c for c in DATA_THEMES if key in (c.lower(), c, _GROUP_IDS[c])), None)
    if code is None:
        raise not_found("Group not found")
    found = state.catalog.search(
        SearchQuery(
            where=Match(field="groups", value=code.lower()),
            order=(SortKey(field="name"),),
            rows=LIST_LIMIT if boolean(data, "include_datasets", False) else 0,
            facets=(),
        ),
        visible_organizations=visible_organizations(context.principal),
    )
    result = group_dict(code, found.count)
    if boolean(data, "include_datasets", False):
        result["packages"] = package_dicts(state, found.names, context.principal, context.base)
    return _show_extras(result, data)


def _show_extras(result: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    if not boolean(data, "include_dataset_count", True):
        result.pop("package_count", None)
    return {**result, "users": [], "extras": [], "tags": [], "groups": []}


def tag_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """The tags of public datasets. Parameters: query (a part of the tag), all_fields."""
    state: ApiState = context.state
    found = state.catalog.search(
        SearchQuery(rows=0, facets=("tags",), facet_limit=None), visible_organizations=set()
    )
    tags = sorted(item.value for item in found.facets["tags"])
    query = str(data.get("query") or data.get("q") or "").strip()
    if query:
        tags = [tag for tag in tags if query.casefold() in tag.casefold()]
    if boolean(data, "all_fields", False):
        return [tag_dict(tag) for tag in tags]
    return tags


def resource_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A resource (`id`) as a CKAN resource dict."""
    state: ApiState = context.state
    resource_id = identifier(data, "id")
    name = state.catalog.dataset_of_resource(resource_id)
    if name is None:
        raise not_found("Resource was not found.")
    try:
        record = state.catalog.dataset(name, viewer=context.principal)
    except NotFoundError:  # hidden from the caller: never name the dataset it belongs to
        raise not_found("Resource was not found.") from None
    package = package_dict(state, record, context.base)
    found = next((r for r in package["resources"] if r["id"] == resource_id), None)
    if found is None:
        raise not_found("Resource was not found.")
    return found
