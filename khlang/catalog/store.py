"""The catalog: open it, read datasets, versions and files, and reach the writers.

    from khlang.catalog import Catalog
    with Catalog.open(home) as catalog:            # or KHLANG_HOME / KHLANG_DATABASE_URL
        for summary in catalog.datasets():         # public, active datasets
            record = catalog.dataset(summary.name) # current version, metadata, resources
        file = catalog.resource_file(name, resource_id)   # .path, .media_type, ...

Readers get immutable records (`records.py`). Only published versions are ever visible: a
dataset whose first publish has not completed does not exist for readers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVarTuple

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session, aliased

from khlang.catalog import audit, changes, errors, table_schemas, table_sources
from khlang.catalog.accounts import Accounts, organization_record
from khlang.catalog.blobs import DEFAULT_MEDIA_TYPE
from khlang.catalog.context import CatalogContext
from khlang.catalog.database import (
    create_catalog_engine,
    current_revision,
    migrate,
)
from khlang.catalog.feedback import Feedback
from khlang.catalog.gate import Gate, default_gate
from khlang.catalog.location import CatalogLocation, resolve_location
from khlang.catalog.outbox import enqueue_for_registered_targets
from khlang.catalog.principals import ANONYMOUS, Principal
from khlang.catalog.records import (
    AuditRecord,
    CheckReport,
    DatasetRecord,
    DatasetSummary,
    OrganizationRecord,
    RegistrationRecord,
    ResourceFile,
    ResourceRecord,
    TableSourceRecord,
    VersionRecord,
    VersionSummary,
)
from khlang.catalog.score import catalog_state
from khlang.catalog.search import engine as search_engine
from khlang.catalog.search.query import DatasetCard, SearchQuery, SearchResult
from khlang.catalog.tables import (
    AuditEntry,
    DatasetVersion,
    Organization,
    Registration,
    Resource,
    VersionResource,
    utcnow,
)
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.i18n import Text
from khlang.metadata.budget_bureau import CatalogState
from khlang.metadata.model import Dataset

if TYPE_CHECKING:
    from khlang.catalog.publish import PublishResult

_Columns = TypeVarTuple("_Columns")


class Catalog:
    """One catalog: a database and a file store. Thread-safe for reading; each call opens
    and closes its own session."""

    def __init__(self, location: CatalogLocation, engine: Engine) -> None:
        self.context = CatalogContext.of(location, engine)
        self.location = location
        self.engine = engine
        self.blobs = self.context.blobs

    # --- opening --------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        home: Path | str | None = None,
        database_url: str | None = None,
        *,
        create: bool = False,
    ) -> Catalog:
        """Open the catalog at `home` (or KHLANG_HOME, or ./khlang-home) and bring its schema
        up to date. Without `create`, a catalog that was never initialised is an error, so
        a mistyped --home does not silently start an empty catalog."""
        location = resolve_location(home, database_url)
        if not create and location.is_sqlite and not (location.home / "catalog.sqlite").exists():
            raise _not_initialised(location)
        engine = create_catalog_engine(location)
        try:
            if not create and current_revision(engine) is None:
                raise _not_initialised(location)
            migrate(engine, location)
        except BaseException:
            engine.dispose()
            raise
        location.files.mkdir(parents=True, exist_ok=True)
        return cls(location, engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def read(self) -> AbstractContextManager[Session]:
        return self.context.read()

    def write(self) -> AbstractContextManager[Session]:
        """A write transaction: committed when the block ends, rolled back on an error.
        On SQLite it holds the database's write lock from its first statement."""
        return self.context.write()

    # --- datasets -------------------------------------------------------------------------

    def datasets(
        self,
        *,
        viewer: Principal = ANONYMOUS,
        organization: str | None = None,
        include_withdrawn: bool = False,
        limit: int | None = None,
        offset: int = 0,
        after: str | None = None,
        start: str | None = None,
    ) -> list[DatasetSummary]:
        """Datasets with a published version, by name. Private ones only for viewers with a
        role in their organisation; withdrawn ones only when asked.

        Page with `after` (the last name of the previous page, keyset paging: it walks the
        name index from there, so page 5,000 costs what page 1 does) rather than `offset`
        (which reads and skips every earlier row), or from `start` (that name included);
        only the summary's columns are read, never a version's metadata."""
        query = self._listing(viewer, organization, include_withdrawn)
        if after is not None:
            query = query.where(DatasetRow.name > after)
        if start is not None:
            query = query.where(DatasetRow.name >= start)
        query = query.order_by(DatasetRow.name).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.read() as session:
            return [DatasetSummary.model_validate(row._mapping) for row in session.execute(query)]

    def names(
        self,
        *,
        viewer: Principal = ANONYMOUS,
        start: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[str]:
        """The names of the datasets `viewer` sees (published, not withdrawn), by name,
        from `start` on (itself included): a walk of the name index, no version read."""
        query = self._visible(select(DatasetRow.name), viewer, None, False)
        if start is not None:
            query = query.where(DatasetRow.name >= start)
        query = query.order_by(DatasetRow.name).offset(offset).limit(limit)
        with self.read() as session:
            return list(session.scalars(query))

    def name_marks(self, every: int, *, viewer: Principal = ANONYMOUS) -> list[str]:
        """Every `every`-th name of `names()` (the 1st, the every+1-th, ...), numbered in the
        database by a window over the name index and sent back alone (100 names for
        100,000 datasets by 1,000). With them, an offset becomes a keyset:
        `names(start=marks[offset // every], offset=offset % every)` walks fewer than
        `every` entries however deep the offset."""
        numbered = self._visible(
            select(
                DatasetRow.name,
                func.row_number().over(order_by=DatasetRow.name).label("position"),
            ),
            viewer,
            None,
            False,
        ).subquery()
        query = (
            select(numbered.c.name)
            .where((numbered.c.position - 1) % every == 0)
            .order_by(numbered.c.position)
        )
        with self.read() as session:
            return list(session.scalars(query))

    def count_datasets(
        self,
        *,
        viewer: Principal = ANONYMOUS,
        organization: str | None = None,
        include_withdrawn: bool = False,
    ) -> int:
        query = self._visible(
            select(func.count(DatasetRow.id)), viewer, organization, include_withdrawn
        )
        with self.read() as session:
            return session.scalar(query) or 0

    def count_by_organization(self, *, viewer: Principal = ANONYMOUS) -> dict[str, int]:
        """Organisation name -> its datasets `viewer` sees, in one grouped query (an
        organisation list of 8,000 must not cost 8,000 counts)."""
        query = self._visible(
            select(Organization.name, func.count(DatasetRow.id)), viewer, None, False
        ).group_by(Organization.name)
        with self.read() as session:
            return {name: int(count) for name, count in session.execute(query)}

    def change_stamp(self) -> int:
        """A value that changes whenever a dataset is published, withdrawn or reinstated,
        read from a few rows whatever the catalog's size (`changes.py`), so that a reader
        (the API's feed total and name marks, ApiState.while_unchanged) can poll it instead
        of re-listing the catalog to learn that nothing changed."""
        with self.read() as session:
            return changes.stamp(session)

    def _listing(
        self, viewer: Principal, organization: str | None, include_withdrawn: bool
    ) -> Select[*tuple[Any, ...]]:
        query = select(
            DatasetRow.id,
            DatasetRow.name,
            Organization.name.label("organization"),
            DatasetRow.title,
            DatasetRow.private,
            DatasetRow.state,
            func.coalesce(DatasetVersion.number, 0).label("version"),
            DatasetVersion.content_hash,
            func.coalesce(DatasetVersion.published_at, DatasetVersion.created_at).label("modified"),
            DatasetRow.created_at,
        ).join(DatasetVersion, DatasetVersion.id == DatasetRow.current_version_id)
        return self._visible(query, viewer, organization, include_withdrawn)

    @staticmethod
    def _visible(
        query: Select[*_Columns],
        viewer: Principal,
        organization: str | None,
        include_withdrawn: bool,
    ) -> Select[*_Columns]:
        query = query.join(Organization, Organization.id == DatasetRow.organization_id).where(
            DatasetRow.current_version_id.is_not(None)
        )
        if organization is not None:
            query = query.where(Organization.name == organization)
        if not include_withdrawn:
            query = query.where(DatasetRow.state == "active")
        if not viewer.sysadmin:
            visible = [name for name in viewer.roles if viewer.can_see_private(name)]
            query = query.where(DatasetRow.private.is_(False) | Organization.name.in_(visible))
        return query

    def current_versions(
        self, names: Iterable[str], *, viewer: Principal = ANONYMOUS, chunk: int = 500
    ) -> Iterator[VersionRecord]:
        """The current versions of many datasets (those `viewer` may see), read `chunk` at a
        time with two queries per chunk instead of three per dataset: what indexing or
        preparing a whole catalog needs."""
        wanted = list(names)
        for start in range(0, len(wanted), chunk):
            part = wanted[start : start + chunk]
            with self.read() as session:
                rows = session.execute(
                    select(DatasetRow.name, DatasetRow.private, Organization.name, DatasetVersion)
                    .join(Organization, Organization.id == DatasetRow.organization_id)
                    .join(DatasetVersion, DatasetVersion.id == DatasetRow.current_version_id)
                    .where(DatasetRow.name.in_(part))
                    .order_by(DatasetRow.name)
                ).all()
                shown = [
                    (name, version)
                    for name, private, organization, version in rows
                    if not private or viewer.can_see_private(organization)
                ]
                links = _links(session, [version.id for _, version in shown])
                metadata = table_schemas.full_metadata(session, [version for _, version in shown])
                for name, version in shown:
                    yield _record_of(version, name, metadata[version.id], links.get(version.id, []))

    def table_sources(self) -> list[TableSourceRecord]:
        """The distinct tables (file and Table Schema) of the offered datasets' current
        versions, private ones included: what an API worker prepares for queries. A few
        rows kept by the writes (`table_sources.py`), whatever the catalog's size."""
        with self.read() as session:
            return table_sources.current_sources(session)

    def search(self, query: SearchQuery, *, visible_organizations: set[str] | None) -> SearchResult:
        """The datasets matching a search that a member of `visible_organizations` may see
        (None: every dataset), answered from the search tables every process shares."""
        with self.read() as session:
            return search_engine.search(session, query, visible_organizations=visible_organizations)

    def dataset_cards(
        self, names: list[str], *, visible_organizations: set[str] | None
    ) -> dict[str, DatasetCard]:
        """The search cards of these datasets that the caller may see, by name."""
        with self.read() as session:
            return search_engine.cards(session, names, visible_organizations=visible_organizations)

    def dataset_of_resource(self, resource_id: str) -> str | None:
        """The name of the offered dataset whose current version holds this resource."""
        with self.read() as session:
            return session.scalar(
                select(DatasetRow.name)
                .join(
                    VersionResource,
                    VersionResource.version_id == DatasetRow.current_version_id,
                )
                .where(VersionResource.resource_id == resource_id, DatasetRow.state == "active")
            )

    def dataset(self, name: str, *, viewer: Principal = ANONYMOUS) -> DatasetRecord:
        """A dataset (by name or id) with its current version."""
        with self.read() as session:
            row, organization = self._visible_dataset(session, name, viewer)
            current = session.get(DatasetVersion, row.current_version_id)
            assert current is not None
            return _dataset_record(row, organization, _version_record(session, current, row.name))

    def dataset_records(
        self, names: list[str], *, viewer: Principal = ANONYMOUS
    ) -> list[DatasetRecord]:
        """Many datasets with their current versions, in the order of `names`, leaving out
        those `viewer` may not see or that are gone: a page of search results (CKAN's
        package_search, up to 1,000) in four queries instead of four per dataset."""
        with self.read() as session:
            rows = session.execute(
                select(DatasetRow, Organization.name, DatasetVersion)
                .join(Organization, Organization.id == DatasetRow.organization_id)
                .join(DatasetVersion, DatasetVersion.id == DatasetRow.current_version_id)
                .where(DatasetRow.name.in_(names))
            ).all()
            shown = [
                (row, organization, version)
                for row, organization, version in rows
                if not row.private or viewer.can_see_private(organization)
            ]
            links = _links(session, [version.id for _, _, version in shown])
            metadata = table_schemas.full_metadata(session, [version for _, _, version in shown])
            found = {
                row.name: _dataset_record(
                    row,
                    organization,
                    _record_of(version, row.name, metadata[version.id], links.get(version.id, [])),
                )
                for row, organization, version in shown
            }
        return [found[name] for name in names if name in found]

    def version(
        self, name: str, number: int | None = None, *, viewer: Principal = ANONYMOUS
    ) -> VersionRecord:
        """One published version (the current one when `number` is None)."""
        with self.read() as session:
            row, _ = self._visible_dataset(session, name, viewer)
            version = self._published_version(session, row, number)
            return _version_record(session, version, row.name)

    def history(self, name: str, *, viewer: Principal = ANONYMOUS) -> list[VersionSummary]:
        """Every published version, newest first."""
        with self.read() as session:
            row, _ = self._visible_dataset(session, name, viewer)
            versions = session.scalars(
                select(DatasetVersion)
                .where(DatasetVersion.dataset_id == row.id, DatasetVersion.status == "published")
                .order_by(DatasetVersion.number.desc())
            )
            return [_version_summary(version, row.name) for version in versions]

    def resource_file(
        self,
        name: str,
        resource_id: str,
        *,
        version: int | None = None,
        viewer: Principal = ANONYMOUS,
    ) -> ResourceFile:
        """Where the bytes of a resource are (of the current version, or of `version`)."""
        with self.read() as session:
            row, _ = self._visible_dataset(session, name, viewer)
            found = self._published_version(session, row, version)
            link = session.get(VersionResource, (found.id, resource_id))
            if link is None or link.blob_sha256 is None:
                raise errors.not_found(errors.RESOURCE, resource_id)
            return ResourceFile(
                path=self.blobs.path(link.blob_sha256),
                filename=link.filename or resource_id,
                media_type=link.media_type or DEFAULT_MEDIA_TYPE,
                byte_size=link.byte_size or 0,
                sha256=link.blob_sha256,
                resource_id=resource_id,
                version=found.number or 0,
            )

    def _visible_dataset(
        self, session: Session, name: str, viewer: Principal
    ) -> tuple[DatasetRow, str]:
        found = session.execute(
            select(DatasetRow, Organization.name)
            .join(Organization, Organization.id == DatasetRow.organization_id)
            .where((DatasetRow.name == name) | (DatasetRow.id == name))
        ).first()
        if found is None or found[0].current_version_id is None:
            raise errors.not_found(errors.DATASET, name)
        row, organization = found
        if row.private and not viewer.can_see_private(organization):
            raise errors.not_found(errors.DATASET, name)
        return row, organization

    @staticmethod
    def _published_version(session: Session, row: DatasetRow, number: int | None) -> DatasetVersion:
        if number is None:
            version = session.get(DatasetVersion, row.current_version_id)
        else:
            version = session.scalar(
                select(DatasetVersion).where(
                    DatasetVersion.dataset_id == row.id,
                    DatasetVersion.number == number,
                    DatasetVersion.status == "published",
                )
            )
        if version is None:
            raise errors.not_found(errors.VERSION, f"{row.name}@{number}")
        return version

    # --- writing --------------------------------------------------------------------------

    def publish(
        self,
        folder: Path,
        *,
        actor: Principal,
        change_note: str | None = None,
        expected_version: int | None = None,
        create_organization: bool = False,
        gate: Gate | None = None,
    ) -> PublishResult:
        """Publish a dataset folder as a new version, atomically (see `publish.py`).
        Raises PublishRejectedError (with `.report`), ConflictError, PermissionDeniedError,
        NotFoundError (unknown organisation) or KhlangError (malformed folder)."""
        from khlang.catalog.publish import publish  # lazy: pandas via area_budget, +0.5-1 s

        return publish(
            self.context,
            folder,
            actor=actor,
            change_note=change_note,
            expected_version=expected_version,
            create_organization=create_organization,
            gate=gate or default_gate,
        )

    def withdraw(self, name: str, *, actor: Principal, note: str | None = None) -> None:
        """Stop offering a dataset: it stays in the catalog with its history, is left out
        of listings and of the area-budget store, and every target it was registered to is
        told (made private or deleted there, as the target is configured)."""
        self._set_state(name, "withdrawn", actor, note)

    def reinstate(self, name: str, *, actor: Principal) -> None:
        """Offer a withdrawn dataset again (and register it again where it was)."""
        self._set_state(name, "active", actor, None)

    def _set_state(self, name: str, state: str, actor: Principal, note: str | None) -> None:
        # lazy: pandas via area_budget, +0.5-1 s
        from khlang.catalog.area_budget import maintain as area_budget
        from khlang.catalog.search import maintain as search

        with self.write() as session:
            row, organization = self._visible_dataset(session, name, actor)
            if not actor.can_publish(organization):
                raise errors.PermissionDeniedError(
                    Text(
                        th=f"{actor.name} ไม่มีสิทธิ์เปลี่ยนสถานะชุดข้อมูลของ {organization}",
                        en=f"{actor.name} may not change the state of {organization}'s datasets",
                    ),
                    where=name,
                )
            if row.state == state:
                return
            counted = row.current_version_id  # a withdrawn dataset's tables are not prepared
            before, after = (counted, None) if state == "withdrawn" else (None, counted)
            table_sources.move(session, before, after)
            row.state = state
            row.lock_version += 1
            row.updated_at = utcnow()
            changes.record(session, row.id)
            row.withdrawn_at = utcnow() if state == "withdrawn" else None
            row.withdrawn_note = note if state == "withdrawn" else None
            enqueue_for_registered_targets(
                session, row.id, "withdraw" if state == "withdrawn" else "push"
            )
            area_budget.refresh(session, self.blobs, row.id)
            search.refresh(session, row.id)
            audit.record(
                session,
                actor.name,
                "dataset.withdraw" if state == "withdrawn" else "dataset.reinstate",
                "dataset",
                object_id=row.id,
                object_name=row.name,
                detail={"note": note} if note else None,
            )

    def check(
        self,
        *,
        actor: Principal,
        repair: bool = False,
        verify: bool = False,
        grace: dt.timedelta | None = None,
    ) -> CheckReport:
        """Compare the database with the stored files (`consistency.py`). Repair deletes
        stray files only once they are older than `grace` (default an hour)."""
        from khlang.catalog.consistency import DEFAULT_GRACE, check  # lazy: pandas, +0.5-1 s

        grace = DEFAULT_GRACE if grace is None else grace
        return check(self.context, actor=actor, repair=repair, verify=verify, grace=grace)

    def catalog_state(self, *, organization: str | None = None) -> CatalogState:
        """Catalog and GD Catalog registration facts for the Budget Bureau indicator
        (`score.py`)."""
        return catalog_state(self.context, organization=organization)

    @cached_property
    def accounts(self) -> Accounts:
        """Organisations, users, members and API keys (`accounts.py`)."""
        return Accounts(self.context)

    @cached_property
    def feedback(self) -> Feedback:
        """Public questions, error reports, dataset requests and answers (`feedback.py`)."""
        return Feedback(self.context)

    # --- organisations and the audit log --------------------------------------------------

    def organizations(self) -> list[OrganizationRecord]:
        parent = aliased(Organization)
        with self.read() as session:
            rows = session.execute(
                select(Organization, parent.name)
                .outerjoin(parent, parent.id == Organization.parent_id)
                .order_by(Organization.name)
            )
            return [organization_record(row, parent_name) for row, parent_name in rows]

    def organization(self, name: str) -> OrganizationRecord:
        """An organisation by name or id."""
        parent = aliased(Organization)
        with self.read() as session:
            found = session.execute(
                select(Organization, parent.name)
                .outerjoin(parent, parent.id == Organization.parent_id)
                .where((Organization.name == name) | (Organization.id == name))
            ).first()
            if found is None:
                raise errors.not_found(errors.ORGANIZATION, name)
            return organization_record(*found)

    def registrations(
        self,
        *,
        target: str | None = None,
        dataset: str | None = None,
        organization: str | None = None,
    ) -> list[RegistrationRecord]:
        """What each target catalog holds of each dataset, as far as khlang pushed it."""
        query = (
            select(Registration, DatasetRow.name)
            .join(DatasetRow, DatasetRow.id == Registration.dataset_id)
            .order_by(Registration.target, DatasetRow.name)
        )
        if target is not None:
            query = query.where(Registration.target == target)
        if dataset is not None:
            query = query.where(DatasetRow.name == dataset)
        if organization is not None:
            query = query.join(Organization, Organization.id == DatasetRow.organization_id).where(
                Organization.name == organization
            )
        with self.read() as session:
            return [
                RegistrationRecord.model_validate({**_columns(row), "dataset": name})
                for row, name in session.execute(query)
            ]

    def audit_log(self, *, object_name: str | None = None, limit: int = 100) -> list[AuditRecord]:
        """The newest entries first."""
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if object_name is not None:
            query = query.where(AuditEntry.object_name == object_name)
        with self.read() as session:
            return [
                AuditRecord.model_validate(entry, from_attributes=True)
                for entry in session.scalars(query)
            ]


# --- rows -> records ------------------------------------------------------------------------


def _version_summary(version: DatasetVersion, dataset: str) -> VersionSummary:
    return VersionSummary(
        id=version.id,
        dataset=dataset,
        number=version.number or 0,
        content_hash=version.content_hash,
        author=version.author,
        change_note=version.change_note,
        published_at=version.published_at or version.created_at,
    )


def _dataset_record(row: DatasetRow, organization: str, version: VersionRecord) -> DatasetRecord:
    return DatasetRecord(
        id=row.id,
        name=row.name,
        organization=organization,
        title=row.title,
        private=row.private,
        state=row.state,
        version=version.number,
        content_hash=version.content_hash,
        modified=version.published_at,
        created_at=row.created_at,
        withdrawn_at=row.withdrawn_at,
        withdrawn_note=row.withdrawn_note,
        lock_version=row.lock_version,
        current=version,
    )


def _version_record(session: Session, version: DatasetVersion, dataset: str) -> VersionRecord:
    metadata = table_schemas.full_metadata(session, [version])[version.id]
    return _record_of(version, dataset, metadata, _links(session, [version.id]).get(version.id, []))


def _links(
    session: Session, version_ids: list[str]
) -> dict[str, list[tuple[VersionResource, str]]]:
    """Version id -> its (file link, resource id) pairs in resource order."""
    found: dict[str, list[tuple[VersionResource, str]]] = {}
    if not version_ids:
        return found
    rows = session.execute(
        select(VersionResource, Resource.id)
        .join(Resource, Resource.id == VersionResource.resource_id)
        .where(VersionResource.version_id.in_(version_ids))
        .order_by(VersionResource.version_id, VersionResource.position)
    )
    for link, resource_id in rows:
        found.setdefault(link.version_id, []).append((link, resource_id))
    return found


def _record_of(
    version: DatasetVersion,
    dataset: str,
    whole: dict[str, Any],
    links: list[tuple[VersionResource, str]],
) -> VersionRecord:
    """A version as readers see it; `whole` is its metadata with the schemas put back."""
    metadata = Dataset.model_validate(whole)
    resources = tuple(
        ResourceRecord(
            id=resource_id,
            position=link.position,
            dataset=dataset,
            version=version.number or 0,
            filename=link.filename,
            sha256=link.blob_sha256,
            byte_size=link.byte_size,
            media_type=link.media_type,
            format=link.format,
            issued=link.issued,
            modified=link.modified,
            metadata=metadata.resources[link.position],
        )
        for link, resource_id in links
    )
    return VersionRecord(
        **_version_summary(version, dataset).model_dump(),
        metadata=metadata,
        resources=resources,
        checks=version.checks,
    )


def _columns(row: Any) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in row.__mapper__.column_attrs}


def _not_initialised(location: CatalogLocation) -> errors.NotFoundError:
    return errors.NotFoundError(
        Text(
            th="ยังไม่มีคลังข้อมูลที่นี่ สร้างด้วยคำสั่ง khlang catalog init",
            en="there is no catalog here yet; create one with `khlang catalog init`",
        ),
        where=str(location.home) if location.is_sqlite else location.describe(),
    )
