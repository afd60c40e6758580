"""Registration without a network: the settings file, the push fingerprint, the mapping's
tag rules and how differences are judged."""

from __future__ import annotations

from pathlib import Path

import pytest

from khlang.catalog.registration.mapping import _stock_tags, clearing_patch, differences
from khlang.catalog.registration.settings import ad_hoc_target, load_settings, target_from_settings
from khlang.errors import KhlangError

SETTINGS = """\
public_url: https://data.example.go.th
targets:
  province:
    url: https://catalog.example.go.th
    token_env: PROVINCE_TOKEN
    profile: gdc
    organizations: {chiang-mai-office: cmpo}
    only_mapped: true
    withdraw: delete
  stock:
    url: http://127.0.0.1:5000
    profile: ckan
    resources: upload
"""


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(SETTINGS, encoding="utf-8")
    return path


def test_targets_come_from_the_settings_file(settings_file: Path, monkeypatch) -> None:
    monkeypatch.setenv("PROVINCE_TOKEN", "secret-token")
    province = target_from_settings(settings_file, "province")
    assert (province.profile, province.withdraw, province.public_url) == (
        "gdc",
        "delete",
        "https://data.example.go.th",
    )
    assert province.token == "secret-token"
    assert province.remote_organization("chiang-mai-office") == "cmpo"
    assert province.remote_organization("elsewhere") is None  # only_mapped
    assert province.site_host == "catalog.example.go.th"
    stock = target_from_settings(settings_file, "stock")
    assert (stock.resources, stock.token_env, stock.remote_organization("any")) == (
        "upload",
        "CKAN_TOKEN",
        "any",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("targets:\n  x:\n    url: http://a\n    profile: dcat\n", "targets.x.profile"),
        ("targets:\n  x:\n    url: http://a\n    colour: blue\n", "targets.x.colour"),
        ("targets:\n  x: {}\n", "targets.x.url"),
        ("targets: [a, b]\n", "`targets` must map"),
        ("targets:\n  x: {url: http://a\n", "invalid YAML"),
    ],
)
def test_bad_settings_are_reported_with_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KhlangError, match=message) as raised:
        load_settings(path)
    assert str(path) in raised.value.render()


def test_an_unknown_target_names_the_known_ones(settings_file: Path) -> None:
    with pytest.raises(KhlangError, match="known: province, stock"):
        target_from_settings(settings_file, "national")


def test_ad_hoc_targets_need_an_http_url() -> None:
    target = ad_hoc_target(
        "http://127.0.0.1:15000/",
        "ckan",
        public_url=None,
        settings_public_url="https://data.example.go.th",
    )
    assert (target.name, target.token_env, target.public_url) == (
        "http://127.0.0.1:15000",
        "CKAN_TOKEN",
        "https://data.example.go.th",
    )
    with pytest.raises(KhlangError, match="http"):
        ad_hoc_target("ftp://example", "gdc", public_url=None, settings_public_url=None)


def test_the_fingerprint_follows_what_changes_the_package(settings_file: Path) -> None:
    province = target_from_settings(settings_file, "province")
    base = province.fingerprint("chiang-mai-office")
    assert province.fingerprint("chiang-mai-office") == base
    assert province.model_copy(update={"profile": "ckan"}).fingerprint("chiang-mai-office") != base
    assert (
        province.model_copy(update={"public_url": "https://x"}).fingerprint("chiang-mai-office")
        != base
    )
    remapped = province.model_copy(update={"organizations": {"chiang-mai-office": "other"}})
    assert remapped.fingerprint("chiang-mai-office") != base
    assert province.model_copy(update={"timeout": 5}).fingerprint("chiang-mai-office") == base


def test_stock_ckan_tag_rule() -> None:
    tags, adaptations = _stock_tags(
        ["งบประมาณ", "ข้อมูล", "สถิติ", "budget 2568", "a.b-c_d", "ก", "x" * 101]
    )
    assert [tag["name"] for tag in tags] == ["งบประมาณ", "budget 2568", "a.b-c_d"]
    assert [item.value for item in adaptations] == ["ข้อมูล", "สถิติ", "ก", "x" * 101]
    assert "vowel" in adaptations[0].reason.en
    assert "2 to 100" in adaptations[2].reason.en


def test_differences_compare_as_ckan_stores() -> None:
    ours = {
        "objective": ["ก", "ข"],
        "notes": "x",
        "update_frequency_interval": "1",
        "private": False,
        "data_support": None,
        "tags": [{"name": "a"}],
        "extras": [{"key": "keywords", "value": '["a", "b"]'}],
        "resources": [{"name": "r", "size": 10, "id": "ours"}],
        "owner_org": "org",
    }
    theirs = {
        "objective": ["ข", "ก"],
        "notes": "x ",
        "update_frequency_interval": 1,
        "private": False,
        "tags": [{"name": "a", "id": "t"}],
        "organization": {"name": "org"},
        "state": "active",
        "extras": [{"key": "keywords", "value": '["a","b"]'}],
        "resources": [{"name": "r", "size": "10", "id": "theirs"}],
    }
    assert differences(ours, theirs) == []
    theirs["resources"][0]["name"] = "renamed"
    theirs["state"] = "deleted"
    theirs["organization"] = {"name": "elsewhere"}
    found = {item.field: (item.ours, item.theirs) for item in differences(ours, theirs)}
    assert found == {
        "resources[0].name": ("r", "renamed"),
        "state": ("active", "deleted"),
        "owner_org": ("org", "elsewhere"),
    }


def test_fields_khlang_dropped_are_cleared_on_the_target() -> None:
    remote = {"unit_of_measure": "บาท", "disaggregate": ["อายุ"], "notes": "x", "custom": "kept"}
    assert clearing_patch({"notes": "x"}, remote) == {"unit_of_measure": "", "disaggregate": []}
