"""The labels of the area-budget tables' codes (`budget_type=subsidy` reads "งบเงินอุดหนุน" /
"Subsidies", `lao_type=TAO` is abbreviated อบต.), kept from the Table Schemas of the catalog's
current, offered versions (their `categories`, khlang.metadata.field_semantics).

The publishers write the labels into every schema they publish; the store keeps those of
each offered dataset (`area_code_labels`, one row per dataset, role and code) in the same
transaction as its amounts (maintain.py), so the web site labels codes from the catalog
alone, never from the publishers' vocabularies, and a withdrawal takes its labels with it.
codes.py reads them for the web site.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from khlang.catalog import table_schemas
from khlang.catalog.tables import AreaCodeLabel, DatasetVersion
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.metadata.field_semantics import CodeLabel, code_labels

Row = tuple[str, str, str, bool, str | None, str | None, str | None, int]
"""(dataset id, role, code, private, Thai label, English label, abbreviation, position)"""


def resource_metadata(session: Session, version: DatasetVersion) -> list[dict[str, Any]]:
    """The version's resources with their Table Schemas, in their order (a stored file's
    link names its resource by position)."""
    resources = table_schemas.full_metadata(session, [version])[version.id].get("resources")
    return list(resources or [])


def labels_of(resources: Iterable[dict[str, Any]]) -> dict[tuple[str, str], CodeLabel]:
    """(role, code) -> its label in a version's schemas (the first schema to label a code
    wins: the tables of one version share the publisher's vocabulary)."""
    found: dict[tuple[str, str], CodeLabel] = {}
    for item in resources:
        schema = item.get("schema") if isinstance(item, dict) else None
        for label in code_labels(schema):
            found.setdefault((label.role, label.code), label)
    return found


def _rows(dataset: DatasetRow, resources: Iterable[dict[str, Any]]) -> list[Row]:
    return [
        (
            dataset.id,
            item.role,
            item.code,
            bool(dataset.private),
            item.label.th if item.label else None,
            item.label.en if item.label else None,
            item.abbreviation,
            item.position,
        )
        for item in labels_of(resources).values()
    ]


_FIELDS = ("dataset_id", "role", "code", "private", "label_th", "label_en", "abbreviation_th",
           "position")  # fmt: skip


def add(session: Session, dataset: DatasetRow, resources: Iterable[dict[str, Any]]) -> None:
    """Keep the labels of the dataset's offered version."""
    rows = _rows(dataset, resources)
    if rows:
        session.execute(
            insert(AreaCodeLabel), [dict(zip(_FIELDS, row, strict=True)) for row in rows]
        )


def remove(session: Session, dataset_id: str) -> None:
    session.execute(delete(AreaCodeLabel).where(AreaCodeLabel.dataset_id == dataset_id))


def remove_all(session: Session) -> None:
    session.execute(delete(AreaCodeLabel))


def _offered(session: Session) -> list[tuple[DatasetRow, DatasetVersion]]:
    """Every dataset that is offered, with its current version."""
    found = session.execute(
        select(DatasetRow, DatasetVersion)
        .join(DatasetVersion, DatasetVersion.id == DatasetRow.current_version_id)
        .where(DatasetRow.state == "active", DatasetVersion.status == "published")
    ).all()
    return [(dataset, version) for dataset, version in found]


def fill(session: Session) -> None:
    """Keep the labels of every offered version (the migration that made the table)."""
    for dataset, version in _offered(session):
        add(session, dataset, resource_metadata(session, version))


def differences(session: Session) -> int:
    """Rows the store holds that the current, offered versions' schemas do not say, and
    rows they say that it lacks (`khlang catalog check`)."""
    expected: set[Row] = set()
    for dataset, version in _offered(session):
        expected.update(_rows(dataset, resource_metadata(session, version)))
    stored = {
        tuple(row)
        for row in session.execute(select(*(getattr(AreaCodeLabel, name) for name in _FIELDS)))
    }
    return len(expected ^ stored)
