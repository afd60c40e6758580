"""`khlang metadata check | export | template` as an officer runs them: through the entry
point of the command (`khlang.cli.main`) in this process, real exit codes (0 ok, 1 findings,
2 input error), no tracebacks; a real process where what reaches the terminal of a new
process matters (a library's warnings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

EXAMPLE = "budget-allocation.yaml"


def test_check_bundled_examples(khlang_here, examples_dir: Path) -> None:
    result = khlang_here("metadata", "check", str(examples_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "meets the GD Catalog profile" in out
    assert "ผ่านเกณฑ์ GD Catalog" in out
    assert "EU MQA metadata quality: 325/405, Good" in out
    assert "75/100 points (6 datasets), 25 not yet known" in out
    assert "Traceback" not in result.stderr


def test_check_json(khlang_here, examples_dir: Path) -> None:
    result = khlang_here("metadata", "check", str(examples_dir), "--format", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["summary"] == {"datasets": 6, "errors": 0, "warnings": 0, "input_errors": 0}
    assert report["budget_bureau"]["total"] == 75
    assert {item["mqa"]["rating"] for item in report["datasets"]} == {"good"}


def test_check_with_findings_exits_1_and_shows_the_fix(khlang_here, examples_dir, tmp_path) -> None:
    text = (examples_dir / EXAMPLE).read_text(encoding="utf-8")
    broken = tmp_path / "dataset.yaml"
    broken.write_text(text.replace("data_type: ข้อมูลสถิติ", 'data_type: "ข้อมูลสถิติ "'), "utf-8")
    result = khlang_here("metadata", "check", str(broken), "--lang", "en")
    assert result.returncode == 1
    assert "not-in-vocabulary" in result.stdout
    assert "use 'ข้อมูลสถิติ'" in result.stdout
    assert "ประเภทชุดข้อมูล" not in result.stdout  # English only


def test_every_fix_is_in_both_languages_and_no_library_warns(khlang_cli, examples_dir, tmp_path):
    """A year in the Christian era, a misspelt data type, an e-mail with a space and a
    homepage that is no URL: each finding's fix is written in Thai and English, and
    nothing else (rdflib's 'does not look like a valid URI') reaches the terminal."""
    text = (examples_dir / EXAMPLE).read_text(encoding="utf-8")
    for old, new in (
        ('first_year_of_data: "2565"', "first_year_of_data: 2024"),
        ("data_type: ข้อมูลสถิติ", 'data_type: "ข้อมูลสถิติ "'),
        ("url: https://www.chiangmai.go.th", 'url: "www.chiang mai.go.th"'),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    broken = tmp_path / "dataset.yaml"
    broken.write_text(text, encoding="utf-8")
    result = khlang_cli("metadata", "check", str(broken))
    assert result.returncode == 1
    assert result.stderr == ""
    assert "christian-era-year" in result.stdout
    assert "ใช้ 2567 (พ.ศ.) / use 2567 (BE)" in result.stdout
    assert "ใช้  /" not in result.stdout
    report = json.loads(khlang_cli("metadata", "check", str(broken), "-f", "json").stdout)
    fixes = [
        finding["suggestion"]
        for item in report["datasets"]
        for finding in item["compliance"]["findings"]
        if finding.get("suggested_value") is not None
    ]
    assert len(fixes) >= 2
    assert all(fix["th"].strip() and fix["en"].strip() for fix in fixes)


def test_unreadable_file_exits_2_but_the_rest_is_reported(khlang_here, examples_dir, tmp_path):
    (tmp_path / "good.yaml").write_text(
        (examples_dir / EXAMPLE).read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "bad.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    result = khlang_here("metadata", "check", str(tmp_path), "--format", "json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["summary"]["datasets"] == 1
    assert report["input_errors"][0]["source"].endswith("bad.yaml")
    assert ":2:1" in report["input_errors"][0]["message"]


@pytest.mark.slow  # 8-10 s: four runs of the command
def test_check_with_catalog_state(khlang_here, examples_dir: Path, tmp_path: Path) -> None:
    names = [
        json.loads(json.dumps(item))["compliance"]["name"]
        for item in json.loads(
            khlang_here("metadata", "check", str(examples_dir), "-f", "json").stdout
        )["datasets"]
    ]
    state = {"datasets": {name: {"in_agency_catalog": True, "gdc_state": "COMPLETED"}
                          for name in names}}  # fmt: skip
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    result = khlang_here("metadata", "check", str(examples_dir), "--state", str(path), "-f", "json")
    assert json.loads(result.stdout)["budget_bureau"]["total"] == 100
    path.write_text('{"datasets": {"x": {"gdc_state": "MAYBE"}}}', encoding="utf-8")
    result = khlang_here("metadata", "check", str(examples_dir), "--state", str(path))
    assert result.returncode == 2
    assert "datasets.x.gdc_state" in result.stderr


@pytest.mark.parametrize(
    ("target", "rdf_format"), [("dcat-ttl", "turtle"), ("dcat-jsonld", "json-ld"),
                               ("dcat-rdf", "xml")],
)  # fmt: skip
def test_export_dcat(khlang_here, examples_dir: Path, target: str, rdf_format: str) -> None:
    result = khlang_here(
        "metadata", "export", str(examples_dir / EXAMPLE), "--to", target,
        "--base-url", "https://data.example.go.th",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format=rdf_format)
    assert "https://data.example.go.th/dataset/chiang-mai-budget-allocation" in {
        str(subject) for subject in graph.subjects()
    }


@pytest.mark.parametrize("target", ["ckan", "gdc", "datapackage"])
def test_export_json_forms(khlang_here, examples_dir: Path, tmp_path: Path, target: str) -> None:
    out = tmp_path / f"{target}.json"
    result = khlang_here(
        "metadata", "export", str(examples_dir / EXAMPLE), "--to", target, "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["name"] == "chiang-mai-budget-allocation"


@pytest.mark.slow  # 7-10 s: five runs of the command
def test_template_command(khlang_here, tmp_path: Path) -> None:
    thai = khlang_here("metadata", "template", "--data-type", "ข้อมูลสถิติ")
    code = khlang_here("metadata", "template", "--data-type", "statistical")
    assert thai.returncode == code.returncode == 0
    assert thai.stdout == code.stdout
    assert "หน่วยตัวคูณ / Unit multiplier" in thai.stdout
    out = tmp_path / "new.yaml"
    assert (
        khlang_here("metadata", "template", "--data-type", "record", "-o", str(out)).returncode == 0
    )
    result = khlang_here("metadata", "check", str(out), "-f", "json")
    assert result.returncode == 1  # the blank template: every mandatory item is missing
    text = khlang_here("metadata", "check", str(out)).stdout
    # it has no name or title yet: the report's rule and the indicator's parts name it by
    # its file, never by a position ("#1")
    assert text.splitlines()[0].startswith(str(out))
    assert text.count("new.yaml") > 1
    assert "#1" not in text
    assert "0/100 points (1 dataset)," in " ".join(text.split())
    unknown = khlang_here("metadata", "template", "--data-type", "budget")
    assert unknown.returncode == 2
    assert "--data-type" in unknown.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000),
        ("deep.yaml", "[" * 100_000 + "]" * 100_000),
        ("deep-title.json", '{"title": ' + "[" * 5_000 + "]" * 5_000 + "}"),
    ],
)
def test_deeply_nested_metadata_exits_2_naming_the_file(khlang_here, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = khlang_here("metadata", "check", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert "nested too deeply" in (result.stdout + result.stderr).replace("\n", " ")
    assert name in (result.stdout + result.stderr).replace("\n", "")
