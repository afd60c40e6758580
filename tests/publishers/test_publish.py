"""`khlang publish` on the bundled samples: the folder contract, totals that reconcile with
the sources, the checks every dataset passes, and what happens to bad input."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from khlang.metadata.compliance import check_dataset
from khlang.metadata.files import load_dataset
from khlang.metadata.model import SYNTHETIC_TAGS
from khlang.publishers.agency import Agency
from khlang.publishers.datasets import DATASETS
from khlang.publishers.gate import check_dataset_folder
from khlang.publishers.publish import REPORT_FILE, REPORTS_DIR, publish
from tests.publishers.conftest import TODAY

PHASES = ("requested", "allocated", "transferred", "committed", "disbursed")


def _folders(out: Path) -> dict[str, Path]:
    return {path.name: path for path in out.iterdir() if path.is_dir() and path.name != REPORTS_DIR}


@pytest.mark.slow
def test_the_seven_datasets_are_published(published) -> None:
    report, out = published
    assert report.ok, report.to_json()["summary"]
    assert [item.status for item in report.datasets] == ["published"] * 7
    assert sorted(_folders(out)) == sorted(f"test-office-{spec.key}" for spec in DATASETS)
    assert report.issues.count("error") == 0


def test_each_folder_follows_the_contract(published) -> None:
    _, out = published
    assert (out / REPORT_FILE).is_file()
    assert not [path for path in out.iterdir() if path.name.startswith(".")]
    for folder in _folders(out).values():
        dataset = load_dataset(folder / "dataset.yaml")
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert len(package["resources"]) == len(dataset.resources)
        formats = set()
        for resource in dataset.resources:
            path = folder / resource.path
            assert path.is_file()
            assert resource.byte_size == path.stat().st_size
            assert resource.hash == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
            assert (folder / resource.table_schema).is_file()
            formats.add(resource.format)
        assert {"CSV", "Parquet", "JSON"} <= formats


def test_every_dataset_passes_the_metadata_check(published) -> None:
    _, out = published
    for folder in _folders(out).values():
        report = check_dataset(load_dataset(folder / "dataset.yaml"), today=TODAY)
        assert report.ok, [finding.code for finding in report.findings]
        assert report.mandatory_complete
        assert report.resources_described


def test_geographic_coverage_and_sources_are_filled_from_the_data(published) -> None:
    _, out = published
    allocation = load_dataset(out / "test-office-budget-allocation" / "dataset.yaml")
    assert allocation.geo_coverage == "ตำบล"
    assert allocation.data_type == "ข้อมูลสถิติ"
    assert "e-Budgeting" in allocation.data_source
    assert "GFMIS" in allocation.data_source
    assert allocation.first_year_of_data == "2566"
    assert allocation.last_year_of_data == "2568"
    assert allocation.temporal.start.isoformat() == "2022-10-01"
    assert "18" in allocation.spatial
    needs = load_dataset(out / "test-office-citizens-needs" / "dataset.yaml")
    assert needs.geo_coverage == "หมู่บ้าน"
    assert needs.data_type == "ข้อมูลระเบียน"
    assert needs.data_source.startswith("ผู้นำชุมชน")
    lao = load_dataset(out / "test-office-lao-revenue-expenditure" / "dataset.yaml")
    assert lao.geo_coverage == "เทศบาล/อบต."


def test_totals_reconcile_with_the_sources(published, sample_manifest) -> None:
    report, out = published
    totals = report.reconciliation.totals
    for year, expected in sample_manifest["totals"].items():
        for phase in PHASES:
            assert totals[year][phase].published == expected[phase], (year, phase)
    lines = pd.read_csv(out / "test-office-budget-allocation" / "data" / "budget-lines.csv")
    by_area = pd.read_csv(out / "test-office-budget-allocation" / "data" / "allocation-by-area.csv")
    for year, expected in sample_manifest["totals"].items():
        in_year = lines["fiscal_year"] == int(year)
        assert f"{lines.loc[in_year, 'allocated'].sum():.2f}" == expected["allocated"]
        assert f"{lines.loc[in_year, 'disbursed'].sum():.2f}" == expected["disbursed"]
        area_year = by_area["fiscal_year"] == int(year)
        assert f"{by_area.loc[area_year, 'allocated'].sum():.2f}" == expected["allocated"]
        assert lines.loc[in_year, "line_id"].nunique() == expected["lines"]


def test_other_datasets_reconcile_too(published, sample_manifest) -> None:
    _, out = published
    contracts = pd.read_csv(out / "test-office-procurement-contracts" / "data" / "contracts.csv")
    finance = pd.read_csv(out / "test-office-lao-revenue-expenditure" / "data" / "lao-finance.csv")
    needs = pd.read_csv(out / "test-office-citizens-needs" / "data" / "needs.csv")
    disbursement = pd.read_csv(
        out / "test-office-disbursement-progress" / "data" / "disbursement-by-area-month.csv"
    )
    for year, expected in sample_manifest["totals"].items():
        y = int(year)
        assert (contracts["fiscal_year"] == y).sum() == expected["contracts"]
        value = contracts.loc[contracts["fiscal_year"] == y, "contract_value"].sum()
        assert f"{value:.2f}" == expected["contract_value"]
        revenue = finance[(finance["fiscal_year"] == y) & (finance["kind"] == "revenue")]
        assert f"{revenue['estimate'].sum():.2f}" == expected["lao_revenue_estimate"]
        assert (needs["fiscal_year"] == y).sum() == expected["needs"]
        monthly = disbursement[disbursement["fiscal_year"] == y]
        assert f"{monthly['disbursed'].sum():.2f}" == expected["disbursed"]
    assert contracts["line_id"].notna().all()


def test_every_amount_carries_its_provenance(published, samples) -> None:
    _, out = published
    ledger = pd.read_csv(
        out / "test-office-budget-allocation" / "data" / "amounts.csv", dtype={"line_id": str}
    )
    assert ledger[["source_system", "source_file", "source_row"]].notna().all().all()
    first = ledger[ledger["source_system"] == "e-Budgeting"].iloc[0]
    export = pd.read_csv(samples / first["source_file"], dtype=str)
    row = export.iloc[int(first["source_row"]) - 2]
    assert row["รหัสรายการ"] == first["line_id"]


def test_the_disbursement_rate_reaches_the_ratio_of_the_year(published) -> None:
    _, out = published
    frame = pd.read_csv(
        out / "test-office-disbursement-progress" / "data" / "disbursement-by-area-month.csv"
    )
    september = frame[(frame["fiscal_month"] == 12) & (frame["allocated"] > 0)]
    expected = (100 * september["disbursed_cumulative"] / september["allocated"]).round(2)
    assert (september["disbursement_rate"] - expected).abs().max() < 0.01


@pytest.mark.slow
def test_a_failing_dataset_is_not_written_and_the_reason_is_reported(samples, tmp_path) -> None:
    agency = Agency(name="bad-office", email="not an email address")
    out = tmp_path / "out"
    report = publish(samples, agency=agency, out=out, today=TODAY)
    assert not report.ok
    assert all(item.status == "failed" for item in report.datasets)
    reasons = report.datasets[0].checks.compliance.findings
    assert any(finding.field == "maintainer_email" for finding in reasons)
    assert sorted(path.name for path in out.iterdir()) == [REPORT_FILE, REPORTS_DIR]
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]


@pytest.mark.slow
def test_a_broken_export_is_reported_and_the_rest_publishes(samples, tmp_path, agency) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(samples, sources)
    bbl = sources / "bbl" / "bbl_2567.csv"
    bbl.write_text(bbl.read_text(encoding="utf-8").replace("ชื่อโครงการ", "คอลัมน์อื่น"), "utf-8")
    gfmis = sources / "gfmis" / "gfmis_2566.csv"
    lines = gfmis.read_text(encoding="utf-8").splitlines()
    gfmis.write_text("\n".join([*lines[:5], lines[5].replace(".", ",x", 1), *lines[6:]]) + "\n",
                     encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    report = publish(sources, agency=agency, out=out, today=TODAY)
    failed = {item.file: item for item in report.files if item.status == "failed"}
    assert list(failed) == ["bbl/bbl_2567.csv"]
    assert "project_name" in failed["bbl/bbl_2567.csv"].reason.en
    assert "bbl.yaml" in failed["bbl/bbl_2567.csv"].reason.en
    unreadable = [issue for issue in report.issues.items if issue.code == "amount-unreadable"]
    assert unreadable[0].file == "gfmis/gfmis_2566.csv"
    assert unreadable[0].row == 6
    assert all(item.status == "published" for item in report.datasets)


@pytest.mark.slow
def test_publishing_again_replaces_the_datasets(samples, tmp_path, agency) -> None:
    out = tmp_path / "out"
    publish(samples, agency=agency, out=out, today=TODAY)
    marker = out / "test-office-projects" / "stale.txt"
    marker.write_text("from an older run", encoding="utf-8")
    publish(samples, agency=agency, out=out, today=TODAY)
    assert not marker.exists()
    assert not [path for path in out.iterdir() if path.name.endswith(".old")]


@pytest.mark.slow  # 23 s: the whole publish of the samples, in a process of its own
def test_the_command_publishes_the_samples(khlang_cli, samples, tmp_path) -> None:
    out = tmp_path / "out"
    result = khlang_cli(
        "publish", str(samples), "--out", str(out), "--agency", "cli-office", "--email",
        "opendata@cli-office.example.go.th", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["summary"]["datasets_published"] == 7
    assert "Traceback" not in result.stderr
    # the samples are synthetic whoever publishes them, and every dataset says so
    for folder in out.glob("cli-office-*"):
        dataset = load_dataset(folder / "dataset.yaml")
        assert set(SYNTHETIC_TAGS) <= set(dataset.tags)
        assert dataset.notes.startswith("ข้อมูลสังเคราะห์")
        assert dataset.notes_en.startswith("Synthetic data")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "ชื่อไทย", "--email", "a@b.go.th"], "lower-case ASCII"),
        (["--agency", "x-office"], "--email"),
        (["--agency", "x-office", "--email", "a@b.go.th", "--source", "nope"], "no adapter"),
    ],
)
def test_usage_errors_exit_2(khlang_here, samples, tmp_path, args, message) -> None:
    empty = tmp_path / "exports"
    empty.mkdir()
    result = khlang_here("publish", str(empty), "--out", str(tmp_path / "out"), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_gate_refuses_files_that_break_their_schema(published, tmp_path) -> None:
    _, out = published
    folder = tmp_path / "needs"
    shutil.copytree(out / "test-office-citizens-needs", folder)
    dataset = load_dataset(folder / "dataset.yaml")
    csv = folder / "data" / "needs.csv"
    text = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text("\n".join([text[0], text[1].replace(",2566,", ",สองพัน,", 1), *text[2:]]),
                   encoding="utf-8")  # fmt: skip
    (folder / "data" / "needs.parquet").write_bytes(b"not parquet")
    checks = check_dataset_folder(folder, dataset, today=TODAY)
    assert not checks.passed
    invalid = [item for item in checks.validation if not item.valid]
    assert {item.file: dict(item.report.error_counts) for item in invalid} == {
        "data/needs.csv": {"type-error": 1},
        "data/needs.parquet": {"format-error": 1},
    }


@pytest.mark.slow  # 25 s: seven datasets through the catalog's gate, by the command
def test_the_catalog_accepts_the_published_folders(khlang_cli, published, tmp_path) -> None:
    _, out = published
    home = tmp_path / "home"
    assert khlang_cli("catalog", "init", "--home", str(home)).returncode == 0
    result = khlang_cli("catalog", "add", str(out), "--home", str(home))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("published test-office-") == 7
