"""The GD Catalog harvester's view of each registered dataset (`khlang register --status`).

An agency catalog running ckanext-thai_gdc asks the central harvester
(`harvester.gdcatalog.go.th` by default) about a dataset with two calls, and khlang makes
the same ones for every dataset it registered to a `gdc` target that consents to harvesting
(FIELDS.md §4.2):

    POST {harvester}/api/3/action/gdcatalog_published_state
    POST {harvester}/api/3/action/gdcatalog_nonpublish_state
    {"site_url": "<host of the agency catalog>", "package": "<the dataset's id there>"}

A non-empty `metadata_modified` in the published reply's `result[0]` means the dataset is
registered (COMPLETED, at `https://gdcatalog.go.th/dataset/gdpublish-<name>`); otherwise
the non-published reply's `governance_state` says where it is (WAIT, VALIDATE, APPROVAL,
REJECT, ...). An empty result from both means the harvester does not know the dataset yet.

The real harvester is not reachable from khlang's development machines: the tests run this
client against a local server that follows the request and reply shapes above.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel
from sqlalchemy import select

from khlang import __version__
from khlang.catalog import audit
from khlang.catalog.context import CatalogContext
from khlang.catalog.principals import Principal
from khlang.catalog.registration.settings import Target
from khlang.catalog.tables import GDC_NOT_FOUND, DatasetVersion, Registration, utcnow
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.i18n import Text
from khlang.metadata.budget_bureau import RegistrationState

COMPLETED = RegistrationState.COMPLETED.value
NOT_FOUND = GDC_NOT_FOUND
STATE_LABELS = {
    "WAIT": Text(th="พร้อมลงทะเบียน", en="ready to register"),
    "VALIDATE": Text(th="อยู่ระหว่างตรวจสอบ", en="being validated"),
    "VALIDATE_MODIFIED": Text(th="อยู่ระหว่างตรวจสอบ (แก้ไขแล้ว)", en="being validated (modified)"),
    "APPROVAL": Text(th="อยู่ระหว่างอนุมัติ ควรงดแก้ไข", en="awaiting approval; avoid editing"),
    "REJECT": Text(th="ไม่ผ่านเกณฑ์", en="failed the criteria"),
    "WAIT_REVOKE": Text(th="อยู่ระหว่างเพิกถอน", en="being revoked"),
    "REVOKE": Text(th="อยู่ระหว่างเพิกถอน", en="being revoked"),
    "DELETED": Text(th="เพิกถอนแล้ว", en="revoked"),
    COMPLETED: Text(th="ลงทะเบียนแล้ว", en="registered"),
    NOT_FOUND: Text(th="GD Catalog ยังไม่รู้จักชุดข้อมูลนี้", en="not known to the GD Catalog yet"),
}


class GdcStatus(BaseModel):
    dataset: str
    state: str | None
    """A harvester state (see STATE_LABELS), NOT_FOUND, or None when it could not be read."""
    registered: bool
    published_name: str | None = None
    metadata_modified: str | None = None
    validate_time: str | None = None
    error: str | None = None

    @property
    def label(self) -> Text | None:
        return STATE_LABELS.get(self.state or "")


def poll_gdc_status(
    catalog: CatalogContext, target: Target, *, actor: Principal, client: httpx.Client | None = None
) -> list[GdcStatus]:
    """Ask the harvester about every dataset registered to `target` and record the answers
    in the registrations (`gdc_state`, `gdc_detail`, `gdc_checked_at`)."""
    with catalog.read() as session:
        rows = session.execute(
            select(
                Registration.dataset_id,
                Registration.remote_id,
                DatasetRow.name,
                DatasetRow.private,
                DatasetVersion.metadata_,
            )
            .join(DatasetRow, DatasetRow.id == Registration.dataset_id)
            .join(DatasetVersion, DatasetVersion.id == DatasetRow.current_version_id)
            .where(
                Registration.target == target.name,
                Registration.state == "registered",
                Registration.remote_id.is_not(None),
                DatasetRow.state == "active",
            )
            .order_by(DatasetRow.name)
        ).all()
    own = client is None
    client = client or httpx.Client(
        timeout=target.gdc.timeout, headers={"User-Agent": f"khlang/{__version__}"}
    )
    results: dict[str, GdcStatus] = {}
    try:
        for dataset_id, remote_id, name, private, metadata in rows:
            # The harvester only takes public datasets whose owner consents (allow_harvest).
            if private or metadata.get("allow_harvest") is False:
                continue
            results[dataset_id] = _ask(client, target, name, remote_id)
    finally:
        if own:
            client.close()
    with catalog.write() as session:
        now = utcnow()
        for dataset_id, status in results.items():
            registration = session.scalar(
                select(Registration).where(
                    Registration.target == target.name, Registration.dataset_id == dataset_id
                )
            )
            if registration is None:
                continue
            if status.state is not None:
                registration.gdc_state = status.state
            registration.gdc_detail = status.model_dump(exclude={"dataset"})
            registration.gdc_checked_at = now
        audit.record(
            session,
            actor.name,
            "registration.gdc_status",
            "target",
            object_name=target.name,
            detail={
                "datasets": len(results),
                "completed": sum(item.registered for item in results.values()),
            },
        )
    return sorted(results.values(), key=lambda status: status.dataset)


def _ask(client: httpx.Client, target: Target, name: str, remote_id: str) -> GdcStatus:
    body = {"site_url": target.site_host, "package": remote_id}
    base = target.gdc.harvester_url.rstrip("/") + "/api/3/action/"
    try:
        published = _first(client.post(base + "gdcatalog_published_state", json=body))
        if published.get("metadata_modified"):
            return GdcStatus(
                dataset=name,
                state=COMPLETED,
                registered=True,
                published_name=published.get("name"),
                metadata_modified=published.get("metadata_modified"),
            )
        waiting = _first(client.post(base + "gdcatalog_nonpublish_state", json=body))
    except (httpx.HTTPError, ValueError) as error:
        return GdcStatus(dataset=name, state=None, registered=False, error=str(error)[:300])
    state = waiting.get("governance_state") or NOT_FOUND
    return GdcStatus(
        dataset=name,
        state=state,
        registered=False,
        validate_time=waiting.get("validate_time") or None,
    )


def _first(response: httpx.Response) -> dict[str, Any]:
    """`result[0]` of a CKAN-style reply, `{}` when the harvester knows nothing."""
    response.raise_for_status()
    document = response.json()
    result = document.get("result") if isinstance(document, dict) else None
    if isinstance(result, list) and result and isinstance(result[0], dict):
        return result[0]
    if isinstance(result, dict):
        return result
    return {}
