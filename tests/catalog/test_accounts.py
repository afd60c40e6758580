"""Organisations, users, memberships and API keys: rights, hashing, expiry, revocation."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from khlang.catalog import Catalog, ConflictError, NotFoundError, PermissionDeniedError, Principal
from khlang.catalog.tables import ApiKey
from khlang.errors import KhlangError
from khlang.i18n import Text

OPERATOR = Principal.operator("cli:tester")


@pytest.fixture
def accounts(catalog: Catalog):  # type: ignore[no-untyped-def]
    accounts = catalog.accounts
    accounts.create_organization(
        "province",
        actor=OPERATOR,
        catalog_type="area_based",
        title=Text(th="จังหวัดทดสอบ", en="Test province"),
    )
    accounts.create_organization(
        "district", actor=OPERATOR, parent="province", catalog_type="local_government"
    )
    accounts.create_user("somsri", actor=OPERATOR, email="somsri@example.go.th")
    accounts.set_member("province", "somsri", "editor", actor=OPERATOR)
    return accounts


def test_organisations_have_parents_and_types(catalog: Catalog, accounts) -> None:
    district = catalog.organization("district")
    assert (district.parent, district.catalog_type) == ("province", "local_government")
    assert str(catalog.organization("province").title) == "จังหวัดทดสอบ / Test province"
    with pytest.raises(ConflictError, match="already exists"):
        accounts.create_organization("province", actor=OPERATOR)
    with pytest.raises(KhlangError, match="catalog type"):
        accounts.create_organization("x-org", actor=OPERATOR, catalog_type="ministry")
    with pytest.raises(KhlangError, match="lower-case"):
        accounts.create_organization("Bad Name", actor=OPERATOR)
    with pytest.raises(NotFoundError):
        accounts.create_organization("orphan", actor=OPERATOR, parent="nowhere")


def test_keys_are_stored_hashed_and_authenticate(catalog: Catalog, accounts) -> None:
    record, token = accounts.create_key("somsri", actor=OPERATOR, label="publisher")
    assert token.startswith("khlang_")
    assert len(token) > 40
    assert record.prefix == token[: len(record.prefix)]
    with catalog.read() as session:
        stored = session.scalar(select(ApiKey).where(ApiKey.id == record.id))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(stored.__dict__)

    principal = accounts.authenticate(token)
    assert principal == Principal(name="somsri", roles={"province": "editor"}, key_id=record.id)
    assert principal.can_publish("province")
    assert not principal.can_publish("district")
    assert not principal.can_manage("province")
    assert accounts.authenticate(token + "x") is None
    assert accounts.authenticate("not-a-khlang-token") is None
    assert accounts.keys("somsri")[0].last_used_at is not None


def test_revoked_expired_and_disabled_keys_stop_working(catalog: Catalog, accounts) -> None:
    revoked, revoked_token = accounts.create_key("somsri", actor=OPERATOR)
    expiring, expiring_token = accounts.create_key(
        "somsri", actor=OPERATOR, expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    )
    accounts.revoke_key(revoked.prefix, actor=OPERATOR)
    assert accounts.authenticate(revoked_token) is None
    assert accounts.authenticate(expiring_token) is not None
    with catalog.write() as session:  # an hour passes
        session.get(ApiKey, expiring.id).expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(
            seconds=1
        )
    assert accounts.authenticate(expiring_token) is None
    _, fresh = accounts.create_key("somsri", actor=OPERATOR)
    accounts.disable_user("somsri", actor=OPERATOR)
    assert accounts.authenticate(fresh) is None
    now = dt.datetime.now(dt.UTC)
    assert [key.active(now) for key in accounts.keys("somsri")] == [False, False, True]
    with pytest.raises(KhlangError, match="future"):
        accounts.create_key("somsri", actor=OPERATOR, expires_at=now - dt.timedelta(days=1))


def test_a_key_can_be_narrower_than_its_user(accounts) -> None:
    accounts.create_user("admin-user", actor=OPERATOR, sysadmin=True)
    accounts.set_member("district", "somsri", "admin", actor=OPERATOR)
    _, scoped = accounts.create_key(
        "somsri", actor=OPERATOR, organization="district", role="member"
    )
    principal = accounts.authenticate(scoped)
    assert principal.roles == {"district": "member"}
    assert not principal.can_publish("district")
    assert not principal.can_publish("province")
    _, admin_scoped = accounts.create_key("admin-user", actor=OPERATOR, role="editor")
    assert not accounts.authenticate(admin_scoped).sysadmin


def test_rights_to_manage(accounts) -> None:
    editor = accounts.principal("somsri")
    with pytest.raises(PermissionDeniedError):
        accounts.create_organization("mine", actor=editor)
    with pytest.raises(PermissionDeniedError):
        accounts.create_user("friend", actor=editor)
    with pytest.raises(PermissionDeniedError):
        accounts.set_member("province", "somsri", "admin", actor=editor)
    accounts.set_member("district", "somsri", "admin", actor=OPERATOR)
    district_admin = accounts.principal("somsri")
    accounts.create_user("somchai", actor=OPERATOR)
    assert (
        accounts.set_member("district", "somchai", "member", actor=district_admin).role == "member"
    )
    with pytest.raises(PermissionDeniedError):
        accounts.set_member("province", "somchai", "member", actor=district_admin)
    accounts.remove_member("district", "somchai", actor=district_admin)
    assert [(item.organization, item.user) for item in accounts.members()] == [
        ("district", "somsri"),
        ("province", "somsri"),
    ]
    # Keys: one's own, or any as a sysadmin.
    accounts.create_key("somsri", actor=district_admin)
    with pytest.raises(PermissionDeniedError):
        accounts.create_key("somchai", actor=district_admin)
    key = accounts.keys("somsri")[0]
    with pytest.raises(PermissionDeniedError):
        accounts.revoke_key(key.id, actor=accounts.principal("somchai"))
    assert accounts.revoke_key(key.id, actor=district_admin).revoked_at is not None
    with pytest.raises(KhlangError, match="role"):
        accounts.set_member("district", "somchai", "owner", actor=OPERATOR)


def test_account_changes_are_audited(catalog: Catalog, accounts) -> None:
    actions = [entry.action for entry in reversed(catalog.audit_log())]
    assert actions == ["organization.create", "organization.create", "user.create", "member.set"]
    assert catalog.audit_log(limit=1)[0].detail == {
        "user": "somsri",
        "role": "editor",
        "before": None,
    }
