"""CKAN's Action API: each read action with CKAN's parameters, envelope and errors, and the
real ckanapi client (RemoteCKAN and its command line) against a running khlang."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from khlang.api import name_offsets
from tests.api.server import running_khlang

ACTION = "/api/3/action"


def _call(client, action, method="GET", **params):
    if method == "POST":
        response = client.post(f"{ACTION}/{action}", json=params)
    else:
        response = client.get(f"{ACTION}/{action}", params=params)
    return response.status_code, response.json()


@pytest.mark.parametrize("prefix", ["/api/3/action", "/api/action"])
def test_envelope_on_both_prefixes(client, prefix) -> None:
    body = client.get(f"{prefix}/status_show").json()
    assert body["success"] is True
    assert body["help"].endswith("help_show?name=status_show")
    assert body["result"]["ckan_version"].startswith("2.")


def test_package_search_with_ckan_parameters(client) -> None:
    status, body = _call(
        client, "package_search", q="งบประมาณเชียงใหม่", rows=1,
        **{"facet.field": '["organization","tags","res_format"]'},
    )  # fmt: skip
    assert status == 200
    result = body["result"]
    assert result["results"][0]["name"] == "chiang-mai-allocation"
    assert len(result["results"]) == 1
    assert result["search_facets"]["organization"]["items"][0]["display_name"].startswith("สำนักงาน")
    assert result["facets"]["res_format"]["CSV"] >= 1
    _, filtered = _call(client, "package_search", fq="organization:nn-office")
    assert [p["name"] for p in filtered["result"]["results"]] == ["nakhon-nayok-allocation"]
    _, by_tag = _call(client, "package_search", fq='tags:"งบประมาณ" res_format:CSV', rows=50)
    assert by_tag["result"]["count"] == 2
    _, sorted_names = _call(client, "package_search", sort="name desc", start=1)
    assert sorted_names["result"]["results"][0]["name"] == "chiang-mai-allocation"


def test_package_show_carries_gd_catalog_fields_in_thai(client) -> None:
    for method in ("GET", "POST"):
        status, body = _call(client, "package_show", method, id="chiang-mai-allocation")
        assert status == 200
        package = body["result"]
        assert package["data_type"] == "ข้อมูลสถิติ"
        assert package["geo_coverage"] == "อำเภอ"
        assert package["objective"] == ["พันธกิจหน่วยงาน", "เพื่อการให้บริการประชาชน"]
        assert package["allow_harvest"] == "True"
        assert package["organization"]["name"] == "cm-office"
        assert package["num_resources"] == 2
        resource = package["resources"][0]
        assert resource["package_id"] == package["id"]
        assert resource["url"].startswith(
            "http://testserver/dataset/chiang-mai-allocation/resource/"
        )
        assert resource["datastore_active"] is True
    by_id = _call(client, "package_show", id=package["id"])[1]["result"]
    assert by_id["name"] == "chiang-mai-allocation"


@pytest.mark.parametrize("every", [1, 2, 1000])
def test_package_list_offsets_from_name_marks(client, monkeypatch, every) -> None:
    """Whatever the marks' spacing, every offset and limit gives the offset walk's page."""
    monkeypatch.setattr(name_offsets, "MARK_EVERY", every)
    names = ["chiang-mai-allocation", "nakhon-nayok-allocation"]
    for offset in range(4):
        for limit in (None, 1, 2):
            data = {"offset": offset} if limit is None else {"offset": offset, "limit": limit}
            expected = names[offset:] if limit is None else names[offset : offset + limit]
            assert _call(client, "package_list", **data)[1]["result"] == expected


def test_lists(client) -> None:
    assert _call(client, "package_list")[1]["result"] == [
        "chiang-mai-allocation",
        "nakhon-nayok-allocation",
    ]
    assert _call(client, "package_list", limit=1, offset=1)[1]["result"] == [
        "nakhon-nayok-allocation"
    ]
    assert _call(client, "organization_list", sort="name desc")[1]["result"] == [
        "nn-office",
        "cm-office",
    ]
    full = _call(client, "organization_list", all_fields="true")[1]["result"]
    assert {o["name"]: o["package_count"] for o in full} == {"cm-office": 1, "nn-office": 1}
    groups = _call(client, "group_list", all_fields="true", sort="name asc")[1]["result"]
    assert [g["name"] for g in groups if g["package_count"]] == ["econ", "gove"]
    tags = _call(client, "tag_list")[1]["result"]
    assert "งบประมาณ" in tags
    assert _call(client, "tag_list", query="budg")[1]["result"] == ["budget"]


def test_organization_show_and_resource_show(client, resource_id) -> None:
    organization = _call(client, "organization_show", id="cm-office", include_datasets="true")[1]
    assert organization["result"]["package_count"] == 1
    assert organization["result"]["packages"][0]["name"] == "chiang-mai-allocation"
    rid = resource_id("chiang-mai-allocation")
    resource = _call(client, "resource_show", id=rid)[1]["result"]
    assert resource["id"] == rid
    assert resource["format"] == "CSV"


def test_datastore_search(client, resource_id, sample_rows) -> None:
    rid = resource_id("chiang-mai-allocation")
    status, body = _call(
        client, "datastore_search", "POST", resource_id=rid, filters={"province_code": "50"},
        sort="allocated desc", limit=3, offset=1, fields=["line_id", "allocated"],
    )  # fmt: skip
    assert status == 200
    result = body["result"]
    expected = sorted(
        (r for r in sample_rows if r["province_code"] == "50"), key=lambda r: -r["allocated"]
    )
    assert result["total"] == len(expected)
    assert [r["allocated"] for r in result["records"]] == [r["allocated"] for r in expected[1:4]]
    assert [f["id"] for f in result["fields"]] == ["_id", "line_id", "allocated"]
    assert result["fields"][2]["type"] == "numeric"
    assert all(record["_id"] >= 1 for record in result["records"])
    first = _call(client, "datastore_search", resource_id=rid, limit=1)[1]["result"]["records"][0]
    assert first["_id"] == 1
    capped = _call(client, "datastore_search", resource_id=rid, limit=10**9)[1]["result"]
    assert capped["limit"] == 32_000  # CKAN caps at ckan.datastore.search.rows_max
    words = _call(client, "datastore_search", resource_id=rid, q="ถนนคอนกรีต", limit=0)[1]
    assert words["result"]["total"] == sum("ถนนคอนกรีต" in r["project_name"] for r in sample_rows)


@pytest.mark.parametrize(
    ("action", "params", "status", "kind"),
    [
        ("package_show", {"id": "no-such-dataset"}, 404, "Not Found Error"),
        ("package_show", {}, 409, "Validation Error"),
        ("package_show", {"id": "cm-private-plan"}, 404, "Not Found Error"),
        ("package_search", {"rows": "many"}, 409, "Validation Error"),
        ("package_search", {"start": "-5"}, 409, "Validation Error"),
        ("package_search", {"fq": "owner:someone"}, 400, "Search Query Error"),
        ("package_search", {"q": "title:(a OR b"}, 400, "Search Query Error"),
        ("package_search", {"q": "title:งบ~2"}, 400, "Search Query Error"),
        ("package_search", {"sort": "popularity desc"}, 400, "Search Query Error"),
        ("organization_show", {"id": "nope"}, 404, "Not Found Error"),
        ("resource_show", {"id": "nope"}, 404, "Not Found Error"),
        ("datastore_search", {"resource_id": "nope"}, 404, "Not Found Error"),
        ("package_create", {"name": "x"}, 403, "Authorization Error"),
        ("dataset_purge", {"id": "x"}, 400, "Bad request"),
        ("group_show", {"id": "nope"}, 404, "Not Found Error"),
        ("help_show", {"name": "nope"}, 404, "Not Found Error"),
        ("datastore_info", {"id": "nope"}, 404, "Not Found Error"),
        ("package_activity_list", {"id": "cm-private-plan"}, 404, "Not Found Error"),
        ("package_search", {"facet.field": '["notes"]'}, 400, "Search Query Error"),
        ("package_search", {"fq": "metadata_modified:[yesterday TO *]"}, 400, "Search Query Error"),
    ],
)
def test_errors_in_ckan_form(client, action, params, status, kind) -> None:
    response = client.get(f"{ACTION}/{action}", params=params)
    assert response.status_code == status
    # with its charset, as CKAN sends every answer: clients that read the text need it
    assert response.headers["content-type"] == "application/json;charset=utf-8"
    body = response.json()
    assert body["success"] is False
    assert body["error"]["__type"] == kind


@pytest.mark.parametrize(
    ("params", "field"),
    [({"filters": '{"nope": 1}'}, "filters"), ({"filters": "{broken"}, "filters"),
     ({"filters": '{"fiscal_year": "two"}'}, "filters"), ({"sort": "nope desc"}, "sort"),
     ({"sort": "allocated sideways"}, "sort"), ({"fields": "line_id,nope"}, "fields"),
     ({"limit": "ten"}, "limit"), ({"offset": "-1"}, "offset"),
     ({"filters": '{"province_code": "50\' OR 1=1 --"}'}, None)],
)  # fmt: skip
def test_datastore_bad_input(client, resource_id, params, field) -> None:
    status, body = _call(
        client, "datastore_search", resource_id=resource_id("chiang-mai-allocation"), **params
    )
    if field is None:  # an injection attempt is just a value that matches nothing
        assert status == 200
        assert body["result"]["total"] == 0
        return
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert field in body["error"]


def test_a_malformed_json_body(client) -> None:
    response = client.post(
        f"{ACTION}/package_search",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["success"] is False


def test_a_form_body(client) -> None:
    response = client.post(f"{ACTION}/package_show", data={"id": "chiang-mai-allocation"})
    assert response.json()["result"]["name"] == "chiang-mai-allocation"


@pytest.fixture(scope="module")
def khlang_url(api_catalog):
    with running_khlang(api_catalog.home, "--rate-limit", "off") as url:
        yield url


@pytest.mark.slow
def test_ckanapi_remoteckan_unmodified(khlang_url, api_catalog, resource_id) -> None:
    import ckanapi

    with ckanapi.RemoteCKAN(khlang_url, user_agent="khlang-tests") as remote:
        assert remote.action.package_list() == ["chiang-mai-allocation", "nakhon-nayok-allocation"]
        package = remote.action.package_show(id="chiang-mai-allocation")
        assert package["data_type"] == "ข้อมูลสถิติ"
        found = remote.action.package_search(q="งบประมาณ เชียงใหม่", rows=5)
        assert found["results"][0]["name"] == "chiang-mai-allocation"
        rows = remote.action.datastore_search(
            resource_id=resource_id("chiang-mai-allocation"), limit=2
        )
        assert len(rows["records"]) == 2
        assert remote.action.organization_show(id="nn-office")["name"] == "nn-office"
        with pytest.raises(ckanapi.NotFound):
            remote.action.package_show(id="no-such-dataset")
        with pytest.raises(ckanapi.ValidationError):
            remote.action.datastore_search(
                resource_id=resource_id("chiang-mai-allocation"), sort="x"
            )
    private = ckanapi.RemoteCKAN(khlang_url, apikey=api_catalog.keys["cm-member"])
    assert private.action.package_show(id="cm-private-plan")["private"] is True
    gets = ckanapi.RemoteCKAN(khlang_url, get_only=True)
    assert gets.action.status_show()["site_url"] == khlang_url
    newest = gets.action.package_search(sort="metadata_modified desc")["results"]
    listed = gets.action.current_package_list_with_resources(limit=1, offset=1)
    assert [p["name"] for p in listed] == [newest[1]["name"]]
    assert listed[0]["resources"] == newest[1]["resources"]
    paged = gets.action.current_package_list_with_resources(limit=1, page=2)
    assert [p["name"] for p in paged] == [newest[1]["name"]]
    with pytest.raises(ckanapi.ValidationError, match="page"):
        gets.action.current_package_list_with_resources(page=0)


@pytest.mark.slow
def test_ckanapi_command_line_unmodified(khlang_url, tmp_path) -> None:
    bin_dir = Path(sys.executable).parent
    ckanapi_cli = str(bin_dir / "ckanapi")
    # `ckanapi dump` starts its workers as `ckanapi` from PATH
    environment = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    shown = subprocess.run(
        [ckanapi_cli, "action", "package_show", "id=chiang-mai-allocation", "-r", khlang_url],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert json.loads(shown.stdout)["geo_coverage"] == "อำเภอ"
    out = tmp_path / "datasets.jsonl"
    subprocess.run(
        [ckanapi_cli, "dump", "datasets", "--all", "-r", khlang_url, "-O", str(out), "-p", "1"],
        capture_output=True, text=True, timeout=120, check=True, env=environment,
    )  # fmt: skip
    dumped = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(d["name"] for d in dumped) == ["chiang-mai-allocation", "nakhon-nayok-allocation"]
    searched = subprocess.run(
        [ckanapi_cli, "search", "datasets", "q=นครนายก", "-r", khlang_url],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert json.loads(searched.stdout.splitlines()[0])["name"] == "nakhon-nayok-allocation"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"fq": "organization:cm-office OR organization:nn-office"},
         ["chiang-mai-allocation", "nakhon-nayok-allocation"]),
        ({"fq": "-organization:cm-office"}, ["nakhon-nayok-allocation"]),
        ({"fq": "NOT organization:cm-office"}, ["nakhon-nayok-allocation"]),
        ({"q": "name:chiang* AND res_format:TXT"}, ["chiang-mai-allocation"]),
        ({"q": "name:chiang* AND -res_format:TXT"}, []),
        ({"fq": 'extras_data_type:"ข้อมูลสถิติ" groups:(gove OR soci)'},
         ["chiang-mai-allocation", "nakhon-nayok-allocation"]),
        ({"fq": 'license_id:"Open Data Common" AND num_resources:[2 TO *]'},
         ["chiang-mai-allocation"]),
        ({"fq": "metadata_modified:[* TO NOW] AND metadata_created:[NOW-1DAY TO *]"},
         ["chiang-mai-allocation", "nakhon-nayok-allocation"]),
        ({"fq": "metadata_modified:[NOW+1DAY TO *]"}, []),
        ({"fq": "metadata_modified:{* TO 2000-01-01T00:00:00Z}"}, []),
        ({"q": "title:เชียงใหม่"}, ["chiang-mai-allocation"]),
        ({"q": "title:นครนา*"}, ["nakhon-nayok-allocation"]),
        ({"q": "text:เชียงใหม่ OR text:นครนายก", "sort": "name desc"},
         ["nakhon-nayok-allocation", "chiang-mai-allocation"]),
        ({"q": "(tags:budget OR tags:nope) AND geo_coverage:อำเภอ", "sort": "name asc"},
         ["chiang-mai-allocation", "nakhon-nayok-allocation"]),
        ({"q": "*:*", "fq_list": '["organization:nn-office", "capacity:public"]'},
         ["nakhon-nayok-allocation"]),
    ],
)  # fmt: skip
def test_package_search_reads_solr_syntax(client, params, expected) -> None:
    status, body = _call(client, "package_search", **{"sort": "name asc", **params})
    assert status == 200, body
    assert [p["name"] for p in body["result"]["results"]] == expected


def test_package_search_sorts_and_facets_as_ckan(client) -> None:
    by_id = _call(client, "package_search", sort="id asc")[1]["result"]["results"]
    assert [p["id"] for p in by_id] == sorted(p["id"] for p in by_id)
    default = _call(client, "package_search")[1]["result"]
    assert default["sort"] == "score desc, metadata_modified desc"
    newest = [p["metadata_modified"] for p in default["results"]]
    assert newest == sorted(newest, reverse=True)
    two_keys = _call(client, "package_search", q="งบประมาณ", sort="score desc, name asc")
    assert two_keys[0] == 200
    facets = _call(client, "package_search", **{
        "facet.field": '["license_id", "groups", "tags", "data_classification"]',
        "facet.limit": "-1", "facet.mincount": "2"})[1]["result"]  # fmt: skip
    assert facets["facets"]["license_id"] == {"Open Data Common": 2}
    assert facets["facets"]["groups"] == {"gove": 2, "econ": 2}
    assert all(count >= 2 for count in facets["facets"]["tags"].values())
    one = _call(client, "package_search", **{"facet.field": '["tags"]', "facet.limit": "1"})
    assert len(one[1]["result"]["facets"]["tags"]) == 1


def test_include_private_needs_a_key_that_may_see(client, as_user) -> None:
    def names(headers, **params):
        found = client.get(f"{ACTION}/package_search", params={"rows": 50, **params},
                           headers=headers).json()["result"]  # fmt: skip
        return {p["name"] for p in found["results"]}

    assert "cm-private-plan" not in names({}, include_private="true")
    assert "cm-private-plan" in names(as_user("cm-member"), include_private="true")
    assert "cm-private-plan" not in names(as_user("cm-member"))
    assert "cm-private-plan" not in names(as_user("nn-editor"), include_private="true")


def test_package_dicts_have_ckans_shape(client) -> None:
    package = _call(client, "package_show", id="chiang-mai-allocation")[1]["result"]
    for key in ("metadata_created", "metadata_modified"):
        parsed = dt.datetime.fromisoformat(package[key])
        assert parsed.tzinfo is None  # naive UTC, as CKAN gives it
    assert dt.datetime.fromisoformat(package["resources"][0]["created"]).tzinfo is None
    assert package["url"] == "http://testserver/dataset/chiang-mai-allocation"
    assert package["license_id"] == "Open Data Common"
    assert package["license_url"] == "https://opendatacommons.org/licenses/"
    assert {"key": "title_en", "value": "Budget allocation by area, Chiang Mai"} in package[
        "extras"
    ]
    assert [g["name"] for g in package["groups"]] == ["gove", "econ"]
    assert dt.datetime.fromisoformat(package["organization"]["created"]).tzinfo is None


def test_current_package_list_with_resources(client) -> None:
    """CKAN 2.11's: package dicts, the most recently changed first, by limit and offset or
    page; private datasets only for a sysadmin."""
    newest = _call(client, "package_search", sort="metadata_modified desc")[1]["result"]
    names = [p["name"] for p in newest["results"]]
    status, body = _call(client, "current_package_list_with_resources")
    assert status == 200
    assert [p["name"] for p in body["result"]] == names
    assert body["result"][0]["resources"][0]["url"].startswith("http://testserver/dataset/")
    for params, expected in (
        ({"limit": 1}, names[:1]),
        ({"limit": 1, "offset": 1}, names[1:2]),
        ({"limit": 1, "page": 2}, names[1:2]),
        ({"offset": 5}, []),
    ):
        found = _call(client, "current_package_list_with_resources", **params)[1]["result"]
        assert [p["name"] for p in found] == expected, params
    for params, field in (({"limit": "x"}, "limit"), ({"offset": -1}, "offset"),
                          ({"page": 0}, "page")):  # fmt: skip
        status, body = _call(client, "current_package_list_with_resources", **params)
        assert status == 409
        assert body["error"]["__type"] == "Validation Error"
        assert field in body["error"], params


def test_keys_a_stock_ckan_always_gives(client) -> None:
    """Keys a stock CKAN 2.11 puts in every answer (seen on the plain CKAN kit), so a client
    that reads them does not fail on khlang: tag ids, an organisation's image_display_url and
    num_followers, a resource's cache and inner-type keys (null, as CKAN's are until filled)."""
    package = _call(client, "package_show", id="chiang-mai-allocation")[1]["result"]
    tag = package["tags"][0]
    assert set(tag) >= {"id", "name", "display_name", "state", "vocabulary_id"}
    again = _call(client, "package_show", id="chiang-mai-allocation")[1]["result"]["tags"][0]
    assert tag["id"] == again["id"] != tag["name"]
    resource = package["resources"][0]
    for key in ("cache_last_updated", "cache_url", "mimetype_inner", "resource_type"):
        assert key in resource, key
        assert resource[key] is None, key
    for organization in (
        _call(client, "organization_list", all_fields="true")[1]["result"][0],
        _call(client, "organization_show", id="cm-office")[1]["result"],
    ):
        assert organization["image_display_url"] == ""
        assert organization["num_followers"] == 0
    tags = _call(client, "tag_list", all_fields="true")[1]["result"]
    assert {t["name"]: t["id"] for t in tags}[tag["name"]] == tag["id"]
    assert all(t["display_name"] == t["name"] for t in tags)
    assert _call(client, "status_show")[1]["result"]["error_emails_to"] == ""


def test_groups_licences_help_and_activity(client) -> None:
    group = _call(client, "group_show", id="gove", include_datasets="true")[1]["result"]
    assert group["package_count"] == 2
    assert {p["name"] for p in group["packages"]} == {
        "chiang-mai-allocation", "nakhon-nayok-allocation"}  # fmt: skip
    assert _call(client, "group_show", id=group["id"])[1]["result"]["name"] == "gove"
    assert "packages" not in _call(client, "group_show", id="gove")[1]["result"]
    licences = {item["id"]: item for item in _call(client, "license_list")[1]["result"]}
    assert licences["Creative Commons Attributions"]["url"].startswith("https://creativecommons")
    assert licences["Open Data Common"]["od_conformance"] == "approved"
    assert "q" in _call(client, "help_show", name="package_search")[1]["result"]
    activity = _call(client, "package_activity_list", id="chiang-mai-allocation")[1]["result"]
    assert [a["activity_type"] for a in activity] == ["new package"]
    assert activity[0]["data"]["package"]["name"] == "chiang-mai-allocation"
    assert _call(client, "package_activity_list", id="chiang-mai-allocation",
                 activity_types='["changed package"]')[1]["result"] == []  # fmt: skip


def test_datastore_distinct_records_format_and_info(client, resource_id, sample_rows) -> None:
    rid = resource_id("chiang-mai-allocation")
    distinct = _call(client, "datastore_search", resource_id=rid, distinct="true",
                     fields="province_code", sort="province_code asc")[1]["result"]  # fmt: skip
    codes = sorted({row["province_code"] for row in sample_rows})
    assert [r["province_code"] for r in distinct["records"]] == codes
    assert distinct["total"] == len(codes)
    assert [f["id"] for f in distinct["fields"]] == ["province_code"]
    objects = _call(client, "datastore_search", resource_id=rid, fields="line_id,allocated",
                    limit=3)[1]["result"]["records"]  # fmt: skip
    expected = [[r["_id"], r["line_id"], r["allocated"]] for r in objects]
    lists = _call(client, "datastore_search", resource_id=rid, records_format="lists",
                  fields="line_id,allocated", limit=3)[1]["result"]  # fmt: skip
    assert lists["records"] == expected
    for kind, separator in (("csv", ","), ("tsv", "\t")):
        text = _call(client, "datastore_search", resource_id=rid, records_format=kind,
                     fields="line_id,allocated", limit=3)[1]["result"]["records"]  # fmt: skip
        assert text.splitlines() == [separator.join(map(str, row)) for row in expected]
    bad = _call(client, "datastore_search", resource_id=rid, records_format="xml")
    assert bad[0] == 409
    assert "records_format" in bad[1]["error"]
    info = _call(client, "datastore_info", id=rid)[1]["result"]
    assert info["meta"]["count"] == len(sample_rows)
    assert [f["id"] for f in info["fields"]][:2] == ["line_id", "fiscal_year"]
    assert info["fields"][1]["type"] == "int"
