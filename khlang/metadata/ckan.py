"""Mapping between khlang's Dataset and CKAN package dicts.

Two profiles:

* `gdc`: a catalog running ckanext-thai_gdc (the GD Catalog schema). Every GD Catalog field is
  a top-level key holding the exact Thai value; multi-selects are lists; yes/no fields are the
  strings "True"/"False"; dates are ISO `YYYY-MM-DD`; the licence is its literal name.
* `ckan`: a stock CKAN. Core fields stay top-level, the licence becomes a CKAN licence id, and
  everything else goes to `extras` as strings (lists as JSON text).

Reading accepts either, as `package_show` returns it. CKAN's own keys (id, metadata_created,
organization, ...) are kept aside in `Dataset.ckan` / `Resource.ckan`, so that a package read
from CKAN and written back is the same dict.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel

from khlang.metadata.fields import (
    DATASET_FIELD_BY_KEY,
    DATASET_FIELDS,
    RESOURCE_FIELD_BY_KEY,
    RESOURCE_FIELDS,
    FieldSpec,
    Kind,
)
from khlang.metadata.model import Dataset, Resource
from khlang.metadata.parquet import is_parquet, stated_schema
from khlang.metadata.vocabularies import LICENSE

Profile = Literal["gdc", "ckan"]
PROFILES: tuple[Profile, ...] = ("gdc", "ckan")

# Keys of the GD Catalog schema that have a companion `<key>_other` free-text field.
_OTHER_KEYS = {spec.other_key for spec in (*DATASET_FIELDS, *RESOURCE_FIELDS) if spec.other_key}
GDC_DATASET_KEYS = tuple(
    key for spec in DATASET_FIELDS for key in (spec.key, spec.other_key) if key and key != "tags"
)
GDC_RESOURCE_KEYS = tuple(
    key for spec in RESOURCE_FIELDS for key in (spec.key, spec.other_key) if key
)

# CKAN core package keys that stock CKAN keeps top-level (everything else goes to extras).
CKAN_CORE_KEYS = frozenset(
    {"name", "title", "owner_org", "notes", "maintainer", "maintainer_email", "url", "license_id"}
)
# khlang's additions carried as extras (they have no GD Catalog field).
KHLANG_EXTRA_KEYS = (
    "title_en",
    "notes_en",
    "publisher",
    "temporal",
    "spatial",
    "themes",
    "uses",
    "issued",
    "modified",
)
# Resource facts CKAN knows under its own names. `schema` is the Table Schema where
# ckanext-validation and ckanext-scheming keep it (an object in `package_show`), and where
# frictionless-py's CKAN reader and CKAN clients look for it.
_RESOURCE_CKAN_NAMES = {"mimetype": "media_type", "size": "byte_size", "hash": "hash",
                        "schema": "table_schema"}  # fmt: skip
_RESOURCE_KHLANG_EXTRAS = ("path", "name_en", "description_en", "issued", "modified")
_LEGACY_SCHEMA_KEY = "khlang_schema"
"""Where earlier khlang releases sent the Table Schema (as JSON text): still read, so that the
packages they registered load as they did."""

# GD Catalog licence (by code) -> stock CKAN licence id, and back.
CKAN_LICENSE_IDS = {
    "odc": "other-open",
    "cc_by": "cc-by",
    "cc_by_sa": "cc-by-sa",
    "cc_by_nc": "cc-nc",
    "cc_by_nc_sa": "cc-nc",
    "cc_by_nc_nd": "other-nc",
    "cc_by_nd": "other-closed",
    "other": "other-at",
    "not_specified": "notspecified",
    "cc_nc_any": "cc-nc",
    "gfdl": "gfdl",
}
# A licence set in stock CKAN, read back as the GD Catalog term it most likely means.
GDC_LICENSE_CODES = {
    "cc-by": "cc_by",
    "cc-by-sa": "cc_by_sa",
    "cc-nc": "cc_by_nc",
    "other-open": "odc",
    "odc-by": "odc",
}
GDC_LICENSE_EXTRA = "gdc_license_id"

_SYSTEM_MARKERS = ("id", "metadata_created", "metadata_modified", "num_tags", "extras", "state")


def looks_like_ckan(document: dict[str, Any]) -> bool:
    """A CKAN package dict, not khlang's own form: it has CKAN's system keys, a
    `tag_string`, tags as `{"name": ...}` dicts, or an organization object."""
    if any(key in document for key in (*_SYSTEM_MARKERS, "tag_string")):
        return True
    tags = document.get("tags")
    if isinstance(tags, list) and tags and isinstance(tags[0], dict):
        return True
    return isinstance(document.get("organization"), dict)


# --- values ------------------------------------------------------------------------------


def _to_ckan_value(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind is Kind.YES_NO:
        return "True" if value else "False"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _from_ckan_value(kind: Kind, value: Any) -> Any:
    if kind is Kind.YES_NO and isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower(), value)
    if kind is Kind.MULTI and isinstance(value, str):
        return _json_list(value)
    if kind in (Kind.DATE,) and value == "":
        return None
    return value


def _json_list(value: str) -> list[str]:
    """A multi-select stored as text: JSON (`["a","b"]`), CKAN's `{a,b}`, or one value."""
    text = value.strip()
    if text.startswith("["):
        return list(json.loads(text))
    if text.startswith("{") and text.endswith("}"):
        return [item.strip().strip('"') for item in text[1:-1].split(",") if item.strip()]
    return [text] if text else []


def _as_extra(value: Any) -> str:
    if isinstance(value, BaseModel):
        return value.model_dump_json(exclude_defaults=True)
    if isinstance(value, list):
        return json.dumps(
            [
                item.model_dump(mode="json") if isinstance(item, BaseModel) else item
                for item in value
            ],
            ensure_ascii=False,
        )
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _kind_of(key: str, specs: dict[str, FieldSpec]) -> Kind:
    spec = specs.get(key)
    return spec.kind if spec and key not in _OTHER_KEYS else Kind.TEXT


def _is_set(model: BaseModel, key: str) -> bool:
    value = getattr(model, key)
    return key in model.model_fields_set or value not in (None, [], "")


# --- khlang -> CKAN ------------------------------------------------------------------------


def to_ckan(dataset: Dataset, profile: Profile = "gdc") -> dict[str, Any]:
    """The package dict a catalog of this profile expects for the dataset."""
    package: dict[str, Any] = dict(dataset.ckan)
    if profile == "gdc":
        for key in GDC_DATASET_KEYS:
            if _is_set(dataset, key):
                package[key] = _to_ckan_value(
                    _kind_of(key, DATASET_FIELD_BY_KEY), getattr(dataset, key)
                )
    else:
        extras = plain_extras(dataset)
        for key in GDC_DATASET_KEYS:
            if not _is_set(dataset, key):
                continue
            value = _to_ckan_value(_kind_of(key, DATASET_FIELD_BY_KEY), getattr(dataset, key))
            if key == "license_id":
                package[key] = _ckan_license_id(dataset.license_id)
                extras[GDC_LICENSE_EXTRA] = value
            elif key in CKAN_CORE_KEYS:
                package[key] = value
            else:
                extras[key] = _as_extra(value)
        package["extras"] = [{"key": key, "value": value} for key, value in extras.items()]
    package["tags"] = _tags_to_ckan(dataset)
    package["private"] = dataset.private
    package["resources"] = [_resource_to_ckan(resource, profile) for resource in dataset.resources]
    return package


def plain_extras(dataset: Dataset) -> dict[str, str]:
    """Keep the extras CKAN already had that khlang does not model, then khlang's own."""
    modelled = set(GDC_DATASET_KEYS) | set(KHLANG_EXTRA_KEYS) | {GDC_LICENSE_EXTRA}
    extras = {
        item["key"]: item["value"]
        for item in dataset.ckan.get("extras", [])
        if item["key"] not in modelled
    }
    for key in KHLANG_EXTRA_KEYS:
        if _is_set(dataset, key):
            extras[key] = _as_extra(getattr(dataset, key))
    return extras


def _ckan_license_id(value: str | None) -> str | None:
    term = LICENSE.by_value(value) if value else None
    return CKAN_LICENSE_IDS.get(term.code, "notspecified") if term else value


def _tags_to_ckan(dataset: Dataset) -> list[dict[str, Any]]:
    """Tags as CKAN dicts; tags read from CKAN keep their ids when unchanged."""
    known = {tag.get("name"): tag for tag in dataset.ckan.get("tags", []) if isinstance(tag, dict)}
    return [known.get(name, {"name": name}) for name in dataset.tags]


def _resource_to_ckan(resource: Resource, profile: Profile) -> dict[str, Any]:
    result: dict[str, Any] = dict(resource.ckan)
    for key in GDC_RESOURCE_KEYS:
        if _is_set(resource, key):
            result[key] = _to_ckan_value(
                _kind_of(key, RESOURCE_FIELD_BY_KEY), getattr(resource, key)
            )
    for ckan_name, attribute in _RESOURCE_CKAN_NAMES.items():
        if _is_set(resource, attribute):
            result[ckan_name] = getattr(resource, attribute)
    if "schema" in result:
        result["schema"] = stated_schema(resource)
    if is_parquet(resource):
        result.pop("size", None)
    for key in _RESOURCE_KHLANG_EXTRAS:
        if _is_set(resource, key):
            result[f"khlang_{key}"] = _as_extra(getattr(resource, key))
    if resource.private or "private" in resource.model_fields_set:
        result["resource_private"] = _to_ckan_value(Kind.YES_NO, resource.private)
    if profile == "ckan":
        # Stock CKAN keeps unknown resource keys as they are, but only as strings.
        result = {
            key: _as_extra(value)
            if isinstance(value, list | bool) and key != "datastore_active"
            else value
            for key, value in result.items()
        }
    return result


# --- CKAN -> khlang ------------------------------------------------------------------------


def dataset_from_ckan(package: dict[str, Any]) -> Dataset:
    """Read a package dict of either profile (as `package_show` returns it, or as the GD
    Catalog form posts it, with `tag_string`)."""
    fields: dict[str, Any] = {}
    system: dict[str, Any] = {}
    extras = {item["key"]: item["value"] for item in package.get("extras") or []}
    for key, value in package.items():
        if key in GDC_DATASET_KEYS:
            fields[key] = _from_ckan_value(_kind_of(key, DATASET_FIELD_BY_KEY), value)
        elif key == "tag_string":
            fields["tags"] = value
        elif key == "tags":
            fields["tags"] = [tag["name"] if isinstance(tag, dict) else tag for tag in value or []]
            system["tags"] = value
        elif key == "private":
            fields["private"] = value in (True, "True", "true")
        elif key == "resources":
            fields["resources"] = [_resource_from_ckan(item) for item in value or []]
        elif key != "extras":
            system[key] = value
    if "extras" in package:
        _readplain_extras(extras, fields, system)
    fields["ckan"] = system
    return Dataset.model_validate(fields)


def _readplain_extras(
    extras: dict[str, str], fields: dict[str, Any], system: dict[str, Any]
) -> None:
    """Fields of a stock CKAN package: the GD Catalog fields and khlang's own sit in extras;
    the licence is the GD Catalog name kept in an extra, or else read from CKAN's id."""
    if GDC_LICENSE_EXTRA not in extras and fields.get("license_id") in GDC_LICENSE_CODES:
        fields["license_id"] = LICENSE.by_code(GDC_LICENSE_CODES[fields["license_id"]]).value
    unmodelled = []
    for key, value in extras.items():
        if key == GDC_LICENSE_EXTRA:
            fields["license_id"] = value
        elif key in GDC_DATASET_KEYS:
            fields[key] = _from_ckan_value(_kind_of(key, DATASET_FIELD_BY_KEY), value)
        elif key in KHLANG_EXTRA_KEYS:
            fields[key] = _khlang_extra(key, value)
        else:
            unmodelled.append({"key": key, "value": value})
    system["extras"] = unmodelled


def _khlang_extra(key: str, value: str) -> Any:
    if key in ("publisher", "temporal", "spatial", "themes", "uses"):
        return json.loads(value)
    return value


def _table_schema(value: Any) -> Any:
    """A resource's `schema` as CKAN holds it: an object, the same as JSON text (a plain
    ckanext-validation, or a CKAN that keeps extras as text), or the URL of one."""
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value  # the checks report a schema they cannot read, where it stands
    return value or None


def _resource_from_ckan(item: dict[str, Any]) -> Resource:
    fields: dict[str, Any] = {}
    system: dict[str, Any] = {}
    for key, value in item.items():
        if key in GDC_RESOURCE_KEYS:
            fields[key] = _from_ckan_value(_kind_of(key, RESOURCE_FIELD_BY_KEY), value)
        elif key in ("schema", _LEGACY_SCHEMA_KEY):
            fields["table_schema"] = _table_schema(value)
        elif key in _RESOURCE_CKAN_NAMES:
            fields[_RESOURCE_CKAN_NAMES[key]] = value
        elif key.startswith("khlang_") and key.removeprefix("khlang_") in _RESOURCE_KHLANG_EXTRAS:
            fields[key.removeprefix("khlang_")] = value
        elif key == "resource_private":
            fields["private"] = _from_ckan_value(Kind.YES_NO, value)
        else:
            system[key] = value
    fields["ckan"] = system
    return Resource.model_validate(fields)


__all__ = [
    "CKAN_LICENSE_IDS",
    "GDC_DATASET_KEYS",
    "GDC_RESOURCE_KEYS",
    "PROFILES",
    "Profile",
    "dataset_from_ckan",
    "looks_like_ckan",
    "to_ckan",
]
