"""The open-format check: each file's format and media type come from its content, with the
star level and openness flags of the metadata component's format table; a dataset meets the
open-format rule when one of its files is non-proprietary and machine-readable."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest

from khlang.metadata.formats import FORMATS
from khlang.validators import sniff_format, validate, validate_package
from tests.validators.conftest import write_csv


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["a", "b"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ole2(stream: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + stream.encode("utf-16-le")


# (file name, content, sniffed format): the name often lies on purpose.
SAMPLES = [
    ("data.csv", "ปี,งบ\n2565,100\n2566,200\n".encode(), "CSV"),
    ("data.txt", b"a\tb\n1\t2\n3\t4\n", "TSV"),
    ("data.csv", b"a;b\n1;2\n3;4\n", "CSV"),
    ("notes.txt", "บันทึกการประชุม ไม่ใช่ตาราง\n".encode(), "TXT"),
    ("codes.csv", b"code\n10\n11\n", "CSV"),
    ("data.json", b'[{"a": 1}, {"a": 2}]', "JSON"),
    ("data.json", b'{"a": 1}\n{"a": 2}\n', "NDJSON"),
    ("map.json", b'{"type": "FeatureCollection", "features": []}', "GeoJSON"),
    ("dcat.json", b'{"@context": "https://www.w3.org/ns/dcat", "@id": "x"}', "JSON-LD"),
    ("data.xml", b'<?xml version="1.0"?><rows><row/></rows>', "XML"),
    ("dcat.xml", b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"></rdf:RDF>', "RDF"),
    ("dcat.ttl", b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n", "TTL"),
    ("page.csv", b"<!DOCTYPE html><html><body>x</body></html>", "HTML"),
    ("places.kml", b'<?xml version="1.0"?><kml xmlns="x"></kml>', "KML"),
    ("report.csv", b"%PDF-1.7\n%\xe2\xe3\n", "PDF"),
    ("budget.xlsx", _xlsx(), "XLSX"),
    ("budget.csv", _xlsx(), "XLSX"),
    ("budget.xls", _ole2("Workbook"), "XLS"),
    ("memo.doc", _ole2("WordDocument"), "DOC"),
    ("memo.docx", _zip({"[Content_Types].xml": b"x", "word/document.xml": b"x"}), "DOCX"),
    ("sheet.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "ODS"),
    ("archive.zip", _zip({"a.csv": b"a\n1\n"}), "ZIP"),
    ("chart.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "JPEG"),
    ("data.csv.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 20, "GZ"),
    ("data.parquet", b"PAR1" + b"\x00" * 20, "Parquet"),
    ("program.csv", b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "BIN"),
    ("setup.csv", b"MZ\x90\x00" + b"\x00" * 60, "BIN"),
]


@pytest.mark.parametrize(("name", "content", "expected"), SAMPLES,
                         ids=[f"{s[0]}->{s[2]}" for s in SAMPLES])  # fmt: skip
def test_format_comes_from_content(tmp_path, name, content, expected) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    info = sniff_format(path)
    assert info.format_name == expected
    table_format = next(f for f in FORMATS if f.name == expected)
    openness = info.openness()
    assert openness["stars"] == table_format.stars
    assert openness["mediaType"] == table_format.media_type
    assert openness["nonProprietary"] == table_format.non_proprietary
    assert openness["machineReadable"] == table_format.machine_readable
    assert openness["open"] == (table_format.stars >= 3 and table_format.non_proprietary)


def test_star_levels_of_the_standard() -> None:
    stars = {f.name: f.stars for f in FORMATS}
    assert {stars[n] for n in ("RDF", "TTL", "JSON-LD")} == {5}
    assert {stars[n] for n in ("CSV", "TSV", "JSON", "XML", "GeoJSON", "ODS")} == {3}
    assert {stars[n] for n in ("XLS", "XLSX", "SHP")} == {2}
    assert {stars[n] for n in ("PDF", "DOC")} == {1}


def test_misnamed_file_is_validated_as_what_it_is(tmp_path) -> None:
    path = write_csv(tmp_path / "budget.xlsx", [["a", "b"], ["1", "2"]])
    report = validate(path)
    task = report.tasks[0]
    assert report.valid
    assert task.format.format_name == "CSV"
    assert any("named as XLSX" in warning.en for warning in task.warnings)
    document = report.to_frictionless()["tasks"][0]
    assert document["format"] == "csv"
    assert document["openFormat"]["declaredFormat"] == "XLSX"


def test_dataset_open_format_rule(tmp_path) -> None:
    (tmp_path / "budget.xlsx").write_bytes(_xlsx())
    write_csv(tmp_path / "budget.csv", [["a", "b"], ["1", "2"]])
    resources = [{"name": "xlsx", "path": "budget.xlsx"}]
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(json.dumps({"resources": resources}))
    assert not validate_package(descriptor).meets_open_format_rule  # XLSX alone: 2 stars
    resources.append({"name": "csv", "path": "budget.csv"})
    descriptor.write_text(json.dumps({"resources": resources}))
    report = validate_package(descriptor)
    assert report.meets_open_format_rule
    assert report.to_frictionless()["openFormat"] == {"meetsRule": True}


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz", "zip"])
def test_compression_hidden_by_the_name(tmp_path, kind) -> None:
    """A compressed table named `budget.csv` is an encoding-error naming the fix (every tool
    that goes by the name decodes the bytes as text and fails); named `budget.csv.gz`, or
    declared by a package resource's `compression`, it is read."""
    import bz2
    import gzip
    import lzma

    table = b"id,name\n1,a\n2,b\n"
    packed = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress,
              "zip": lambda data: _zip({"budget.csv": data})}[kind](table)  # fmt: skip
    hidden = tmp_path / "budget.csv"
    hidden.write_bytes(packed)
    report = validate(hidden)
    assert [error["type"] for error in report.to_frictionless()["tasks"][0]["errors"]] == [
        "encoding-error"
    ]
    assert f"name it budget.csv.{kind}" in report.tasks[0].tally.findings()[0].note.en
    assert sniff_format(hidden).tabular  # the catalog's gate still checks it
    named = tmp_path / f"budget.csv.{kind}"
    named.write_bytes(packed)
    assert validate(named).valid
    descriptor = tmp_path / "datapackage.json"
    resource = {"name": "budget", "path": "budget.csv", "compression": kind}
    descriptor.write_text(json.dumps({"resources": [resource]}))
    assert validate_package(descriptor).valid
