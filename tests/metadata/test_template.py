"""`khlang metadata template`: a file per data type that loads as it is (the check then lists
what to fill in) and passes the check once filled."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from khlang.errors import KhlangError
from khlang.metadata.compliance import check_dataset
from khlang.metadata.fields import DATASET_FIELDS, MANDATORY_FIELDS
from khlang.metadata.files import load_dataset
from khlang.metadata.template import template
from khlang.metadata.vocabularies import DATA_TYPE

FILLED = {
    "title": "งบประมาณรายจ่ายรายอำเภอ",
    "name": "district-budget",
    "owner_org": "chiang-mai-provincial-office",
    "maintainer": "กลุ่มงานข้อมูลสารสนเทศ",
    "maintainer_email": "opendata@chiangmai.go.th",
    "tags": ["งบประมาณ", "อำเภอ"],
    "notes": "งบประมาณรายจ่ายที่ได้รับจัดสรรรายอำเภอ จำแนกตามปีงบประมาณและหน่วยรับงบประมาณ "
    "รวบรวมจากระบบ e-Budgeting เพื่อให้ประชาชนติดตามการใช้จ่ายงบประมาณในพื้นที่ได้",
    "objective": ["พันธกิจหน่วยงาน"],
    "update_frequency_unit": "ปี",
    "update_frequency_interval": "1",
    "geo_coverage": "อำเภอ",
    "data_source": "สำนักงบประมาณ",
    "data_format": ["CSV"],
    "data_category": "ข้อมูลสาธารณะ",
    "data_classification": "เปิดเผย",
    "license_id": "Creative Commons Attributions",
    "data_language": ["ไทย"],
    "title_en": "Budget by district",
    "notes_en": "Budget allocated by district.",
}
RESOURCE = {
    "name": "งบประมาณ (CSV)",
    "description": "หนึ่งแถวต่ออำเภอและปีงบประมาณ",
    "url": "https://data.example.go.th/budget.csv",
    "format": "CSV",
}


@pytest.mark.parametrize("term", DATA_TYPE.terms, ids=lambda term: term.code)
def test_template_loads_and_checks_once_filled(tmp_path: Path, term) -> None:
    text = template(term.code)
    path = tmp_path / "dataset.yaml"
    path.write_text(text, encoding="utf-8")
    blank = check_dataset(load_dataset(path))
    missing = {f.field for f in blank.findings if f.code == "missing-required"}
    assert missing == {spec.key for spec in MANDATORY_FIELDS} - {"data_type"}
    for spec in DATASET_FIELDS:  # every field of the type is in the file, with its labels
        if term.code in spec.data_types:
            assert f"\n{spec.key}:" in text
            assert spec.label.th in text
    yaml = YAML()
    document = yaml.load(text)
    document.update(FILLED)
    if term.code == "other":
        document["data_type_other"] = "ข้อมูลงบประมาณ"
    document["resources"][0].update(RESOURCE)
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)
    report = check_dataset(load_dataset(path))
    assert report.ok, [(f.code, f.field) for f in report.findings]


def test_thai_value_code_and_english_give_the_same_template() -> None:
    assert template("ข้อมูลสถิติ") == template("statistical") == template("Statistical data")
    assert "unit_of_multiplier:" in template("statistical")
    assert "unit_of_multiplier:" not in template("record")


def test_unknown_data_type_lists_the_choices() -> None:
    with pytest.raises(KhlangError, match="ข้อมูลสถิติ"):
        template("budget")
