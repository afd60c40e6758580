"""An agency's own table, of no kind an adapter knows: `khlang mapping suggest` proposes its
mapping from the headers and values, `khlang publish --mapping` publishes it as a dataset
with the 14 GD Catalog items and every column kept and described; what cannot be read says
why on the terminal, in Thai and English, and the command fails."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from khlang.metadata.compliance import check_dataset
from khlang.metadata.files import load_dataset
from khlang.publishers.agency import Agency
from khlang.publishers.areas import load_areas
from khlang.publishers.mapping import load_mapping
from khlang.publishers.mapping_file import mapping_yaml
from khlang.publishers.publish import publish
from khlang.publishers.suggest import suggest
from tests.publishers import own_table
from tests.publishers.conftest import TODAY

AGENCY = Agency(name="my-office", email="opendata@my-office.example.go.th")


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> Path:
    return own_table.write(tmp_path_factory.mktemp("own") / "โครงการพัฒนาท้องถิ่น.csv")


@pytest.fixture(scope="module")
def mapping_file(table: Path) -> Path:
    path = table.with_name("โครงการพัฒนาท้องถิ่น.mapping.yaml")
    path.write_text(mapping_yaml(suggest(table, load_areas()), command="-"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def published(table: Path, mapping_file: Path, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "published"
    report = publish(table, agency=AGENCY, out=out, mappings=[mapping_file], today=TODAY)
    return report, out


def test_the_proposal_reads_every_header_and_keeps_the_unknown_column(mapping_file) -> None:
    mapping = load_mapping(mapping_file)
    assert mapping.adapter == "generic"
    read_as = {headers[0]: field for field, headers in mapping.columns.items()}
    assert read_as["ปีงบประมาณ"] == "fiscal_year"
    assert read_as["จังหวัด"] == "province_name"
    assert read_as["ตำบล"] == "subdistrict_name"
    assert read_as["เบิกจ่ายแล้ว"] == "disbursed"
    assert read_as["ชื่อโครงการ"] == "project_name"
    assert read_as["ผู้รับผิดชอบ"] == "responsible_unit"
    kept = mapping.fields["responsible_unit"]
    assert (kept.type, kept.title.th, kept.title.en) == ("string", "ผู้รับผิดชอบ", "Responsible unit")
    assert read_as["งบประมาณ (บาท)"] == "budget"
    budget = mapping.fields["budget"]
    assert (budget.type, budget.unit, budget.title.en) == ("amount", "บาท", "Budget")
    assert mapping.fields[read_as["จำนวนผู้ได้รับประโยชน์ (คน)"]].type == "integer"
    assert mapping.dropped == []
    text = mapping_file.read_text(encoding="utf-8")
    assert "# header known · year · 2567, 2568" in text
    # A word the glossary does not know is romanised, and only it is flagged so.
    assert text.count("romanised: write the English title") == 1


def test_an_amount_of_no_known_stage_is_kept_and_the_choice_explained(tmp_path) -> None:
    """`งบประมาณ` may be requested, allocated or transferred money: it is kept as `budget`, and
    the suggestion says, in Thai and English, what to edit to publish it as a stage; done as
    it says, the table publishes the amounts as `allocated`."""
    table = own_table.write(tmp_path / "projects.csv")
    suggestion = suggest(table, load_areas())
    [note] = suggestion.notes
    assert "งบประมาณ (บาท)" in note.en
    assert "allocated under columns: and signature:" in note.en
    assert "allocated ใต้ columns: และ signature:" in note.th
    assert suggestion.problems == []
    text = mapping_yaml(suggestion, command="-")
    assert f"# To decide: {note.en} / {note.th}" in text
    edited = [line.replace("  budget: [", "  allocated: [").replace(" budget,", " allocated,")
              for line in text.splitlines()]  # fmt: skip
    start = edited.index("  budget:")
    end = next(i for i in range(start + 1, len(edited)) if not edited[i].startswith("    "))
    mapping = table.with_name("edited.mapping.yaml")
    mapping.write_text("\n".join(edited[:start] + edited[end:]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    report = publish(table, agency=AGENCY, out=out, mappings=[mapping], today=TODAY)
    assert [item.status for item in report.datasets] == ["published"]
    data = pd.read_csv(next((out / report.datasets[0].name / "data").glob("*.csv")))
    assert "budget" not in data.columns, list(data.columns)
    assert data["allocated"].sum() == sum(row["budget"] for row in own_table.rows())


def test_the_table_is_published_with_the_fourteen_items(published) -> None:
    report, out = published
    assert [item.status for item in report.datasets] == ["published"]
    folder = out / report.datasets[0].name
    dataset = load_dataset(folder / "dataset.yaml")
    compliance = check_dataset(dataset, today=TODAY)
    assert compliance.ok, [finding.code for finding in compliance.findings]
    assert compliance.mandatory_complete
    assert compliance.resources_described
    assert dataset.geo_coverage == "ตำบล"
    assert (dataset.first_year_of_data, dataset.last_year_of_data) == ("2567", "2568")
    assert dataset.spatial == ["50"]
    assert dataset.data_format == ["CSV"]
    assert dataset.temporal.start.isoformat() == "2023-10-01"


def test_every_row_and_column_is_published_and_described(published) -> None:
    report, out = published
    folder = out / report.datasets[0].name
    data = pd.read_csv(next((folder / "data").glob("*.csv")), dtype={"subdistrict_code": str})
    expected = own_table.rows()
    assert len(data) == len(expected) == 20
    assert list(data["subdistrict_code"]) == [row["subdistrict_code"] for row in expected]
    assert list(data["fiscal_year"]) == [row["year"] for row in expected]
    mapping = report.datasets[0]
    schema = json.loads(next((folder / "schemas").glob("*.json")).read_text(encoding="utf-8"))
    fields = {field["name"]: field for field in schema["fields"]}
    responsible = next(f for f in fields.values() if f["title_th"] == "ผู้รับผิดชอบ")
    assert list(data[responsible["name"]]) == [row["unit"] for row in expected]
    assert "ผู้รับผิดชอบ" in responsible["description"]
    budget = next(f for f in fields.values() if f["title_th"] == "งบประมาณ")
    assert budget["unit"] == "THB"
    assert data[budget["name"]].sum() == sum(row["budget"] for row in expected)
    assert data["disbursed"].sum() == sum(row["disbursed"] for row in expected)
    assert fields["disbursed"]["title_th"] == "เบิกจ่าย (บาท)"
    assert all(field["description"] and field["description_th"] for field in fields.values())
    assert mapping.rows == {mapping.key: 20}


def test_a_mapping_beside_the_file_is_used_without_naming_it(table, mapping_file, tmp_path):
    report = publish(table, agency=AGENCY, out=tmp_path / "out", today=TODAY)
    assert [item.status for item in report.datasets] == ["published"]


def test_source_generic_publishes_with_the_proposal_and_says_it_was_not_reviewed(tmp_path):
    path = own_table.write(tmp_path / "projects.csv", count=5)
    report = publish(path, agency=AGENCY, out=tmp_path / "out", source="generic", today=TODAY)
    assert [item.status for item in report.datasets] == ["published"]
    assert [issue.code for issue in report.issues.items if issue.severity == "warning"] == [
        "mapping-proposed"
    ]


def test_a_ce_year_is_converted_and_an_unreadable_number_reported(tmp_path) -> None:
    path = own_table.write(tmp_path / "projects.csv", count=4)
    mapping = path.with_name("projects.mapping.yaml")
    mapping.write_text(mapping_yaml(suggest(path, load_areas()), command="-"), encoding="utf-8")
    text = path.read_text(encoding="utf-8-sig").splitlines()
    text[1] = text[1].replace("2567,", "2024,", 1)
    text[3] = text[3].replace(",150,", ",หนึ่งร้อยห้าสิบ,", 1)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    report = publish(path, agency=AGENCY, out=tmp_path / "out", today=TODAY)
    folder = tmp_path / "out" / report.datasets[0].name
    data = pd.read_csv(next((folder / "data").glob("*.csv")))
    assert list(data["fiscal_year"]) == [2567, 2568, 2567, 2568]
    assert data["fiscal_year_original"].tolist()[0] == 2024
    issue = next(issue for issue in report.issues.items if issue.code == "number-unreadable")
    column = "จำนวนผู้ได้รับประโยชน์ (คน)"
    assert (issue.row, issue.column, issue.value) == (4, column, "หนึ่งร้อยห้าสิบ")
    assert data.iloc[:, data.columns.str.startswith("chamnuan")].isna().sum().sum() == 1


def test_a_file_lacking_a_mapped_column_names_the_mapping(table, mapping_file, tmp_path) -> None:
    frame = pd.read_csv(table, dtype=str, encoding="utf-8-sig").drop(columns="ผู้รับผิดชอบ")
    path = tmp_path / "next-year.csv"
    frame.to_csv(path, index=False)
    report = publish(path, agency=AGENCY, out=tmp_path / "out", mappings=[mapping_file],
                     today=TODAY)  # fmt: skip
    failed = next(item for item in report.files if item.status == "failed")
    assert "ผู้รับผิดชอบ" in failed.reason.en
    assert str(mapping_file) in failed.reason.en
    assert report.datasets == []


def test_lao_names_without_a_register_are_not_lost_silently(tmp_path) -> None:
    path = tmp_path / "lao.csv"
    path.write_text(
        "ปีงบประมาณ,ชื่อ อปท.,อำเภอ,จังหวัด,งบประมาณ (บาท)\n2567,เทศบาลตำบลริมใต้,แม่ริม,เชียงใหม่,100000\n",
        encoding="utf-8",
    )
    report = publish(path, agency=AGENCY, out=tmp_path / "out", source="generic", today=TODAY)
    issue = next(issue for issue in report.issues.items if issue.code == "lao-unresolved")
    assert issue.severity == "warning"
    assert "district 1" in issue.message.en
    assert "--reference" in issue.message.en
    folder = tmp_path / "out" / report.datasets[0].name
    data = pd.read_csv(next((folder / "data").glob("*.csv")))
    assert data["lao_name"].tolist() == ["เทศบาลตำบลริมใต้"]


@pytest.mark.slow
def test_a_budget_bill_with_thai_headers_is_read_as_the_budget_bill(tmp_path) -> None:
    path = tmp_path / "bill.csv"
    path.write_text(
        "กระทรวง,หน่วยรับงบประมาณ,แผนงาน,งบรายจ่าย,รายการ,ปีงบประมาณ,จำนวนเงิน\n"
        "กระทรวงมหาดไทย,กรมส่งเสริมการปกครองท้องถิ่น,แผนงานยุทธศาสตร์,งบลงทุน,"
        'ถนนคอนกรีต อำเภอแม่ริม จังหวัดเชียงใหม่,2567,"1,500,000"\n',
        encoding="utf-8",
    )
    assert suggest(path, load_areas()).mapping.adapter == "kaogeek"
    report = publish(path, agency=AGENCY, out=tmp_path / "out", today=TODAY)
    assert [item.adapter for item in report.files] == ["kaogeek"]
    assert report.reconciliation.totals["2567"]["allocated"].published == "1500000.00"


@pytest.mark.slow
def test_an_unknown_table_fails_naming_the_closest_adapter_in_thai_and_english(
    khlang_cli, tmp_path
) -> None:
    path = own_table.write(tmp_path / "projects.csv", count=3)
    out = tmp_path / "out"
    args = ["--agency", "my-office", "--email", "opendata@my-office.example.go.th", "--out"]
    result = khlang_cli("publish", str(path), *args, str(out))
    assert result.returncode == 1, result.stdout
    text = " ".join(result.stdout.split())
    assert "not recognised as an export of a known system" in text
    assert "ไม่รู้จักรูปแบบไฟล์นี้" in text
    assert "closest: egp (mapping khlang/publishers/mappings/egp.yaml)" in text
    assert "khlang mapping suggest projects.csv" in text
    assert "nothing was published" in text
    result = khlang_cli("publish", str(path), "--source", "kaogeek", *args, str(out))
    assert result.returncode == 1
    text = " ".join(result.stdout.split())
    assert "failed projects.csv" in text
    assert "(kaogeek)" in text
    assert "lacks budget_unit_name" in text


def test_the_suggested_publish_line_asks_for_the_agency_unless_a_profile_is_beside(tmp_path):
    """Pasted as printed, `khlang publish` would stop at "name the agency": the line asks for
    the agency and its email, unless an agency.yaml beside the table gives them."""
    from khlang.cli.mapping import publish_command

    table, mapping = tmp_path / "projects.csv", tmp_path / "projects.mapping.yaml"
    assert "--agency AGENCY-NAME --email CONTACT-EMAIL" in publish_command(table, mapping)
    (tmp_path / "agency.yaml").write_text("name: my-office\n", encoding="utf-8")
    assert "--agency" not in publish_command(table, mapping)


@pytest.mark.slow
def test_mapping_suggest_writes_the_file_and_publish_uses_it(khlang_cli, tmp_path) -> None:
    path = own_table.write(tmp_path / "projects.csv", count=20)
    result = khlang_cli("mapping", "suggest", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    mapping = tmp_path / "projects.mapping.yaml"
    assert f"written: {mapping}" in " ".join(result.stdout.split())
    assert "--agency AGENCY-NAME --email CONTACT-EMAIL" in " ".join(result.stdout.split())
    again = khlang_cli("mapping", "suggest", str(path))
    assert again.returncode == 2
    assert "--force" in again.stderr
    out = tmp_path / "published"
    args = ["--agency", "my-office", "--email", "opendata@my-office.example.go.th"]
    result = khlang_cli("publish", str(path), "--mapping", str(mapping), *args, "--out", str(out))
    assert result.returncode == 0, result.stdout
    assert "my-office-projects" in result.stdout
