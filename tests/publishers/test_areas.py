"""The area master, its reconciliation of the two public lists, LAOs and population."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from khlang.errors import KhlangError
from khlang.publishers.area_sources import build_reference, difference_summary
from khlang.publishers.areas import load_areas, packaged_areas, read_lao_register
from khlang.publishers.population import lao_population

REFERENCE = Path(__file__).resolve().parents[2] / "khlang" / "publishers" / "reference"


def test_the_packaged_master_has_every_dopa_area() -> None:
    areas = packaged_areas()
    assert len(areas.provinces) == 77
    assert len(areas.districts) == 928
    assert len(areas.subdistricts) == 7436
    assert len(areas.regions) == 6
    assert areas.area("180104").name_th == "ชัยนาท"
    assert areas.area("18").name_en == "Chai Nat"
    assert areas.region_of("50") == ("1", "ภาคเหนือ", "Northern")


def test_a_former_code_finds_the_area_it_became() -> None:
    areas = packaged_areas()
    # kongvut keeps Bang Khae under Phasi Charoen's old code; DOPA 2021 has it as 104001.
    assert areas.current_code("102203") == "104001"
    assert areas.area("102203").name_th == "บางแค"


@pytest.mark.slow  # 9 s: the area master rebuilt from the real sources
def test_the_shipped_files_are_what_the_sources_build(real_dir: Path) -> None:
    tables = build_reference(real_dir)
    for name, frame in tables.items():
        shipped = pd.read_csv(REFERENCE / f"{name}.csv", dtype=str, keep_default_na=False)
        expected = frame.astype(str).reset_index(drop=True)
        pd.testing.assert_frame_equal(shipped, expected, check_dtype=False)


def test_the_difference_report_accounts_for_7436_versus_7451(real_dir: Path) -> None:
    differences = build_reference(real_dir)["differences"]
    summary = difference_summary(differences)["subdistrict"]
    # 7,451 - 44 codes only kongvut has + 29 only the master has = 7,436.
    assert summary["only_in_kongvut"] == 44
    assert summary["only_in_tgj"] == 29
    assert 7451 - summary["only_in_kongvut"] + summary["only_in_tgj"] == 7436
    names = differences[(differences["kind"] == "name_th")].set_index("code")
    # DOPA decides the typo in the master and the shuffled names in Bueng Kan.
    assert names.loc["301417", "resolved"] == "ธงชัยเหนือ"
    assert names.loc["380101", "resolved"] == "บึงกาฬ"


def test_losing_spellings_parse_but_shuffled_names_do_not() -> None:
    aliases = packaged_areas().aliases
    thai = aliases[aliases["kind"] == "alias_th"]
    assert "ธงชัยหนือ" in set(thai["alias"])
    # Bueng Kan's neighbour names from the second list would make names ambiguous.
    assert not ((thai["code"] == "380101") & (thai["alias"] == "คำนาดี")).any()


def test_the_lao_list_is_read_in_place(real_dir: Path) -> None:
    laos = load_areas(real_dir).laos
    assert len(laos) == 7848
    assert laos["lao_type"].value_counts().to_dict() == {
        "TAO": 5302, "ThesabanTambon": 2247, "ThesabanMueang": 193, "PAO": 76,
        "ThesabanNakhon": 30,
    }  # fmt: skip


def test_a_register_with_missing_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "laos.csv"
    path.write_text("lao_key,lao_type\nTAO-1,TAO\n", encoding="utf-8")
    with pytest.raises(KhlangError, match="lacks columns: lao_name_th"):
        read_lao_register(path)


def test_a_reference_folder_must_look_like_one(tmp_path: Path) -> None:
    with pytest.raises(KhlangError, match="no reference data folder"):
        load_areas(tmp_path)


def test_lao_population_follows_the_covered_subdistricts(real_dir: Path) -> None:
    areas = load_areas(real_dir)
    population = lao_population(areas.laos, areas.population).set_index("lao_key")
    figures = areas.population.set_index("geocode")
    assert population.loc["PAO-50", "population"] == figures.loc["50", "total_total"]
    # An SAO covering its sub-district completely has all of its people.
    assert population.loc["TAO-810105", "population"] == figures.loc["810105", "total_total"]
    covered = population["population"].notna().mean()
    assert covered > 0.97


@pytest.mark.slow
def test_the_reference_dataset_is_published(tmp_path) -> None:
    from khlang.metadata.files import load_dataset
    from khlang.publishers.agency import Agency
    from khlang.publishers.datasets.areas import publish_areas

    agency = Agency(name="khlang", email="opendata@khlang.example.org")
    result = publish_areas(tmp_path / "out", agency=agency, registry=packaged_areas())
    assert result.status == "published", result.checks
    assert result.rows == {"provinces": 77, "districts": 928, "subdistricts": 7436,
                           "source-differences": 964}  # fmt: skip
    dataset = load_dataset(tmp_path / "out" / "khlang-administrative-areas" / "dataset.yaml")
    assert dataset.reference_data is True
    assert dataset.license_id == "อื่นๆ"
    assert "Joe Takara" in dataset.license_id_other
    assert "Kongvut Sangkla" in dataset.license_id_other
