"""`khlang catalog check`: does the database agree with the files on disk?

What it finds (code: meaning -> what `--repair` does):

* `abandoned-version`: a publish stopped before committing (crash, kill) -> discard it;
* `publish-in-progress`: a publish is running now -> nothing (information);
* `missing-file`: a published version's file is gone -> nothing: restore it from a backup;
* `damaged-file`: a stored file's size (with --verify: its hash) is wrong -> move it to
  `files/damaged/`, then restore it from a backup;
* `orphan-file`: a stored file no version uses (left by a crash) -> delete it;
* `temporary-file`: an unfinished copy in `files/tmp/` -> delete it;
* `unpublished-dataset`: a name held by a first publish that never completed -> nothing;
* `area-store-*`: the area-budget store differs from what the current versions hold ->
  rebuild it (`area_budget/verify.py`);
* `search-*`: the search tables differ from the offered datasets' current versions ->
  rewrite the entries concerned, or all of them (`search/verify.py`);
* `table-sources`: the kept list of query tables differs from the current versions -> count
  it again (`table_sources.py`).

The grace period keeps repair away from the files of a publish that is running right now.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from khlang.catalog import leases
from khlang.catalog.area_budget.verify import check_store
from khlang.catalog.context import CatalogContext
from khlang.catalog.principals import Principal
from khlang.catalog.publish import discard_pending
from khlang.catalog.records import CheckFinding, CheckReport
from khlang.catalog.search.verify import check_search
from khlang.catalog.table_sources import check_sources
from khlang.catalog.tables import Blob, DatasetVersion, VersionResource, utcnow
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.catalog.unused import delete_unused
from khlang.i18n import Text

DEFAULT_GRACE = dt.timedelta(hours=1)


def check(
    catalog: CatalogContext,
    *,
    actor: Principal,
    repair: bool = False,
    verify: bool = False,
    grace: dt.timedelta = DEFAULT_GRACE,
) -> CheckReport:
    findings: list[CheckFinding] = []
    findings += _pending_versions(catalog, actor, repair)
    staged_now = _live_staged(catalog)
    known, checked, file_findings = _stored_files(catalog, repair, verify)
    findings += file_findings
    findings += _orphans(catalog, known | staged_now, repair, grace)
    findings += _unpublished(catalog)
    findings += check_store(catalog, repair=repair)
    findings += check_search(catalog, repair=repair)
    findings += check_sources(catalog, repair=repair)
    return CheckReport(findings=findings, files_checked=checked, repair=repair)


def _pending_versions(
    catalog: CatalogContext, actor: Principal, repair: bool
) -> list[CheckFinding]:
    found = []
    with catalog.write() if repair else catalog.read() as session:
        rows = session.execute(
            select(DatasetVersion, DatasetRow.name)
            .join(DatasetRow, DatasetRow.id == DatasetVersion.dataset_id)
            .where(DatasetVersion.status == "pending")
        ).all()
        for version, name in rows:
            started = f"{version.created_at:%Y-%m-%d %H:%M:%S} UTC"
            if leases.held(version.lease_until, version.owner):
                found.append(
                    CheckFinding(
                        code="publish-in-progress",
                        severity="info",
                        subject=name,
                        message=Text(
                            th=f"กำลังเผยแพร่รุ่นใหม่ (เริ่ม {started} โดย {version.author})",
                            en=f"a new version is being published (since {started}, "
                            f"by {version.author})",
                        ),
                    )
                )
                continue
            if repair:
                discard_pending(session, version, name, actor, "catalog check --repair")
            found.append(
                CheckFinding(
                    code="abandoned-version",
                    severity="warning",
                    subject=name,
                    repaired=repair,
                    message=Text(
                        th=f"การเผยแพร่ที่เริ่มเมื่อ {started} หยุดกลางคัน รุ่นก่อนหน้ายังแสดงอยู่ "
                        "(เผยแพร่โฟลเดอร์เดิมอีกครั้งเพื่อทำต่อ หรือ --repair เพื่อทิ้ง)",
                        en=f"a publish started {started} stopped before it completed; the "
                        "previous version is still the visible one (publish the same folder "
                        "again to complete it, or --repair to discard it)",
                    ),
                )
            )
    return found


def _live_staged(catalog: CatalogContext) -> set[str]:
    """Files a running publish has stored but not yet committed: never orphans."""
    with catalog.read() as session:
        staged: set[str] = set()
        for version in session.scalars(
            select(DatasetVersion).where(DatasetVersion.status == "pending")
        ):
            if leases.held(version.lease_until, version.owner):
                staged.update(version.staged or [])
        return staged


def _stored_files(
    catalog: CatalogContext, repair: bool, verify: bool
) -> tuple[set[str], int, list[CheckFinding]]:
    found = []
    with catalog.read() as session:
        blobs = session.execute(
            select(Blob.sha256, Blob.byte_size, func.min(DatasetRow.name))
            .outerjoin(VersionResource, VersionResource.blob_sha256 == Blob.sha256)
            .outerjoin(DatasetVersion, DatasetVersion.id == VersionResource.version_id)
            .outerjoin(DatasetRow, DatasetRow.id == DatasetVersion.dataset_id)
            .group_by(Blob.sha256, Blob.byte_size)
        ).all()
    for sha256, size, dataset in blobs:
        path = catalog.blobs.path(sha256)
        subject = f"{dataset or '?'}: sha256:{sha256}"
        if not path.is_file():
            found.append(
                CheckFinding(
                    code="missing-file",
                    severity="error",
                    subject=subject,
                    message=Text(
                        th=f"ไม่พบไฟล์ {path} ที่รุ่นที่เผยแพร่แล้วใช้อยู่ ต้องกู้คืนจากสำรอง",
                        en=f"the file {path}, used by a published version, is missing; "
                        "restore it from a backup",
                    ),
                )
            )
            continue
        damaged = path.stat().st_size != size or (verify and not catalog.blobs.verify(sha256))
        if damaged:
            moved = catalog.blobs.quarantine(sha256) if repair else None
            found.append(
                CheckFinding(
                    code="damaged-file",
                    severity="error",
                    subject=subject,
                    repaired=False,
                    message=Text(
                        th=f"ไฟล์ {path} เสียหาย (ขนาดหรือ hash ไม่ตรง)"
                        + (f" ย้ายไปไว้ที่ {moved} แล้ว ต้องกู้คืนจากสำรอง" if moved else ""),
                        en=f"the file {path} is damaged (wrong size or hash)"
                        + (f"; moved to {moved}: restore it from a backup" if moved else ""),
                    ),
                )
            )
    return {sha256 for sha256, _, _ in blobs}, len(blobs), found


def _orphans(
    catalog: CatalogContext, known: set[str], repair: bool, grace: dt.timedelta
) -> list[CheckFinding]:
    found = []
    cutoff = utcnow() - grace
    orphans = {sha256: path for sha256, path in catalog.blobs.stored() if sha256 not in known}
    old_orphans = {sha256 for sha256, path in orphans.items() if _older(path, cutoff)}
    # Deleted under the file lock, re-checked there (unused.py): never a file a publish
    # that started meanwhile relies on.
    deleted = delete_unused(catalog, old_orphans, older_than=cutoff) if repair else set()
    candidates = [("orphan-file", path, sha256 in deleted) for sha256, path in orphans.items()]
    for path in catalog.blobs.temporaries():
        removed = repair and _older(path, cutoff)
        if removed:
            path.unlink(missing_ok=True)
        candidates.append(("temporary-file", path, removed))
    for code, path, repaired in candidates:
        what = _ORPHAN if code == "orphan-file" else _TEMPORARY
        wait = Text(th="", en="") if repaired or _older(path, cutoff) else _TOO_RECENT
        found.append(
            CheckFinding(
                code=code,
                severity="warning",
                subject=str(path),
                repaired=repaired,
                message=Text(th=what.th + wait.th, en=what.en + wait.en),
            )
        )
    return found


def _older(path: Path, cutoff: dt.datetime) -> bool:
    """True when the file was last written before `cutoff` (or is gone already)."""
    try:
        return path.stat().st_mtime < cutoff.timestamp()
    except FileNotFoundError:
        return True


_ORPHAN = Text(
    th="ไฟล์ที่ไม่มีรุ่นใดใช้ (เหลือจากการเผยแพร่ที่หยุดกลางคัน)",
    en="a stored file no version uses (left by an interrupted publish)",
)
_TEMPORARY = Text(
    th="สำเนาไฟล์ที่เขียนไม่เสร็จ (เหลือจากการเผยแพร่ที่หยุดกลางคัน)",
    en="an unfinished copy of a file (left by an interrupted publish)",
)
_TOO_RECENT = Text(th=" ยังใหม่เกินกว่าจะลบ", en="; too recent to delete yet")


def _unpublished(catalog: CatalogContext) -> list[CheckFinding]:
    with catalog.read() as session:
        names = session.scalars(
            select(DatasetRow.name).where(DatasetRow.current_version_id.is_(None))
        ).all()
    return [
        CheckFinding(
            code="unpublished-dataset",
            severity="info",
            subject=name,
            message=Text(
                th="ชื่อนี้ถูกจองโดยการเผยแพร่ครั้งแรกที่ยังไม่สำเร็จ",
                en="the name is held by a first publish that has not completed",
            ),
        )
        for name in names
    ]
