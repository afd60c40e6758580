"""CKAN's write actions, for agencies whose scripts already push to a CKAN with `ckanapi`:
package_create, package_update, package_patch, resource_create (with an upload) and
package_delete, with an API key.

Each write becomes a dataset folder (the package dict in khlang's form, uploaded files, and
the stored files of resources that are kept) published through the same gate as `khlang
catalog add` and khlang's write API (`publishing.publish_folder`: the metadata check, the
table validators, a new version) with the same authorization (an editor of the dataset's
organisation). What the gate finds comes back in CKAN's shape: a `Validation Error` (409)
whose error dict names each field at fault (`title`, `resources[0].format`, ...), an
`Authorization Error` (403) or a `Not Found Error` (404).

Writes are optimistic: an update is published only if the dataset is still at the version
the caller's change was based on (a concurrent publish makes it a Validation Error on `id`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

import pydantic

from khlang.api import publishing
from khlang.api.ckan_actions import group_dict, package_dict, theme_codes
from khlang.api.ckan_common import CkanError, Context, identifier, validation
from khlang.api.state import ApiState
from khlang.catalog import (
    ANONYMOUS,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    PublishRejectedError,
)
from khlang.catalog.records import DatasetRecord, ResourceRecord
from khlang.catalog.urls import absolute, dataset_path
from khlang.errors import KhlangError
from khlang.metadata.ckan import dataset_from_ckan
from khlang.metadata.compliance import Severity
from khlang.metadata.eu import DATA_THEMES
from khlang.metadata.model import Dataset

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# Facts the catalog derives from a file: never taken from the caller for a file it stores.
_FILE_FACTS = ("hash", "byte_size", "media_type")


class Upload:
    """A file sent with a write (`upload` of resource_create): its name and a readable
    handle (Starlette's spooled temporary file)."""

    def __init__(self, filename: str, handle: Any) -> None:
        self.filename = filename
        self.handle = handle


def package_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset from a CKAN package dict (GD Catalog fields at the top level, or in
    `extras`; `tags` or `tag_string`; `groups` by name; resources with a `url`). It is
    published through khlang's gate; refusals are a Validation Error naming each field."""
    identifier(data, "name")
    try:
        return _publish(context, dict(data), None, expected=0)
    except ConflictError:
        raise validation("name", "That URL is already in use.") from None


def package_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset's metadata (`id` or `name`) with the package dict; resources that
    keep their `id` keep their stored files; without a `resources` key the current
    resources stay."""
    record = _record(context, data.get("id") or data.get("name"))
    if data.get("name") not in (None, "", record.name) and data.get("id"):
        raise validation("name", "khlang keeps a dataset's name; publish a new dataset instead")
    package = {**data, "name": record.name}
    if "resources" not in data:
        package["resources"] = _current(context, record)["resources"]
    return _publish(context, package, record, expected=record.version)


def package_patch(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the keys given (`id` names the dataset); the rest stays."""
    record = _record(context, data.get("id") or data.get("name"))
    changes = {key: value for key, value in data.items() if key not in ("id", "name")}
    package = {**_current(context, record), **changes}
    return _publish(context, package, record, expected=record.version)


def resource_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Add a resource to a dataset (`package_id`): a file sent as `upload` (multipart), or a
    link in `url`. The dataset is published again with it; the new resource is returned."""
    record = _record(context, data.get("package_id"))
    package = _current(context, record)
    resource = {k: v for k, v in data.items() if k not in ("package_id", "upload", "id")}
    upload = data.get("upload")
    uploads = {}
    if upload is not None and not isinstance(upload, str):
        uploads[len(package["resources"])] = Upload(upload.filename or "upload", upload.file)
        resource.pop("url", None)
    elif not resource.get("url"):
        raise validation("url", "Missing value: send a url or an upload")
    package["resources"] = [*package["resources"], resource]
    created = _publish(context, package, record, expected=record.version, uploads=uploads)
    return created["resources"][-1]


def package_delete(context: Context, data: dict[str, Any]) -> None:
    """Withdraw a dataset: it stays in the catalog with its history, no longer offered
    (CKAN's state `deleted`)."""
    record = _record(context, data.get("id") or data.get("name"))
    _require_writer(context)
    publishing.withdraw(context.state, context.principal, record.name, data.get("note"))


# --- helpers -----------------------------------------------------------------------------


def _require_writer(context: Context) -> None:
    if context.principal == ANONYMOUS:
        raise CkanError(
            "Authorization Error",
            403,
            message="Access denied: an API key of an editor of the dataset's organisation "
            "is required",
        )


def _record(context: Context, key: Any) -> DatasetRecord:
    if not isinstance(key, str) or not key.strip():
        raise validation("id", "Missing value")
    _require_writer(context)
    return context.state.catalog.dataset(key.strip(), viewer=context.principal)


def _current(context: Context, record: DatasetRecord) -> dict[str, Any]:
    return json.loads(json.dumps(package_dict(context.state, record, context.base)))


def _publish(
    context: Context,
    package: dict[str, Any],
    record: DatasetRecord | None,
    *,
    expected: int,
    uploads: dict[int, Upload] | None = None,
) -> dict[str, Any]:
    _require_writer(context)
    state: ApiState = context.state
    if package.get("url") == absolute(context.base, dataset_path(str(package.get("name")))):
        package = {**package, "url": None}  # khlang's own page, not the dataset's source
    dataset = _dataset(state, package)
    incoming = package.get("resources") or []
    with tempfile.TemporaryDirectory(prefix="khlang-ckan-") as temporary:
        folder = Path(temporary)
        kept = {item.id: item for item in record.current.resources} if record else {}
        paths: set[str] = set()
        for position, resource in enumerate(dataset.resources):
            given = incoming[position] if position < len(incoming) else {}
            upload = (uploads or {}).get(position)
            stored = kept.get(str(given.get("id") or ""))
            if upload is not None:
                path = _unique(f"data/{_file_name(upload.filename)}", paths)
                _write(folder / path, upload.handle)
                for fact in _FILE_FACTS:
                    setattr(resource, fact, None)
            elif stored is not None and stored.has_file and _same_file(given, stored):
                path = stored.metadata.path or f"data/{stored.filename}"
                _link(state, stored, folder / path)
            else:
                resource.path = None
                continue
            paths.add(path)
            resource.path, resource.url = path, None
        metadata = dataset.model_dump(mode="json", by_alias=True, exclude_none=True)
        (folder / "dataset.json").write_text(json.dumps(metadata, ensure_ascii=False), "utf-8")
        try:
            publishing.publish_folder(
                state,
                context.principal,
                folder,
                change_note=package.get("khlang_change_note") or None,
                expected_version=expected,
            )
        except PermissionDeniedError:
            raise
        except PublishRejectedError as error:
            raise CkanError("Validation Error", 409, fields=_findings(error)) from None
        except NotFoundError as error:
            if record is None and error.where == dataset.owner_org:
                raise validation("owner_org", "Organization does not exist") from None
            raise
        except ConflictError as error:
            if record is None:
                raise
            raise validation("id", error.message.en) from None
        except KhlangError as error:
            raise CkanError("Validation Error", 409, fields=_where(error)) from None
    fresh = state.catalog.dataset(dataset.name or "", viewer=context.principal)
    return package_dict(state, fresh, context.base)


def _dataset(state: ApiState, package: dict[str, Any]) -> Dataset:
    """khlang's metadata from a CKAN package dict, without CKAN's own bookkeeping (ids,
    times, counts, the organisation object), which the catalog derives itself."""
    package = dict(package)
    owner = package.get("owner_org")
    organizations = state.organizations().values()
    if isinstance(owner, str) and owner:
        found = next((o for o in organizations if owner in (o.id, o.name)), None)
        package["owner_org"] = found.name if found else owner
    elif isinstance(package.get("organization"), dict):
        package["owner_org"] = package["organization"].get("name")
    else:
        raise validation("owner_org", "An organization must be provided")
    groups = package.pop("groups", None)
    package["resources"] = [_resource_in(item) for item in package.get("resources") or []]
    try:
        dataset = dataset_from_ckan(package)
    except pydantic.ValidationError as error:
        fields: dict[str, list[str]] = {}
        for problem in error.errors():
            key = ".".join(str(part) for part in problem["loc"]) or "package"
            fields.setdefault(key, []).append(problem["msg"])
        raise CkanError("Validation Error", 409, fields=fields) from None
    dataset.ckan = {"extras": dataset.ckan["extras"]} if dataset.ckan.get("extras") else {}
    for resource in dataset.resources:
        resource.ckan = {}
    if groups is not None:
        dataset.themes = _themes(groups)
    elif not dataset.themes:
        dataset.themes = theme_codes(dataset)
    return dataset


def _resource_in(item: Any) -> dict[str, Any]:
    """A resource dict as khlang reads it: empty values dropped, CKAN's bare hex `hash`
    with its algorithm, and a Table Schema sent as `schema` (as ckanext-validation and
    scheming send it, a dict or JSON text) as the resource's schema."""
    if not isinstance(item, dict):
        raise validation("resources", "Each resource must be an object")
    resource = {key: value for key, value in item.items() if value not in ("", None)}
    digest = resource.get("hash")
    if isinstance(digest, str) and ":" not in digest:  # CKAN's bare hex digests
        algorithm = {64: "sha256", 32: "md5"}.get(len(digest))
        resource["hash"] = f"{algorithm}:{digest}" if algorithm else digest
    schema = resource.pop("schema", None)
    if schema not in (None, "") and "khlang_schema" not in resource:
        resource["khlang_schema"] = schema if isinstance(schema, str) else json.dumps(schema)
    return resource


def _themes(groups: Any) -> list[str]:
    if not isinstance(groups, list):
        raise validation("groups", "Must be a list of groups")
    codes = []
    for group in groups:
        name = group.get("name") or group.get("id") if isinstance(group, dict) else group
        code = next(
            (c for c in DATA_THEMES if str(name) in (c.lower(), c, group_dict(c)["id"])), None
        )
        if code is None:
            raise validation("groups", f"Group {name!r} not found (groups are the EU data "
                             f"themes: {', '.join(c.lower() for c in DATA_THEMES)})")  # fmt: skip
        codes.append(code)
    return list(dict.fromkeys(codes))


def _same_file(given: dict[str, Any], stored: ResourceRecord) -> bool:
    """A resource sent back with its id keeps its stored file unless its url now points
    somewhere else (the caller made it a link)."""
    url = str(given.get("url") or "")
    own = stored.download_path or ""
    return not url or url.endswith(own) or url == stored.metadata.url


def _link(state: ApiState, stored: ResourceRecord, target: Path) -> None:
    """The stored file of a kept resource, in the folder (a hard link when possible)."""
    assert stored.sha256 is not None
    source = state.catalog.blobs.path(stored.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _write(target: Path, handle: Any) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle.seek(0)
    with target.open("wb") as out:
        shutil.copyfileobj(handle, out, 1024 * 1024)


def _file_name(name: str) -> str:
    """An uploaded file's name, safe as a path in the dataset folder and in URLs."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("-", base).strip(".-") or "upload"
    return cleaned[:120]


def _unique(path: str, taken: set[str]) -> str:
    candidate, number = path, 1
    stem, dot, suffix = path.rpartition(".")
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}.{suffix}" if dot else f"{path}-{number}"
    return candidate


def _findings(error: PublishRejectedError) -> dict[str, list[str]]:
    """The gate's report as CKAN's error dict: each refused field with its messages (Thai
    and English), and each invalid file under `resources[N]`."""
    fields: dict[str, list[str]] = {}
    for finding in error.report.compliance.findings:
        if finding.severity is not Severity.ERROR:
            continue
        text = f"{finding.message.en} ({finding.message.th})"
        fields.setdefault(finding.field or "package", []).append(text)
    for checked in error.report.validation:
        if checked.valid:
            continue
        counts = sorted(checked.report.error_counts.items())
        summary = ", ".join(f"{kind} {count}" for kind, count in counts)
        fields.setdefault(f"resources[{checked.position}]", []).append(
            f"{checked.file}: the table is not valid ({summary}) (ตารางไม่ผ่านการตรวจ)"
        )
    return fields or {"package": [error.message.en]}


def _where(error: KhlangError) -> dict[str, list[str]]:
    """A malformed package (KhlangError) as an error dict keyed by the field it names."""
    where = error.where or ""
    field = where.rpartition(": ")[2] if ": " in where else "package"
    field = re.sub(r"\.(path|schema)$", "", field) if field.startswith("resources") else field
    return {field: [f"{error.message.en} ({error.message.th})"]}
