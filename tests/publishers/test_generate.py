"""`khlang generate`: deterministic exports, calibrated on the real files."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from khlang.errors import KhlangError
from khlang.publishers.areas import load_areas, packaged_areas
from khlang.publishers.generate import calibration as cal
from khlang.publishers.generate import generate, parse_years, register_for
from khlang.publishers.generate.names import tax_ids
from khlang.publishers.generate.world import build_world, synthetic_laos


def _same_tree(left: Path, right: Path) -> bool:
    files = sorted(path.relative_to(left) for path in left.rglob("*") if path.is_file())
    others = sorted(path.relative_to(right) for path in right.rglob("*") if path.is_file())
    return files == others and all(
        filecmp.cmp(left / name, right / name, shallow=False) for name in files
    )


def test_the_bundled_samples_are_what_the_generator_writes(samples, tmp_path) -> None:
    out = tmp_path / "samples"
    generate(out, scale="sample", years=parse_years("2566-2568"), seed=7)
    assert _same_tree(out, samples)


@pytest.mark.slow  # 10 s: three generations of the samples
def test_a_seed_gives_the_same_files_and_another_seed_others(tmp_path) -> None:
    years = parse_years("2567-2568")
    generate(tmp_path / "a", scale="sample", years=years, seed=3)
    generate(tmp_path / "b", scale="sample", years=years, seed=3)
    generate(tmp_path / "c", scale="sample", years=years, seed=4)
    assert _same_tree(tmp_path / "a", tmp_path / "b")
    assert not _same_tree(tmp_path / "a", tmp_path / "c")


def test_the_manifest_records_the_noise(samples, sample_manifest) -> None:
    kinds = {kind for counts in sample_manifest["noise"].values() for kind in counts}
    assert {"ce_years", "names_without_spaces", "blank_area_codes"} <= kinds
    assert sample_manifest["synthetic"] is True
    assert sorted(sample_manifest["files"]) == sample_manifest["files"]
    for name in sample_manifest["files"]:
        assert (samples / name).is_file()


def test_bad_years_and_a_full_folder_are_refused(tmp_path) -> None:
    with pytest.raises(KhlangError, match="invalid years"):
        parse_years("2568-2559")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.csv").write_text("x", encoding="utf-8")
    with pytest.raises(KhlangError, match="not empty"):
        generate(tmp_path / "full")


def test_tax_ids_carry_their_check_digit() -> None:
    for number in tax_ids(np.random.default_rng(1), 50):
        digits = [int(char) for char in number]
        check = (11 - sum(d * w for d, w in zip(digits[:12], range(13, 1, -1), strict=True))
                 % 11) % 10  # fmt: skip
        assert digits[12] == check


@pytest.fixture(scope="module")
def province_world():
    """Two years of Chiang Mai at province scale, from LAOs derived from the area master."""
    registry = packaged_areas()
    return build_world(registry=registry, all_laos=register_for(registry),
                       scale=cal.SCALES["province"], years=[2566, 2567], seed=11)  # fmt: skip


def test_amounts_are_log_normal_and_rounded(province_world) -> None:
    lines = province_world.lines.drop_duplicates(["line_id", "fiscal_year"])
    first_year = lines[lines["fiscal_year"] == 2566]["allocated_total"]
    log10 = np.log10(first_year)
    assert abs(log10.mean() - cal.AMOUNT_LOG10_MEAN) < 0.08
    assert abs(log10.std() - cal.AMOUNT_LOG10_SD) < 0.06
    assert (lines["allocated_total"] % 100 == 0).all()


def test_no_lao_is_given_more_than_an_lao_of_its_type_ever_was(province_world) -> None:
    """The synthetic world stays plausible: a grant to one LAO is within the largest real
    item for its type, so no sub-district SAO is given billions in a year."""
    lines = province_world.lines.drop_duplicates(["line_id", "fiscal_year"])
    grants = lines[lines["budget_type"] == "subsidy"]
    kinds = grants["lao_key"].map(province_world.laos["lao_type"])
    assert (grants["allocated_total"] <= kinds.map(cal.LAO_ITEM_MAX)).all()
    yearly = grants.groupby(["lao_key", "fiscal_year"])["allocated_total"].sum()
    taos = yearly[yearly.index.get_level_values("lao_key").str.startswith("TAO-")]
    assert taos.max() < 1e9


def test_budget_types_and_area_spread_follow_the_real_shares(province_world) -> None:
    lines = province_world.lines.drop_duplicates(["line_id", "fiscal_year"])
    shares = lines["budget_type"].value_counts(normalize=True)
    assert abs(shares["subsidy"] - 0.67) < 0.03
    assert abs(shares["investment"] - 0.27) < 0.03
    spread = lines["spread"].value_counts(normalize=True)
    assert abs(spread["one"] - 0.91) < 0.02
    assert abs(spread["two"] - 0.08) < 0.02


def test_a_province_world_holds_its_own_province_and_labels_the_rest(province_world) -> None:
    """A province's area budget: every share with a province is the province's own; the share
    of a two-province line outside it is `multiple` (no area), not another province's line,
    and the province's own amounts are nearly all of the money."""
    shares = province_world.lines
    assert set(shares["province_code"].dropna()) == {"50"}
    outside = shares[shares["province_code"].isna()]
    assert set(outside["spread"]) == {"multiple", "nationwide", "central"}
    assert (outside.loc[outside["spread"] == "multiple", "share_no"] == 2).all()
    assert shares.loc[shares["province_code"] == "50", "allocated"].sum() > (
        0.9 * shares["allocated"].sum()
    )


def test_disbursement_follows_the_ratio_and_the_monthly_curve(province_world) -> None:
    ratio = province_world.lines["ratio"]
    assert abs((ratio == 0).mean() - cal.DISBURSED_NONE) < 0.03
    assert abs((ratio == 1).mean() - cal.DISBURSED_ALL) < 0.03
    assert abs(ratio.median() - 0.79) < 0.04
    months = province_world.months
    by_month = months.groupby("fiscal_month")["disbursed"].sum()
    cumulative = 100 * by_month.cumsum() / by_month.sum()
    expected = pd.Series(cal.CUMULATIVE_DISBURSEMENT, index=range(1, 13))
    assert (cumulative - expected).abs().max() < 8


def test_a_district_seat_is_shared_by_its_municipality_and_its_sao() -> None:
    """Both cover the seat's sub-district partially, so its people are split between them
    (population.py), not counted whole for the SAO and again for the municipality."""
    laos = synthetic_laos(packaged_areas())
    district = laos[laos["district_code"] == "1801"]
    (municipality,) = district[district["lao_type"] == "ThesabanTambon"].itertuples()
    seat = municipality.covered_subdistricts.removesuffix(":partially")
    saos = district[district["lao_type"] == "TAO"].set_index("subdistrict_code")
    assert saos.loc[seat, "covered_subdistricts"] == f"{seat}:partially"
    others = saos.drop(index=seat)["covered_subdistricts"]
    assert len(others) > 0
    assert (others == others.index + ":completely").all()


def test_national_scale_covers_the_7848_laos(real_dir) -> None:
    registry = load_areas(real_dir)
    laos = register_for(registry)
    assert len(laos) == 7848
    world = build_world(registry=registry, all_laos=laos,
                        scale=cal.SCALES["national"].model_copy(update={"lines_per_lao": 0.5}),
                        years=[2566], seed=1)  # fmt: skip
    assert len(world.laos) == 7848
    assert world.finance["lao_key"].nunique() == 7848
    # Provinces get items in proportion to their LAOs.
    items = world.lines["province_code"].dropna().value_counts(normalize=True)
    weights = laos["province_code"].value_counts(normalize=True)
    assert items.corr(weights) > 0.9


@pytest.mark.slow  # 7-11 s: a generation by the command, in a process of its own
def test_the_command_writes_the_manifest(khlang_cli, tmp_path) -> None:
    out = tmp_path / "gen"
    result = khlang_cli("generate", "--scale", "sample", "--years", "2568", "--seed", "2",
                        str(out), "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    assert manifest["years"] == [2568, 2568]
    assert (out / "generation.json").is_file()
