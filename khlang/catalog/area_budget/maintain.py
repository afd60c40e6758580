"""Keeping the store in step with the catalog, in the caller's transaction.

`refresh(session, blobs, dataset_id)` is called by every write that changes what a dataset
offers: publishing a version (publish.py, in the commit transaction), withdrawing and
reinstating (store.py). It drops the amounts of the dataset's previous version and feeds
those of the current one, if the dataset is offered, updates the pre-summed cells either
changes (deltas.py: by the difference of the amounts it moves), and keeps the code labels of
the current version's schemas (labels.py). `rebuild` does the same for every dataset, in
publication order, from the stored files alone; `khlang catalog check` compares a rebuild
with the store (verify.py).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from khlang.catalog.area_budget import cells, deltas, election, labels
from khlang.catalog.area_budget.bulk import insert_frame
from khlang.catalog.area_budget.extract import (
    SourceTable,
    VersionFile,
    read_amounts,
    source_tables,
    version_file,
)
from khlang.catalog.area_budget.keys import group_keys, ranks
from khlang.catalog.area_budget.match import CHUNK, line_keys
from khlang.catalog.blobs import BlobStore
from khlang.catalog.tables import (
    AreaAmount,
    AreaCell,
    AreaSource,
    DatasetVersion,
    Organization,
    VersionResource,
)
from khlang.catalog.tables import Dataset as DatasetRow

COLUMNS = tuple(column.key for column in AreaAmount.__table__.columns if column.key != "id")


def refresh(session: Session, blobs: BlobStore, dataset_id: str) -> list[int]:
    """Drop the dataset's amounts and feed those of its current version when it is offered,
    then update the cells by the difference (deltas.py); the ids of the sources added."""
    deltas.mark(session, _source_ids(session, dataset_id))
    added = _replace(session, blobs, dataset_id)
    deltas.apply(session, added)
    return added


def _source_ids(session: Session, dataset_id: str) -> list[int]:
    return list(session.scalars(select(AreaSource.id).where(AreaSource.dataset_id == dataset_id)))


def _replace(session: Session, blobs: BlobStore, dataset_id: str) -> list[int]:
    """The amounts of the dataset's current version in place of its earlier ones (cells
    left as they were)."""
    remove(session, dataset_id)
    labels.remove(session, dataset_id)
    session.flush()
    found = session.execute(
        select(DatasetRow, Organization.name)
        .join(Organization, Organization.id == DatasetRow.organization_id)
        .where(DatasetRow.id == dataset_id)
    ).first()
    if found is None:
        return []
    row, organization = found
    if row.state != "active" or row.current_version_id is None:
        return []
    version = session.get(DatasetVersion, row.current_version_id)
    if version is None or version.status != "published":
        return []
    resources = labels.resource_metadata(session, version)
    labels.add(session, row, resources)
    return [
        _add(session, table, row, organization, version)
        for table in source_tables(files_of(session, blobs, version, resources))
    ]


def remove(session: Session, dataset_id: str) -> None:
    """Take every amount of the dataset out of the store, and count the next best source's
    amounts where its were counted."""
    removed = _source_ids(session, dataset_id)
    for source in removed:
        election.before_removing(session, source)
    if not removed:
        return
    session.execute(delete(AreaAmount).where(AreaAmount.source_id.in_(removed)))
    session.execute(delete(AreaSource).where(AreaSource.id.in_(removed)))
    election.elect_marked(session)


def rebuild(session: Session, blobs: BlobStore) -> None:
    """Empty the store and feed every offered dataset's current version again, oldest
    publication first (the order incremental updates saw); then every cell again."""
    session.execute(delete(AreaCell))
    session.execute(delete(AreaAmount))
    session.execute(delete(AreaSource))
    labels.remove_all(session)
    datasets = session.scalars(
        select(DatasetRow.id)
        .join(DatasetVersion, DatasetVersion.id == DatasetRow.current_version_id)
        .where(DatasetRow.state == "active")
        .order_by(DatasetVersion.published_at, DatasetRow.name)
    ).all()
    for dataset_id in datasets:
        _replace(session, blobs, dataset_id)
    cells.recompute_all(session)


def files_of(
    session: Session,
    blobs: BlobStore,
    version: DatasetVersion,
    resources: list[dict[str, Any]] | None = None,
) -> list[VersionFile]:
    """The version's stored tables (`resources`: its resources' metadata, when the caller
    has read it already)."""
    if resources is None:
        resources = labels.resource_metadata(session, version)
    links = session.scalars(
        select(VersionResource).where(VersionResource.version_id == version.id)
    ).all()
    found = []
    for link in links:
        path = blobs.path(link.blob_sha256) if link.blob_sha256 else None
        # A missing file is `catalog check`'s missing-file finding; it feeds nothing here.
        if path is None or not path.is_file() or link.position >= len(resources):
            continue
        item = version_file(link.resource_id, path, resources[link.position])
        if item is not None:
            found.append(item)
    return found


def _add(
    session: Session,
    table: SourceTable,
    dataset: DatasetRow,
    organization: str,
    version: DatasetVersion,
) -> int:
    source = AreaSource(
        dataset_id=dataset.id,
        version_id=version.id,
        resource_id=table.file.resource_id,
        dataset=dataset.name,
        version=version.number or 0,
        organization=organization,
        private=bool(dataset.private),
        kind=table.kind,
    )
    session.add(source)
    session.flush()
    # Seniority is the dataset's, not this version's: a new version of a dataset (a
    # correction) keeps its place, and another agency's copy of its lines, published in
    # between, never takes the count from it.
    first_published = dataset.created_at
    read = stored = 0
    for rows_so_far, frame in read_amounts(table):
        read = rows_so_far
        if frame.empty:
            continue
        for name in COLUMNS:
            if name not in frame:
                frame[name] = None
        frame["source_id"] = source.id
        frame["source_system"] = frame["source_system"].fillna(organization)
        matched = line_keys(session, source.id, frame)
        frame["line_key"] = _keys(frame["line_id"], matched)
        frame["group_key"] = group_keys(frame)
        frame["rank"] = ranks(frame, first_published, dataset.id)
        frame["counted"] = _counted_unless_shared(session, frame["group_key"])
        insert_frame(session, AreaAmount.__tablename__, frame[list(COLUMNS)])
        stored += len(frame)
    source.rows, source.amounts = read, stored
    session.flush()
    election.after_adding(session, source.id, stored)
    return source.id


def _keys(lines: pd.Series, matched: dict[str, str]) -> pd.Series:
    """Each amount's line key: the line it was matched to, else its own id."""
    plain = lines.astype(object)
    return plain.map(lambda line: matched.get(line, line)) if matched else plain


def _counted_unless_shared(session: Session, groups: pd.Series) -> pd.Series:
    """True for amounts of groups no stored amount shares yet (the new source is their only
    one, so it is counted), None (to be elected) for the others: at national scale most
    groups are new, and electing them would rewrite millions of rows for nothing."""
    shared: set[str] = set()
    unique = groups.unique()
    for start in range(0, len(unique), CHUNK):
        chunk = list(unique[start : start + CHUNK])
        shared.update(
            session.scalars(
                select(AreaAmount.group_key).where(AreaAmount.group_key.in_(chunk)).distinct()
            )
        )
    return groups.map(lambda group: None if group in shared else True).astype(object)
