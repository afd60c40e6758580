"""What the catalog gives its readers (the CLI, the API, the registrars): immutable pydantic
snapshots, never database rows, so a caller holds no session and cannot write by accident."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from khlang.catalog.urls import resource_download_path
from khlang.i18n import Text
from khlang.metadata.model import Dataset, Resource


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class OrganizationRecord(_Record):
    id: str
    name: str
    title: Text | None
    parent: str | None
    """The parent organisation's name."""
    catalog_type: str
    email: str | None
    url: str | None
    created_at: dt.datetime


class UserRecord(_Record):
    id: str
    name: str
    full_name: str | None
    email: str | None
    sysadmin: bool
    disabled: bool
    created_at: dt.datetime
    roles: dict[str, str]
    """Organisation name -> role (member, editor, admin)."""


class MemberRecord(_Record):
    organization: str
    user: str
    role: str


class ApiKeyRecord(_Record):
    id: str
    user: str
    label: str | None
    prefix: str
    """The first characters of the token, to recognise a key without revealing it."""
    organization: str | None
    role: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    def active(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ResourceRecord(_Record):
    """One resource of one version: its stable id, the stored file's facts and its metadata."""

    id: str
    position: int
    dataset: str
    version: int
    filename: str | None
    """The file's name in download URLs; None for a link-only resource."""
    sha256: str | None
    byte_size: int | None
    media_type: str | None
    format: str | None
    issued: dt.datetime
    modified: dt.datetime
    metadata: Resource

    @property
    def has_file(self) -> bool:
        return self.sha256 is not None

    @property
    def download_path(self) -> str | None:
        """khlang's URL path for the current file of this resource."""
        if not self.filename:
            return None
        return resource_download_path(self.dataset, self.id, self.filename)

    @property
    def version_download_path(self) -> str | None:
        """The URL path of exactly this version's file."""
        if not self.filename:
            return None
        return resource_download_path(self.dataset, self.id, self.filename, version=self.version)


class VersionSummary(_Record):
    id: str
    dataset: str
    number: int
    content_hash: str
    author: str
    change_note: str | None
    published_at: dt.datetime


class VersionRecord(VersionSummary):
    metadata: Dataset
    """The version's metadata, with the catalog's facts filled in: issued, modified, and
    every stored file's hash, byte size and media type."""
    resources: tuple[ResourceRecord, ...]
    checks: dict[str, Any] | None
    """What the publishing gate found (compliance and validation summaries)."""

    def resource(self, resource_id: str) -> ResourceRecord | None:
        return next((item for item in self.resources if item.id == resource_id), None)


class DatasetSummary(_Record):
    id: str
    name: str
    organization: str
    title: str | None
    private: bool
    state: str
    """`active`, or `withdrawn` (kept, but no longer offered)."""
    version: int
    """The current version's number."""
    content_hash: str
    modified: dt.datetime
    """When the current version was published."""
    created_at: dt.datetime
    """When the dataset was created (its first version staged)."""


class DatasetRecord(DatasetSummary):
    withdrawn_at: dt.datetime | None
    withdrawn_note: str | None
    lock_version: int
    current: VersionRecord


class ResourceFile(_Record):
    """Where a resource's bytes are, for serving them."""

    path: Path
    filename: str
    media_type: str
    byte_size: int
    sha256: str
    resource_id: str
    version: int


class AuditRecord(_Record):
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    object_name: str | None
    detail: dict[str, Any] | None


class RegistrationRecord(_Record):
    target: str
    dataset: str
    remote_id: str | None
    remote_name: str | None
    state: str
    pushed_version: int | None
    pushed_hash: str | None
    last_error: dict[str, Any] | None
    attempts: int
    adaptations: list[dict[str, Any]] | None
    last_attempt_at: dt.datetime | None
    registered_at: dt.datetime | None
    gdc_state: str | None
    gdc_detail: dict[str, Any] | None
    gdc_checked_at: dt.datetime | None


class TableSourceRecord(BaseModel):
    """A distinct stored file with the Table Schema it is read with, which some offered
    dataset's current version holds: a query table the API prepares."""

    sha256: str
    schema_sha256: str
    table_schema: dict[str, Any]
    format: str | None
    filename: str | None


class CheckFinding(BaseModel):
    code: str
    severity: Literal["error", "warning", "info"]
    subject: str
    """The dataset, version or file concerned."""
    message: Text
    repaired: bool = False


class CheckReport(BaseModel):
    findings: list[CheckFinding]
    files_checked: int
    repair: bool

    @property
    def ok(self) -> bool:
        """Nothing left to fix (repaired findings and information do not count)."""
        return not any(
            finding.severity != "info" and not finding.repaired for finding in self.findings
        )
