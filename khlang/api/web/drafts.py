"""A data officer's draft in the web publishing form: the uploaded table, the mapping
proposed for it (then edited), and the last check, kept on the server between the form's
steps so that the pages need no script.

A draft is the command line's path, step by step: `khlang mapping suggest` (`start`),
editing the mapping (`save_mapping`), `khlang publish --mapping` into the draft's own folder
(`check`), and `khlang catalog add` through the same gate (`publish_checked`). It lives in
`<catalog home>/publish-drafts/<id>/` and belongs to the user who started it; drafts a day
old are removed when another is started.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML

from khlang.catalog import Catalog, NotFoundError, Principal
from khlang.catalog.errors import not_found
from khlang.catalog.folder import dataset_sources
from khlang.catalog.publish import PublishResult
from khlang.catalog.records import OrganizationRecord
from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.publishers.agency import Agency
from khlang.publishers.areas import load_areas
from khlang.publishers.mapping import ColumnMapping, load_mapping
from khlang.publishers.mapping_file import mapping_yaml
from khlang.publishers.readers import TABLE_SUFFIXES
from khlang.publishers.suggest import suggest

DRAFTS = "publish-drafts"
KEEP_SECONDS = 24 * 3600
_ID = re.compile(r"[A-Za-z0-9_-]{16}")
_UNSAFE = re.compile(r"[^\w.\- \u0e00-\u0e7f]")


class Draft(BaseModel):
    id: str
    owner: str
    file: str
    """The uploaded file's name (made safe), in `source/`."""
    organization: str
    email: str | None = None
    created: dt.datetime
    checked: bool = False
    """Whether the last check published every dataset into `out/` (ready for the catalog)."""
    published: list[str] = []


DRAFT = Text(th="ฉบับร่าง", en="draft")


def _missing(draft_id: str) -> NotFoundError:
    """Another user's draft, a removed one and a malformed id all read the same: missing."""
    return not_found(DRAFT, draft_id[:40])


def drafts_root(home: Path) -> Path:
    return home / DRAFTS


def safe_file_name(name: str) -> str:
    """A file name to keep on disk: its last part, without control characters or
    characters a path or a shell would read; the suffix says what it is."""
    base = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name).strip()
    base = _UNSAFE.sub("_", base).lstrip(".")[:120]
    if Path(base).suffix.lower() not in TABLE_SUFFIXES or not Path(base).stem:
        raise KhlangError(
            Text(th="ต้องเป็นไฟล์ CSV, TSV หรือ XLSX", en="the file must be CSV, TSV or XLSX"),
            where=name[:120],
        )
    return base


def _folder(root: Path, draft_id: str) -> Path:
    if not _ID.fullmatch(draft_id):
        raise _missing(draft_id)
    return root / draft_id


def load(root: Path, draft_id: str, owner: Principal) -> Draft:
    """A draft of `owner`'s; anyone else's is reported as missing."""
    path = _folder(root, draft_id) / "draft.json"
    if not path.is_file():
        raise _missing(draft_id)
    draft = Draft.model_validate_json(path.read_text(encoding="utf-8"))
    if draft.owner != owner.name:
        raise _missing(draft_id)
    return draft


def save(root: Path, draft: Draft) -> None:
    path = _folder(root, draft.id) / "draft.json"
    path.write_text(draft.model_dump_json(indent=2), encoding="utf-8")


def drafts_of(root: Path, owner: Principal) -> list[Draft]:
    found = []
    for path in sorted(root.glob("*/draft.json")) if root.is_dir() else []:
        draft = Draft.model_validate_json(path.read_text(encoding="utf-8"))
        if draft.owner == owner.name:
            found.append(draft)
    return sorted(found, key=lambda draft: draft.created, reverse=True)


def remove_old(root: Path) -> None:
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if time.time() - folder.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)


def new_folder(root: Path) -> tuple[str, Path]:
    """A new draft's id and its folder (with `source/` to receive the upload)."""
    remove_old(root)
    draft_id = secrets.token_urlsafe(12)
    folder = _folder(root, draft_id)
    (folder / "source").mkdir(parents=True)
    return draft_id, folder


def start(
    root: Path,
    draft_id: str,
    *,
    owner: Principal,
    file: str,
    organization: str,
    email: str | None,
    catalog: Catalog,
) -> Draft:
    """Propose the mapping of the uploaded file (`khlang mapping suggest`) and record the
    draft; an unreadable file is an error naming it, and the draft is removed."""
    folder = _folder(root, draft_id)
    try:
        suggestion = suggest(folder / "source" / file, load_areas())
    except KhlangError as error:
        shutil.rmtree(folder, ignore_errors=True)
        error.where = file
        raise
    (folder / "suggestion.json").write_text(suggestion.model_dump_json(), encoding="utf-8")
    command = "the web form (khlang publish --mapping)"
    (folder / "mapping.yaml").write_text(mapping_yaml(suggestion, command=command), "utf-8")
    draft = Draft(
        id=draft_id,
        owner=owner.name,
        file=file,
        organization=organization,
        email=email or catalog.organization(organization).email,
        created=dt.datetime.now(dt.UTC),
    )
    save(root, draft)
    return draft


def suggestion_of(root: Path, draft: Draft) -> dict[str, Any]:
    return json.loads((_folder(root, draft.id) / "suggestion.json").read_text(encoding="utf-8"))


def mapping_of(root: Path, draft: Draft) -> ColumnMapping:
    return load_mapping(_folder(root, draft.id) / "mapping.yaml")


def save_mapping(root: Path, draft: Draft, mapping: ColumnMapping) -> None:
    """Write the edited mapping as the file `--mapping` reads (comments of the proposal
    are not kept: the page shows the values beside each column)."""
    document = mapping.model_dump(mode="json", exclude_defaults=True, exclude={"source"})
    document = {"adapter": mapping.adapter, "system": mapping.system, **document}
    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 4096
    with (_folder(root, draft.id) / "mapping.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)


def check(root: Path, draft: Draft, organization: OrganizationRecord) -> dict[str, Any]:
    """`khlang publish FILE --mapping mapping.yaml` into the draft's `out/`: the report."""
    from khlang.publishers.publish import publish  # lazy: the publishers' pipeline (duckdb), +46 ms

    folder = _folder(root, draft.id)
    catalog_type = organization.catalog_type
    agency = Agency(
        name=organization.name,
        title=organization.title,
        email=draft.email,
        url=organization.url,
        **({"catalog_type": catalog_type} if catalog_type in _CATALOG_TYPES else {}),
    )
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    report = publish(
        folder / "source" / draft.file, agency=agency, out=out, mappings=[folder / "mapping.yaml"]
    )
    document = report.to_json()
    draft.checked = bool(report.ok and document["summary"]["datasets_published"])
    save(root, draft)
    return document


_CATALOG_TYPES = ("agency", "area_based", "local_government", "data_center")


def last_report(root: Path, draft: Draft) -> dict[str, Any] | None:
    path = _folder(root, draft.id) / "out" / "publish-report.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def publish_checked(
    root: Path, draft: Draft, publish: Callable[[Path, str], PublishResult]
) -> list[str]:
    """Add every dataset the last check published to the catalog with `publish(folder,
    change_note)` (the write API's own, through the catalog's gate); the names published."""
    folder = _folder(root, draft.id) / "out"
    names = [
        publish(dataset, f"web form: {draft.file}").dataset for dataset in dataset_sources(folder)
    ]
    draft.published = names
    save(root, draft)
    return names
