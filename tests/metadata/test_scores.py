"""Both scores on worked examples, with the expected numbers computed by hand (the comments
show the sums)."""

from __future__ import annotations

import pytest

from khlang.metadata.budget_bureau import (
    CatalogState,
    DatasetState,
    RegistrationState,
    budget_bureau_score,
)
from khlang.metadata.model import Dataset
from khlang.metadata.mqa import MAX_POINTS, mqa_score, rating_for

CSV_URL = "https://khlang.example.go.th/dataset/chiang-mai-procurement-contracts/contracts.csv"
XLSX_URL = "https://khlang.example.go.th/dataset/chiang-mai-procurement-contracts/contracts.xlsx"


def _points(report) -> dict[str, float]:
    return {item.key: item.points for item in report.indicators}


# --- MQA ------------------------------------------------------------------------------------


def test_indicator_weights_add_up_to_405(statistical: Dataset) -> None:
    report = mqa_score(statistical)
    assert sum(item.max_points for item in report.indicators) == MAX_POINTS == 405
    assert {key: maximum for key, (_, maximum) in report.dimension_points().items()} == {
        "findability": 100, "accessibility": 100, "interoperability": 110,
        "reusability": 75, "contextuality": 20,
    }  # fmt: skip


def test_complete_statistical_dataset(statistical: Dataset) -> None:
    report = mqa_score(statistical)
    # findability 30+30+20+20 = 100; accessibility: download URL 20, 80 not checked;
    # interoperability 20+10+10+20+20+30 = 110; reusability 20 + 0 (Open Data Common has no
    # EU licence IRI) + 10+5+20+10 = 65; contextuality 5+5+5+5 = 20.  100+20+110+65+20 = 315
    assert report.total == 315
    assert report.not_checked == 80
    assert report.rating == "good"
    assert _points(report)["licence_vocabulary"] == 0
    assert report.indicators[4].status == "not_checked"  # access URL accessibility
    missing = {item.key: item.fix for item in report.indicators if item.points < item.max_points}
    assert set(missing) == {"access_url_accessible", "download_url_accessible",
                            "licence_vocabulary"}  # fmt: skip
    assert all(fix is not None for fix in missing.values())


def test_reachable_urls_earn_accessibility(statistical: Dataset) -> None:
    url = statistical.resources[0].url
    report = mqa_score(statistical, url_status={url: 200})
    assert report.total == 315 + 50 + 30  # 395
    assert report.rating == "excellent"
    assert mqa_score(statistical, url_status={url: 404}).total == 315


def test_share_of_distributions(record: Dataset) -> None:
    # Two distributions (CSV, XLSX), CC BY (EU licence): 100+20+110+75+20 = 325 without URLs.
    assert mqa_score(record).total == 325
    report = mqa_score(record, url_status={CSV_URL: 200, XLSX_URL: 404})
    # half the distributions answer: access 50/2 = 25, download 30/2 = 15
    assert _points(report)["access_url_accessible"] == 25
    assert _points(report)["download_url_accessible"] == 15
    assert report.total == 365
    record.resources[1].byte_size = None
    assert _points(mqa_score(record))["byte_size"] == 2.5
    # interoperability counts the best distribution: the CSV is open, the XLSX is not
    assert _points(mqa_score(record))["non_proprietary"] == 20


def test_minimal_dataset(statistical: Dataset) -> None:
    for key, value in {"themes": [], "temporal": None, "first_year_of_data": None,
                       "last_year_of_data": None, "issued": None}.items():  # fmt: skip
        setattr(statistical, key, value)
    statistical.resources[0].byte_size = None
    statistical.resources[0].media_type = None  # derived from the CSV format
    report = mqa_score(statistical)
    # findability 30+0+20+0 = 50; accessibility 20; interoperability 110 (media type from
    # the format); reusability 65; contextuality rights 5 + size 0 + issued 0 + modified 5 = 10
    assert report.total == 50 + 20 + 110 + 65 + 10 == 255
    assert report.rating == "good"


def test_shacl_failure_costs_the_compliance_points(record: Dataset) -> None:
    record.notes = record.notes_en = None  # dct:description is mandatory in DCAT-AP
    report = mqa_score(record)
    assert not report.shacl.conforms
    assert _points(report)["dcat_ap_compliance"] == 0
    assert report.total == 325 - 30


@pytest.mark.parametrize(
    ("total", "band"),
    [(405, "excellent"), (351, "excellent"), (350.9, "good"), (221, "good"),
     (220.5, "sufficient"), (121, "sufficient"), (120, "bad"), (0, "bad")],
)  # fmt: skip
def test_bands(total: float, band: str) -> None:
    assert rating_for(total)[0] == band


# --- the Budget Bureau's indicator ----------------------------------------------------------


def _state(agency: list[Dataset], **overrides: DatasetState) -> CatalogState:
    full = DatasetState(in_agency_catalog=True, gdc_state=RegistrationState.COMPLETED)
    return CatalogState(datasets={d.name: overrides.get(d.name, full) for d in agency})


def _parts(report) -> dict[str, tuple[int, str]]:
    return {part.key: (part.points, part.status) for part in report.parts}


def test_bundled_agency_without_state(agency: list[Dataset]) -> None:
    report = budget_bureau_score(agency)
    # 50 (6 complete datasets) + 20 (all have a CSV) + 5 (uses) = 75; 15 + 10 not yet known
    assert report.total == 75
    assert report.unknown_points == 25
    assert _parts(report)["agency_catalog"] == (0, "unknown")
    assert _parts(report)["gd_catalog"] == (0, "unknown")


def test_a_catalog_without_registrations_says_how_to_register(agency: list[Dataset]) -> None:
    """The catalog is the source of the state: a catalog that knows no GD Catalog state says
    to register (or read the state), not to ask the catalog."""
    unregistered = DatasetState(in_agency_catalog=True)
    state = CatalogState(datasets={d.name: unregistered for d in agency})
    part = budget_bureau_score(agency, state=state).parts[2]
    assert (part.key, part.status) == ("gd_catalog", "unknown")
    assert "khlang register --profile gdc" in part.detail.en
    assert "khlang register --status" in part.detail.th
    without = budget_bureau_score(agency).parts[2]
    assert "needs the state from the catalog" in without.detail.en


def test_bundled_agency_fully_registered(agency: list[Dataset]) -> None:
    report = budget_bureau_score(agency, state=_state(agency))
    assert report.total == 100
    assert report.unknown_points == 0


def test_one_rejected_registration(agency: list[Dataset]) -> None:
    rejected = DatasetState(in_agency_catalog=True, gdc_state=RegistrationState.REJECT)
    report = budget_bureau_score(agency, state=_state(agency, **{agency[0].name: rejected}))
    assert _parts(report)["gd_catalog"] == (0, "not_met")
    assert report.total == 90
    assert report.parts[2].datasets == [agency[0].name]


def test_a_known_failure_beats_unknown_states(agency: list[Dataset]) -> None:
    state = CatalogState(datasets={agency[1].name: DatasetState(in_agency_catalog=False)})
    assert _parts(budget_bureau_score(agency, state=state))["agency_catalog"] == (0, "not_met")
    agency[2].allow_harvest = False  # cannot be registered, whatever the state says
    assert _parts(budget_bureau_score(agency))["gd_catalog"] == (0, "not_met")


def test_fewer_than_five_datasets(agency: list[Dataset]) -> None:
    report = budget_bureau_score(agency[:4], state=_state(agency))
    assert _parts(report)["complete"] == (0, "not_met")
    assert report.total == 50  # 15 + 10 + 20 + 5


def test_incomplete_dataset_or_undescribed_resource(agency: list[Dataset]) -> None:
    agency[0].resources[0].description = None
    assert budget_bureau_score(agency).total == 25
    agency[0].resources[0].description = "คำอธิบาย"
    agency[1].objective = []
    report = budget_bureau_score(agency)
    assert report.total == 25
    assert report.parts[0].datasets == [agency[1].name]


def test_open_format_and_use(agency: list[Dataset]) -> None:
    procurement = next(d for d in agency if d.name == "chiang-mai-procurement-contracts")
    procurement.resources = procurement.resources[1:]  # only the XLSX is left
    for dataset in agency:
        dataset.uses = []
    report = budget_bureau_score(agency, state=_state(agency))
    assert _parts(report)["open_format"] == (0, "not_met")
    assert _parts(report)["use"] == (0, "not_met")
    assert report.total == 75  # 50 + 15 + 10


def test_no_open_dataset(agency: list[Dataset]) -> None:
    for dataset in agency:
        dataset.data_category = "ข้อมูลส่วนบุคคล"
        dataset.data_classification = "ลับ"
    assert _parts(budget_bureau_score(agency, state=_state(agency)))["gd_catalog"] == (
        0,
        "not_met",
    )


def test_a_shacl_violation_names_the_field_to_fill(statistical: Dataset) -> None:
    """Not pySHACL's "Less than 1 values on <generated IRI>->dcterms:title", but the
    property, the dataset file's field that fills it, and what is wrong, in Thai and English."""
    statistical.title = None
    statistical.title_en = None
    detail = {item.key: item.detail for item in mqa_score(statistical).indicators}[
        "dcat_ap_compliance"
    ]
    assert detail is not None
    assert "dct:title (title / title_en): missing" in detail.en
    assert "dct:title (title / title_en): ไม่มีค่า" in detail.th
    assert "<http" not in detail.en
