"""Registration to the real CKAN kit (../shared/ckan), both profiles: what arrives there,
field by field; idempotence; CKAN's own refusals; and drift. Skipped with a reason when the
kits are not running (CI starts both).

Each test runs on one store, half of them on SQLite and half on PostgreSQL, not on both:
what they check is what CKAN received and what khlang recorded of it, and the registrar
(push.py, mapping.py, client.py, drift.py) has no code that depends on the store. The
store's own statements that a run reaches, which do differ (the outbox's upsert and its
`FOR UPDATE SKIP LOCKED` claims, the JSON of a registration's error, the timestamps of
backoff), run on both stores in test_register_faults.py, and here each kind of run (a
create, a new version's patch, a withdrawal, a refusal parked as failed, a rerun that
makes no call) has a test on each store. Both stores for every test cost the quick loop
twice the datasets published and twice the CKAN calls for no further code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ckanapi
import pytest

from khlang.catalog import Catalog, Principal
from khlang.catalog.registration.drift import check_drift
from khlang.catalog.registration.push import register
from khlang.metadata.ckan import to_ckan
from tests.catalog.conftest import ON_POSTGRESQL, ON_SQLITE, PUBLIC_URL, Kit
from tests.catalog.folders import rows_csv, write_folder

pytestmark = pytest.mark.ckan

OPERATOR = Principal.operator("cli:tester")


def _ckan(kit: Kit) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(kit.url, apikey=kit.token)


def _publish_many(publish, tmp_path: Path, unique: str, count: int, **options: Any) -> list[str]:  # type: ignore[no-untyped-def]
    names = []
    for index in range(count):
        name = f"reg-{unique}-{index}"
        publish(
            write_folder(
                tmp_path,
                name,
                organization=f"org-{unique}",
                title=f"งบประมาณทดสอบ {unique} ชุดที่ {index}",
                **options,
            )
        )
        names.append(name)
    return names


def _as_set(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value


@ON_POSTGRESQL
def test_gdc_registration_arrives_field_by_field_and_a_new_version_patches_it_in_place(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    """One test, as the new version needs a registered dataset, which the first half makes
    and checks (a dataset published, and registered, once rather than twice)."""
    [name] = _publish_many(publish, tmp_path, unique, 1)
    target = make_target(gdc_kit)
    run = register(catalog, target, actor=OPERATOR)
    assert [(item.dataset, item.action) for item in run.outcomes] == [(name, "created")]
    assert run.writes == 2  # organization_create + package_create

    record = catalog.dataset(name, viewer=OPERATOR)
    remote = _ckan(gdc_kit).action.package_show(id=name)
    expected = to_ckan(record.current.metadata, "gdc")
    for key, value in expected.items():
        if key in ("resources", "tags", "private", "owner_org"):
            continue
        assert _as_set(remote.get(key)) == _as_set(value), key
    assert remote["allow_harvest"] == "True"
    assert remote["organization"]["name"] == f"org-{unique}"
    assert remote["organization"]["title"] == "สำนักงานจังหวัดเชียงใหม่"  # from the publisher block
    assert remote["private"] is False
    assert sorted(tag["name"] for tag in remote["tags"]) == sorted(record.current.metadata.tags)
    extras = {item["key"]: item["value"] for item in remote["extras"]}
    assert extras == {
        "khlang_id": record.id,
        "khlang_version": "1",
        "khlang_url": f"{PUBLIC_URL}/dataset/{name}",
    }
    [resource] = remote["resources"]
    [ours] = record.current.resources
    assert (
        resource["url"] == f"{PUBLIC_URL}/dataset/{name}/resource/{ours.id}/download/allocation.csv"
    )
    assert resource["hash"] == f"sha256:{ours.sha256}"
    assert (resource["mimetype"], resource["size"], resource["format"]) == (
        "text/csv",
        ours.byte_size,
        "CSV",
    )
    assert resource["khlang_resource_id"] == ours.id
    # The Table Schema where ckanext-validation/scheming and frictionless's CKAN reader read it.
    assert resource["schema"] == record.current.metadata.resources[0].table_schema
    assert "khlang_schema" not in resource
    for key, value in expected["resources"][0].items():
        if key not in ("url",):
            assert _as_set(resource.get(key)) == _as_set(value), key

    [registration] = catalog.registrations(target=target.name)
    assert (registration.state, registration.remote_id, registration.pushed_version) == (
        "registered",
        remote["id"],
        1,
    )
    assert registration.last_error is None

    publish(
        write_folder(
            tmp_path,
            name,
            organization=f"org-{unique}",
            csv=rows_csv(7),
            title=f"งบประมาณทดสอบ {unique} ชุดที่ 0",
            changes={"notes": "ปรับปรุงคำอธิบาย", "unit_of_measure": None},
        )
    )
    run = register(catalog, target, actor=OPERATOR)
    assert [item.action for item in run.outcomes] == ["updated"]
    assert run.writes == 1
    after = _ckan(gdc_kit).action.package_show(id=name)
    assert after["id"] == remote["id"]
    assert after["resources"][0]["id"] == remote["resources"][0]["id"]
    assert after["notes"] == "ปรับปรุงคำอธิบาย"
    assert not after.get("unit_of_measure")  # cleared, not left stale
    assert (
        after["resources"][0]["hash"]
        == "sha256:" + catalog.dataset(name).current.resources[0].sha256
    )
    assert {item["key"]: item["value"] for item in after["extras"]}["khlang_version"] == "2"


@ON_POSTGRESQL
def test_plain_ckan_keeps_thai_keywords_where_it_can(
    catalog: Catalog, publish, tmp_path, unique, plain_kit, make_target
) -> None:
    tags = ["งบประมาณ", "ข้อมูล", "สถิติ", "budget"]
    [name] = _publish_many(publish, tmp_path, unique, 1, changes={"tags": tags})
    target = make_target(plain_kit)
    run = register(catalog, target, actor=OPERATOR)
    assert [item.action for item in run.outcomes] == ["created"]
    assert [(item.field, item.value) for item in run.outcomes[0].adaptations] == [
        ("tags", "ข้อมูล"),
        ("tags", "สถิติ"),
    ]

    remote = _ckan(plain_kit).action.package_show(id=name)
    assert sorted(tag["name"] for tag in remote["tags"]) == ["budget", "งบประมาณ"]
    extras = {item["key"]: item["value"] for item in remote["extras"]}
    assert json.loads(extras["keywords"]) == tags
    record = catalog.dataset(name, viewer=OPERATOR)
    expected = to_ckan(record.current.metadata, "ckan")
    for key in ("name", "title", "notes", "maintainer", "maintainer_email", "license_id", "url"):
        assert remote.get(key) == expected.get(key), key
    for item in expected["extras"]:
        assert _as_set(extras[item["key"]]) == _as_set(item["value"]), item["key"]
    assert extras["gdc_license_id"] == "Open Data Common"
    assert remote["license_id"] == "other-open"
    [resource] = remote["resources"]
    assert resource["schema"] == record.current.metadata.resources[0].table_schema
    assert resource["hash"] == f"sha256:{record.current.resources[0].sha256}"
    [registration] = catalog.registrations(target=target.name)
    assert [item["value"] for item in registration.adaptations] == ["ข้อมูล", "สถิติ"]
    assert check_drift(catalog, target).ok


@ON_POSTGRESQL
def test_gdc_refuses_a_duplicate_title_and_the_rest_continues(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    names = _publish_many(publish, tmp_path, unique, 3)
    ckan = _ckan(gdc_kit)
    ckan.action.organization_create(name=f"other-{unique}")
    taken = f"งบประมาณทดสอบ {unique} ชุดที่ 1"
    ckan.action.package_create(
        name=f"taken-{unique}", title=taken, owner_org=f"other-{unique}", **_gdc_required()
    )
    target = make_target(gdc_kit)
    run = register(catalog, target, actor=OPERATOR)
    assert {item.dataset: item.action for item in run.outcomes} == {
        names[0]: "created",
        names[1]: "failed",
        names[2]: "created",
    }
    failed = catalog.registrations(dataset=names[1])[0]
    assert failed.state == "failed"
    assert failed.last_error["fields"] == {"title": ["That title is already in use."]}
    assert failed.last_error["kind"] == "permanent"
    # Not retried blindly: the next run leaves it alone, --retry-failed tries again.
    assert register(catalog, target, actor=OPERATOR).calls == 0
    retried = register(catalog, target, actor=OPERATOR, retry_failed=True)
    assert [item.action for item in retried.outcomes] == ["failed"]


def _gdc_required() -> dict[str, Any]:
    return {
        "data_type": "ข้อมูลสถิติ",
        "update_frequency_unit": "ปี",
        "geo_coverage": "ประเทศ",
        "data_category": "ข้อมูลสาธารณะ",
        "license_id": "Open Data Common",
        "maintainer_email": "test@example.go.th",
        "maintainer": "กลุ่มงานทดสอบ",
        "notes": "ชุดข้อมูลทดสอบ",
        "objective": ["พันธกิจหน่วยงาน"],
        "data_format": ["CSV"],
        "data_source": "การทดสอบ",
    }


@ON_SQLITE
def test_a_name_held_by_another_organisation_is_not_overwritten(
    catalog: Catalog, publish, tmp_path, unique, plain_kit, make_target
) -> None:
    names = _publish_many(publish, tmp_path, unique, 2)
    ckan = _ckan(plain_kit)
    ckan.action.organization_create(name=f"other-{unique}")
    ckan.action.package_create(name=names[0], title="ของหน่วยงานอื่น", owner_org=f"other-{unique}")
    target = make_target(plain_kit)
    run = register(catalog, target, actor=OPERATOR)
    assert {item.dataset: item.action for item in run.outcomes} == {
        names[0]: "failed",
        names[1]: "created",
    }
    error = run.outcomes[0].error
    assert "belongs to another dataset" in error["message"]
    assert f"other-{unique}" in error["message"]
    assert ckan.action.package_show(id=names[0])["title"] == "ของหน่วยงานอื่น"
    # the drift check does not take the other agency's package for this dataset's copy
    report = check_drift(catalog, target)
    assert names[0] not in [item.dataset for item in report.differing]
    assert names[0] not in report.missing_on_target
    [held] = [item for item in report.errors if item.get("dataset") == names[0]]
    assert "belongs to another dataset" in held["message"]
    # and withdrawing this catalog's dataset of that name leaves theirs offered as it was
    catalog.withdraw(names[0], actor=OPERATOR, note="ถอน")
    register(catalog, target, actor=OPERATOR)
    theirs = ckan.action.package_show(id=names[0])
    assert (theirs["title"], theirs["private"], theirs["state"]) == (
        "ของหน่วยงานอื่น",
        False,
        "active",
    )


@ON_SQLITE
def test_a_wrong_token_is_recorded_for_each_dataset(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    names = _publish_many(publish, tmp_path, unique, 2)
    _ckan(gdc_kit).action.organization_create(name=f"org-{unique}")
    run = register(catalog, make_target(gdc_kit, token="not-a-token"), actor=OPERATOR)
    assert [(item.dataset, item.action) for item in run.outcomes] == [
        (names[0], "failed"),
        (names[1], "failed"),
    ]
    for outcome in run.outcomes:
        assert outcome.error["status"] == 403
        assert "the token may be wrong" in outcome.error["message"]


@ON_POSTGRESQL
def test_an_organisation_the_token_cannot_write_to(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    [name] = _publish_many(publish, tmp_path, unique, 1)
    ckan = _ckan(gdc_kit)
    ckan.action.organization_create(name=f"org-{unique}")
    ckan.action.user_create(
        name=f"reader-{unique}",
        email=f"reader-{unique}@example.go.th",
        password="a-long-test-password-1",
    )
    ckan.action.organization_member_create(
        id=f"org-{unique}", username=f"reader-{unique}", role="member"
    )
    token = ckan.action.api_token_create(user=f"reader-{unique}", name="test")["token"]
    run = register(catalog, make_target(gdc_kit, token=token), actor=OPERATOR)
    assert [(item.dataset, item.action) for item in run.outcomes] == [(name, "failed")]
    assert run.outcomes[0].error["status"] == 403


@ON_SQLITE
def test_a_target_answering_html_is_a_clear_error(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    names = _publish_many(publish, tmp_path, unique, 2)
    run = register(catalog, make_target(gdc_kit, url=gdc_kit.url + "/dataset"), actor=OPERATOR)
    assert [item.action for item in run.outcomes] == ["failed", "failed"]
    assert "answered with HTML, not CKAN's JSON" in run.outcomes[0].error["message"]
    assert [item.dataset for item in run.outcomes] == names


@ON_SQLITE
def test_a_rerun_makes_no_call_and_the_drift_report_lists_every_difference(
    catalog: Catalog, publish, tmp_path, unique, plain_kit, make_target
) -> None:
    """One test, as both start from the same three datasets registered (published, and
    created on CKAN, once rather than twice): a rerun of the unchanged catalog makes no
    call at all, then the drift check finds what was changed on CKAN behind khlang's back."""
    names = _publish_many(publish, tmp_path, unique, 3)
    target = make_target(plain_kit)
    first = register(catalog, target, actor=OPERATOR)
    assert first.count("created") == 3
    again = register(catalog, target, actor=OPERATOR)
    assert (again.writes, again.calls, again.queued, again.up_to_date) == (0, 0, 0, 3)
    assert check_drift(catalog, target).ok
    ckan = _ckan(plain_kit)
    ckan.action.package_patch(id=names[0], notes="แก้ที่ CKAN โดยตรง", maintainer="ใครบางคน")
    ckan.action.package_delete(id=names[1])
    ckan.action.package_create(
        name=f"stray-{unique}", owner_org=f"org-{unique}", title=f"งบประมาณทดสอบ {unique} ชุดที่ 2"
    )  # same title as names[2]
    report = check_drift(catalog, target)
    [drift] = report.differing
    assert drift.dataset == names[0]
    assert {item.field for item in drift.differences} == {"notes", "maintainer"}
    notes = next(item for item in drift.differences if item.field == "notes")
    assert notes.theirs == "แก้ที่ CKAN โดยตรง"
    assert report.missing_on_target == [names[1]]
    assert report.only_on_target == [f"stray-{unique}"]
    [duplicate] = report.duplicates
    assert (duplicate.by, duplicate.packages) == ("title", sorted([names[2], f"stray-{unique}"]))
    assert report.in_sync == 1
    assert not report.ok


@ON_POSTGRESQL
def test_withdrawal_makes_private_then_reinstating_publishes_again(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    [name] = _publish_many(publish, tmp_path, unique, 1)
    target = make_target(gdc_kit)
    register(catalog, target, actor=OPERATOR)
    catalog.withdraw(name, actor=OPERATOR, note="ยกเลิก")
    run = register(catalog, target, actor=OPERATOR)
    assert [item.action for item in run.outcomes] == ["withdrawn"]
    remote = _ckan(gdc_kit).action.package_show(id=name)
    assert (remote["private"], remote["allow_harvest"]) == (True, "False")
    assert catalog.registrations(target=target.name)[0].state == "withdrawn"
    assert check_drift(catalog, target).ok
    catalog.reinstate(name, actor=OPERATOR)
    run = register(catalog, target, actor=OPERATOR)
    assert [item.action for item in run.outcomes] == ["updated"]
    remote = _ckan(gdc_kit).action.package_show(id=name)
    assert (remote["private"], remote["allow_harvest"]) == (False, "True")


@ON_SQLITE
def test_withdrawal_can_delete(
    catalog: Catalog, publish, tmp_path, unique, plain_kit, make_target
) -> None:
    [name] = _publish_many(publish, tmp_path, unique, 1)
    target = make_target(plain_kit, withdraw="delete")
    register(catalog, target, actor=OPERATOR)
    catalog.withdraw(name, actor=OPERATOR)
    register(catalog, target, actor=OPERATOR)
    assert _ckan(plain_kit).action.package_show(id=name)["state"] == "deleted"
    report = check_drift(catalog, target)
    assert report.withdrawn_still_offered == []


@ON_SQLITE
def test_upload_mode_sends_the_files(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    [name] = _publish_many(publish, tmp_path, unique, 1)
    target = make_target(gdc_kit, resources="upload")
    run = register(catalog, target, actor=OPERATOR)
    assert [item.action for item in run.outcomes] == ["created"]
    [resource] = _ckan(gdc_kit).action.package_show(id=name)["resources"]
    assert resource["url_type"] == "upload"
    import requests

    downloaded = requests.get(resource["url"], timeout=30, headers={"Authorization": gdc_kit.token})
    assert downloaded.content == (tmp_path / name / "data/allocation.csv").read_bytes()
    assert check_drift(catalog, target).ok
    # A new file is uploaded again, into the same resource.
    publish(
        write_folder(
            tmp_path,
            name,
            organization=f"org-{unique}",
            csv=rows_csv(4),
            title=f"งบประมาณทดสอบ {unique} ชุดที่ 0",
        )
    )
    register(catalog, target, actor=OPERATOR)
    [after] = _ckan(gdc_kit).action.package_show(id=name)["resources"]
    assert after["id"] == resource["id"]
    assert requests.get(after["url"], timeout=30).text == rows_csv(4)
