"""The catalog's database tables (SQLAlchemy 2). The Alembic migrations in `migrations/`
create exactly these; `tests/catalog/test_migrations.py` proves the two agree.

Versions are immutable: a `dataset_versions` row is written once as `pending`, then either
published (with its `version_resources`) or discarded, and never edited after that. A dataset
points at its visible version through `current_version_id`; moving that pointer is the one
write that makes a version visible, guarded by `lock_version` (optimistic locking).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

CATALOG_TYPES = ("agency", "area_based", "local_government", "data_center")
ROLES = ("member", "editor", "admin")
DATASET_STATES = ("active", "withdrawn")
VERSION_STATES = ("pending", "published", "discarded")
REGISTRATION_STATES = ("pending", "registered", "failed", "withdrawn")
OUTBOX_ACTIONS = ("push", "withdraw")
OUTBOX_STATES = ("pending", "done", "failed")

# Constraint names are fixed so that migrations can refer to them on every back end.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC on both back ends: SQLite stores no zone, so values are stored
    as naive UTC and given back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the catalog; use UTC-aware datetimes")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


JSON_DOCUMENT = JSON().with_variant(JSONB(), "postgresql")


def _choice(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (_choice("catalog_type", CATALOG_TYPES, "catalog_type"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title_th: Mapped[str | None] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    catalog_type: Mapped[str] = mapped_column(String(20), default="agency")
    email: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    sysadmin: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organization_id", "user_id", name="uq_memberships_organization_user"),
        _choice("role", ROLES, "role"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(Base):
    """An API key is shown once; only the SHA-256 of the whole token is kept. The token
    carries 256 random bits, so a fast hash is enough (no guessing is feasible) and lookup
    by hash needs no per-key salt."""

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("role IS NULL OR role IN ('member', 'editor', 'admin')", name="role"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str | None] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    """When set, the key acts only for this organisation."""
    role: Mapped[str | None] = mapped_column(String(10))
    """When set, the key acts with at most this role."""
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Blob(Base):
    """A file in the content-addressed store, named by the SHA-256 of its bytes."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    byte_size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TableSchema(Base):
    """A Table Schema, stored once by the SHA-256 of its canonical JSON (sorted keys) however
    many versions and resources declare it (table_schemas.py): a catalog of 2.2 million
    versions sharing a few hundred schemas does not store them 2.2 million times."""

    __tablename__ = "table_schemas"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON_DOCUMENT)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class QueryTableSource(Base):
    """A distinct table the API builds for queries: a stored file read with a Table Schema,
    and how many offered datasets' current versions hold it (`table_sources.py`). Kept in
    the transactions that move a current version, so a starting API worker reads these few
    rows instead of every current version's metadata."""

    __tablename__ = "table_sources"

    blob_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    schema_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    format: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(Text)
    datasets: Mapped[int] = mapped_column(Integer, default=0)
    """Offered datasets whose current version holds it; 0 once none does (kept: it may come
    back, and the table is small)."""


class CatalogChanges(Base):
    """How many writes changed what the catalog offers, spread over a few rows (`shard`) so
    that concurrent publishes rarely wait on the same one (`changes.py`)."""

    __tablename__ = "catalog_changes"

    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    changes: Mapped[int] = mapped_column(BigInteger, default=0)


class Dataset(Base):
    __tablename__ = "datasets"
    __table_args__ = (
        _choice("state", DATASET_STATES, "state"),
        # An organisation's datasets by name (its page, CKAN's organization_show), read in
        # index order instead of sorted after the fact.
        Index("ix_datasets_organization_name", "organization_id", "name"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    current_version_id: Mapped[str | None] = mapped_column(
        ForeignKey("dataset_versions.id", use_alter=True)
    )
    """The visible version; NULL until the first publish completes."""
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str | None] = mapped_column(Text)
    title_key: Mapped[str | None] = mapped_column(Text, index=True)
    """The title as `khlang.metadata.matching.normalise` spells it, for uniqueness."""
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    """Moved by every publish, withdrawal and reinstatement."""
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_note: Mapped[str | None] = mapped_column(Text)


class DatasetVersion(Base):
    __tablename__ = "dataset_versions"
    __table_args__ = (
        UniqueConstraint("dataset_id", "number", name="uq_dataset_versions_dataset_number"),
        _choice("status", VERSION_STATES, "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    """1, 2, ... in publication order; given when the version is published."""
    status: Mapped[str] = mapped_column(String(10), default="pending")
    content_hash: Mapped[str] = mapped_column(String(80))
    """`sha256:<hex>` of the declared metadata and the files' hashes (see publish.py)."""
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON_DOCUMENT)
    """The metadata as stored: the inline Table Schema of each resource at `schema_positions`
    is replaced by its hash in `table_schemas`. Read it with table_schemas.full_metadata."""
    schema_positions: Mapped[list[int] | None] = mapped_column(JSON_DOCUMENT)
    """The resources whose `schema` is a hash into `table_schemas` (None: none is)."""
    author: Mapped[str] = mapped_column(Text)
    change_note: Mapped[str | None] = mapped_column(Text)
    checks: Mapped[dict[str, Any] | None] = mapped_column(JSON_DOCUMENT)
    """What the gate found: the compliance and validation summaries."""
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    owner: Mapped[str | None] = mapped_column(Text)
    """`host:pid` of the process staging a pending version."""
    staged: Mapped[list[str] | None] = mapped_column(JSON_DOCUMENT)
    """SHA-256 of the files a pending version has stored so far."""


class Resource(Base):
    """A resource's identity across versions: the same file slot of a dataset keeps its id
    (and its download URL) while its content changes."""

    __tablename__ = "resources"
    __table_args__ = (UniqueConstraint("dataset_id", "key", name="uq_resources_dataset_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    key: Mapped[str] = mapped_column(Text)
    """The resource's path in the dataset folder, or its name or URL when it has no file."""
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class VersionResource(Base):
    __tablename__ = "version_resources"

    version_id: Mapped[str] = mapped_column(ForeignKey("dataset_versions.id"), primary_key=True)
    resource_id: Mapped[str] = mapped_column(ForeignKey("resources.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    filename: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(Text)
    byte_size: Mapped[int | None] = mapped_column(BigInteger)
    format: Mapped[str | None] = mapped_column(Text)
    issued: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    modified: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(64))
    object_name: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON_DOCUMENT)


GDC_NOT_FOUND = "NOT_FOUND"
"""`Registration.gdc_state` when the GD Catalog harvester does not know the dataset; its other
values are the harvester's states (`khlang.metadata.budget_bureau.RegistrationState`)."""


class Registration(Base):
    """What a target catalog holds of a dataset, as far as khlang pushed it."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("target", "dataset_id", name="uq_registrations_target_dataset"),
        _choice("state", REGISTRATION_STATES, "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    target: Mapped[str] = mapped_column(String(100))
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    remote_id: Mapped[str | None] = mapped_column(String(100))
    remote_name: Mapped[str | None] = mapped_column(Text)
    pushed_hash: Mapped[str | None] = mapped_column(String(80))
    """The push fingerprint (version content hash + target settings) last written."""
    pushed_version: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    last_error: Mapped[dict[str, Any] | None] = mapped_column(JSON_DOCUMENT)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    adaptations: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON_DOCUMENT)
    """What the target's rules made khlang change (e.g. tags stock CKAN refuses)."""
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    registered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    gdc_state: Mapped[str | None] = mapped_column(String(30))
    gdc_detail: Mapped[dict[str, Any] | None] = mapped_column(JSON_DOCUMENT)
    gdc_checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class OutboxItem(Base):
    """One pending write to a target. Written in the same transaction as the change that
    needs it, so a crash between the change and the push loses nothing."""

    __tablename__ = "outbox"
    __table_args__ = (
        _choice("action", OUTBOX_ACTIONS, "action"),
        _choice("state", OUTBOX_STATES, "state"),
        # At most one open item per dataset and target: a newer change re-arms it.
        Index(
            "uq_outbox_open_item",
            "target",
            "dataset_id",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
        Index("ix_outbox_due", "target", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    target: Mapped[str] = mapped_column(String(100))
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"))
    action: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(Text)
    """`host:pid` of the registrar working on the item (see leases.py)."""
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[dict[str, Any] | None] = mapped_column(JSON_DOCUMENT)


# --- the area-budget store (khlang.catalog.area_budget) -----------------------------------

AREA_SCOPES = ("state", "local")
AREA_STAGES = ("requested", "allocated", "transferred", "committed", "disbursed", "obligated")
AREA_TABLE_KINDS = ("ledger", "lines", "lao_finance")
ROW_ID = BigInteger().with_variant(Integer, "sqlite")
"""64-bit ids on PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64-bit (and only it
auto-increments)."""


class AreaSource(Base):
    """One table of a current, offered dataset version that feeds the area-budget store.
    Deleting it (superseded, withdrawn) takes its amounts with it."""

    __tablename__ = "area_sources"
    __table_args__ = (
        UniqueConstraint("version_id", "resource_id", name="uq_area_sources_version_resource"),
        _choice("kind", AREA_TABLE_KINDS, "kind"),
    )

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    version_id: Mapped[str] = mapped_column(ForeignKey("dataset_versions.id"))
    resource_id: Mapped[str] = mapped_column(ForeignKey("resources.id"))
    dataset: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    organization: Mapped[str] = mapped_column(String(100))
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(12))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    """Data rows read from the table."""
    amounts: Mapped[int] = mapped_column(Integer, default=0)
    """Amounts stored from them (a row of a line table holds one per stage)."""
    ingested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AreaAmount(Base):
    """One amount of one stage from one row of a source table, under the store's keys.
    Amounts are in satang (exact on both back ends). `counted` says whether this amount is
    the one counted for its group (same line, year, stage, month and scope); the others
    are evidence (see area_budget/election.py)."""

    __tablename__ = "area_amounts"
    __table_args__ = (
        _choice("scope", AREA_SCOPES, "scope"),
        _choice("stage", AREA_STAGES, "stage"),
        Index("ix_area_amounts_group", "group_key", "rank"),
        Index("ix_area_amounts_year_province", "fiscal_year", "province_code"),
        # A line's amounts of a year and stage, and which sources have them, from the index
        # alone: the cells' deltas ask it of every line a change touches (deltas.py).
        Index("ix_area_amounts_line", "line_key", "fiscal_year", "stage", "scope", "source_id"),
        Index("ix_area_amounts_name_key", "name_key", "fiscal_year"),
        # The amounts to elect again (election.py marks them NULL): a handful at a time, so
        # the index holds those only; a full index of the flag cost every amount written or
        # deleted one more random index write (a national source has 600,000).
        Index(
            "ix_area_amounts_marked",
            "counted",
            sqlite_where=text("counted IS NULL"),
            postgresql_where=text("counted IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("area_sources.id", ondelete="CASCADE"), index=True
    )
    row: Mapped[int] = mapped_column(Integer)
    """1-based data row of the source table (the same in its CSV, Parquet and JSON twins)."""
    scope: Mapped[str] = mapped_column(String(8))
    line_id: Mapped[str] = mapped_column(Text)
    """The line as the source table names it."""
    line_key: Mapped[str] = mapped_column(Text)
    """The line it is counted as (another source's line when matched by name and area)."""
    name_key: Mapped[str | None] = mapped_column(Text)
    group_key: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(BigInteger)
    counted: Mapped[bool | None] = mapped_column(Boolean)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(12))
    fiscal_month: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    area_level: Mapped[str | None] = mapped_column(String(12))
    area_code: Mapped[str | None] = mapped_column(String(40))
    province_code: Mapped[str | None] = mapped_column(String(2))
    district_code: Mapped[str | None] = mapped_column(String(4))
    subdistrict_code: Mapped[str | None] = mapped_column(String(6))
    lao_key: Mapped[str | None] = mapped_column(String(40))
    ministry_code: Mapped[str | None] = mapped_column(Text)
    ministry_name: Mapped[str | None] = mapped_column(Text)
    department_code: Mapped[str | None] = mapped_column(Text)
    department_name: Mapped[str | None] = mapped_column(Text)
    budget_unit_code: Mapped[str | None] = mapped_column(Text)
    budget_unit_name: Mapped[str | None] = mapped_column(Text)
    budget_type: Mapped[str | None] = mapped_column(String(20))
    source_of_funds: Mapped[str | None] = mapped_column(String(20))
    source_system: Mapped[str] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(Text)
    source_row: Mapped[int | None] = mapped_column(Integer)


class AreaCodeLabel(Base):
    """The label of one code of a coded column, as a current, offered version of a dataset
    publishes it in its Table Schemas (`categories`, khlang.metadata.field_semantics): the
    web site labels the store's codes from these (area_budget/labels.py) without the
    publishers' vocabularies. One row per dataset, so a withdrawal takes its labels with it."""

    __tablename__ = "area_code_labels"

    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(100), primary_key=True)
    """The coded column's role: its `rdfType` in khlang's namespace, else its name."""
    code: Mapped[str] = mapped_column(String(200), primary_key=True)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    label_th: Mapped[str | None] = mapped_column(Text)
    label_en: Mapped[str | None] = mapped_column(Text)
    abbreviation_th: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


AREA_GRAINS = ("country", "province", "district", "lao")


class AreaCell(Base):
    """Pre-summed counted amounts (area_budget/cells.py): one row per grain, scope, fiscal
    year, stage, area, agency, budget type, source of funds, source system and source table,
    so that a dashboard page sums hundreds of rows instead of millions of amounts. The grain
    says which area columns are kept (`country`: none, `province`, `district`, `lao`: all);
    the others are NULL. Derived from `area_amounts`, recomputed for the scope and fiscal
    years a publish or withdrawal touches, in the same transaction."""

    __tablename__ = "area_cells"
    __table_args__ = (
        _choice("grain", AREA_GRAINS, "grain"),
        Index(
            "ix_area_cells_grain_year",
            "grain",
            "scope",
            "fiscal_year",
            "province_code",
            "district_code",
        ),
        # A place's figures over every year (the years panel) without reading every year's
        # cells of the grain.
        Index(
            "ix_area_cells_grain_place",
            "grain",
            "scope",
            "province_code",
            "district_code",
            "lao_key",
        ),
        # A source's cells (deleted with it), and the one cell a delta moves found by its
        # keys in one seek (deltas.py): the place index reads every cell of the place.
        Index(
            "ix_area_cells_source",
            "source_id",
            "grain",
            "fiscal_year",
            "stage",
            "province_code",
            "district_code",
            "lao_key",
            "budget_type",
        ),
    )

    id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    grain: Mapped[str] = mapped_column(String(12))
    source_id: Mapped[int] = mapped_column(ForeignKey("area_sources.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(8))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(12))
    area_level: Mapped[str | None] = mapped_column(String(12))
    province_code: Mapped[str | None] = mapped_column(String(2))
    district_code: Mapped[str | None] = mapped_column(String(4))
    subdistrict_code: Mapped[str | None] = mapped_column(String(6))
    lao_key: Mapped[str | None] = mapped_column(String(40))
    ministry: Mapped[str | None] = mapped_column(Text)
    """The ministry's code, or its name where the source gives none (keys.dimension)."""
    ministry_name: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    department_name: Mapped[str | None] = mapped_column(Text)
    budget_unit: Mapped[str | None] = mapped_column(Text)
    budget_unit_name: Mapped[str | None] = mapped_column(Text)
    budget_type: Mapped[str | None] = mapped_column(String(20))
    source_of_funds: Mapped[str | None] = mapped_column(String(20))
    source_system: Mapped[str] = mapped_column(Text)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    """Satang of the counted amounts; NULL when none of the cell's amounts is counted."""
    rated_amount: Mapped[int | None] = mapped_column(BigInteger)
    """Satang of the counted amounts whose line reports both allocated and disbursed in the
    fiscal year (the base of disbursement rates)."""
    amounts: Mapped[int] = mapped_column(Integer)
    """Counted amounts summed."""
    duplicates: Mapped[int] = mapped_column(Integer)
    """Amounts left uncounted (another source's amount of the same group is counted)."""
    rated_amounts: Mapped[int] = mapped_column(Integer, default=0)
    """Counted amounts in `rated_amount` (whose line reports both stages): with `amounts`,
    what tells a delta update that a sum fell to no amount (NULL, no data) rather than 0."""
