"""Organisations, users, memberships and API keys.

Every change is checked against the actor's rights (`principals.py`) and written with its
audit entry. API keys are `khlang_` plus 43 URL-safe characters (256 random bits); the token
is returned once and only its SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from khlang.catalog import audit, errors
from khlang.catalog.context import CatalogContext
from khlang.catalog.folder import NAME_PATTERN
from khlang.catalog.principals import RESERVED_USER_NAMES, Principal, capped
from khlang.catalog.records import ApiKeyRecord, MemberRecord, OrganizationRecord, UserRecord
from khlang.catalog.tables import (
    CATALOG_TYPES,
    ROLES,
    ApiKey,
    Membership,
    Organization,
    User,
    utcnow,
)
from khlang.errors import KhlangError
from khlang.i18n import Text

TOKEN_PREFIX = "khlang_"  # noqa: S105 - a public marker, not a secret
# last_used_at is refreshed at most this often, so authenticating is not a write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, catalog: CatalogContext) -> None:
        self.catalog = catalog

    # --- organisations --------------------------------------------------------------------

    def create_organization(
        self,
        name: str,
        *,
        actor: Principal,
        title: Text | None = None,
        parent: str | None = None,
        catalog_type: str = "agency",
        email: str | None = None,
        url: str | None = None,
    ) -> OrganizationRecord:
        _require(actor.sysadmin, actor, Text(th="สร้างหน่วยงาน", en="create organisations"))
        _check_name(name, "organization")
        if catalog_type not in CATALOG_TYPES:
            raise KhlangError(
                Text(
                    th=f"ประเภทบัญชีข้อมูลต้องเป็นหนึ่งใน {', '.join(CATALOG_TYPES)}",
                    en=f"the catalog type must be one of {', '.join(CATALOG_TYPES)}",
                ),
                where="catalog_type",
            )
        with self.catalog.write() as session:
            parent_row = _organization(session, parent) if parent else None
            row = Organization(
                name=name,
                title_th=title.th if title else None,
                title_en=title.en if title else None,
                parent_id=parent_row.id if parent_row else None,
                catalog_type=catalog_type,
                email=email,
                url=url,
            )
            session.add(row)
            _flush_unique(session, Text(th="หน่วยงาน", en="organisation"), name)
            audit.record(
                session,
                actor.name,
                "organization.create",
                "organization",
                object_id=row.id,
                object_name=name,
                detail={"parent": parent, "catalog_type": catalog_type},
            )
            return organization_record(row, parent)

    # --- users and members ----------------------------------------------------------------

    def create_user(
        self,
        name: str,
        *,
        actor: Principal,
        full_name: str | None = None,
        email: str | None = None,
        sysadmin: bool = False,
    ) -> UserRecord:
        _require(actor.sysadmin, actor, Text(th="สร้างผู้ใช้", en="create users"))
        _check_name(name, "user")
        if name in RESERVED_USER_NAMES:
            raise KhlangError(
                Text(
                    th=f"ชื่อ {name} สงวนไว้สำหรับระบบ ใช้เป็นชื่อผู้ใช้ไม่ได้",
                    en=f"the name {name!r} is reserved and cannot be a user's",
                ),
                where=f"user {name!r}",
            )
        with self.catalog.write() as session:
            row = User(name=name, full_name=full_name, email=email, sysadmin=sysadmin)
            session.add(row)
            _flush_unique(session, Text(th="ผู้ใช้", en="user"), name)
            audit.record(
                session,
                actor.name,
                "user.create",
                "user",
                object_id=row.id,
                object_name=name,
                detail={"sysadmin": sysadmin},
            )
            return _user_record(session, row)

    def users(self) -> list[UserRecord]:
        with self.catalog.read() as session:
            rows = session.scalars(select(User).order_by(User.name))
            return [_user_record(session, row) for row in rows]

    def user(self, name: str) -> UserRecord:
        with self.catalog.read() as session:
            return _user_record(session, _user(session, name))

    def disable_user(self, name: str, *, actor: Principal) -> UserRecord:
        """A disabled user's keys stop working at once; their history stays."""
        _require(actor.sysadmin, actor, Text(th="ระงับผู้ใช้", en="disable users"))
        with self.catalog.write() as session:
            row = _user(session, name)
            row.disabled_at = row.disabled_at or utcnow()
            audit.record(
                session, actor.name, "user.disable", "user", object_id=row.id, object_name=name
            )
            return _user_record(session, row)

    def set_member(
        self, organization: str, user: str, role: str, *, actor: Principal
    ) -> MemberRecord:
        """Add the user to the organisation with `role`, or change their role."""
        _check_role(role)
        _require_manager(actor, organization)
        with self.catalog.write() as session:
            org_row, user_row = _organization(session, organization), _user(session, user)
            row = _membership(session, org_row, user_row)
            before = row.role if row else None
            if row is None:
                row = Membership(organization_id=org_row.id, user_id=user_row.id, role=role)
                session.add(row)
            row.role = role
            audit.record(
                session,
                actor.name,
                "member.set",
                "organization",
                object_id=org_row.id,
                object_name=organization,
                detail={"user": user, "role": role, "before": before},
            )
            return MemberRecord(organization=organization, user=user, role=role)

    def remove_member(self, organization: str, user: str, *, actor: Principal) -> None:
        _require_manager(actor, organization)
        with self.catalog.write() as session:
            org_row, user_row = _organization(session, organization), _user(session, user)
            row = _membership(session, org_row, user_row)
            if row is None:
                raise errors.not_found(Text(th="สมาชิก", en="member"), f"{user}@{organization}")
            session.delete(row)
            audit.record(
                session,
                actor.name,
                "member.remove",
                "organization",
                object_id=org_row.id,
                object_name=organization,
                detail={"user": user, "role": row.role},
            )

    def members(self, organization: str | None = None) -> list[MemberRecord]:
        query = (
            select(Organization.name, User.name, Membership.role)
            .join(Organization, Organization.id == Membership.organization_id)
            .join(User, User.id == Membership.user_id)
            .order_by(Organization.name, User.name)
        )
        if organization is not None:
            query = query.where(Organization.name == organization)
        with self.catalog.read() as session:
            return [
                MemberRecord(organization=org, user=user, role=role)
                for org, user, role in session.execute(query)
            ]

    # --- API keys -------------------------------------------------------------------------

    def create_key(
        self,
        user: str,
        *,
        actor: Principal,
        label: str | None = None,
        organization: str | None = None,
        role: str | None = None,
        expires_at: dt.datetime | None = None,
    ) -> tuple[ApiKeyRecord, str]:
        """A new key for `user` and its token (shown once, never stored). `organization`
        and `role` narrow what the key may do below what the user may do."""
        _require(
            actor.sysadmin or actor.name == user,
            actor,
            Text(th=f"สร้าง API key ของ {user}", en=f"create API keys for {user}"),
        )
        if role is not None:
            _check_role(role)
        if expires_at is not None and expires_at <= utcnow():
            raise KhlangError(
                Text(th="วันหมดอายุต้องอยู่ในอนาคต", en="the expiry must be in the future"),
                where="expires_at",
            )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.catalog.write() as session:
            user_row = _user(session, user)
            org_row = _organization(session, organization) if organization else None
            row = ApiKey(
                user_id=user_row.id,
                label=label,
                prefix=token[: len(TOKEN_PREFIX) + 6],
                token_hash=hash_token(token),
                organization_id=org_row.id if org_row else None,
                role=role,
                expires_at=expires_at,
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor.name,
                "key.create",
                "api_key",
                object_id=row.id,
                object_name=user,
                detail={
                    "label": label,
                    "organization": organization,
                    "role": role,
                    "expires_at": expires_at.isoformat() if expires_at else None,
                },
            )
            return _key_record(row, user, organization), token

    def keys(self, user: str | None = None) -> list[ApiKeyRecord]:
        query = (
            select(ApiKey, User.name, Organization.name)
            .join(User, User.id == ApiKey.user_id)
            .outerjoin(Organization, Organization.id == ApiKey.organization_id)
            .order_by(User.name, ApiKey.created_at)
        )
        if user is not None:
            query = query.where(User.name == user)
        with self.catalog.read() as session:
            return [_key_record(row, name, org) for row, name, org in session.execute(query)]

    def revoke_key(self, key: str, *, actor: Principal) -> ApiKeyRecord:
        """Revoke by id or by the token's prefix; the key stops working at once."""
        with self.catalog.write() as session:
            found = session.execute(
                select(ApiKey, User.name, Organization.name)
                .join(User, User.id == ApiKey.user_id)
                .outerjoin(Organization, Organization.id == ApiKey.organization_id)
                .where((ApiKey.id == key) | (ApiKey.prefix == key))
            ).all()
            if len(found) != 1:
                raise errors.not_found(errors.API_KEY, key)
            row, user, organization = found[0]
            _require(
                actor.sysadmin or actor.name == user,
                actor,
                Text(th=f"ยกเลิก API key ของ {user}", en=f"revoke API keys of {user}"),
            )
            row.revoked_at = row.revoked_at or utcnow()
            audit.record(
                session, actor.name, "key.revoke", "api_key", object_id=row.id, object_name=user
            )
            return _key_record(row, user, organization)

    def authenticate(self, token: str) -> Principal | None:
        """The principal an API token acts as, or None for an unknown, revoked or expired
        key or a disabled user."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        now = utcnow()
        with self.catalog.read() as session:
            found = session.execute(
                select(ApiKey, User)
                .join(User, User.id == ApiKey.user_id)
                .where(ApiKey.token_hash == hash_token(token))
            ).first()
            if found is None:
                return None
            key, user = found
            if key.revoked_at or (key.expires_at and key.expires_at <= now) or user.disabled_at:
                return None
            roles = _roles(session, user.id)
            scope = session.get(Organization, key.organization_id) if key.organization_id else None
            stale = key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION
        if scope is not None:
            roles = {scope.name: roles[scope.name]} if scope.name in roles else {}
        roles = {org: capped(role, key.role) for org, role in roles.items()}
        if stale:
            with self.catalog.write() as session:
                row = session.get(ApiKey, key.id)
                if row is not None:
                    row.last_used_at = now
        sysadmin = user.sysadmin and scope is None and key.role is None
        return Principal(name=user.name, sysadmin=sysadmin, roles=roles, key_id=key.id)

    def principal(self, user: str) -> Principal:
        """The principal of a user with all their roles (e.g. for `--as USER`)."""
        with self.catalog.read() as session:
            row = _user(session, user)
            return Principal(name=row.name, sysadmin=row.sysadmin, roles=_roles(session, row.id))


# --- helpers -------------------------------------------------------------------------------


def _require(allowed: bool, actor: Principal, what: Text) -> None:
    if not allowed:
        raise errors.PermissionDeniedError(
            Text(th=f"{actor.name} ไม่มีสิทธิ์{what.th}", en=f"{actor.name} may not {what.en}"),
            where=actor.name,
        )


def _require_manager(actor: Principal, organization: str) -> None:
    what = Text(th=f"จัดการสมาชิกของ {organization}", en=f"manage members of {organization}")
    _require(actor.can_manage(organization), actor, what)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise KhlangError(
            Text(
                th=f"บทบาทต้องเป็นหนึ่งใน {', '.join(ROLES)}",
                en=f"the role must be one of {', '.join(ROLES)}",
            ),
            where="role",
        )


def _check_name(name: str, kind: str) -> None:
    if not NAME_PATTERN.match(name):
        raise KhlangError(
            Text(
                th="ชื่อต้องเป็นอักษรอังกฤษพิมพ์เล็ก ตัวเลข - หรือ _ ยาว 2–100 ตัวอักษร",
                en="the name must be lower-case ASCII letters, digits, - or _, 2 to 100 characters",
            ),
            where=f"{kind} {name!r}",
        )


def _flush_unique(session: Session, kind: Text, name: str) -> None:
    try:
        session.flush()
    except IntegrityError as error:
        raise errors.ConflictError(
            Text(th=f"มี{kind.th}ชื่อ {name} อยู่แล้ว", en=f"a {kind.en} named {name!r} already exists"),
            where=name,
        ) from error


def _organization(session: Session, name: str) -> Organization:
    row = session.scalar(
        select(Organization).where((Organization.name == name) | (Organization.id == name))
    )
    if row is None:
        raise errors.not_found(errors.ORGANIZATION, name)
    return row


def _user(session: Session, name: str) -> User:
    row = session.scalar(select(User).where((User.name == name) | (User.id == name)))
    if row is None:
        raise errors.not_found(errors.USER, name)
    return row


def _membership(session: Session, organization: Organization, user: User) -> Membership | None:
    return session.scalar(
        select(Membership).where(
            Membership.organization_id == organization.id, Membership.user_id == user.id
        )
    )


def _roles(session: Session, user_id: str) -> dict[str, str]:
    rows = session.execute(
        select(Organization.name, Membership.role)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.user_id == user_id)
    )
    return dict(rows.all())


def _user_record(session: Session, row: User) -> UserRecord:
    return UserRecord(
        id=row.id,
        name=row.name,
        full_name=row.full_name,
        email=row.email,
        sysadmin=row.sysadmin,
        disabled=row.disabled_at is not None,
        created_at=row.created_at,
        roles=_roles(session, row.id),
    )


def _key_record(row: ApiKey, user: str, organization: str | None) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row.id,
        user=user,
        label=row.label,
        prefix=row.prefix,
        organization=organization,
        role=row.role,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def organization_record(row: Organization, parent: str | None) -> OrganizationRecord:
    title = None
    if row.title_th or row.title_en:
        title = Text(th=row.title_th or row.title_en or "", en=row.title_en or row.title_th or "")
    return OrganizationRecord(
        id=row.id,
        name=row.name,
        title=title,
        parent=parent,
        catalog_type=row.catalog_type,
        email=row.email,
        url=row.url,
        created_at=row.created_at,
    )
