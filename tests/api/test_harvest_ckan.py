"""A real CKAN harvests khlang: CKAN 2.11 with the GD Catalog schema (the kit in
../shared/ckan) and ckanext-harvest 1.6.3's CKAN harvester, its gather and fetch consumers
running as a GD Catalog runs them, harvest a running `khlang serve` twice: every public
dataset the first time, and a dataset an agency then created with ckanapi the second time
(an incremental harvest), without an error."""

from __future__ import annotations

import json
import time

import ckanapi
import pytest

from tests.api.catalog_fixture import agency_package, build
from tests.api.harvest_kit import HELP, HarvestKit
from tests.api.server import running_khlang
from tests.conftest import IN_CI

pytestmark = [pytest.mark.slow, pytest.mark.ckan]
JOB_DEADLINE = 180.0


@pytest.fixture(scope="module")
def harvest_kit(shared_dir):
    kit = HarvestKit(shared_dir / "ckan")
    if not IN_CI and not kit.built:
        pytest.skip(f"the CKAN kit with ckanext-harvest is not built; {HELP}")
    kit.start(fresh=True)
    yield kit
    kit.stop()


def _finished_job(kit: HarvestKit, remote: ckanapi.RemoteCKAN, source: str, job: str) -> dict:
    deadline = time.monotonic() + JOB_DEADLINE
    while time.monotonic() < deadline:
        kit.run_jobs()  # marks a job whose objects are all imported as Finished
        last = remote.action.harvest_source_show(id=source)["status"]["last_job"]
        if last and last["id"] == job and last["status"] == "Finished":
            return last
        time.sleep(2)
    raise TimeoutError(f"harvest job {job} did not finish in {JOB_DEADLINE:.0f} s")


def test_a_gd_catalog_ckan_harvests_khlang(harvest_kit, tmp_path) -> None:
    built = build(tmp_path / "catalog")
    with running_khlang(built.home) as khlang_url, harvest_kit.consumers(tmp_path):
        gdc = ckanapi.RemoteCKAN(harvest_kit.url, apikey=harvest_kit.token())
        gdc.action.organization_create(name="gdc-harvested", title="ชุดข้อมูลที่เก็บเกี่ยวมา")
        source = gdc.action.harvest_source_create(
            name="khlang", url=khlang_url, source_type="ckan", title="khlang",
            owner_org="gdc-harvested", frequency="MANUAL", config=json.dumps({}),
        )["id"]  # fmt: skip
        first = gdc.action.harvest_job_create(source_id=source)["id"]
        job = _finished_job(harvest_kit, gdc, source, first)
        assert job["stats"]["errored"] == 0, job
        assert job["stats"]["added"] == 2, job
        for name in ("chiang-mai-allocation", "nakhon-nayok-allocation"):
            ours = ckanapi.RemoteCKAN(khlang_url).action.package_show(id=name)
            theirs = gdc.action.package_show(id=name)
            for key in ("title", "data_type", "geo_coverage", "license_id", "allow_harvest",
                        "maintainer_email"):  # fmt: skip
                assert theirs[key] == ours[key], key
            assert sorted(theirs["objective"]) == sorted(ours["objective"])  # schema's order
            assert [r["url"] for r in theirs["resources"]] == [r["url"] for r in ours["resources"]]
        with pytest.raises(ckanapi.NotFound):
            gdc.action.package_show(id="cm-private-plan")

        with ckanapi.RemoteCKAN(khlang_url, apikey=built.keys["cm-editor"]) as agency:
            agency.action.package_create(
                **agency_package("cm-harvest-new", "งบประมาณรายจ่ายที่เพิ่มใหม่ เชียงใหม่")
            )
        second = gdc.action.harvest_job_create(source_id=source)["id"]
        job = _finished_job(harvest_kit, gdc, source, second)
        assert job["stats"]["errored"] == 0, job
        assert job["stats"]["added"] == 1, job
        assert gdc.action.package_show(id="cm-harvest-new")["title"].endswith("เชียงใหม่")
    gather_log = (tmp_path / "gather-consumer.log").read_text(encoding="utf-8")
    assert "Searching for datasets modified since" in gather_log  # the second was incremental
