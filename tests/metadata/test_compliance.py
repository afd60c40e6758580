"""The compliance check: every finding code is raised by exactly the problem it names (each
case starts from a complete dataset that has no such finding, so removing a check fails its
case), every vocabulary value is accepted, 2.1 values are read and reported with their 2.2
replacement, and near-miss Thai values get the value the officer meant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from khlang.metadata.compliance import (
    FINDING_TYPES,
    ComplianceReport,
    Severity,
    check_dataset,
    check_datasets,
)
from khlang.metadata.fields import DATASET_FIELDS, RESOURCE_FIELDS, Kind
from khlang.metadata.model import Dataset, Resource
from khlang.metadata.vocabularies import (
    CLASSIFICATIONS_BY_CATEGORY,
    DATA_CATEGORY,
    DATA_CLASSIFICATION,
    LEGACY_VERSION,
)

TODAY = dt.date(2025, 12, 1)


def _set(**values) -> Callable[[Dataset], None]:
    def mutate(dataset: Dataset) -> None:
        for key, value in values.items():
            setattr(dataset, key, value)

    return mutate


def _resource(**values) -> Callable[[Dataset], None]:
    def mutate(dataset: Dataset) -> None:
        for key, value in values.items():
            setattr(dataset.resources[0], key, value)

    return mutate


def _geospatial_bound(dataset: Dataset) -> None:
    dataset.data_type = "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"
    dataset.west_bound_longitude = "200"


def _pdf_only(dataset: Dataset) -> None:
    dataset.resources = [
        Resource(
            name="รายงาน", description="รายงานฉบับเต็ม", format="PDF",
            url="https://example.go.th/report.pdf", media_type="application/pdf",
        )
    ]  # fmt: skip


# (code, field the finding names, how to break a complete statistical dataset)
CASES: list[tuple[str, str, Callable[[Dataset], None]]] = [
    ("missing-required", "title", _set(title=None)),
    ("missing-required", "tags", _set(tags=[])),
    ("missing-required", "update_frequency_interval", _set(update_frequency_interval=None)),
    ("not-in-vocabulary", "data_type", _set(data_type="ข้อมูลสถิติ ")),
    ("not-in-vocabulary", "themes", _set(themes=["BUDGET"])),
    ("legacy-value", "license_id", _set(license_id="Creative Commons Non-Commercial (Any)")),
    ("other-text-missing", "objective_other", _set(objective=["อื่นๆ"])),
    ("other-text-unused", "geo_coverage_other", _set(geo_coverage_other="ทั้งจังหวัด")),
    ("unknown-combined", "objective", _set(objective=["ไม่ทราบ", "พันธกิจหน่วยงาน"])),
    ("duplicate-value", "data_format", _set(data_format=["CSV", "CSV"])),
    ("duplicate-value", "tags", _set(tags=["งบประมาณ", "งบประมาณ"])),
    ("invalid-email", "maintainer_email", _set(maintainer_email="opendata@")),
    ("tag-too-short", "tags", _set(tags=["งบประมาณ", "ก"])),
    ("tag-too-long", "tags", _set(tags=["ก" * 101])),
    ("tag-characters", "tags", _set(tags=["งบ/ประมาณ"])),
    ("buddhist-era-date", "last_updated_date", _set(last_updated_date=dt.date(2568, 10, 1))),
    ("date-in-future", "last_updated_date", _set(last_updated_date=dt.date(2026, 1, 5))),
    ("invalid-year", "first_year_of_data", _set(first_year_of_data="67")),
    ("christian-era-year", "first_year_of_data", _set(first_year_of_data="2024")),
    ("christian-era-year", "last_year_of_data", _set(last_year_of_data="2025")),
    ("christian-era-year", "resources[0].resource_first_year_of_data",
     _resource(resource_first_year_of_data="2022")),
    ("invalid-period", "last_year_of_data", _set(first_year_of_data="2569")),
    ("invalid-interval", "update_frequency_interval", _set(update_frequency_interval="ทุกปี")),
    ("invalid-name", "name", _set(name="Chiang Mai Budget")),
    ("invalid-url", "url", _set(url="www.chiangmai.go.th/data")),
    ("invalid-coordinates", "west_bound_longitude", _geospatial_bound),
    ("invalid-area-code", "spatial", _set(spatial=["5"])),
    ("invalid-hash", "resources[0].hash", _resource(hash="sha256:abc")),
    ("classification-not-allowed-for-category", "data_classification",
     _set(data_classification="ลับ")),
    ("field-not-for-data-type", "high_value_dataset", _set(high_value_dataset=True)),
    ("missing-recommended", "data_language", _set(data_language=[])),
    ("missing-recommended", "data_classification", _set(data_classification=None)),
    ("harvest-not-allowed", "allow_harvest", _set(allow_harvest=False)),
    ("no-resources", "resources", _set(resources=[])),
    ("resource-undescribed", "resources[0].description", _resource(description=None)),
    ("resource-url-missing", "resources[0].url", _resource(url=None)),
    ("resource-format-missing", "resources[0].format", _resource(format=None)),
    ("resource-format-unknown", "resources[0].format", _resource(format="SPREADSHEET")),
    ("resource-format-mismatch", "resources[0].format", _resource(format="JSON")),
    ("no-open-format", "resources", _pdf_only),
    ("missing-english", "title_en", _set(title_en=None)),
    ("short-description", "notes", _set(notes="งบประมาณจังหวัด")),
]  # fmt: skip
AGENCY_CODES = {"duplicate-title", "duplicate-name"}


def _codes(report: ComplianceReport) -> set[tuple[str, str]]:
    return {(finding.code, finding.field) for finding in report.findings}


def test_every_finding_code_has_a_case() -> None:
    assert {code for code, _, _ in CASES} | AGENCY_CODES == set(FINDING_TYPES)


def test_complete_example_has_no_findings(statistical: Dataset) -> None:
    assert check_dataset(statistical, today=TODAY).findings == []


@pytest.mark.parametrize(
    ("code", "field", "mutate"), CASES, ids=[f"{code}:{field}" for code, field, _ in CASES]
)
def test_finding(statistical: Dataset, code: str, field: str, mutate) -> None:
    assert (code, field) not in _codes(check_dataset(statistical, today=TODAY))
    mutate(statistical)
    report = check_dataset(statistical, today=TODAY)
    found = [f for f in report.findings if (f.code, f.field) == (code, field)]
    assert found, _codes(report)
    finding = found[0]
    assert finding.severity is FINDING_TYPES[code].severity
    assert finding.message.th
    assert finding.message.en
    assert finding.label.th
    assert finding.label.en
    for fix in [f.suggestion for f in report.findings if f.suggested_value is not None]:
        assert fix is not None
        assert fix.th.strip()
        assert fix.en.strip()
    assert report.ok is (not any(f.severity is Severity.ERROR for f in report.findings))


@pytest.mark.parametrize(
    ("key", "code"), [("title", "duplicate-title"), ("name", "duplicate-name")]
)
def test_catalog_wide_uniqueness(
    statistical: Dataset, record: Dataset, key: str, code: str
) -> None:
    assert not any(f.code == code for r in check_datasets([(None, statistical), (None, record)])
                   for f in r.findings)  # fmt: skip
    setattr(record, key, getattr(statistical, key))
    reports = check_datasets([("a.yaml", statistical), ("b.yaml", record)], today=TODAY)
    for report in reports:
        assert any(f.code == code and f.field == key for f in report.findings)
    assert reports[0].source == "a.yaml"


@pytest.mark.parametrize(
    ("typed", "meant", "kind_words"),
    [
        ("ข้อมูลสถิติ ", "ข้อมูลสถิติ", "spacing"),  # trailing space
        ("ข้อมูล  สถิติ", "ข้อมูลสถิติ", "spacing"),  # doubled space inside
        ("ข้อมูล\u200bสถิติ", "ข้อมูลสถิติ", "spacing"),  # a zero-width space pasted from Word
        ("ข้อมูลสถิต", "ข้อมูลสถิติ", "vowel"),  # a vowel dropped at the end
        ("ขอมูลสถิติ", "ข้อมูลสถิติ", "tone mark"),  # tone mark dropped
        ("ข้อมูลส่ถิติ", "ข้อมูลสถิติ", "tone mark"),  # extra tone mark
        ("statistical", "ข้อมูลสถิติ", "English"),  # the code
        ("Record data", "ข้อมูลระเบียน", "English"),  # the English label
    ],
)
def test_thai_aware_suggestion(
    statistical: Dataset, typed: str, meant: str, kind_words: str
) -> None:
    statistical.data_type = typed
    finding = next(
        f for f in check_dataset(statistical, today=TODAY).findings if f.field == "data_type"
    )
    assert finding.code == "not-in-vocabulary"
    assert finding.suggested_value == meant
    assert kind_words in finding.suggestion.en


def test_unknown_value_without_near_match_uses_the_other_pattern(statistical: Dataset) -> None:
    statistical.geo_coverage = "ลุ่มน้ำปิง"
    finding = next(f for f in check_dataset(statistical).findings if f.field == "geo_coverage")
    assert finding.suggested_value == "อื่นๆ"
    assert "geo_coverage_other" in finding.suggestion.en


def test_data_type_typo_still_runs_type_specific_checks(statistical: Dataset) -> None:
    statistical.data_type = "ข้อมูลสถิติ "
    statistical.high_value_dataset = True  # a record-type field
    codes = {f.code for f in check_dataset(statistical).findings}
    assert "field-not-for-data-type" in codes


def _vocabulary_specs():
    for spec in (*DATASET_FIELDS, *RESOURCE_FIELDS):
        if spec.vocabulary is not None and spec.kind in (Kind.SELECT, Kind.MULTI):
            yield spec


@pytest.mark.parametrize("spec", list(_vocabulary_specs()), ids=lambda spec: spec.key)
def test_every_current_value_is_accepted(statistical: Dataset, record: Dataset, spec) -> None:
    """Every 2.2 value of every controlled field passes without a vocabulary finding."""
    dataset = record if "statistical" not in spec.data_types else statistical
    holder = dataset.resources[0] if spec in RESOURCE_FIELDS else dataset
    for term in spec.vocabulary.terms:
        if not term.is_current:
            continue
        setattr(holder, spec.key, [term.value] if spec.kind is Kind.MULTI else term.value)
        if spec.other_key:
            setattr(holder, spec.other_key, "ระบุ" if term.code == "other" else None)
        if spec.key == "data_category":
            allowed = CLASSIFICATIONS_BY_CATEGORY[term.code]
            dataset.data_classification = next(
                t.value for t in DATA_CLASSIFICATION.terms if t.code in allowed
            )
        if spec.key == "data_type":
            continue  # other data types turn the example's type-specific fields into warnings
        report = check_dataset(dataset, today=TODAY)
        vocabulary_codes = {"not-in-vocabulary", "legacy-value", "other-text-missing"}
        assert not [f for f in report.findings if f.code in vocabulary_codes], term.value


def test_legacy_21_values_are_read_and_reported(statistical: Dataset) -> None:
    """Every value only GD Catalog 2.1 (or older) knew loads, and the report names the 2.2
    value to write instead."""
    from khlang.metadata.vocabularies import VOCABULARIES

    checked = 0
    for spec in _vocabulary_specs():
        if spec in RESOURCE_FIELDS:
            continue
        vocabulary = VOCABULARIES[spec.vocabulary_key]
        for term in vocabulary.terms:
            for spelling in (() if term.is_current else (term.value,)) + term.aliases:
                setattr(statistical, spec.key, [spelling] if spec.kind is Kind.MULTI else spelling)
                finding = next(
                    f for f in check_dataset(statistical).findings
                    if f.field == spec.key and f.code == "legacy-value"
                )  # fmt: skip
                assert finding.suggested_value == vocabulary.current(term).value
                checked += 1
        setattr(statistical, spec.key, None if spec.kind is not Kind.MULTI else [])
    assert checked >= 6  # 3 licences, 2 data-type spellings, 1 classification spelling
    assert LEGACY_VERSION == "2.1"


@pytest.mark.parametrize("category", list(DATA_CATEGORY.terms), ids=lambda t: t.code)
def test_classification_rule(statistical: Dataset, category) -> None:
    statistical.data_category = category.value
    for level in DATA_CLASSIFICATION.terms:
        statistical.data_classification = level.value
        codes = {f.code for f in check_dataset(statistical).findings}
        allowed = level.code in CLASSIFICATIONS_BY_CATEGORY[category.code]
        assert ("classification-not-allowed-for-category" in codes) is not allowed


def test_unique_classification_is_suggested(statistical: Dataset) -> None:
    statistical.data_classification = None
    finding = next(
        f for f in check_dataset(statistical).findings if f.field == "data_classification"
    )
    assert finding.suggested_value == "เปิดเผย"


def test_buddhist_era_date_suggests_the_christian_date(statistical: Dataset) -> None:
    statistical.last_updated_date = dt.date(2568, 10, 1)
    finding = next(f for f in check_dataset(statistical).findings if f.code == "buddhist-era-date")
    assert finding.suggested_value == "2025-10-01"


def test_interval_not_needed_for_real_time(statistical: Dataset) -> None:
    statistical.update_frequency_unit = "ตามเวลาจริง"
    statistical.update_frequency_interval = None
    assert not [f for f in check_dataset(statistical).findings if f.code == "missing-required"]


def test_report_flags_for_the_budget_bureau(statistical: Dataset) -> None:
    assert check_dataset(statistical).mandatory_complete
    statistical.license_id = "CC BY"
    assert not check_dataset(statistical).mandatory_complete
    statistical.license_id = "Open Data Common"
    statistical.resources[0].description = ""
    report = check_dataset(statistical)
    assert report.mandatory_complete
    assert not report.resources_described


def test_findings_sorted_by_severity(statistical: Dataset) -> None:
    statistical.title_en = None  # info
    statistical.allow_harvest = False  # warning
    statistical.title = None  # error
    severities = [f.severity for f in check_dataset(statistical).findings]
    assert severities == sorted(severities, key=[Severity.ERROR, Severity.WARNING,
                                                 Severity.INFO].index)  # fmt: skip
