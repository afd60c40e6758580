"""CKAN's Action API: each read action with CKAN's parameters, envelope and errors, and the
real ckanapi client (RemoteCKAN and its command line) against a running khlang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
        ("package_create", {"name": "x"}, 400, "Bad request"),
    ],
)
def test_errors_in_ckan_form(client, action, params, status, kind) -> None:
    found_status, body = _call(client, action, **params)
    assert found_status == status
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
