"""Each export adapter on its bundled sample, and the ways a malformed export is reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from khlang.errors import KhlangError
from khlang.publishers.adapters import ADAPTERS
from khlang.publishers.adapters.common import Context
from khlang.publishers.areas import packaged_areas, read_lao_register
from khlang.publishers.issues import IssueLog
from khlang.publishers.mapping import default_mapping, load_mapping
from khlang.publishers.tables import TABLES


def _context(samples: Path, root: Path | None = None) -> Context:
    registry = packaged_areas().with_laos(
        read_lao_register(samples / "reference" / "lao-register.csv"), "sample register"
    )
    return Context(registry=registry, issues=IssueLog(), sources_dir=root or samples)


def _read(name: str, path: Path, ctx: Context) -> dict[str, pd.DataFrame]:
    adapter = ADAPTERS[name]
    assert adapter.detect(path, adapter.mapping(ctx)), f"{name} does not recognise {path.name}"
    return adapter.read(path, ctx, adapter.mapping(ctx))


@pytest.mark.parametrize(
    ("name", "pattern", "table"),
    [
        ("ebudget", "ebudget/*.csv", "budget_lines"),
        ("bbl", "bbl/*.csv", "budget_lines"),
        ("gfmis", "gfmis/*.csv", "amounts"),
        ("egp", "egp/*.csv", "contracts"),
        ("egp", "egp/*.json", "contracts"),
        ("elaas", "elaas/*.csv", "lao_finance"),
        ("eplan", "eplan/*.csv", "plan_projects"),
        ("needs", "needs/*.csv", "needs"),
        ("needs", "needs/*.json", "needs"),
    ],
)
def test_every_adapter_reads_its_samples(samples, name, pattern, table) -> None:
    ctx = _context(samples)
    files = sorted(samples.glob(pattern))
    assert files
    for path in files:
        frame = _read(name, path, ctx)[table]
        assert len(frame) > 0
        assert list(frame.columns) == list(TABLES[table])
        assert frame["source_file"].eq(path.relative_to(samples).as_posix()).all()
        assert frame["source_row"].notna().all()
    assert ctx.issues.count("error") == 0, ctx.issues.to_json()


def test_amounts_of_the_samples_equal_the_manifest(samples, sample_manifest) -> None:
    ctx = _context(samples)
    amounts = pd.concat(
        [_read("ebudget", path, ctx)["amounts"] for path in sorted(samples.glob("ebudget/*"))]
    )
    allocated = amounts[amounts["phase"] == "allocated"].groupby("fiscal_year")["amount"].sum()
    for year, totals in sample_manifest["totals"].items():
        assert f"{allocated[int(year)]:.2f}" == totals["allocated"]


def test_ce_years_are_converted_and_kept(samples) -> None:
    ctx = _context(samples)
    lines = _read("ebudget", samples / "ebudget" / "ebudget_2566.csv", ctx)["budget_lines"]
    converted = lines[lines["fiscal_year_original"].notna()]
    assert not converted.empty
    assert (converted["fiscal_year_original"] == "2023").all()
    assert (converted["fiscal_year"] == 2566).all()


def test_ocds_releases_compile_into_contracts(samples) -> None:
    ctx = _context(samples)
    path = next(samples.glob("egp/*.json"))
    contracts = _read("egp", path, ctx)["contracts"]
    package = json.loads(path.read_text(encoding="utf-8"))
    assert len(contracts) == len({release["ocid"] for release in package["releases"]})
    assert contracts["contract_value"].notna().all()
    assert contracts["supplier_id"].str.fullmatch(r"\d{13}").all()
    assert contracts["line_id"].notna().all()


def _bad_copy(samples: Path, tmp_path: Path, relative: str, edit) -> tuple[Path, Context]:
    target = tmp_path / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    frame = edit(pd.read_csv(samples / relative, dtype=str, keep_default_na=False))
    frame.to_csv(target, index=False)
    return target, _context(samples, tmp_path)


def test_an_unreadable_amount_is_reported_at_its_row_and_column(samples, tmp_path) -> None:
    def edit(frame):
        frame.loc[2, "จัดสรร"] = "หนึ่งล้าน"
        return frame

    path, ctx = _bad_copy(samples, tmp_path, "ebudget/ebudget_2567.csv", edit)
    amounts = _read("ebudget", path, ctx)["amounts"]
    rows = pd.read_csv(path, dtype=str)
    issue = next(issue for issue in ctx.issues.items if issue.code == "amount-unreadable")
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "ebudget/ebudget_2567.csv", 4, "allocated", "หนึ่งล้าน"
    )  # fmt: skip
    allocated = amounts[amounts["phase"] == "allocated"]
    assert 4 not in set(allocated["source_row"])
    assert len(allocated) == len(rows.drop_duplicates()) - 1


def test_an_unreadable_year_and_month_skip_their_rows(samples, tmp_path) -> None:
    def edit(frame):
        frame.loc[0, "ปีงบประมาณ"] = "ปีหน้า"
        frame.loc[1, "เดือน"] = "เดือนที่สิบสาม"
        return frame

    path, ctx = _bad_copy(samples, tmp_path, "gfmis/gfmis_2566.csv", edit)
    rows = len(pd.read_csv(path))
    amounts = _read("gfmis", path, ctx)["amounts"]
    found = {(issue.code, issue.row, issue.column) for issue in ctx.issues.items}
    assert ("year-unreadable", 2, "fiscal_year") in found
    assert ("month-unreadable", 3, "month") in found
    assert set(amounts["source_row"]) <= set(range(4, rows + 2))


def test_a_missing_column_names_the_mapping_to_edit(samples, tmp_path) -> None:
    path, ctx = _bad_copy(
        samples, tmp_path, "bbl/bbl_2566.csv", lambda frame: frame.drop(columns="ชื่อโครงการ")
    )
    adapter = ADAPTERS["bbl"]
    with pytest.raises(KhlangError) as error:
        adapter.read(path, ctx, adapter.mapping(ctx))
    assert "project_name: ชื่อโครงการ" in error.value.message.en
    assert "bbl.yaml" in error.value.message.en


def test_a_phase_the_export_lacks_is_unknown_and_no_column_is_dropped_silently(
    samples, tmp_path
) -> None:
    """A list of allocations without the requests needs no invented requested column; its
    disbursed column is read; a column no field takes is named in a warning."""

    def edit(frame):
        frame = frame.drop(columns="วงเงินที่ขอ")
        frame["เบิกจ่ายแล้ว"] = "1,000"
        frame["หมายเหตุ"] = "ตรวจแล้ว"
        return frame

    path, ctx = _bad_copy(samples, tmp_path, "bbl/bbl_2566.csv", edit)
    amounts = _read("bbl", path, ctx)["amounts"]
    assert set(amounts["phase"]) == {"allocated", "transferred", "disbursed"}
    assert (amounts.loc[amounts["phase"] == "disbursed", "amount"] == 1000).all()
    unread = [issue for issue in ctx.issues.items if issue.code == "column-not-read"]
    assert [(issue.severity, issue.column) for issue in unread] == [("warning", "หมายเหตุ")]
    assert "bbl.yaml" in unread[0].message.en


def test_an_edited_mapping_reads_a_renamed_column(samples, tmp_path) -> None:
    path, ctx = _bad_copy(
        samples, tmp_path, "bbl/bbl_2566.csv",
        lambda frame: frame.rename(columns={"วงเงินที่ขอ": "งบที่เสนอขอ"}),
    )  # fmt: skip
    text = (Path(default_mapping("bbl").source)).read_text(encoding="utf-8")
    mapping_file = tmp_path / "bbl.mapping.yaml"
    mapping_file.write_text(
        text.replace("requested: [วงเงินที่ขอ,", "requested: [งบที่เสนอขอ, วงเงินที่ขอ,"), "utf-8"
    )
    ctx.mappings["bbl"] = load_mapping(mapping_file)
    tables = _read("bbl", path, ctx)
    assert (tables["amounts"]["phase"] == "requested").any()


def test_a_windows_874_export_is_read(samples, tmp_path) -> None:
    source = samples / "needs" / "needs_2566.csv"
    target = tmp_path / "needs" / "needs_2566.csv"
    target.parent.mkdir()
    target.write_bytes(source.read_text(encoding="utf-8").encode("cp874"))
    ctx = _context(samples, tmp_path)
    needs = _read("needs", target, ctx)["needs"]
    assert len(needs) == len(pd.read_csv(source))
    assert needs["strategic_area"].notna().all()


def test_an_excel_export_is_read(samples, tmp_path) -> None:
    source = samples / "elaas" / "elaas_2566.csv"
    target = tmp_path / "elaas" / "elaas_2566.xlsx"
    target.parent.mkdir()
    pd.read_csv(source, dtype=str, keep_default_na=False).to_excel(target, index=False)
    ctx = _context(samples, tmp_path)
    finance = _read("elaas", target, ctx)["lao_finance"]
    assert len(finance) == len(pd.read_csv(source))
    assert finance["lao_key"].notna().all()


def test_an_exact_duplicate_row_is_dropped_and_reported(samples, tmp_path) -> None:
    def edit(frame):
        frame.loc[len(frame)] = frame.loc[3]
        return frame

    path, ctx = _bad_copy(samples, tmp_path, "elaas/elaas_2568.csv", edit)
    finance = _read("elaas", path, ctx)["lao_finance"]
    issue = next(issue for issue in ctx.issues.items if issue.code == "duplicate-record")
    assert issue.value == "same as row 5"
    assert len(finance) == len(pd.read_csv(path)) - 1


def test_a_mapping_file_with_an_unknown_key_is_refused(tmp_path) -> None:
    path = tmp_path / "x.mapping.yaml"
    shutil.copy(default_mapping("gfmis").source, path)
    path.write_text(path.read_text(encoding="utf-8") + "colums: {}\n", encoding="utf-8")
    with pytest.raises(KhlangError, match="invalid column mapping"):
        load_mapping(path)
