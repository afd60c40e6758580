"""The GD Catalog harvests khlang: ckanext-harvest's CKAN harvester replayed call for call
(tests/api/harvester.py) against a running `khlang serve`, on a catalog of 125 public
datasets in three organisations (more than one page of 100) and three private ones.

It gathers every public dataset once (full), then exactly the datasets changed since the
last harvest (incremental), with and without the organisation and group filters; a dataset
an agency creates with `ckanapi action package_create` is in the next harvest.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import ckanapi
import pytest
from sqlalchemy import select

from khlang.catalog import Catalog
from khlang.catalog.search import maintain as search_tables
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.catalog.tables import DatasetVersion
from khlang.i18n import Text
from tests.api.catalog_fixture import OPERATOR, dataset_metadata
from tests.api.harvester import PAGE_ROWS, HarvestConfig, gather, show
from tests.api.server import running_khlang

pytestmark = pytest.mark.slow
ORGANIZATIONS = {  # name -> (Thai title, public datasets, their EU themes)
    "cm-office": ("สำนักงานจังหวัดเชียงใหม่", 60, ["GOVE", "ECON"]),
    "nn-office": ("สำนักงานจังหวัดนครนายก", 45, ["REGI"]),
    "bkk-office": ("สำนักงานกรุงเทพมหานคร", 20, ["SOCI"]),
}
PRIVATE = ["cm-private-1", "cm-private-2", "nn-private-1"]


@pytest.fixture(scope="module")
def catalog_home(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The catalog, every dataset published through the gate two hours ago (as if
    yesterday's), and API keys of an editor of each organisation."""
    root = tmp_path_factory.mktemp("harvest")
    home, keys = root / "home", {}
    with Catalog.open(home, None, create=True) as catalog:
        accounts = catalog.accounts
        for organization, (title, count, themes) in ORGANIZATIONS.items():
            accounts.create_organization(organization, actor=OPERATOR,
                                         title=Text(th=title, en=organization),
                                         catalog_type="area_based")  # fmt: skip
            accounts.create_user(f"{organization}-editor", actor=OPERATOR)
            accounts.set_member(organization, f"{organization}-editor", "editor", actor=OPERATOR)
            keys[organization] = accounts.create_key(f"{organization}-editor", actor=OPERATOR)[1]
            names = [f"{organization}-{i:03d}" for i in range(count)]
            names += [p for p in PRIVATE if p.startswith(organization[:3])]
            for name in names:
                private = name in PRIVATE
                metadata = dataset_metadata(name, organization, f"งบประมาณ {name}", themes, private)
                path = root / f"{name}.json"
                path.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
                catalog.publish(path, actor=OPERATOR)
        with catalog.write() as session:
            two_hours = dt.timedelta(hours=2)
            for version in session.scalars(select(DatasetVersion)):
                version.published_at -= two_hours
            for row in session.scalars(select(DatasetRow)):
                row.created_at -= two_hours
                row.updated_at -= two_hours
            # the times changed behind the catalog's back: its search entries hold them too
            search_tables.rebuild(session)
    return home, keys


@pytest.fixture(scope="module")
def khlang_url(catalog_home):
    home, _ = catalog_home
    with running_khlang(home) as url:  # the default rate limits: a harvest is not refused
        yield url


def _public(prefix: str = "") -> list[str]:
    return sorted(
        f"{organization}-{i:03d}"
        for organization, (_, count, _) in ORGANIZATIONS.items()
        if organization.startswith(prefix)
        for i in range(count)
    )


def _ok(gathered) -> None:
    assert gathered.error is None, gathered.error
    assert all(status == 200 for _, status in gathered.calls), gathered.calls


def test_full_gather_finds_every_public_dataset_once(khlang_url) -> None:
    gathered = gather(khlang_url, HarvestConfig())
    _ok(gathered)
    assert sorted(gathered.names) == _public()
    assert len(gathered.names) == len(set(gathered.names))
    # the harvester's own paging: 100, 25, then an empty page
    starts = [url.split("start=")[1].split("&")[0] for url, _ in gathered.calls]
    assert starts == ["0", str(PAGE_ROWS), str(2 * PAGE_ROWS)]
    assert gathered.calls[0][0].endswith("package_search?rows=100&start=0&sort=id+asc")
    ids = [package["id"] for package in gathered.datasets]
    assert ids == sorted(ids)  # sort=id asc


def test_each_gathered_dataset_is_what_package_show_gives(khlang_url) -> None:
    gathered = gather(khlang_url, HarvestConfig())
    calls: list = []
    organizations, groups = {}, {}
    for package in gathered.datasets[:: max(1, len(gathered.datasets) // 25)]:
        with ckanapi.RemoteCKAN(khlang_url) as remote:
            assert remote.action.package_show(id=package["id"]) == package
        organization = package["owner_org"]
        if organization not in organizations:
            organizations[organization] = show(
                khlang_url, "organization_show", organization, HarvestConfig(), calls
            )
        assert organizations[organization]["name"] == package["organization"]["name"]
        for group in package["groups"]:
            groups.setdefault(
                group["id"], show(khlang_url, "group_show", group["id"], HarvestConfig(), calls)
            )
            assert groups[group["id"]]["name"] == group["name"]
        assert package["metadata_modified"].count("+") == 0  # naive UTC, as CKAN gives
    assert all(status == 200 for _, status in calls)
    assert set(organizations) == {p["owner_org"] for p in gathered.datasets}
    assert {g["name"] for g in groups.values()} == {"gove", "econ", "regi", "soci"}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (HarvestConfig(organizations_filter_include=["cm-office", "bkk-office"]),
         _public("cm") + _public("bkk")),
        (HarvestConfig(organizations_filter_exclude=["cm-office"]), _public("nn") + _public("bkk")),
        (HarvestConfig(organizations_filter_exclude=["cm-office", "nn-office"]), _public("bkk")),
        (HarvestConfig(groups_filter_include=["regi", "soci"]), _public("nn") + _public("bkk")),
        (HarvestConfig(groups_filter_exclude=["gove"]), _public("nn") + _public("bkk")),
        (HarvestConfig(organizations_filter_include=["cm-office", "nn-office"],
                       groups_filter_include=["regi"]), _public("nn")),
    ],
)  # fmt: skip
def test_organisation_and_group_filters(khlang_url, config, expected) -> None:
    gathered = gather(khlang_url, config)
    _ok(gathered)
    assert sorted(gathered.names) == sorted(expected)


def test_private_datasets_only_with_a_key_that_may_see_them(khlang_url, catalog_home) -> None:
    _, keys = catalog_home
    with ckanapi.RemoteCKAN(khlang_url, apikey=keys["cm-office"]) as remote:
        found = remote.action.package_search(fq="capacity:private", include_private=True)
    assert sorted(p["name"] for p in found["results"]) == ["cm-private-1", "cm-private-2"]
    anonymous = gather(khlang_url, HarvestConfig())
    assert not set(anonymous.names) & set(PRIVATE)


def test_a_refused_query_is_no_datasets_to_the_harvester(khlang_url) -> None:
    """Why every query the harvester sends must be answered: it reads an error answer as a
    page without datasets and records "no datasets found", never the error."""
    gathered = gather(khlang_url, HarvestConfig(organizations_filter_include=["cm-office~2"]))
    assert gathered.calls[0][1] == 400
    assert gathered.datasets == []
    assert gathered.error.startswith("No datasets found at CKAN")


def test_incremental_gather_finds_exactly_the_changed_datasets(khlang_url, catalog_home, tmp_path):
    _, keys = catalog_home
    last_gather_started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    first = gather(khlang_url, HarvestConfig())
    _ok(first)
    with ckanapi.RemoteCKAN(khlang_url, apikey=keys["cm-office"]) as remote:
        remote.action.package_patch(id="cm-office-007", notes="ปรับปรุงคำอธิบายชุดข้อมูล")
    with ckanapi.RemoteCKAN(khlang_url, apikey=keys["nn-office"]) as remote:
        remote.action.package_patch(id="nn-office-011", maintainer="กลุ่มงานใหม่")
    # an agency's script publishes a new dataset with ckanapi's command line, unchanged
    created = dataset_metadata("cm-office-new", "cm-office", "งบประมาณชุดใหม่ของเชียงใหม่",
                        ["GOVE"], False)  # fmt: skip
    package = tmp_path / "package.json"
    package.write_text(json.dumps(created, ensure_ascii=False), encoding="utf-8")
    ckanapi_cli = str(Path(sys.executable).parent / "ckanapi")
    subprocess.run(
        [ckanapi_cli, "action", "package_create", "-I", str(package), "-r", khlang_url,
         "-a", keys["cm-office"]],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    time.sleep(0.1)
    changed = gather(khlang_url, HarvestConfig(), last_gather_started=last_gather_started)
    _ok(changed)
    assert sorted(changed.names) == ["cm-office-007", "cm-office-new", "nn-office-011"]
    assert "metadata_modified:[" in changed.calls[0][0].replace("%3A", ":").replace("%5B", "[")
    only_cm = gather(
        khlang_url,
        HarvestConfig(organizations_filter_include=["cm-office", "bkk-office"]),
        last_gather_started=last_gather_started,
    )
    _ok(only_cm)
    assert sorted(only_cm.names) == ["cm-office-007", "cm-office-new"]
    not_cm = gather(
        khlang_url,
        HarvestConfig(organizations_filter_exclude=["cm-office"]),
        last_gather_started=last_gather_started,
    )
    assert sorted(not_cm.names) == ["nn-office-011"]
    nothing = gather(
        khlang_url,
        HarvestConfig(organizations_filter_include=["bkk-office"]),
        last_gather_started=last_gather_started,
    )
    assert nothing.datasets == []
    assert nothing.error.startswith("No datasets have been updated")
    full = gather(khlang_url, HarvestConfig())
    assert sorted(full.names) == sorted([*_public(), "cm-office-new"])
