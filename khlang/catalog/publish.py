"""Publishing a version atomically.

1. Read and hash the folder (`folder.py`); nothing is written if it is malformed.
2. **Stage** (one transaction): find or create the dataset (invisible until its first
   version is published), note the `lock_version` the change is based on, and record a
   `pending` version with the owner process and a lease. A second publish of the same
   dataset while this one runs gets a conflict at once.
3. **Store** every file in the content-addressed store (write, fsync, rename; hash
   re-checked on the stored copy).
4. **Gate** (`gate.py`): the compliance check and the table validators. A refusal discards
   the pending version (and the files it stored that nothing needs) and says why.
5. **Commit** (one transaction): move the dataset's `current_version_id` to the new version
   *only if* `lock_version` is still the one noted in step 2 (else: conflict, nothing
   visible changes), number the version, link its files, replace the dataset's amounts in
   the area-budget store (`area_budget/maintain.py`), write its search entry
   (`search/maintain.py`), queue the registrations, audit.

A crash before step 5 commits leaves the previous version visible. The pending version is
resumed by the next publish of the same content (its files are already stored) or
discarded by the next publish of other content, or by `khlang catalog check --repair`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from khlang.catalog import audit, changes, leases, table_schemas, table_sources
from khlang.catalog.area_budget import maintain as area_budget
from khlang.catalog.blobs import DEFAULT_MEDIA_TYPE
from khlang.catalog.context import CatalogContext
from khlang.catalog.database import upsert
from khlang.catalog.errors import ORGANIZATION as ORGANIZATION_WORD
from khlang.catalog.errors import (
    ConflictError,
    PermissionDeniedError,
    PublishRejectedError,
    not_found,
)
from khlang.catalog.folder import FolderFile, PublishedFolder, read_folder
from khlang.catalog.gate import Gate, default_gate, sniff
from khlang.catalog.outbox import enqueue_for_registered_targets
from khlang.catalog.principals import Principal
from khlang.catalog.search import maintain as search
from khlang.catalog.tables import (
    Blob,
    DatasetVersion,
    Organization,
    Resource,
    VersionResource,
    utcnow,
)
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.catalog.unused import delete_unused, lock_files
from khlang.i18n import Text
from khlang.metadata.compliance import ComplianceReport, Finding, Severity
from khlang.metadata.fields import field_label
from khlang.metadata.formats import format_by_extension
from khlang.metadata.matching import normalise
from khlang.metadata.model import Dataset
from khlang.publishers.gate import GateReport, StagedFile

LEASE = dt.timedelta(minutes=15)
# Facts the catalog derives itself: left out of the content hash, so that a folder whose
# metadata was read back from khlang (and so carries them) hashes like the original.
DERIVED_DATASET_KEYS = {"issued", "modified", "ckan"}
DERIVED_RESOURCE_KEYS = {"issued", "modified", "hash", "byte_size", "media_type", "ckan"}


class PublishResult(BaseModel):
    dataset: str
    status: Literal["published", "unchanged"]
    version: int
    content_hash: str
    resumed: bool = False
    """A pending version left by an interrupted publish of the same content was completed."""
    created_organization: bool = False
    checks: dict[str, Any] | None = None


class _Staged(BaseModel):
    dataset_id: str
    version_id: str
    lock_version: int
    base_number: int
    """The version number the change is based on (0: none published yet)."""
    previous_version_id: str | None
    resumed: bool
    created_organization: bool


def content_hash(dataset: Dataset, folder: PublishedFolder) -> str:
    """`sha256:` of the declared metadata (without what the catalog derives) and the
    files' hashes, in resource order."""
    metadata = dataset.model_dump(mode="json", by_alias=True, exclude=DERIVED_DATASET_KEYS)
    for resource in metadata["resources"]:
        for key in DERIVED_RESOURCE_KEYS:
            resource.pop(key, None)
    files = [[item.position, item.stored.sha256] for item in folder.files]
    canonical = json.dumps(
        {"metadata": metadata, "files": files}, ensure_ascii=False, sort_keys=True, default=str
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def publish(
    catalog: CatalogContext,
    path: Path,
    *,
    actor: Principal,
    change_note: str | None = None,
    expected_version: int | None = None,
    create_organization: bool = False,
    gate: Gate = default_gate,
) -> PublishResult:
    """Publish the dataset folder at `path` as a new version (see the module docstring).

    `expected_version` is the version number the change was based on (0 for a new
    dataset): when the dataset has moved on since, the publish is refused as a conflict.
    """
    folder = read_folder(path)
    dataset = folder.dataset
    digest = content_hash(dataset, folder)
    arguments = (catalog, folder, digest, actor, change_note, expected_version, create_organization)
    try:
        staged_or_result = _stage(*arguments)
    except IntegrityError:
        # Another publish created the same dataset or organisation meanwhile (PostgreSQL
        # lets both transactions try; SQLite's write lock queues them). Look again: it now
        # exists, and the usual rules (publish in progress, version moved on) apply.
        staged_or_result = _stage(*arguments)
    if isinstance(staged_or_result, PublishResult):
        return staged_or_result
    staged = staged_or_result
    try:
        files = _store_files(catalog, folder, staged)
        described = with_file_facts(dataset, folder, files)
        report = gate(described, files)
    except BaseException as error:
        if not isinstance(error, KeyboardInterrupt | SystemExit):
            _discard(catalog, staged.version_id, actor, reason=str(error))
        raise
    if not report.passed:
        _discard(catalog, staged.version_id, actor, reason="rejected", checks=report.to_dict())
        raise _rejected(dataset.name or "", report)
    number = _commit(catalog, folder, described, staged, report, actor)
    return PublishResult(
        dataset=dataset.name or "",
        status="published",
        version=number,
        content_hash=digest,
        resumed=staged.resumed,
        created_organization=staged.created_organization,
        checks=report.to_dict(),
    )


# --- 2. stage ------------------------------------------------------------------------------


def _stage(
    catalog: CatalogContext,
    folder: PublishedFolder,
    digest: str,
    actor: Principal,
    change_note: str | None,
    expected_version: int | None,
    create_organization: bool,
) -> _Staged | PublishResult:
    dataset = folder.dataset
    name, organization_name = dataset.name or "", dataset.owner_org or ""
    with catalog.write() as session:
        lock_files(session)  # see unused.py: the files named below are safe from deletion
        organization, created = _organization(
            session, organization_name, dataset, actor, create_organization
        )
        if not actor.can_publish(organization.name):
            raise _denied(actor, organization.name)
        row = session.scalar(select(DatasetRow).where(DatasetRow.name == name))
        if row is None:
            row = DatasetRow(name=name, organization_id=organization.id, title=dataset.title)
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor.name,
                "dataset.create",
                "dataset",
                object_id=row.id,
                object_name=name,
                detail={"organization": organization.name},
            )
        elif row.organization_id != organization.id:
            raise _other_organization(session, row, organization.name, actor)
        if row.state == "withdrawn":
            raise ConflictError(
                Text(
                    th="ชุดข้อมูลนี้ถูกถอนแล้ว ต้องคืนสถานะก่อนเผยแพร่รุ่นใหม่",
                    en="the dataset is withdrawn; reinstate it before publishing a new version",
                ),
                where=name,
            )
        current = (
            session.get(DatasetVersion, row.current_version_id) if row.current_version_id else None
        )
        current_number = (current.number or 0) if current else 0
        if expected_version is not None and expected_version != current_number:
            raise _moved_on(name, expected_version, current_number)
        if current is not None and current.content_hash == digest:
            return PublishResult(
                dataset=name,
                status="unchanged",
                version=current_number,
                content_hash=digest,
                checks=current.checks,
            )
        _refuse_duplicate_title(session, row, dataset.title, actor)
        pending = _claim_pending(session, row, digest, actor, current_number)
        resumed = pending is not None
        if pending is None:
            pending = DatasetVersion(
                dataset_id=row.id,
                content_hash=digest,
                author=actor.name,
                change_note=change_note,
                source=str(folder.folder),
                owner=leases.owner(),
                lease_until=utcnow() + LEASE,
            )
            table_schemas.store(session, pending, _dump(dataset))
            session.add(pending)
            session.flush()
            audit.record(
                session,
                actor.name,
                "version.stage",
                "dataset",
                object_id=row.id,
                object_name=name,
                detail={"version_id": pending.id, "hash": digest},
            )
        elif change_note is not None:
            pending.change_note = change_note
        pending.staged = [item.stored.sha256 for item in folder.files]
        return _Staged(
            dataset_id=row.id,
            version_id=pending.id,
            lock_version=row.lock_version,
            base_number=current_number,
            previous_version_id=row.current_version_id,
            resumed=resumed,
            created_organization=created,
        )


def _organization(
    session: Session, name: str, dataset: Dataset, actor: Principal, create: bool
) -> tuple[Organization, bool]:
    """The dataset's organisation; created (by a sysadmin, when asked) from the dataset's
    `publisher` block when the catalog does not have it yet."""
    found = session.scalar(select(Organization).where(Organization.name == name))
    if found is not None:
        return found, False
    if not create:
        raise not_found(ORGANIZATION_WORD, name)
    if not actor.sysadmin:
        raise _denied(actor, name)
    publisher = dataset.publisher if dataset.publisher and dataset.publisher.name == name else None
    organization = Organization(name=name)
    if publisher is not None:
        organization.title_th = publisher.title.th if publisher.title else None
        organization.title_en = publisher.title.en if publisher.title else None
        organization.catalog_type = publisher.catalog_type
        organization.email, organization.url = publisher.email, publisher.url
    session.add(organization)
    session.flush()
    audit.record(
        session,
        actor.name,
        "organization.create",
        "organization",
        object_id=organization.id,
        object_name=name,
        detail={"by": "publish"},
    )
    return organization, True


def _refuse_duplicate_title(
    session: Session, row: DatasetRow, title: str | None, actor: Principal
) -> None:
    """A title another offered dataset of the catalog uses is refused, as the GD Catalog
    refuses it (compared as the compliance check compares: spacing, marks, case). The
    other dataset is named only to an actor who may see it."""
    if not title:
        return
    found = session.execute(
        select(DatasetRow, Organization.name)
        .join(Organization, Organization.id == DatasetRow.organization_id)
        .where(
            DatasetRow.title_key == normalise(title),
            DatasetRow.id != row.id,
            DatasetRow.state == "active",
            DatasetRow.current_version_id.is_not(None),
        )
    ).first()
    if found is None:
        return
    other, organization = found
    named = None if _hidden_from(other, organization, actor) else other.name
    message = Text(
        th=f"title: ชื่อชุดข้อมูลซ้ำกับชุดข้อมูล{f' {named} ' if named else 'อื่น'}ในบัญชีข้อมูลนี้ "
        "(GD Catalog ไม่รับชื่อซ้ำ)",
        en=f"title: {f'the dataset {named}' if named else 'another dataset'} of this catalog "
        "already uses this title (the GD Catalog refuses duplicate titles)",
    )
    finding = Finding(
        code="duplicate-title",
        severity=Severity.ERROR,
        field="title",
        label=field_label("title"),
        value=title,
        message=message,
    )
    report = GateReport(
        compliance=ComplianceReport(name=row.name, title=title, findings=[finding]),
        validation=[],
        problems=[message],
    )
    raise _rejected(row.name, report)


def _claim_pending(
    session: Session, row: DatasetRow, digest: str, actor: Principal, current_number: int
) -> DatasetVersion | None:
    """Resume an abandoned pending version of the same content; discard abandoned ones of
    other content; refuse while another live process is publishing this dataset."""
    resumable = None
    for pending in session.scalars(
        select(DatasetVersion).where(
            DatasetVersion.dataset_id == row.id, DatasetVersion.status == "pending"
        )
    ):
        if leases.held(pending.lease_until, pending.owner):
            at = _version_words(current_number)
            started = f"{pending.created_at:%Y-%m-%d %H:%M} UTC"
            raise ConflictError(
                Text(
                    th=f"มีการเผยแพร่ชุดข้อมูล {row.name} อีกรายการกำลังทำอยู่ (เริ่มเมื่อ {started} "
                    f"โดย {pending.author}) ตอนนี้ชุดข้อมูลเป็น{at.th} รุ่นนี้จึงไม่ถูกเผยแพร่ "
                    "รอให้เสร็จ ตรวจรุ่นล่าสุดแล้วลองอีกครั้ง",
                    en=f"another publish of the dataset {row.name} is in progress (started "
                    f"{started} by {pending.author}); the dataset is at {at.en}, and this "
                    "version was not published: try again when that one has finished",
                ),
                where=row.name,
            )
        if pending.content_hash == digest and resumable is None:
            resumable = pending
            pending.owner = leases.owner()
            pending.lease_until = utcnow() + LEASE
            pending.author = actor.name
            audit.record(
                session,
                actor.name,
                "version.resume",
                "dataset",
                object_id=row.id,
                object_name=row.name,
                detail={"version_id": pending.id},
            )
        else:
            discard_pending(session, pending, row.name, actor, reason="abandoned")
    return resumable


# --- 3. store ------------------------------------------------------------------------------


def _store_files(
    catalog: CatalogContext, folder: PublishedFolder, staged: _Staged
) -> list[StagedFile]:
    result = []
    for item in folder.files:
        stored = catalog.blobs.put(item.source)
        if stored != item.stored:
            raise _changed_meanwhile(item.source)
        schema = folder.dataset.resources[item.position].table_schema
        result.append(
            StagedFile(
                position=item.position,
                path=catalog.blobs.path(stored.sha256),
                source=item.source,
                relative=folder.dataset.resources[item.position].path or item.source.name,
                table_schema=schema if isinstance(schema, dict) else None,
            )
        )
    with catalog.write() as session:
        pending = session.get(DatasetVersion, staged.version_id)
        if pending is not None:
            pending.lease_until = utcnow() + LEASE
    return result


def with_file_facts(dataset: Dataset, folder: PublishedFolder, files: list[StagedFile]) -> Dataset:
    """The metadata with each stored file's facts written in, as the checks and every
    later reader see it: its hash, byte size, media type (sniffed from the content, else
    from the extension, else as declared) and, when none is declared, its format."""
    described = dataset.model_copy(deep=True)
    for item, staged in zip(folder.files, files, strict=True):
        resource = described.resources[item.position]
        sniffed = sniff(staged.path)
        by_name = format_by_extension(item.source.name)
        known = sniffed or by_name
        resource.hash = item.stored.hash
        resource.byte_size = item.stored.byte_size
        resource.media_type = (
            (known.media_type if known else None) or resource.media_type or DEFAULT_MEDIA_TYPE
        )
        if not resource.format and known is not None:
            resource.format = known.name
    return described


def _changed_meanwhile(source: Path) -> ConflictError:
    return ConflictError(
        Text(
            th="ไฟล์ถูกแก้ไขระหว่างการเผยแพร่ ลองเผยแพร่อีกครั้ง",
            en="the file changed while it was being published; publish again",
        ),
        where=str(source),
    )


# --- 5. commit -----------------------------------------------------------------------------


def _commit(
    catalog: CatalogContext,
    folder: PublishedFolder,
    dataset: Dataset,
    staged: _Staged,
    report: GateReport,
    actor: Principal,
) -> int:
    try:
        with catalog.write() as session:
            number = _commit_in(session, folder, dataset, staged, report, actor)
            row = session.get(DatasetRow, staged.dataset_id)
            if row is not None and row.state == "active":  # a withdrawn dataset counts none
                table_sources.move(session, staged.previous_version_id, staged.version_id)
            area_budget.refresh(session, catalog.blobs, staged.dataset_id)
            search.refresh(session, staged.dataset_id)
            return number
    except _LostRaceError:
        _discard(catalog, staged.version_id, actor, reason="conflict")
        base = _version_words(staged.base_number)
        current = _version_words(_current_number(catalog, staged.dataset_id))
        raise ConflictError(
            Text(
                th=f"ชุดข้อมูล {dataset.name} ถูกเปลี่ยนโดยการเผยแพร่อื่นระหว่างนี้: รุ่นนี้สร้างจาก"
                f"{base.th} แต่ตอนนี้เป็น{current.th}แล้ว รุ่นนี้จึงไม่ถูกเผยแพร่ "
                "ตรวจรุ่นล่าสุดแล้วเผยแพร่อีกครั้ง",
                en=f"another publish changed the dataset {dataset.name} meanwhile: this "
                f"version was based on {base.en} and the dataset is now at {current.en}, so "
                "it was not published; review the latest version and publish again",
            ),
            where=dataset.name,
        ) from None


class _LostRaceError(Exception):
    """The dataset's lock_version moved between staging and committing."""


def _commit_in(
    session: Session,
    folder: PublishedFolder,
    dataset: Dataset,
    staged: _Staged,
    report: GateReport,
    actor: Principal,
) -> int:
    now = utcnow()
    # First statement of the transaction: on SQLite it runs under the write lock taken by
    # BEGIN IMMEDIATE; on PostgreSQL it waits for a concurrent commit and re-checks.
    # An UPDATE's result is a CursorResult (the one that has rowcount; execute() is typed
    # for every statement).
    moved = cast(
        CursorResult[Any],
        session.execute(
            update(DatasetRow)
            .where(
                DatasetRow.id == staged.dataset_id, DatasetRow.lock_version == staged.lock_version
            )
            .values(
                lock_version=DatasetRow.lock_version + 1,
                current_version_id=staged.version_id,
                title=dataset.title,
                title_key=normalise(dataset.title) if dataset.title else None,
                private=dataset.private,
                updated_at=now,
            )
        ),
    )
    if moved.rowcount != 1:
        raise _LostRaceError
    changes.record(session, staged.dataset_id)
    number = (
        session.scalar(
            select(func.max(DatasetVersion.number)).where(
                DatasetVersion.dataset_id == staged.dataset_id
            )
        )
        or 0
    ) + 1
    previous = _previous_files(session, staged.previous_version_id)
    issued = _dataset_issued(session, staged.previous_version_id, dataset, now)
    final = dataset.model_copy(deep=True)
    final.issued, final.modified = issued, now
    _insert_blobs(session, folder)
    stored = {item.position: item for item in folder.files}
    for position, key in enumerate(folder.keys):
        resource_id = _resource_id(session, staged.dataset_id, key)
        _link(
            session,
            staged.version_id,
            resource_id,
            position,
            final,
            stored.get(position),
            previous.get(resource_id),
            now,
        )
    version = session.get(DatasetVersion, staged.version_id)
    assert version is not None
    version.number = number
    version.status = "published"
    table_schemas.store(session, version, _dump(final))
    version.checks = report.to_dict()
    version.published_at = now
    version.lease_until = None
    enqueue_for_registered_targets(session, staged.dataset_id, "push")
    audit.record(
        session,
        actor.name,
        "version.publish",
        "dataset",
        object_id=staged.dataset_id,
        object_name=dataset.name,
        detail={
            "version": number,
            "hash": version.content_hash,
            "change_note": version.change_note,
        },
    )
    return number


def _current_number(catalog: CatalogContext, dataset_id: str) -> int:
    with catalog.read() as session:
        return (
            session.scalar(
                select(DatasetVersion.number)
                .join(DatasetRow, DatasetRow.current_version_id == DatasetVersion.id)
                .where(DatasetRow.id == dataset_id)
            )
            or 0
        )


def _previous_files(session: Session, version_id: str | None) -> dict[str, VersionResource]:
    if version_id is None:
        return {}
    links = session.scalars(select(VersionResource).where(VersionResource.version_id == version_id))
    return {link.resource_id: link for link in links}


def _dataset_issued(
    session: Session, previous_id: str | None, dataset: Dataset, now: dt.datetime
) -> dt.datetime:
    """The declared date when the folder states one, else the first version's."""
    if dataset.issued is not None:
        return dataset.issued if dataset.issued.tzinfo else dataset.issued.replace(tzinfo=dt.UTC)
    previous = session.get(DatasetVersion, previous_id) if previous_id else None
    if previous is not None and previous.metadata_.get("issued"):
        return dt.datetime.fromisoformat(previous.metadata_["issued"])
    return now


def _insert_blobs(session: Session, folder: PublishedFolder) -> None:
    rows = [
        {"sha256": item.stored.sha256, "byte_size": item.stored.byte_size, "created_at": utcnow()}
        for item in folder.files
    ]
    if not rows:
        return
    session.execute(upsert(session, Blob).values(rows).on_conflict_do_nothing())


def _resource_id(session: Session, dataset_id: str, key: str) -> str:
    found = session.scalar(
        select(Resource.id).where(Resource.dataset_id == dataset_id, Resource.key == key)
    )
    if found is not None:
        return found
    resource = Resource(dataset_id=dataset_id, key=key)
    session.add(resource)
    session.flush()
    return resource.id


def _link(
    session: Session,
    version_id: str,
    resource_id: str,
    position: int,
    final: Dataset,
    stored: FolderFile | None,
    previous: VersionResource | None,
    now: dt.datetime,
) -> None:
    """Record one resource of the version, and its issued/modified dates in its metadata
    (modified moves only when the file's bytes change)."""
    resource = final.resources[position]
    sha256 = stored.stored.sha256 if stored else None
    filename = stored.source.name if stored else None
    media_type = resource.media_type if stored else None
    issued = previous.issued if previous else now
    unchanged = previous is not None and previous.blob_sha256 == sha256
    modified = previous.modified if unchanged and previous else now
    resource.issued, resource.modified = issued, modified
    session.add(
        VersionResource(
            version_id=version_id,
            resource_id=resource_id,
            position=position,
            blob_sha256=sha256,
            filename=filename,
            media_type=media_type,
            byte_size=stored.stored.byte_size if stored else None,
            format=resource.format,
            issued=issued,
            modified=modified,
        )
    )


# --- discarding and errors -----------------------------------------------------------------


def _discard(
    catalog: CatalogContext,
    version_id: str,
    actor: Principal,
    *,
    reason: str,
    checks: dict[str, Any] | None = None,
) -> None:
    with catalog.write() as session:
        version = session.get(DatasetVersion, version_id)
        if version is None or version.status != "pending":
            return
        row = session.get(DatasetRow, version.dataset_id)
        discard_pending(session, version, row.name if row else None, actor, reason, checks)
        staged = version.staged or []
    # The files this publish stored that nothing else needs go too: a refused or
    # conflicting publish leaves nothing behind.
    delete_unused(catalog, staged)


def discard_pending(
    session: Session,
    version: DatasetVersion,
    dataset: str | None,
    actor: Principal,
    reason: str,
    checks: dict[str, Any] | None = None,
) -> None:
    """A pending version will never be published: mark it so (it stays, for the record)."""
    version.status = "discarded"
    version.lease_until = None
    if checks is not None:
        version.checks = checks
    audit.record(
        session,
        actor.name,
        "version.discard",
        "dataset",
        object_id=version.dataset_id,
        object_name=dataset,
        detail={"version_id": version.id, "reason": reason[:500]},
    )


def _dump(dataset: Dataset) -> dict[str, Any]:
    return dataset.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _rejected(name: str, report: GateReport) -> PublishRejectedError:
    lines_th = "\n".join(f"  - {problem.th}" for problem in report.problems)
    lines_en = "\n".join(f"  - {problem.en}" for problem in report.problems)
    return PublishRejectedError(
        Text(
            th=f"ไม่เผยแพร่ เพราะไม่ผ่านการตรวจ {len(report.problems)} ข้อ:\n{lines_th}",
            en=f"not published: {len(report.problems)} check(s) failed:\n{lines_en}",
        ),
        where=name,
        report=report,
    )


def _denied(actor: Principal, organization: str) -> PermissionDeniedError:
    return PermissionDeniedError(
        Text(
            th=f"{actor.name} ไม่มีสิทธิ์เผยแพร่ชุดข้อมูลของหน่วยงาน {organization}",
            en=f"{actor.name} may not publish datasets of the organisation {organization}",
        ),
        where=organization,
    )


def _other_organization(
    session: Session, row: DatasetRow, wanted: str, actor: Principal
) -> ConflictError:
    owner = session.get(Organization, row.organization_id)
    owner_name = owner.name if owner else "?"
    hidden = _hidden_from(row, owner_name, actor)
    return ConflictError(
        Text(
            th=f"ชื่อ {row.name} เป็นของชุดข้อมูลของ{'หน่วยงานอื่น' if hidden else 'หน่วยงาน ' + owner_name}"
            f"แล้ว ใช้ชื่ออื่นสำหรับ {wanted}",
            en=f"the name {row.name} belongs to a dataset of "
            f"{'another organisation' if hidden else owner_name}; "
            f"choose another name for {wanted}'s dataset",
        ),
        where=row.name,
    )


def _hidden_from(row: DatasetRow, organization: str, actor: Principal) -> bool:
    """A refusal must not tell a private dataset's name or owner to someone who may not
    see it."""
    return row.private and not actor.can_see_private(organization)


def _moved_on(name: str, expected: int, current: int) -> ConflictError:
    based, now = _version_words(expected), _version_words(current)
    return ConflictError(
        Text(
            th=f"การแก้ไขชุดข้อมูล {name} สร้างจาก{based.th} แต่ชุดข้อมูลเป็น{now.th}แล้ว ตรวจรุ่นล่าสุดก่อน",
            en=f"the change to the dataset {name} is based on {based.en} but the dataset is "
            f"at {now.en}; review the latest version first",
        ),
        where=name,
    )


def _version_words(number: int) -> Text:
    """A version number as conflict messages name it (0: none published yet)."""
    if number == 0:
        return Text(th="รุ่น 0 (ยังไม่มีรุ่นที่เผยแพร่)", en="version 0 (none published yet)")
    return Text(th=f"รุ่น {number}", en=f"version {number}")
