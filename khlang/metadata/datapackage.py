"""The Frictionless Data Package descriptor (`datapackage.json`) of a dataset.

A data package is how tools such as `frictionless validate`, Frictionless' Python and R
libraries and many data portals read a folder of tables. khlang writes one beside every
published dataset, carrying the metadata a reuser needs (title, description, keywords,
licence, contact and publisher, source) and, per resource, its path, format, media type, size,
hash and Table Schema, so that the files can be checked against what the catalog says of them.
GD Catalog fields with no Data Package property travel under `gdc` so nothing is lost.

Every descriptor passes `frictionless validate` (tests/api/test_published_packages.py). Two
things are stated differently for a Parquet resource, because frictionless-py reads Parquet
with pyarrow and pandas: its schema reads NaN as missing (khlang.metadata.parquet), and
it has no `bytes`, since that reader never counts bytes and compares a declared size with
"None"; its `hash` stays (checked where a reader computes it) and its size is in the catalog
(CKAN `size`, DCAT `byteSize`).
"""

from __future__ import annotations

import re
from typing import Any

from khlang.metadata import eu
from khlang.metadata.ckan import to_ckan
from khlang.metadata.formats import format_by_name, resource_format
from khlang.metadata.model import Dataset, Resource
from khlang.metadata.parquet import stated_schema, stated_size
from khlang.metadata.vocabularies import LICENSE

_NAME = re.compile(r"[^a-z0-9._-]+")
# Keys the descriptor states in its own terms; the rest of the GD Catalog form goes in `gdc`.
_STATED = {"name", "title", "notes", "tags", "url",
           "maintainer", "maintainer_email", "data_source", "resources", "private"}  # fmt: skip


def package_name(value: str | None, fallback: str = "dataset") -> str:
    """A Data Package name: lower-case letters, digits, `.`, `_`, `-`."""
    name = _NAME.sub("-", (value or "").lower()).strip("-.")
    return name or fallback


def to_datapackage(dataset: Dataset) -> dict[str, Any]:
    """The descriptor of the dataset. Resource paths stay as the dataset file gives them
    (relative to the dataset's folder), or are the resource URL when there is no file."""
    descriptor: dict[str, Any] = {
        "name": package_name(dataset.name or dataset.title_en),
        "title": dataset.title,
        "description": dataset.notes,
        "keywords": list(dataset.tags),
        "licenses": _licenses(dataset),
        "contributors": _contributors(dataset),
        "sources": [{"title": dataset.data_source}] if dataset.data_source else [],
        "homepage": dataset.url,
        "created": _timestamp(dataset),
        "resources": _resources(dataset),
        "gdc": {
            key: value
            for key, value in to_ckan(dataset, "gdc").items()
            if key not in _STATED and value not in (None, "", [], {})
        },
    }
    if dataset.title_en or dataset.notes_en:
        descriptor["khlang"] = {"title_en": dataset.title_en, "notes_en": dataset.notes_en}
    return {key: value for key, value in descriptor.items() if value not in (None, [], {})}


def _licenses(dataset: Dataset) -> list[dict[str, str]]:
    term = LICENSE.by_value(dataset.license_id or "")
    if term is None:
        return []
    licence = eu.LICENCES[term.code]
    title = dataset.license_id_other if term.code == "other" else term.value
    given = {"name": licence.spdx, "path": licence.url, "title": title}
    entry = {key: value for key, value in given.items() if value}
    # The spec wants a name or a path; a licence khlang cannot identify keeps only its title
    # in `gdc.license_id`, rather than a made-up identifier.
    return [entry] if "name" in entry or "path" in entry else []


def _contributors(dataset: Dataset) -> list[dict[str, Any]]:
    people = []
    if dataset.maintainer or dataset.maintainer_email:
        contact = {"title": dataset.maintainer, "email": dataset.maintainer_email,
                   "roles": ["contact"]}  # fmt: skip
        people.append({key: value for key, value in contact.items() if value})
    publisher = dataset.publisher
    if publisher is not None or dataset.owner_org:
        title = publisher.title.th if publisher and publisher.title else dataset.owner_org
        entry = {
            "title": title,
            "path": publisher.url if publisher else None,
            "email": publisher.email if publisher else None,
            "organization": dataset.owner_org,
            "roles": ["publisher"],
        }
        people.append({key: value for key, value in entry.items() if value})
    return people


def _timestamp(dataset: Dataset) -> str | None:
    if dataset.issued is not None:
        return dataset.issued.isoformat()
    return None


def _resources(dataset: Dataset) -> list[dict[str, Any]]:
    resources = []
    used: set[str] = set()
    for index, resource in enumerate(dataset.resources):
        location = resource.path or resource.url
        if resource.private or not location:
            continue
        name = _resource_name(resource, index, used)
        resources.append(_resource(resource, name, location))
    return resources


def _resource_name(resource: Resource, index: int, used: set[str]) -> str:
    """The file's stem; a twin in another format (same stem) adds its extension."""
    location = (resource.path or resource.url or "").rsplit("/", 1)[-1]
    stem, dot, extension = location.rpartition(".")
    stem, extension = (stem, extension) if dot else (location, "")
    name = package_name(stem or resource.name_en, fallback=f"resource-{index + 1}")
    if name in used and extension:
        name = package_name(f"{name}-{extension}")
    if name in used:
        name = f"{name}-{index + 1}"
    used.add(name)
    return name


def _resource(resource: Resource, name: str, location: str) -> dict[str, Any]:
    found = format_by_name(resource.format) or resource_format(
        media_type=resource.media_type, url=location
    )
    extension = found.extensions[0].lstrip(".") if found and found.extensions else None
    entry: dict[str, Any] = {
        "name": name,
        "path": location,
        "title": resource.name,
        "description": resource.description,
        "format": extension or (resource.format.lower() if resource.format else None),
        "mediatype": resource.media_type or (found.media_type if found else None),
        "bytes": stated_size(resource),
        "hash": resource.hash,
        "schema": stated_schema(resource),
    }
    return {key: value for key, value in entry.items() if value is not None}


__all__ = ["package_name", "to_datapackage"]
