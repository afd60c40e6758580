"""Nothing internal leaks: input that made a 500 (deeply nested JSON, huge integers, long
searches) is a 400 naming the parameter, and errors never show a server path, SQL or the
name of a private dataset."""

from __future__ import annotations

import asyncio
import json

import pytest

from khlang.api.errors import ApiError
from khlang.api.query.engine import QueryEngine, QueryLimits
from khlang.api.query.tables import TableSource, file_sha256
from tests.api.sample import SCHEMA

DEEP = "[" * 5000 + "]" * 5000
CKAN = "/api/3/action"


def _rows(resource_id) -> str:
    rid = resource_id("chiang-mai-allocation")
    return f"/api/v1/datasets/chiang-mai-allocation/resources/{rid}/rows"


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("_cursor", DEEP),
        ("province_code__in", DEEP),
        ("_q", " ".join(f"w{n}" for n in range(60))),
        ("_q", " ".join(["ถนน", "คลอง", "บ้าน", "นา", "ตำบล", "หมู่", "เหล็ก"] * 20)),
    ],
)
def test_row_parameters_that_made_a_500(client, resource_id, parameter, value) -> None:
    response = client.get(_rows(resource_id), params={parameter: value})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["parameter"] == parameter


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("package_list", {"offset": str(2**70)}),
        ("package_list", {"limit": str(2**70)}),
        ("package_search", {"fq_list": DEEP}),
        ("package_search", {"facet.field": DEEP}),
        ("datastore_search", {"filters": DEEP}),
    ],
)
def test_ckan_parameters_that_made_a_500(client, resource_id, action, params) -> None:
    params = {"resource_id": resource_id("chiang-mai-allocation"), **params}
    response = client.get(f"{CKAN}/{action}", params=params)
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    assert body["success"] is False
    assert "internal" not in json.dumps(body)


def test_a_deeply_nested_ckan_body_is_a_bad_request(client) -> None:
    for body in (DEEP, '{"q": ' + DEEP + "}"):
        response = client.post(
            f"{CKAN}/package_search", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert response.json()["error"]["__type"] == "Bad request"


def test_a_private_resource_never_names_its_dataset(client, api_catalog) -> None:
    private = api_catalog.resources["cm-private-plan"]["allocation.csv"]
    for action in ("resource_show", "datastore_search", "datastore_info"):
        response = client.get(f"{CKAN}/{action}", params={"id": private, "resource_id": private})
        assert response.status_code == 404
        assert "cm-private-plan" not in response.text, action


def test_a_table_that_does_not_load_names_no_path_or_sql(tmp_path) -> None:
    data = tmp_path / "secret-folder" / "broken.csv"
    data.parent.mkdir()
    data.write_text("line_id,fiscal_year\nBL-1,not-a-year\n", encoding="utf-8")
    source = TableSource(path=data, format="csv", schema_=SCHEMA, file_hash=file_sha256(data))
    engine = QueryEngine(tmp_path / "tables", QueryLimits(build_wait_seconds=60))
    try:
        with pytest.raises(ApiError) as refused:
            asyncio.run(engine.table(source))
    finally:
        engine.close()
    shown = refused.value.message.en + refused.value.message.th
    assert refused.value.status == 422
    for leak in (str(tmp_path), "secret-folder", "SELECT", "not-a-year"):
        assert leak not in shown
