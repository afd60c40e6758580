"""The Data Package descriptor: `frictionless validate` accepts it with real data files, and
catches a file that is not what the descriptor says."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from khlang.metadata.datapackage import to_datapackage
from khlang.metadata.model import Dataset, Resource

ROWS = "district_code,fiscal_year,amount\n5001,2567,1000.50\n5002,2567,2000\n5003,2568,350.25\n"
SCHEMA = {
    "fields": [
        {"name": "district_code", "type": "string"},
        {"name": "fiscal_year", "type": "integer"},
        {"name": "amount", "type": "number"},
    ]
}


def _publish(folder: Path, dataset: Dataset) -> Path:
    """Write the dataset's files and descriptor as a publisher would."""
    data = folder / "data"
    data.mkdir()
    csv = (data / "allocation.csv").write_text(ROWS, encoding="utf-8") and data / "allocation.csv"
    rows = [dict(zip(ROWS.splitlines()[0].split(","), line.split(","), strict=True))
            for line in ROWS.splitlines()[1:]]  # fmt: skip
    (data / "allocation.json").write_text(json.dumps(rows), encoding="utf-8")
    resources = []
    for path, fmt, media in (("data/allocation.csv", "CSV", "text/csv"),
                             ("data/allocation.json", "JSON", "application/json")):  # fmt: skip
        raw = (folder / path).read_bytes()
        resources.append(
            Resource(
                name=f"งบประมาณที่ได้รับจัดสรร ({fmt})", description="หนึ่งแถวต่ออำเภอและปี",
                path=path, format=fmt, media_type=media, byte_size=len(raw),
                hash="sha256:" + hashlib.sha256(raw).hexdigest(),
                schema=SCHEMA if fmt == "CSV" else None,
            )
        )  # fmt: skip
    assert csv.exists()
    dataset.resources = resources
    descriptor = folder / "datapackage.json"
    descriptor.write_text(json.dumps(to_datapackage(dataset), ensure_ascii=False), encoding="utf-8")
    return descriptor


def _validate(descriptor: Path):
    from frictionless import Package

    return Package(str(descriptor)).validate()


@pytest.mark.slow
def test_frictionless_accepts_the_package(tmp_path: Path, statistical: Dataset) -> None:
    report = _validate(_publish(tmp_path, statistical))
    assert report.valid, report.flatten(["type", "note"])
    assert report.stats["tasks"] == 2


@pytest.mark.slow
def test_frictionless_catches_a_changed_file(tmp_path: Path, statistical: Dataset) -> None:
    descriptor = _publish(tmp_path, statistical)
    (tmp_path / "data" / "allocation.csv").write_text(ROWS + "5004,2568,1\n", encoding="utf-8")
    report = _validate(descriptor)
    assert not report.valid
    assert {"byte-count", "hash-count"} & {error[0] for error in report.flatten(["type"])}


def test_descriptor_carries_the_metadata(statistical: Dataset) -> None:
    statistical.license_id = "Creative Commons Attributions"
    descriptor = to_datapackage(statistical)
    assert descriptor["name"] == "chiang-mai-budget-allocation"
    assert descriptor["title"] == statistical.title
    assert descriptor["keywords"] == statistical.tags
    assert descriptor["licenses"] == [{
        "name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attributions",
    }]  # fmt: skip
    roles = {tuple(person["roles"]) for person in descriptor["contributors"]}
    assert roles == {("contact",), ("publisher",)}
    assert descriptor["sources"] == [{"title": statistical.data_source}]
    resource = descriptor["resources"][0]
    assert resource["path"] == statistical.resources[0].url  # no file: the URL
    assert resource["mediatype"] == "text/csv"
    assert resource["bytes"] == 48213
    # GD Catalog fields without a Data Package property are kept, as the GD Catalog stores them
    assert descriptor["gdc"]["data_type"] == "ข้อมูลสถิติ"
    assert descriptor["gdc"]["allow_harvest"] == "True"


def test_unidentifiable_licence_is_not_made_up(statistical: Dataset) -> None:
    statistical.license_id = "อื่นๆ"
    statistical.license_id_other = "สัญญาอนุญาตของหน่วยงาน"
    descriptor = to_datapackage(statistical)
    assert "licenses" not in descriptor
    assert descriptor["gdc"]["license_id_other"] == "สัญญาอนุญาตของหน่วยงาน"


@pytest.mark.slow
def test_frictionless_accepts_a_parquet_twin_with_empty_cells(
    tmp_path: Path, statistical: Dataset
) -> None:
    """frictionless reads Parquet through pandas: a NULL integer arrives as NaN, which the
    Parquet resource's schema reads as missing, and no byte count is declared for a reader
    that counts none; the hash stays."""
    import duckdb

    path = tmp_path / "data" / "allocation.parquet"
    path.parent.mkdir()
    duckdb.sql(
        "SELECT * FROM (VALUES ('5001', 2567, 1000.5::DOUBLE), ('5002', NULL, NULL)) "
        "AS t(district_code, fiscal_year, amount)"
    ).write_parquet(str(path))
    raw = path.read_bytes()
    statistical.resources = [
        Resource(name="งบประมาณ (Parquet)", path="data/allocation.parquet", format="Parquet",
                 media_type="application/vnd.apache.parquet", byte_size=len(raw),
                 hash=hashlib.sha256(raw).hexdigest(),
                 schema={**SCHEMA, "fields": [*SCHEMA["fields"][:2],
                         {"name": "amount", "type": "number", "constraints": {"minimum": 0}}]})
    ]  # fmt: skip
    descriptor = to_datapackage(statistical)
    [resource] = descriptor["resources"]
    assert "bytes" not in resource
    assert resource["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert [f.get("missingValues") for f in resource["schema"]["fields"]] == [
        None, ["", "nan"], ["", "nan"]
    ]  # fmt: skip
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = _validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_twins_are_named_by_their_format(statistical: Dataset) -> None:
    statistical.resources = [
        Resource(name=f"งบประมาณ ({fmt})", path=f"data/allocation.{fmt.lower()}", format=fmt)
        for fmt in ("CSV", "Parquet", "JSON")
    ]
    names = [resource["name"] for resource in to_datapackage(statistical)["resources"]]
    assert names == ["allocation", "allocation-parquet", "allocation-json"]
