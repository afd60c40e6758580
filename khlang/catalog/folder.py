"""Reading a folder that `khlang publish` wrote (docs/architecture.md, "A published dataset
folder"): `dataset.yaml`, `datapackage.json`, `data/*` and `schemas/*`.

Everything a version needs is checked here, before anything is stored: the metadata loads,
the dataset has a valid name and an organisation, every resource file exists inside the
folder (no `..`, no link out of it), and every hash and size the folder declares, in
`dataset.yaml` or in `datapackage.json`, matches the bytes on disk.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from khlang.catalog.blobs import CHUNK, StoredFile, hash_file, plain_sha256
from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.metadata.files import (
    DATASET_FILE_NAMES,
    DATASET_SUFFIXES,
    NOT_DATASET_FILES,
    load_dataset,
)
from khlang.metadata.model import Dataset

# CKAN's rule for a dataset's URL name (package_name_validator), which every target shares.
NAME_PATTERN = re.compile(r"^[a-z0-9_-]{2,100}$")


class FolderFile(BaseModel):
    """One resource file of the folder, hashed."""

    position: int
    key: str
    source: Path
    stored: StoredFile


class PublishedFolder(BaseModel):
    folder: Path
    metadata_file: Path
    dataset: Dataset
    """The metadata as declared, with each Table Schema file read in (a version must not
    depend on files outside the store)."""
    keys: list[str]
    """Each resource's identity in the dataset: its path, else its name, else its URL."""
    files: list[FolderFile]


def dataset_sources(path: Path) -> list[Path]:
    """What `khlang catalog add PATH` publishes, each a dataset folder or a metadata file:

    1. PATH itself when it is a metadata file (YAML/JSON; its resources are links, or files
       relative to its folder);
    2. PATH when it is a dataset folder (it holds `dataset.yaml`);
    3. else its sub-folders that are dataset folders (the output of `khlang publish --out`);
    4. else the metadata files directly in it (e.g. `khlang/metadata/examples`).
    """
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise KhlangError(
            Text(th="ไม่พบไฟล์หรือโฟลเดอร์", en="no such file or folder"), where=str(path)
        )
    if _metadata_file(path):
        return [path]
    found = sorted(child for child in path.iterdir() if child.is_dir() and _metadata_file(child))
    found = found or sorted(
        child
        for child in path.iterdir()
        if child.is_file()
        and child.suffix.lower() in DATASET_SUFFIXES
        and child.name not in NOT_DATASET_FILES | {"publish-report.json"}
    )
    if not found:
        raise KhlangError(
            Text(
                th="ไม่พบ dataset.yaml ในโฟลเดอร์นี้หรือโฟลเดอร์ย่อย",
                en="no dataset.yaml in this folder or its sub-folders",
            ),
            where=str(path),
        )
    return found


def _metadata_file(folder: Path) -> Path | None:
    return next((folder / name for name in DATASET_FILE_NAMES if (folder / name).is_file()), None)


def read_folder(source: Path) -> PublishedFolder:
    """Read a dataset folder, or a metadata file (resource paths relative to its folder)."""
    source = source.resolve()
    metadata_file = source if source.is_file() else _metadata_file(source)
    if metadata_file is None:
        raise KhlangError(
            Text(th="ไม่พบไฟล์ dataset.yaml", en="no dataset.yaml in the folder"), where=str(source)
        )
    folder = metadata_file.parent
    dataset = load_dataset(metadata_file)
    _check_identity(dataset, metadata_file)
    declared = _datapackage_facts(folder)
    keys: list[str] = []
    files: list[FolderFile] = []
    for position, resource in enumerate(dataset.resources):
        where = f"{metadata_file}: resources[{position}]"
        key = resource.path or resource.name or resource.url or f"resource-{position + 1}"
        if key in keys:
            raise KhlangError(
                Text(
                    th=f"ทรัพยากรซ้ำกัน: {key}", en=f"two resources have the same path or name: {key}"
                ),
                where=where,
            )
        keys.append(key)
        if isinstance(resource.table_schema, str):
            schema_file = _inside(folder, resource.table_schema, f"{where}.schema")
            resource.table_schema = _read_schema(schema_file)
        if resource.path is None:
            continue
        source = _inside(folder, resource.path, f"{where}.path")
        stored = hash_file(source)
        _check_declared(stored, resource.hash, resource.byte_size, f"{where} ({resource.path})")
        facts = declared.get(resource.path, {})
        _check_declared(
            stored,
            facts.get("hash"),
            facts.get("bytes"),
            f"datapackage.json ({resource.path})",
            source=source,
        )
        files.append(FolderFile(position=position, key=key, source=source, stored=stored))
    return PublishedFolder(
        folder=folder, metadata_file=metadata_file, dataset=dataset, keys=keys, files=files
    )


def _check_identity(dataset: Dataset, metadata_file: Path) -> None:
    if not dataset.name or not NAME_PATTERN.match(dataset.name):
        raise KhlangError(
            Text(
                th="ต้องมีชื่อ URL (name) เป็นอักษรอังกฤษพิมพ์เล็ก ตัวเลข - หรือ _ ยาว 2–100 ตัวอักษร",
                en="the dataset needs a URL name (`name`): lower-case ASCII letters, digits, "
                "- or _, 2 to 100 characters",
            ),
            where=f"{metadata_file}: name",
        )
    if not dataset.owner_org:
        raise KhlangError(
            Text(th="ต้องระบุหน่วยงานเจ้าของ (owner_org)", en="the dataset needs an owner_org"),
            where=f"{metadata_file}: owner_org",
        )
    if not NAME_PATTERN.match(dataset.owner_org):
        # The organisation's name goes into URLs, feeds and CKAN as it is, as a dataset's does.
        raise KhlangError(
            Text(
                th="owner_org ต้องเป็นชื่อ URL ของหน่วยงาน: อักษรอังกฤษพิมพ์เล็ก ตัวเลข - หรือ _ "
                "ยาว 2–100 ตัวอักษร",
                en="owner_org must be the organisation's URL name: lower-case ASCII letters, "
                "digits, - or _, 2 to 100 characters",
            ),
            where=f"{metadata_file}: owner_org",
        )


def _inside(folder: Path, relative: str, where: str) -> Path:
    """The file a relative path names, refused when it is absolute, leaves the folder
    (`..` or a symbolic link), or is missing."""
    candidate = Path(relative)
    resolved = (folder / candidate).resolve()
    if candidate.is_absolute() or not resolved.is_relative_to(folder):
        raise KhlangError(
            Text(
                th=f"เส้นทางไฟล์ต้องอยู่ภายในโฟลเดอร์ของชุดข้อมูล: {relative}",
                en=f"the file path must stay inside the dataset folder: {relative}",
            ),
            where=where,
        )
    if not resolved.is_file():
        raise KhlangError(
            Text(th=f"ไม่พบไฟล์ {relative}", en=f"no such file: {relative}"), where=where
        )
    return resolved


def _read_schema(path: Path) -> dict[str, Any]:
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KhlangError(
            Text(th=f"อ่าน Table Schema ไม่ได้: {error}", en=f"cannot read the Table Schema: {error}"),
            where=str(path),
        ) from error
    if not isinstance(schema, dict):
        raise KhlangError(
            Text(th="Table Schema ต้องเป็นออบเจกต์ JSON", en="a Table Schema must be a JSON object"),
            where=str(path),
        )
    return schema


def _datapackage_facts(folder: Path) -> dict[str, dict[str, Any]]:
    """path -> {hash, bytes} as datapackage.json declares them (when it exists)."""
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        return {}
    try:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KhlangError(
            Text(
                th=f"อ่าน datapackage.json ไม่ได้: {error}",
                en=f"cannot read datapackage.json: {error}",
            ),
            where=str(descriptor),
        ) from error
    facts = {}
    for resource in package.get("resources", []) if isinstance(package, dict) else []:
        if isinstance(resource, dict) and isinstance(resource.get("path"), str):
            facts[resource["path"]] = {"hash": resource.get("hash"), "bytes": resource.get("bytes")}
    return facts


def _check_declared(
    stored: StoredFile,
    declared_hash: Any,
    declared_size: Any,
    where: str,
    *,
    source: Path | None = None,
) -> None:
    """A declared size or hash that differs from the bytes means the file changed after its
    metadata was written (or the copy was damaged): refuse rather than publish a lie."""
    if isinstance(declared_size, int) and declared_size != stored.byte_size:
        raise _mismatch(where, f"{declared_size} bytes", f"{stored.byte_size} bytes")
    if not isinstance(declared_hash, str) or not declared_hash.strip():
        return
    algorithm, _, value = declared_hash.strip().lower().rpartition(":")
    algorithm = algorithm or {64: "sha256", 32: "md5"}.get(len(value), "")
    if algorithm == "sha256":
        actual = stored.sha256
        if plain_sha256(value) != actual:
            raise _mismatch(where, f"sha256:{value}", f"sha256:{actual}")
    elif algorithm == "md5" and source is not None:
        actual = _md5(source)
        if value != actual:
            raise _mismatch(where, f"md5:{value}", f"md5:{actual}")


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _mismatch(where: str, declared: str, actual: str) -> KhlangError:
    return KhlangError(
        Text(
            th=f"ไฟล์ไม่ตรงกับที่ระบุไว้ (ระบุ {declared} แต่ไฟล์จริงเป็น {actual}) "
            "ไฟล์อาจถูกแก้ไขหลังสร้าง metadata",
            en=f"the file does not match its declared facts (declared {declared}, found "
            f"{actual}); it may have changed after its metadata was written",
        ),
        where=where,
    )
