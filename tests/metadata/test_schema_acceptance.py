"""What khlang writes for the GD Catalog is what its schema accepts: read from the schema files
themselves, every required field is present and every controlled value is one of the schema's
choices, for every bundled dataset and for the 2.1 values khlang rewrites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khlang.metadata.ckan import to_ckan
from khlang.metadata.model import Dataset

SCHEMA = "ckanext-thai_gdc-2.2.4-fork/ckan_dataset.json"


@pytest.fixture(scope="module")
def schema(gdc_reference: Path) -> dict:
    return json.loads((gdc_reference / SCHEMA).read_text(encoding="utf-8"))


def _accepts(field: dict, value) -> bool:
    choices = {choice["value"] for choice in field.get("choices", [])}
    if not choices:
        return True
    values = value if isinstance(value, list) else [value]
    return all(item in choices for item in values)


def _assert_accepted(package: dict, fields: list[dict], where: str) -> None:
    for field in fields:
        key = field["field_name"]
        value = package.get(key)
        if field.get("required") and key != "tag_string":
            assert value not in (None, "", []), f"{where}: required {key} missing"
        if value not in (None, "", []):
            assert _accepts(field, value), f"{where}: {key}={value!r} not in the schema"


def test_every_example_package_is_accepted(schema: dict, agency: list[Dataset]) -> None:
    for dataset in agency:
        package = to_ckan(dataset, "gdc")
        _assert_accepted(package, schema["dataset_fields"], dataset.name)
        assert package["tags"], dataset.name  # tag_string is required: sent as tags
        for index, resource in enumerate(package["resources"]):
            _assert_accepted(resource, schema["resource_fields"], f"{dataset.name}[{index}]")
        schema_keys = {field["field_name"] for field in schema["dataset_fields"]}
        core = {"tags", "private", "resources"}
        assert set(package) <= schema_keys | core, set(package) - schema_keys - core


def test_suggested_replacements_are_accepted(schema: dict, statistical: Dataset) -> None:
    """Applying the check's suggested values to 2.1 input gives values 2.2 accepts."""
    from khlang.metadata.compliance import check_dataset

    statistical.license_id = "Creative Commons Non-Commercial (Any)"
    statistical.data_type = "ข้อมูลรายทะเบียน"
    statistical.geo_coverage = "อำเภอ "
    for finding in check_dataset(statistical).findings:
        if finding.suggested_value is not None and "." not in finding.field:
            setattr(statistical, finding.field, finding.suggested_value)
    fields = [f for f in schema["dataset_fields"] if f["field_name"] in
              {"license_id", "data_type", "geo_coverage"}]  # fmt: skip
    _assert_accepted(to_ckan(statistical, "gdc"), fields, "fixed")
