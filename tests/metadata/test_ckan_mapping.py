"""khlang's form <-> CKAN package dicts, for both profiles, without loss."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khlang.metadata.ckan import KHLANG_EXTRA_KEYS, dataset_from_ckan, looks_like_ckan, to_ckan
from khlang.metadata.files import load_dataset
from khlang.metadata.model import Dataset

EXAMPLE = Path(__file__).resolve().parents[2] / "khlang/metadata/examples/budget-allocation.yaml"
GDC_ONLY = set(KHLANG_EXTRA_KEYS)


@pytest.fixture
def dataset() -> Dataset:
    return load_dataset(EXAMPLE)


def test_gdc_package_uses_schema_conventions(dataset: Dataset) -> None:
    package = to_ckan(dataset, "gdc")
    assert package["data_type"] == "ข้อมูลสถิติ"
    assert package["objective"] == ["พันธกิจหน่วยงาน", "เพื่อการให้บริการประชาชน"]
    assert package["allow_harvest"] == "True"
    assert package["official_statistics"] == "False"
    assert package["last_updated_date"] == "2025-10-01"
    assert package["update_frequency_interval"] == "1"
    assert package["license_id"] == "Open Data Common"
    assert package["tags"][0] == {"name": "งบประมาณ"}
    assert not GDC_ONLY & set(package)
    json.dumps(package)  # plain JSON types only


def test_gdc_round_trip_keeps_every_gdc_field(dataset: Dataset) -> None:
    back = dataset_from_ckan(to_ckan(dataset, "gdc"))
    assert back.model_dump(exclude=GDC_ONLY | {"ckan", "resources"}) == dataset.model_dump(
        exclude=GDC_ONLY | {"ckan", "resources"}
    )
    assert back.resources[0].model_dump(exclude={"ckan"}) == dataset.resources[0].model_dump(
        exclude={"ckan"}
    )


def test_plain_ckan_round_trip_is_lossless(dataset: Dataset) -> None:
    package = to_ckan(dataset, "ckan")
    assert package["license_id"] == "other-open"
    extras = {item["key"]: item["value"] for item in package["extras"]}
    assert json.loads(extras["objective"]) == dataset.objective
    assert extras["gdc_license_id"] == "Open Data Common"
    back = dataset_from_ckan(package)
    assert back.model_dump(exclude={"ckan"}) == dataset.model_dump(exclude={"ckan"})


def test_package_show_dict_round_trips_unchanged() -> None:
    shown = {
        "id": "5f0c0d3e-0000-4000-8000-000000000001",
        "name": "lao-revenue",
        "title": "รายได้ขององค์กรปกครองส่วนท้องถิ่น",
        "owner_org": "9a1e",
        "organization": {"id": "9a1e", "name": "dla", "title": "กรมส่งเสริมการปกครองท้องถิ่น"},
        "metadata_created": "2025-01-02T03:04:05.123456",
        "metadata_modified": "2025-01-03T03:04:05.123456",
        "state": "active",
        "private": False,
        "num_tags": 1,
        "tags": [{"id": "t1", "name": "รายได้", "display_name": "รายได้", "state": "active"}],
        "data_type": "ข้อมูลระเบียน",
        "objective": ["อื่นๆ"],
        "objective_other": "ติดตามการคลังท้องถิ่น",
        "allow_harvest": "True",
        "high_value_dataset": "False",
        "created_date": "2024-05-01",
        "maintainer": "",
        "url": "",
        "resources": [
            {
                "id": "r1",
                "package_id": "5f0c",
                "name": "revenue.csv",
                "url": "https://example.go.th/revenue.csv",
                "format": "CSV",
                "mimetype": "text/csv",
                "size": 1024,
                "position": 0,
                "resource_created_date": "2024-05-01",
            }
        ],
    }
    assert looks_like_ckan(shown)
    dataset = dataset_from_ckan(shown)
    assert dataset.objective_other == "ติดตามการคลังท้องถิ่น"
    assert dataset.allow_harvest is True
    assert dataset.resources[0].media_type == "text/csv"
    assert to_ckan(dataset, "gdc") == shown


def test_form_tag_string_is_read() -> None:
    dataset = dataset_from_ckan({"title": "x", "tag_string": "งบประมาณ, สถิติ ,"})
    assert dataset.tags == ["งบประมาณ", "สถิติ"]


def test_stock_ckan_licence_is_read_as_gdc_term() -> None:
    dataset = dataset_from_ckan({"name": "x", "license_id": "cc-by", "extras": []})
    assert dataset.license_id == "Creative Commons Attributions"


SCHEMA = {
    "fields": [
        {"name": "district_code", "type": "string"},
        {"name": "allocated", "type": "number", "constraints": {"minimum": 0}},
    ]
}


@pytest.mark.parametrize("profile", ["gdc", "ckan"])
def test_resources_carry_schema_and_hash_where_ckan_clients_look(
    dataset: Dataset, profile: str
) -> None:
    """`schema` as ckanext-validation and ckanext-scheming keep it (an object), read by
    frictionless's CKAN reader; the hash with its algorithm, so it is not taken for MD5."""
    resource = dataset.resources[0]
    resource.table_schema = SCHEMA
    resource.hash = "AB" * 32  # bare: a SHA-256 by its length
    [sent] = to_ckan(dataset, profile)["resources"]
    assert sent["schema"] == SCHEMA
    assert sent["hash"] == "sha256:" + "ab" * 32
    assert sent["size"] == 48213
    assert not {key for key in sent if key.endswith("schema") and key != "schema"}
    back = dataset_from_ckan(to_ckan(dataset, profile)).resources[0]
    assert (back.table_schema, back.hash) == (SCHEMA, "sha256:" + "ab" * 32)


@pytest.mark.parametrize(
    "stored",
    [{"schema": json.dumps(SCHEMA)}, {"khlang_schema": json.dumps(SCHEMA)}, {"schema": SCHEMA}],
    ids=["json-text", "earlier-khlang", "object"],
)
def test_schema_is_read_in_every_form_a_ckan_holds(stored: dict) -> None:
    """JSON text (a plain ckanext-validation), khlang's earlier `khlang_schema`, an object."""
    package = {"name": "x", "resources": [{"url": "https://e.example/a.csv", **stored}]}
    assert dataset_from_ckan(package).resources[0].table_schema == SCHEMA


def test_a_parquet_resource_states_what_frictionless_can_check(dataset: Dataset) -> None:
    """frictionless reads Parquet through pandas: NaN is a missing number, and no size is
    given that its reader would compare with the bytes it never counts."""
    resource = dataset.resources[0]
    resource.format, resource.media_type = "Parquet", "application/vnd.apache.parquet"
    resource.table_schema = SCHEMA
    [sent] = to_ckan(dataset, "gdc")["resources"]
    assert "size" not in sent
    district, allocated = sent["schema"]["fields"]
    assert allocated["missingValues"] == ["", "nan"]
    assert "missingValues" not in district  # "nan" can be a text value
