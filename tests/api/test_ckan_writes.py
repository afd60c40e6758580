"""CKAN's write actions with the real ckanapi client, as an agency's existing script calls
them against `khlang serve`: package_create, resource_create with an upload, package_patch,
package_update, package_delete; khlang's gate findings come back as ckanapi's
ValidationError, a key without the role as NotAuthorized, an unknown dataset as NotFound."""

from __future__ import annotations

import json

import ckanapi
import pytest

from tests.api.catalog_fixture import agency_package, build
from tests.api.sample import SCHEMA, rows, write_csv
from tests.api.server import running_khlang

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    built = build(tmp_path_factory.mktemp("ckan-writes"))
    with running_khlang(built.home, "--rate-limit", "off") as url:
        yield url, built


def test_an_agency_script_publishes_through_the_gate(served, tmp_path) -> None:
    url, built = served
    with ckanapi.RemoteCKAN(url, apikey=built.keys["cm-editor"]) as remote:
        created = remote.action.package_create(
            **agency_package("cm-budget-2568", "งบประมาณรายจ่ายจังหวัดเชียงใหม่ 2568")
        )
        assert created["name"] == "cm-budget-2568"
        assert created["organization"]["name"] == "cm-office"
        assert [g["name"] for g in created["groups"]] == ["econ"]
        data = write_csv(tmp_path / "budget-2568.csv", rows(count=40, seed=3))
        with data.open("rb") as upload:
            resource = remote.action.resource_create(
                package_id="cm-budget-2568",
                name="งบประมาณรายจ่าย 2568",
                description="หนึ่งแถวต่อรายการงบประมาณ",
                format="CSV",
                schema=json.dumps(SCHEMA, ensure_ascii=False),
                upload=upload,
            )
        assert resource["url"].endswith("/download/budget-2568.csv")
        assert resource["datastore_active"] is True
        rows_back = remote.action.datastore_search(resource_id=resource["id"], limit=5)
        assert rows_back["total"] == 40
        patched = remote.action.package_patch(id="cm-budget-2568", notes="ปรับปรุงคำอธิบาย")
        assert patched["notes"] == "ปรับปรุงคำอธิบาย"
        assert patched["resources"][0]["id"] == resource["id"]  # the file is kept
        assert patched["resources"][0]["hash"] == resource["hash"]
        shown = remote.action.package_show(id="cm-budget-2568")
        shown["title"] = "งบประมาณรายจ่ายจังหวัดเชียงใหม่ ปีงบประมาณ 2568"
        updated = remote.action.package_update(**shown)
        assert updated["title"] == shown["title"]
        assert updated["version"] == "4"
        activity = remote.action.package_activity_list(id="cm-budget-2568")
        assert [a["activity_type"] for a in activity] == [
            "changed package", "changed package", "changed package", "new package"]  # fmt: skip
        remote.action.package_delete(id="cm-budget-2568")
        assert remote.action.package_show(id="cm-budget-2568")["state"] == "deleted"
    public = ckanapi.RemoteCKAN(url).action.package_search(fq="name:cm-budget-2568")
    assert public["count"] == 0


def test_findings_come_back_in_ckans_error_shape(served) -> None:
    url, built = served
    with ckanapi.RemoteCKAN(url, apikey=built.keys["cm-editor"]) as remote:
        with pytest.raises(ckanapi.ValidationError) as refused:
            remote.action.package_create(
                **agency_package(
                    "cm-bad", "ชุดข้อมูลที่กรอกผิด", data_type="ข้อมูลลับ", maintainer_email="not-an-email"
                )
            )
        errors = refused.value.error_dict
        assert "data_type" in errors
        assert "maintainer_email" in errors
        assert any("ประเภท" in message for message in errors["data_type"])  # Thai too
        with pytest.raises(ckanapi.ValidationError) as taken:
            remote.action.package_create(**agency_package("chiang-mai-allocation", "ชื่อใหม่ที่ไม่ซ้ำ"))
        assert taken.value.error_dict["name"] == ["That URL is already in use."]
        with pytest.raises(ckanapi.ValidationError) as no_org:
            remote.action.package_create(
                **agency_package("cm-no-org", "ไม่มีหน่วยงาน", owner_org="no-such-office")
            )
        assert "owner_org" in no_org.value.error_dict
        with pytest.raises(ckanapi.NotFound):
            remote.action.package_patch(id="no-such-dataset", notes="x")
        with pytest.raises(ckanapi.ValidationError):
            remote.action.resource_create(package_id="chiang-mai-allocation", name="ไม่มีไฟล์")
    with ckanapi.RemoteCKAN(url, apikey=built.keys["nn-editor"]) as other:
        with pytest.raises(ckanapi.NotAuthorized):
            other.action.package_patch(id="chiang-mai-allocation", notes="not mine")
        with pytest.raises(ckanapi.NotAuthorized):
            other.action.package_create(**agency_package("nn-into-cm", "ชุดข้อมูลข้ามหน่วยงาน"))
    member = ckanapi.RemoteCKAN(url, apikey=built.keys["cm-member"])
    with pytest.raises(ckanapi.NotAuthorized):
        member.action.package_delete(id="chiang-mai-allocation")
    with pytest.raises(ckanapi.NotAuthorized):
        ckanapi.RemoteCKAN(url).action.package_create(**agency_package("anon", "ไม่มีกุญแจ"))
    unchanged = ckanapi.RemoteCKAN(url).action.package_show(id="chiang-mai-allocation")
    assert unchanged["version"] == "1"


def test_a_round_trip_changes_only_what_was_changed(served) -> None:
    """package_show, one change, package_update: the rest of the metadata, the resources and
    their files stay as they were (khlang's own page is not written into `url`)."""
    url, built = served
    with ckanapi.RemoteCKAN(url, apikey=built.keys["nn-editor"]) as remote:
        before = remote.action.package_show(id="nakhon-nayok-allocation")
        changed = {**before, "maintainer": "กลุ่มงานสถิติ"}
        after = remote.action.package_update(**changed)
        with pytest.raises(ckanapi.ValidationError) as renamed:
            remote.action.package_update(**{**after, "name": "nakhon-nayok-renamed"})
    assert "name" in renamed.value.error_dict
    assert after["maintainer"] == "กลุ่มงานสถิติ"
    assert after["url"] == before["url"] == f"{url}/dataset/nakhon-nayok-allocation"
    ignored = {"maintainer", "version", "metadata_modified", "extras", "resources"}
    assert {k: v for k, v in after.items() if k not in ignored} == {
        k: v for k, v in before.items() if k not in ignored}  # fmt: skip
    kept = ("id", "url", "hash", "size", "name", "format")
    assert [{k: r[k] for k in kept} for r in after["resources"]] == [
        {k: r[k] for k in kept} for r in before["resources"]]  # fmt: skip
