"""`khlang register`: bring a target catalog up to date with khlang, idempotently.

1. **Plan** (reads only, unless something is due): for every dataset of the organisations
   the target takes, its push fingerprint is the current version's content hash plus the
   target's settings (`Target.fingerprint`). A dataset whose registration holds that
   fingerprint needs nothing: an unchanged catalog costs one query and no write, on either
   side. Every other dataset gets an outbox item (push, or withdraw).
2. **Drain** the target's due outbox items (`outbox.py`), oldest first. Each push finds the
   target's copy (by the remote id khlang recorded, else by name), creates it or patches
   only when some field differs, then records the registration and completes the item in
   one transaction. Transient failures are retried at once `retries` times with exponential
   backoff, then left in the outbox for a later run (backoff again, at most `max_attempts`
   in all, counting only failures while the target still answered `status_show`: a target
   that is down parks nothing). The run stops, leaving the rest queued, as soon as the
   target does not answer `status_show` either, or after three datasets in a row failed
   transiently while it answered. A permanent failure is recorded with CKAN's message per
   field, and the run goes on with the next dataset.

A crash at any point loses nothing: an item is completed only after its push succeeded and
only if the dataset has not changed meanwhile; otherwise it stays queued, and the next
run's push finds the target's copy and writes only what still differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import BaseModel
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from khlang.catalog import audit, outbox
from khlang.catalog.principals import Principal
from khlang.catalog.records import DatasetRecord
from khlang.catalog.registration.client import CkanClient, TargetError
from khlang.catalog.registration.mapping import (
    RESOURCE_ID_KEY,
    Adaptation,
    DesiredPackage,
    clearing_patch,
    desired_package,
    differences,
    kept_extras,
    name_held,
    remote_owner,
)
from khlang.catalog.registration.settings import Target
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.catalog.tables import DatasetVersion, Organization, OutboxItem, Registration, utcnow
from khlang.errors import KhlangError
from khlang.i18n import Text

if TYPE_CHECKING:
    from khlang.catalog.store import Catalog

BREAKER = 3
"""Transient failures of consecutive datasets (the target still answering status_show)
after which the run stops."""
MAX_DELAY = dt.timedelta(hours=6)

Action = Literal["created", "updated", "unchanged", "withdrawn", "failed", "deferred"]


class Outcome(BaseModel):
    dataset: str
    action: Action
    remote_name: str | None = None
    remote_id: str | None = None
    error: dict[str, Any] | None = None
    adaptations: list[Adaptation] = []


class RunReport(BaseModel):
    target: str
    datasets: int
    """Datasets of the organisations the target takes."""
    up_to_date: int
    """Of those, already registered at their current version: nothing to do."""
    queued: int
    """Outbox items due at the start of the drain (planned now or left by earlier runs)."""
    outcomes: list[Outcome]
    writes: int
    """Write calls made to the target."""
    calls: int
    remaining: int
    """Outbox items still open after the run (deferred, or not reached)."""
    stopped: Text | None = None
    seconds: float = 0.0

    def count(self, action: Action) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)


def push_fingerprint(content_hash: str, target: Target, organization: str) -> str:
    digest = hashlib.sha256(f"{content_hash}|{target.fingerprint(organization)}".encode())
    return "sha256:" + digest.hexdigest()


def register(
    catalog: Catalog,
    target: Target,
    *,
    actor: Principal,
    datasets: list[str] | None = None,
    retry_failed: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> RunReport:
    started = time.perf_counter()
    scope, up_to_date = _plan(catalog, target, actor, datasets, retry_failed)
    client = CkanClient(target.url, target.token, timeout=target.timeout)
    try:
        drained = _Drain(catalog, target, client, actor, sleep).run()
    finally:
        client.close()
    with catalog.read() as session:
        remaining = outbox.pending_count(session, target.name)
    return RunReport(
        target=target.name,
        datasets=scope,
        up_to_date=up_to_date,
        queued=drained.queued,
        outcomes=drained.outcomes,
        writes=client.writes,
        calls=client.calls,
        remaining=remaining,
        stopped=drained.stopped,
        seconds=round(time.perf_counter() - started, 3),
    )


# --- 1. plan ---------------------------------------------------------------------------------


def _plan(
    catalog: Catalog,
    target: Target,
    actor: Principal,
    names: list[str] | None,
    retry_failed: bool,
) -> tuple[int, int]:
    """(datasets in scope, datasets up to date); queues the rest."""
    query = (
        select(
            DatasetRow.id,
            DatasetRow.state,
            Organization.name,
            DatasetVersion.content_hash,
            Registration,
            OutboxItem.id,
        )
        .join(Organization, Organization.id == DatasetRow.organization_id)
        .join(DatasetVersion, DatasetVersion.id == DatasetRow.current_version_id)
        .outerjoin(
            Registration,
            and_(Registration.dataset_id == DatasetRow.id, Registration.target == target.name),
        )
        .outerjoin(
            OutboxItem,
            and_(
                OutboxItem.dataset_id == DatasetRow.id,
                OutboxItem.target == target.name,
                OutboxItem.state == "pending",
            ),
        )
    )
    if names:
        query = query.where(DatasetRow.name.in_(names))
        _check_known(catalog, names)
    due: list[tuple[str, str, bool]] = []
    scope = up_to_date = 0
    with catalog.read() as session:
        rows = session.execute(query).all()
    for dataset_id, state, organization, content_hash, registration, open_item in rows:
        if target.remote_organization(organization) is None:
            continue
        scope += 1
        if state == "withdrawn":
            needed = registration is not None and registration.state not in ("withdrawn",)
            needed = needed and registration.remote_id is not None
            action = "withdraw"
        else:
            fingerprint = push_fingerprint(content_hash, target, organization)
            done = registration is not None and registration.state == "registered"
            needed = not (done and registration.pushed_hash == fingerprint)
            if needed and registration is not None and registration.state == "failed":
                failed_at = (registration.last_error or {}).get("fingerprint")
                needed = retry_failed or failed_at != fingerprint
            action = "push"
        if not needed:
            up_to_date += 1
        elif open_item is None:
            due.append((dataset_id, action, registration is None))
    if due:
        with catalog.write() as session:
            for dataset_id, action, new in due:
                if new:
                    session.add(Registration(target=target.name, dataset_id=dataset_id))
                outbox.enqueue(session, target.name, dataset_id, action)
            audit.record(
                session,
                actor.name,
                "registration.plan",
                "target",
                object_name=target.name,
                detail={"queued": len(due)},
            )
    return scope, up_to_date


def _check_known(catalog: Catalog, names: list[str]) -> None:
    with catalog.read() as session:
        known = set(session.scalars(select(DatasetRow.name).where(DatasetRow.name.in_(names))))
    missing = sorted(set(names) - known)
    if missing:
        raise KhlangError(
            Text(
                th=f"ไม่พบชุดข้อมูล: {', '.join(missing)}", en=f"no such dataset: {', '.join(missing)}"
            ),
            where="--dataset",
        )


# --- 2. drain --------------------------------------------------------------------------------


class _Drained(BaseModel):
    queued: int
    outcomes: list[Outcome]
    stopped: Text | None


class _Drain:
    def __init__(
        self,
        catalog: Catalog,
        target: Target,
        client: CkanClient,
        actor: Principal,
        sleep: Callable[[float], None],
    ) -> None:
        self.catalog = catalog
        self.target = target
        self.client = client
        self.actor = actor
        self.sleep = sleep
        self.organizations: set[str] = set()

    def run(self) -> _Drained:
        outcomes: list[Outcome] = []
        queued = 0
        transient_in_a_row = 0
        stopped: Text | None = None
        seen: set[int] = set()
        while stopped is None:
            with self.catalog.write() as session:
                items = outbox.claim_due(session, self.target.name, limit=50, skip=seen)
            if not items:
                break
            for index, item in enumerate(items):
                seen.add(item.id)
                queued += 1
                outcome = self._process(item)
                outcomes.append(outcome)
                transient_in_a_row = transient_in_a_row + 1 if outcome.action == "deferred" else 0
                stopped = self._stop_reason(outcome, transient_in_a_row)
                if stopped is not None:
                    with self.catalog.write() as session:
                        for rest in items[index + 1 :]:
                            outbox.release(session, rest.id)
                    break
        return _Drained(queued=queued, outcomes=outcomes, stopped=stopped)

    def _stop_reason(self, outcome: Outcome, transient_in_a_row: int) -> Text | None:
        """Why the run stops after this outcome (the rest stay queued), or None: the target
        did not even answer status_show (trying the next dataset would only wait for the
        same timeouts), or BREAKER datasets in a row failed transiently."""
        rest = (
            "รายการที่เหลือยังอยู่ในคิว (outbox) และจะส่งต่อในครั้งถัดไป",
            "the rest stay queued in the outbox for the next run",
        )
        if outcome.error is not None and outcome.error.get("target_down"):
            return Text(
                th=f"หยุดการส่ง: {self.target.url} ไม่ตอบ (แม้แต่ status_show) {rest[0]}",
                en=f"stopped: {self.target.url} does not answer (not even status_show); {rest[1]}",
            )
        if transient_in_a_row >= BREAKER:
            return Text(
                th=f"หยุดการส่ง: {self.target.url} ล้มเหลวชั่วคราว {BREAKER} ชุดข้อมูลติดกัน {rest[0]}",
                en=f"stopped: {self.target.url} failed transiently for {BREAKER} datasets in a "
                f"row; {rest[1]}",
            )
        return None

    def _process(self, item: OutboxItem) -> Outcome:
        dataset = self.catalog.dataset(item.dataset_id, viewer=Principal.operator())
        with self.catalog.read() as session:
            registration = session.scalar(
                select(Registration).where(
                    Registration.target == self.target.name, Registration.dataset_id == dataset.id
                )
            )
        if registration is None:
            registration = Registration(target=self.target.name, dataset_id=dataset.id)
        withdraw = dataset.state == "withdrawn"
        fingerprint = push_fingerprint(dataset.content_hash, self.target, dataset.organization)
        attempt = 0
        while True:
            try:
                if withdraw:
                    result = self._withdraw(dataset, registration)
                else:
                    result = self._push(dataset, registration)
            except TargetError as error:
                if error.transient and attempt < self.target.retries:
                    self.sleep(self.target.backoff * 2**attempt)
                    attempt += 1
                    continue
                return self._failed(item, dataset, error, fingerprint)
            self._succeeded(item, dataset, result, fingerprint, withdraw)
            return result

    # --- one dataset ------------------------------------------------------------------------

    def _push(self, dataset: DatasetRecord, registration: Registration) -> Outcome:
        organization = self.target.remote_organization(dataset.organization)
        if organization is None:  # queued before the settings stopped taking it
            raise TargetError(
                "permanent",
                Text(
                    th=f"ตั้งค่าของเป้าหมายนี้ไม่รับหน่วยงาน {dataset.organization} แล้ว",
                    en=f"this target's settings no longer take the organisation "
                    f"{dataset.organization}",
                ),
                action="settings",
            )
        self._ensure_organization(organization, dataset.organization)
        desired = desired_package(dataset, dataset.current, self.target, organization)
        remote = None
        if registration.remote_id:
            remote = self.client.show("package_show", registration.remote_id)
        if remote is None and registration.remote_id:
            remote = self.client.show("package_show", dataset.name)
        if remote is None:
            created = self._create(dataset, desired)
            if created is not None:
                self._upload(dataset, list(desired.uploads), created)
                return _outcome(dataset, "created", created, desired)
            remote = self.client.show("package_show", dataset.name)
            if remote is None:
                raise _name_unavailable(dataset.name)
        self._check_owner(dataset, remote, organization)
        changed = differences(desired.package, remote, uploads=bool(desired.uploads))
        pending_uploads = self._uploads_needed(dataset, desired, remote)
        if not changed and not pending_uploads:
            return _outcome(dataset, "unchanged", remote, desired)
        if changed:
            remote = self.client.call("package_patch", _patch(desired, remote))
        self._upload(dataset, pending_uploads, remote)
        return _outcome(dataset, "updated", remote, desired)

    def _create(self, dataset: DatasetRecord, desired: DesiredPackage) -> dict[str, Any] | None:
        """package_create; None when the name is taken (the copy may be khlang's own, left
        by an interrupted run, or another dataset's: the caller looks)."""
        try:
            return cast(dict[str, Any], self.client.call("package_create", desired.package))
        except TargetError as error:
            if error.status == 409 and "name" in error.fields:
                return None
            raise

    def _check_owner(
        self, dataset: DatasetRecord, remote: dict[str, Any], organization: str
    ) -> None:
        owner = remote_owner(remote, dataset.id, organization)
        if owner is not None:
            raise name_held(dataset.name, owner)

    def _ensure_organization(self, name: str, local: str) -> None:
        if name in self.organizations:
            return
        if self.client.show("organization_show", name) is None:
            if not self.target.create_organizations:
                raise TargetError(
                    "permanent",
                    Text(
                        th=f"ไม่มีหน่วยงาน {name} บนปลายทาง "
                        "สร้างที่ปลายทางก่อน หรือตั้ง create_organizations",
                        en=f"the organisation {name} does not exist on the target; create it "
                        "there, or set create_organizations",
                    ),
                    action="organization_show",
                    status=404,
                )
            record = self.catalog.organization(local)
            title = record.title.th if record.title else name
            self.client.call("organization_create", {"name": name, "title": title})
        self.organizations.add(name)

    def _uploads_needed(
        self, dataset: DatasetRecord, desired: DesiredPackage, remote: dict[str, Any]
    ) -> list[str]:
        by_id = {item.get(RESOURCE_ID_KEY): item for item in remote.get("resources") or []}
        needed = []
        for resource_id in desired.uploads:
            record = dataset.current.resource(resource_id)
            theirs = by_id.get(resource_id) or {}
            if (
                record is None
                or not theirs.get("url")
                or theirs.get("hash") != f"sha256:{record.sha256}"
            ):
                needed.append(resource_id)
        return needed

    def _upload(
        self, dataset: DatasetRecord, resource_ids: list[str], remote: dict[str, Any]
    ) -> None:
        """Upload the files of these resources into the target's copies of them."""
        by_id = {item.get(RESOURCE_ID_KEY): item for item in remote.get("resources") or []}
        for resource_id in resource_ids:
            record = dataset.current.resource(resource_id)
            theirs = by_id.get(resource_id)
            if record is None or theirs is None:
                continue
            file = self.catalog.resource_file(
                dataset.name, resource_id, viewer=Principal.operator()
            )
            self.client.upload(
                theirs["id"],
                file.path,
                file.filename,
                {"hash": f"sha256:{file.sha256}", "mimetype": file.media_type},
            )

    def _withdraw(self, dataset: DatasetRecord, registration: Registration) -> Outcome:
        remote = None
        if registration.remote_id:
            remote = self.client.show("package_show", registration.remote_id)
        if remote is not None and remote.get("state") != "deleted":
            if self.target.withdraw == "delete":
                self.client.call("package_delete", {"id": remote["id"]})
            elif not remote.get("private"):
                patch: dict[str, Any] = {"id": remote["id"], "private": True}
                if self.target.profile == "gdc":
                    patch["allow_harvest"] = "False"
                self.client.call("package_patch", patch)
        return Outcome(
            dataset=dataset.name,
            action="withdrawn",
            remote_id=registration.remote_id,
            remote_name=registration.remote_name,
        )

    # --- recording --------------------------------------------------------------------------

    def _succeeded(
        self,
        item: OutboxItem,
        dataset: DatasetRecord,
        outcome: Outcome,
        fingerprint: str,
        withdrawn: bool,
    ) -> None:
        with self.catalog.write() as session:
            registration = _registration(session, self.target.name, dataset.id)
            registration.remote_id = outcome.remote_id or registration.remote_id
            registration.remote_name = outcome.remote_name or registration.remote_name
            registration.state = "withdrawn" if withdrawn else "registered"
            registration.pushed_hash = None if withdrawn else fingerprint
            registration.pushed_version = None if withdrawn else dataset.version
            registration.last_error = None
            registration.attempts = 0
            registration.last_attempt_at = utcnow()
            registration.adaptations = [
                adaptation.model_dump(mode="json") for adaptation in outcome.adaptations
            ]
            if outcome.action in ("created", "updated") or registration.registered_at is None:
                registration.registered_at = utcnow()
            current = session.scalar(
                select(DatasetVersion.content_hash)
                .join(DatasetRow, DatasetRow.current_version_id == DatasetVersion.id)
                .where(DatasetRow.id == dataset.id)
            )
            state = session.scalar(select(DatasetRow.state).where(DatasetRow.id == dataset.id))
            if current == dataset.content_hash and state == dataset.state:
                outbox.complete(session, item.id)
            else:  # the dataset changed during the push: the item stays due
                outbox.release(session, item.id)
            audit.record(
                session,
                self.actor.name,
                f"registration.{outcome.action}",
                "dataset",
                object_id=dataset.id,
                object_name=dataset.name,
                detail={
                    "target": self.target.name,
                    "remote_id": outcome.remote_id,
                    "version": dataset.version,
                },
            )

    def _failed(
        self, item: OutboxItem, dataset: DatasetRecord, error: TargetError, fingerprint: str
    ) -> Outcome:
        # A transient failure counts against this dataset's attempts only when the target
        # still answers: otherwise the target is down, and an outage must not park datasets
        # (they would stay unregistered after it recovers) nor stretch their backoff.
        target_down = error.transient and not self.client.answers()
        record = error.record() | {"fingerprint": fingerprint, "target_down": target_down}
        give_up = not error.transient or (
            not target_down and item.attempts + 1 >= self.target.max_attempts
        )
        with self.catalog.write() as session:
            registration = _registration(session, self.target.name, dataset.id)
            registration.last_error = record
            registration.attempts += 1
            registration.last_attempt_at = utcnow()
            if give_up:
                registration.state = "failed"
            delay = min(
                dt.timedelta(seconds=self.target.backoff * 2 ** (item.attempts + 1)), MAX_DELAY
            )
            outbox.retry_later(
                session, item.id, record, delay=delay, give_up=give_up, counted=not target_down
            )
            audit.record(
                session,
                self.actor.name,
                "registration.error",
                "dataset",
                object_id=dataset.id,
                object_name=dataset.name,
                detail={"target": self.target.name, **record},
            )
        action: Action = "failed" if give_up else "deferred"
        return Outcome(dataset=dataset.name, action=action, error=record)


def _registration(session: Session, target: str, dataset_id: str) -> Registration:
    row = session.scalar(
        select(Registration).where(
            Registration.target == target, Registration.dataset_id == dataset_id
        )
    )
    if row is None:
        row = Registration(target=target, dataset_id=dataset_id, attempts=0)
        session.add(row)
    return row


def _patch(desired: DesiredPackage, remote: dict[str, Any]) -> dict[str, Any]:
    """package_patch payload: every field khlang sends, emptied fields khlang no longer has,
    the target's own extras kept, resources matched to the target's by khlang's resource id
    (so they are updated in place and keep their ids), and a deleted copy brought back."""
    patch = {**desired.package, **clearing_patch(desired.package, remote), "id": remote["id"]}
    patch["extras"] = desired.package.get("extras", []) + kept_extras(desired.package, remote)
    theirs = {item.get(RESOURCE_ID_KEY): item for item in remote.get("resources") or []}
    resources = []
    for resource in desired.package.get("resources", []):
        match = theirs.get(resource.get(RESOURCE_ID_KEY))
        resource = dict(resource)
        if match is not None:
            resource["id"] = match["id"]
            if resource.get(RESOURCE_ID_KEY) in desired.uploads:
                # The file and its hash change only by uploading it (afterwards).
                for key in ("url", "url_type", "hash"):
                    resource[key] = match.get(key)
        resources.append(resource)
    patch["resources"] = resources
    if remote.get("state") == "deleted":
        patch["state"] = "active"
    return patch


def _outcome(
    dataset: DatasetRecord, action: Action, remote: dict[str, Any], desired: DesiredPackage
) -> Outcome:
    return Outcome(
        dataset=dataset.name,
        action=action,
        remote_id=remote.get("id"),
        remote_name=remote.get("name"),
        adaptations=desired.adaptations,
    )


def _name_unavailable(name: str) -> TargetError:
    return TargetError(
        "permanent",
        Text(
            th=f"ชื่อ {name} ถูกใช้แล้วบนปลายทางโดยชุดข้อมูลที่ khlang มองไม่เห็น "
            "(อาจเป็นชุดข้อมูลส่วนตัวของหน่วยงานอื่น หรืออยู่ในถังขยะ)",
            en=f"the name {name} is taken on the target by a dataset khlang cannot see (a private "
            "dataset of another organisation, or one in the trash)",
        ),
        action="package_create",
        status=409,
        fields={"name": ["That URL is already in use."]},
    )


__all__ = ["Outcome", "RunReport", "push_fingerprint", "register"]
