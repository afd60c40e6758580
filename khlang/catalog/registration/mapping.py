"""What a dataset version becomes on a target catalog, and how a target's copy differs.

The package is `khlang.metadata.ckan.to_ckan(metadata, profile)` plus what only the target
needs: its organisation, `allow_harvest = "True"` for a public dataset on a GD Catalog
catalog, khlang's identity markers (`khlang_id`, `khlang_version` extras; a
`khlang_resource_id` on each resource) and each file's URL: a link to khlang's download
(`urls.py`), or empty until the file is uploaded.

Stock CKAN refuses tags with characters outside letters, digits, space, `-`, `_` and `.`
(Python's `\\w`, which does not match Thai vowel signs and tone marks: ข้อมูล, สถิติ), and tags
shorter than 2 or longer than 100 characters. For the `ckan` profile those tags are left out
of `tags`, every keyword stays in the `keywords` extra, and each one is reported as an
adaptation; the GD Catalog accepts them as they are.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

from khlang.catalog.records import DatasetRecord, VersionRecord
from khlang.catalog.registration.client import TargetError
from khlang.catalog.registration.settings import Target
from khlang.catalog.urls import absolute, dataset_path
from khlang.i18n import Text
from khlang.metadata.ckan import GDC_DATASET_KEYS, GDC_LICENSE_EXTRA, KHLANG_EXTRA_KEYS, to_ckan
from khlang.metadata.fields import DATASET_FIELD_BY_KEY, Kind

STOCK_TAG = re.compile(r"^[\w \-.]{2,100}$")
KEYWORDS_EXTRA = "keywords"
ID_EXTRA = "khlang_id"
VERSION_EXTRA = "khlang_version"
PAGE_EXTRA = "khlang_url"
RESOURCE_ID_KEY = "khlang_resource_id"
MARKER_EXTRAS = (ID_EXTRA, VERSION_EXTRA, PAGE_EXTRA, KEYWORDS_EXTRA)
# Keys CKAN computes or owns; never compared.
_CKAN_OWNED = {"id", "resources", "tags", "extras", "owner_org", "state"}
_RESOURCE_CKAN_OWNED = {"id", "url_type", "package_id", "position", "created"}


def remote_owner(remote: dict[str, Any], dataset_id: str, organization: str) -> str | None:
    """None when the target's package may be this dataset's copy (its organisation, and
    khlang's id of this dataset or none); else the organisation that holds it: another
    agency's package of the same name, which push and the drift check leave alone."""
    owner = (remote.get("organization") or {}).get("name")
    marker = {item["key"]: item["value"] for item in remote.get("extras") or []}.get(ID_EXTRA)
    if owner == organization and marker in (None, dataset_id):
        return None
    return str(owner)


def name_held(name: str, owner: str) -> TargetError:
    """The target's package of this name is another dataset's (another organisation's, or
    another catalog's): khlang neither writes to it nor reports it as this dataset's copy."""
    return TargetError(
        "permanent",
        Text(
            th=f"ชื่อ {name} บนปลายทางเป็นของชุดข้อมูลอื่น (หน่วยงาน {owner}) "
            "จึงไม่เขียนทับ ตั้งชื่ออื่นหรือตรวจสอบกับผู้ดูแลปลายทาง",
            en=f"the name {name} on the target belongs to another dataset "
            f"(organisation {owner}); khlang will not overwrite it: rename the dataset or "
            "ask the target's administrator",
        ),
        action="package_show",
        status=409,
        fields={"name": [f"held by a dataset of {owner}"]},
    )


class Adaptation(BaseModel):
    """Something the target's rules made khlang send differently."""

    field: str
    value: str
    reason: Text
    kept_in: str | None = None


class Difference(BaseModel):
    field: str
    ours: Any
    theirs: Any


class DesiredPackage(BaseModel):
    package: dict[str, Any]
    adaptations: list[Adaptation]
    uploads: dict[str, int]
    """khlang resource id -> position, for the files to upload (upload mode)."""


def desired_package(
    dataset: DatasetRecord, version: VersionRecord, target: Target, organization: str
) -> DesiredPackage:
    metadata = version.metadata
    package = to_ckan(metadata, target.profile)
    package["name"] = dataset.name
    package["owner_org"] = organization
    package["private"] = dataset.private
    adaptations: list[Adaptation] = []
    markers = {ID_EXTRA: dataset.id, VERSION_EXTRA: str(version.number)}
    if target.public_url:
        markers[PAGE_EXTRA] = absolute(target.public_url, dataset_path(dataset.name))
    if target.profile == "gdc":
        if not dataset.private:
            package["allow_harvest"] = "True"
        package["extras"] = [{"key": key, "value": value} for key, value in markers.items()]
    else:
        package["tags"], adaptations = _stock_tags(metadata.tags)
        if adaptations:
            markers[KEYWORDS_EXTRA] = json.dumps(metadata.tags, ensure_ascii=False)
        kept = [item for item in package["extras"] if item["key"] not in markers]
        package["extras"] = kept + [{"key": key, "value": value} for key, value in markers.items()]
    uploads: dict[str, int] = {}
    for record, resource in zip(version.resources, package["resources"], strict=True):
        resource[RESOURCE_ID_KEY] = record.id
        resource.pop("id", None)
        if record.filename and target.resources == "upload":
            resource["url"] = ""
            uploads[record.id] = record.position
        elif record.filename and target.public_url and record.download_path:
            resource["url"] = absolute(target.public_url, record.download_path)
    return DesiredPackage(package=package, adaptations=adaptations, uploads=uploads)


def _stock_tags(tags: list[str]) -> tuple[list[dict[str, str]], list[Adaptation]]:
    accepted, adaptations = [], []
    for tag in tags:
        if STOCK_TAG.match(tag):
            accepted.append({"name": tag})
        else:
            adaptations.append(
                Adaptation(
                    field="tags",
                    value=tag,
                    kept_in=f"extras.{KEYWORDS_EXTRA}",
                    reason=_LENGTH_REASON if not 2 <= len(tag) <= 100 else _ALPHABET_REASON,
                )
            )
    return accepted, adaptations


_ALPHABET_REASON = Text(
    th="CKAN มาตรฐานรับคำสำคัญเฉพาะตัวอักษร ตัวเลข ช่องว่าง - _ และ . (ไม่รับสระและวรรณยุกต์ไทย) "
    "จึงเก็บคำนี้ไว้ใน extras แทน",
    en="stock CKAN accepts only letters, digits, space, -, _ and . in tags (not Thai vowel "
    "signs or tone marks); the keyword is kept in the extras instead",
)
_LENGTH_REASON = Text(
    th="CKAN มาตรฐานรับคำสำคัญยาว 2–100 ตัวอักษร จึงเก็บคำนี้ไว้ใน extras แทน",
    en="stock CKAN accepts tags of 2 to 100 characters; the keyword is kept in the extras instead",
)


# --- comparing --------------------------------------------------------------------------------


def differences(
    desired: dict[str, Any], remote: dict[str, Any], *, uploads: bool = False
) -> list[Difference]:
    """Every field where the target's package differs from what khlang would send. Values
    are compared as CKAN stores them: multi-selects in any order, empty values equal to
    absent ones, numbers and yes/no values as text."""
    found = []
    for key, ours in desired.items():
        if key in _CKAN_OWNED:
            continue
        if _norm(ours) != _norm(remote.get(key)):
            found.append(Difference(field=key, ours=ours, theirs=remote.get(key)))
    organization = (remote.get("organization") or {}).get("name")
    if desired.get("owner_org") not in (organization, remote.get("owner_org")):
        found.append(
            Difference(field="owner_org", ours=desired.get("owner_org"), theirs=organization)
        )
    if remote.get("state", "active") != "active":
        found.append(Difference(field="state", ours="active", theirs=remote.get("state")))
    ours_tags = sorted(tag["name"] for tag in desired.get("tags", []))
    theirs_tags = sorted(tag["name"] for tag in remote.get("tags") or [])
    if ours_tags != theirs_tags:
        found.append(Difference(field="tags", ours=ours_tags, theirs=theirs_tags))
    theirs_extras = {item["key"]: item["value"] for item in remote.get("extras") or []}
    for item in desired.get("extras", []):
        if _norm(item["value"]) != _norm(theirs_extras.get(item["key"])):
            found.append(
                Difference(
                    field=f"extras.{item['key']}",
                    ours=item["value"],
                    theirs=theirs_extras.get(item["key"]),
                )
            )
    found += _resource_differences(
        desired.get("resources", []), remote.get("resources") or [], uploads
    )
    return found


def _resource_differences(
    ours: list[dict[str, Any]], theirs: list[dict[str, Any]], uploads: bool
) -> list[Difference]:
    if len(ours) != len(theirs):
        return [Difference(field="resources", ours=len(ours), theirs=len(theirs))]
    found = []
    for index, (mine, remote) in enumerate(zip(ours, theirs, strict=True)):
        for key, value in mine.items():
            if key in _RESOURCE_CKAN_OWNED or (uploads and key == "url"):
                continue
            if _norm(value) != _norm(remote.get(key)):
                found.append(
                    Difference(
                        field=f"resources[{index}].{key}", ours=value, theirs=remote.get(key)
                    )
                )
    return found


def _norm(value: Any) -> Any:
    if value in (None, "", [], {}):
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return sorted(
            json.dumps(item, ensure_ascii=False, sort_keys=True)
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("[", "{")):
            try:
                return _norm(json.loads(text))
            except ValueError:
                return text
        return text
    return value


def clearing_patch(desired: dict[str, Any], remote: dict[str, Any]) -> dict[str, Any]:
    """The GD Catalog fields the target holds but khlang no longer sends, emptied, so a
    package_patch (which keeps unsent keys) does not leave stale values behind."""
    patch = {}
    for key in GDC_DATASET_KEYS:
        if key in desired or key in _CKAN_OWNED or _norm(remote.get(key)) is None:
            continue
        spec = DATASET_FIELD_BY_KEY.get(key)
        patch[key] = [] if spec is not None and spec.kind is Kind.MULTI else ""
    return patch


def kept_extras(desired: dict[str, Any], remote: dict[str, Any]) -> list[dict[str, Any]]:
    """The target's extras khlang does not manage (added there by hand) stay as they are."""
    ours = {item["key"] for item in desired.get("extras", [])}
    managed = ours | set(GDC_DATASET_KEYS) | set(KHLANG_EXTRA_KEYS) | set(MARKER_EXTRAS)
    managed.add(GDC_LICENSE_EXTRA)
    return [item for item in remote.get("extras") or [] if item["key"] not in managed]
