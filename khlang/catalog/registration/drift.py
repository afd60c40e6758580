"""`khlang register --check`: what the target holds against what khlang would send now.

Read-only on both sides. For every dataset of the organisations the target takes it reads
the target's package with `package_show` (the database, not the search index, which can lag)
and lists every differing field; it also lists khlang's datasets missing on the target, the
target's packages in those organisations that khlang does not know, withdrawn datasets that
are still public there, and duplicates: two packages carrying the same khlang id, or the
same title.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import select

from khlang.catalog.principals import Principal
from khlang.catalog.records import DatasetRecord
from khlang.catalog.registration.client import CkanClient, TargetError
from khlang.catalog.registration.mapping import (
    ID_EXTRA,
    Difference,
    desired_package,
    differences,
    name_held,
    remote_owner,
)
from khlang.catalog.registration.settings import Target
from khlang.catalog.tables import Registration

if TYPE_CHECKING:
    from khlang.catalog.store import Catalog


class DatasetDrift(BaseModel):
    dataset: str
    remote_name: str
    differences: list[Difference]


class Duplicate(BaseModel):
    by: str
    """`khlang_id` or `title`."""
    value: str
    packages: list[str]


class DriftReport(BaseModel):
    target: str
    compared: int
    in_sync: int
    differing: list[DatasetDrift]
    missing_on_target: list[str]
    only_on_target: list[str]
    withdrawn_still_offered: list[str]
    duplicates: list[Duplicate]
    errors: list[dict[str, Any]]

    @property
    def ok(self) -> bool:
        return not (
            self.differing
            or self.missing_on_target
            or self.only_on_target
            or self.withdrawn_still_offered
            or self.duplicates
            or self.errors
        )


def check_drift(catalog: Catalog, target: Target) -> DriftReport:
    operator = Principal.operator()
    datasets = [
        record
        for summary in catalog.datasets(viewer=operator, include_withdrawn=True)
        if target.remote_organization(summary.organization) is not None
        for record in [catalog.dataset(summary.name, viewer=operator)]
    ]
    with catalog.read() as session:
        query = select(Registration.dataset_id, Registration.remote_id).where(
            Registration.target == target.name
        )
        remote_ids = dict(session.execute(query).all())
    client = CkanClient(target.url, target.token, timeout=target.timeout)
    try:
        return _compare(client, target, datasets, remote_ids)
    finally:
        client.close()


def _compare(
    client: CkanClient,
    target: Target,
    datasets: list[DatasetRecord],
    remote_ids: dict[str, str | None],
) -> DriftReport:
    organizations = sorted(
        {target.remote_organization(item.organization) or "" for item in datasets}
    )
    listed: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for organization in organizations:
        try:
            listed += client.search(
                {"fq": f'organization:"{organization}"', "include_private": True}
            )
        except TargetError as error:
            errors.append({"organization": organization, **error.record()})
    by_id = {package["id"]: package for package in listed}
    by_name = {package["name"]: package for package in listed}
    report = DriftReport(
        target=target.name,
        compared=0,
        in_sync=0,
        differing=[],
        missing_on_target=[],
        only_on_target=[],
        withdrawn_still_offered=[],
        duplicates=_duplicates(listed),
        errors=errors,
    )
    claimed: set[str] = set()
    for dataset in datasets:
        known = by_id.get(remote_ids.get(dataset.id) or "") or by_name.get(dataset.name)
        try:
            remote = client.show("package_show", known["id"] if known else dataset.name)
        except TargetError as error:
            report.errors.append({"dataset": dataset.name, **error.record()})
            continue
        organization = target.remote_organization(dataset.organization) or ""
        owner = None if remote is None else remote_owner(remote, dataset.id, organization)
        if owner is not None:
            # another agency's package of the same name: not this dataset's copy, and not
            # to be compared with it as if a push would bring it in line (a push refuses)
            report.errors.append(
                {"dataset": dataset.name, **name_held(dataset.name, owner).record()}
            )
            continue
        if remote is not None:
            claimed.add(remote["id"])
        _judge(report, target, dataset, remote)
    report.only_on_target = sorted(
        package["name"] for package in listed if package["id"] not in claimed
    )
    return report


def _judge(
    report: DriftReport, target: Target, dataset: DatasetRecord, remote: dict[str, Any] | None
) -> None:
    offered = remote is not None and remote.get("state") != "deleted"
    if dataset.state == "withdrawn":
        still = offered and (target.withdraw == "delete" or not (remote or {}).get("private"))
        if still:
            report.withdrawn_still_offered.append(dataset.name)
        return
    if not offered or remote is None:
        report.missing_on_target.append(dataset.name)
        return
    report.compared += 1
    organization = target.remote_organization(dataset.organization) or ""
    desired = desired_package(dataset, dataset.current, target, organization)
    found = differences(desired.package, remote, uploads=bool(desired.uploads))
    if found:
        report.differing.append(
            DatasetDrift(dataset=dataset.name, remote_name=remote["name"], differences=found)
        )
    else:
        report.in_sync += 1


def _duplicates(packages: list[dict[str, Any]]) -> list[Duplicate]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for package in packages:
        extras = {item["key"]: item["value"] for item in package.get("extras") or []}
        if extras.get(ID_EXTRA):
            groups[("khlang_id", extras[ID_EXTRA])].append(package["name"])
        if package.get("title"):
            groups[("title", " ".join(package["title"].split()))].append(package["name"])
    return [
        Duplicate(by=by, value=value, packages=sorted(names))
        for (by, value), names in sorted(groups.items())
        if len(names) > 1
    ]
