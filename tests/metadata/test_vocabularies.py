"""Every vocabulary value khlang writes is one the GD Catalog schema accepts, and every
choice of the schema is known to khlang: proved against the schema files themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khlang.metadata.fields import DATASET_FIELDS, MANDATORY_FIELDS, RESOURCE_FIELDS
from khlang.metadata.vocabularies import (
    CURRENT_VERSION,
    LEGACY_VERSION,
    OTHER_VALUE,
    VOCABULARIES,
)

SCHEMAS = {
    CURRENT_VERSION: "ckanext-thai_gdc-2.2.4-fork/ckan_dataset.json",
    LEGACY_VERSION: "ckanext-thai_gdc-2.1.0/ckan_dataset.json",
}
FORK_ONLY_FIELDS = {"allow_cdp"}


def _schema(gdc_reference: Path, version: str) -> dict:
    return json.loads((gdc_reference / SCHEMAS[version]).read_text(encoding="utf-8"))


def _schema_fields(schema: dict) -> dict[str, dict]:
    fields = {f["field_name"]: f for f in schema["dataset_fields"]}
    fields |= {f"resource:{f['field_name']}": f for f in schema["resource_fields"]}
    return fields


def _khlang_specs() -> dict[str, object]:
    specs = {spec.key: spec for spec in DATASET_FIELDS}
    specs |= {f"resource:{spec.key}": spec for spec in RESOURCE_FIELDS}
    return specs


@pytest.mark.parametrize("version", sorted(SCHEMAS))
def test_choices_match_schema_exactly(gdc_reference: Path, version: str) -> None:
    """For each controlled field, khlang's values for that version are the schema's choices
    (for the version khlang writes, in the schema's order)."""
    schema_fields = _schema_fields(_schema(gdc_reference, version))
    checked = 0
    for key, spec in _khlang_specs().items():
        if spec.vocabulary is None or version not in spec.versions:
            continue
        choices = [choice["value"] for choice in schema_fields[key]["choices"]]
        if version == CURRENT_VERSION:
            assert spec.vocabulary.values(version) == choices, key
        else:  # 2.1.0 listed licences in another order; only membership matters when reading
            assert sorted(spec.vocabulary.values(version)) == sorted(choices), key
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("version", sorted(SCHEMAS))
def test_every_schema_field_is_modelled(gdc_reference: Path, version: str) -> None:
    schema_fields = _schema_fields(_schema(gdc_reference, version))
    other_keys = {spec.other_key for spec in _khlang_specs().values() if spec.other_key}
    known = {"tag_string" if key == "tags" else key for key in _khlang_specs()}
    known |= other_keys | {f"resource:{key}" for key in other_keys}
    missing = set(schema_fields) - known - FORK_ONLY_FIELDS
    assert not missing


def test_labels_are_the_schema_labels(gdc_reference: Path) -> None:
    """Thai labels are the 2.2.x schema's labels, minus the '(for statistical data)' style
    suffix the schema adds to type-specific fields."""
    schema_fields = _schema_fields(_schema(gdc_reference, CURRENT_VERSION))
    for key, spec in _khlang_specs().items():
        label = schema_fields["tag_string" if key == "tags" else key].get("label")
        if isinstance(label, dict):
            assert label["th"].startswith(spec.label.th), key


def test_mandatory_items_are_the_schema_required_fields(gdc_reference: Path) -> None:
    schema = _schema(gdc_reference, CURRENT_VERSION)
    required = {f["field_name"] for f in schema["dataset_fields"] if f.get("required")}
    required = {"tags" if key == "tag_string" else key for key in required}
    mandatory = {spec.key for spec in MANDATORY_FIELDS}
    # owner_org is required by CKAN itself; the interval rides along with item 9.
    assert mandatory == required | {"owner_org", "update_frequency_interval"}
    assert sorted({spec.mandatory_item for spec in MANDATORY_FIELDS}) == list(range(1, 15))


def test_other_pattern() -> None:
    for key in ("objective", "update_frequency_unit", "geo_coverage", "data_format", "license_id"):
        assert VOCABULARIES[key].other.value == OTHER_VALUE
    assert VOCABULARIES["data_type"].other.value == "ข้อมูลประเภทอื่นๆ"


def test_legacy_terms_map_to_current_terms() -> None:
    license_ = VOCABULARIES["license_id"]
    for term in license_.terms:
        current = license_.current(term)
        assert current.is_current
    assert license_.current(license_.by_value("Creative Commons Non-Commercial (Any)")).value == (
        "Creative Commons Attribution Non-Commercial"
    )
    assert VOCABULARIES["data_type"].by_value("ข้อมูลรายทะเบียน").code == "record"


def test_codes_are_unique_and_labels_bilingual() -> None:
    for vocabulary in VOCABULARIES.values():
        codes = [term.code for term in vocabulary.terms]
        assert len(codes) == len(set(codes)), vocabulary.key
        for term in vocabulary.terms:
            assert term.label.th
            assert term.label.en
