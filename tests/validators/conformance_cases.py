"""Cases for the conformance suite written from frictionless-py's tests and the Frictionless
specification (Table Schema, Table Dialect, Data Package, Data Resource): each is our own
description of one behaviour, turned into small files at test time, some of them read with
a dialect over one of frictionless-py's fixtures (`fixture`). Each is validated by both
tools, as a Data Package of one resource unless `alone`."""

from __future__ import annotations

import bz2
import csv
import datetime as dt
import gzip
import io
import json
import lzma
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.validators.corpus import FIELDS

V2 = "https://datapackage.org/profiles/2.0/datapackage.json"


@dataclass(frozen=True)
class Case:
    name: str
    content: bytes | None = None
    """The table's bytes (CSV unless `suffix` says otherwise), or None for `fixture`."""
    fixture: str | None = None
    """A frictionless-py fixture file (under its data folder) to read instead."""
    suffix: str = ".csv"
    schema: dict[str, Any] | None = None
    dialect: dict[str, Any] | None = None
    resource: dict[str, Any] = field(default_factory=dict)
    package: dict[str, Any] = field(default_factory=dict)
    alone: bool = False
    """Validate the file by itself rather than as a package's resource."""


def _csv(rows: list[list[Any]], **dialect: Any) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", **dialect).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(rows: list[list[Any]], *, merge: str | None = None) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _field_cases() -> list[Case]:
    """Every type, format and constraint of khlang's field table (tests/validators/corpus):
    one column of good and bad cells against one field (Frictionless's field tests)."""
    cases = []
    for number, (spec, good, bad) in enumerate(FIELDS):
        rows = [["v"], *([cell] for cell in good + bad)]
        schema = {"fields": [{"name": "v", **spec}]}
        if any(
            name in spec.get("constraints", {}) for name in ("exclusiveMinimum", "exclusiveMaximum")
        ):
            continue  # v2 only: the cases below cover them
        label = spec["type"] + "-" + "-".join(sorted(spec.get("constraints", {}))) or ""
        cases.append(Case(f"field-{number:02}-{label.strip('-')}", _csv(rows), schema=schema))
    return cases


TABLE = [["id", "name"], ["1", "english"], ["2", "中国人"]]
INTS = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}


def _structure_cases() -> list[Case]:
    """Header and row structure (frictionless-py's validate and header tests)."""
    return [
        Case("blank-line-before-header", b"\nid,name\n1,a\n", alone=True),
        Case("title-line-before-header", b"Budget 2567\nid,name,amount\n1,a,3\n2,b,4\n",
             alone=True),
        Case("comment-before-header", b"# exported\nid,name\n1,a\n2,b\n", alone=True),
        Case("one-column-semicolons", b"note\na;b\nc;d\ne\n", alone=True),
        Case("one-column-with-schema", b"note\na;b\nc\n",
             schema={"fields": [{"name": "note"}]}),
        Case("labels-with-spaces", b" id , name \n1,a\n", schema=INTS),
        Case("duplicate-and-blank-labels", b"a,,a,\n1,2,3,4\n", alone=True),
        Case("extra-and-missing-cells", b"a,b\n1\n1,2,3\n\n4,5\n", alone=True),
        Case("header-only", b"id,name\n", schema=INTS),
        Case("empty-file", b"", alone=True),
        Case("only-blank-lines", b"\n\n\n", alone=True),
        Case("crlf-and-quotes", b'id,name\r\n1,"a, b"\r\n2,"line\r\nbreak"\r\n', schema=INTS),
        Case("tab-separated", b"id\tname\n1\ta\nx\tb\n", suffix=".tsv", schema=INTS),
        Case("pipe-separated", b"id|name\n1|a\n2|b\n", schema=INTS),
        Case("latin1-enum", "name,sym\nenglish,©\nfrench,é\n".encode("latin-1"), schema={
            "fields": [{"name": "name"}, {"name": "sym", "constraints": {"enum": ["©", "é"]}}]}),
        Case("cp1252-quotes", "id,text\n1,“quoted” – dash\n2,naïve café\n".encode("cp1252"),
             schema={"fields": [{"name": "id", "type": "integer"},
                                {"name": "text", "constraints": {"maxLength": 15}}]}),
        Case("greek", "id,city\n1,Αθήνα\n2,Θεσσαλονίκη\n".encode("iso-8859-7"), alone=True),
        Case("thai-cp874", "รหัส,หน่วยงาน\n1,กรมบัญชีกลาง\n2,สำนักงบประมาณ\n".encode("cp874"),
             schema={"fields": [{"name": "รหัส", "type": "integer"}, {"name": "หน่วยงาน"}]}),
        Case("utf8-bom", "\ufeffid,name\n1,ก\n".encode(), schema=INTS),
        Case("utf16-bom", "id,name\n1,ก\nx,b\n".encode("utf-16"), schema=INTS),
    ]  # fmt: skip


def _dialect_cases() -> list[Case]:
    """Table Dialect properties (frictionless-py's dialect and validate-dialect tests)."""
    rows = b"1,english\n2,chinese\n"
    return [
        Case("dialect-header-false", rows, schema=INTS, dialect={"header": False}),
        Case("dialect-header-false-extra-cell", b"1,english,x\n2,chinese\n", schema=INTS,
             dialect={"header": False}),
        Case("dialect-header-rows-2", b"title\nid,name\n1,a\n", schema=INTS,
             dialect={"headerRows": [2]}),
        Case("dialect-matrix-rows-2-3", fixture="matrix.csv", dialect={"headerRows": [2, 3]}),
        Case("dialect-matrix-join", fixture="matrix.csv",
             dialect={"headerRows": [2, 3], "headerJoin": "_"}),
        Case("dialect-matrix-comment-rows", fixture="matrix.csv",
             dialect={"header": False, "commentRows": [1, 3]}),
        Case("dialect-without-headers", fixture="without-headers.csv",
             dialect={"header": False}),
        Case("dialect-comment-char", b"id,name\n#skip,me\n1,a\nx,b\n", schema=INTS,
             dialect={"commentChar": "#"}),
        Case("dialect-skip-initial-space", b"id, name\n1, a\n2,  b\n",
             schema={"fields": [{"name": "id", "type": "integer"},
                                {"name": "name", "constraints": {"pattern": "[a-z]"}}]},
             dialect={"skipInitialSpace": True}),
        Case("dialect-sniffed-initial-space", b'id, name\n1, "a"\n2, b\n',
             schema={"fields": [{"name": "id", "type": "integer"},
                                {"name": "name", "constraints": {"enum": ["a", "b"]}}]}),
        Case("dialect-delimiter", b"id;name\n1;a\nx;b\n", schema=INTS,
             dialect={"delimiter": ";"}),
        Case("dialect-quote-char", b"id,name\n1,#a,b#\n2,b\n",
             schema={"fields": [{"name": "id", "type": "integer"},
                                {"name": "name", "constraints": {"enum": ["a,b", "b"]}}]},
             dialect={"quoteChar": "#"}),
        Case("dialect-escape-char", b'id,name\n1,a\\,b\n2,"c\\"d"\n',
             schema={"fields": [{"name": "id", "type": "integer"},
                                {"name": "name", "constraints": {"enum": ["a,b", 'c"d']}}]},
             dialect={"escapeChar": "\\", "doubleQuote": False}),
        Case("dialect-v2-csv-part", b"id;name\n1;a\n", schema=INTS,
             dialect={"csv": {"delimiter": ";"}}),
        Case("dialect-header-case", b"ID,Name\n1,a\n", schema=INTS,
             dialect={"headerCase": False}),
        Case("dialect-header-case-default", b"ID,Name\n1,a\n", schema=INTS),
        Case("dialect-skip-blank-rows", b"id,name\n1,a\n\n2,b\n", schema=INTS,
             dialect={"skipBlankRows": True}),
    ]  # fmt: skip


def _typed_source_cases() -> list[Case]:
    """Spreadsheets and JSON, whose cells carry types (frictionless-py's parser tests)."""
    when = dt.datetime(2024, 3, 1)
    mixed = {
        "fields": [
            {"name": "s", "type": "string"},
            {"name": "b", "type": "boolean"},
            {"name": "n", "type": "integer"},
            {"name": "d", "type": "datetime"},
        ]
    }
    objects = [
        {"id": 1, "name": "a"},
        {"id": "2", "name": 3},
        {"name": "c"},
        {"id": 4, "name": "d", "extra": 5},
        {"id": 1.0, "name": True},
    ]
    arrays = [["id", "name"], [1, "a"], ["x", None], [2.5, "c", "extra"]]
    return [
        Case("xlsx-typed-cells", _xlsx([["s", "b", "n", "d"], [1, 1, "1", when],
                                        ["x", True, 2.0, when.date()]]),
             suffix=".xlsx", schema=mixed),
        Case("xlsx-blank-header-cells", _xlsx([["id", None, "name"], [1, 2, 3]]),
             suffix=".xlsx", alone=True),
        Case("xlsx-merged-cells", _xlsx([["id", "name", "x"], [1, "a", "b"], [2, "c", "d"]],
                                        merge="B2:C2"), suffix=".xlsx", alone=True),
        Case("xlsx-date-in-datetime", _xlsx([["d"], [when], [when.date()]]), suffix=".xlsx",
             schema={"fields": [{"name": "d", "type": "datetime"}]}),
        Case("xlsx-dialect-sheet-2", _xlsx([["a"], [1]]), suffix=".xlsx",
             dialect={"excel": {"sheet": 2}}),
        Case("json-objects", json.dumps(objects).encode(), suffix=".json", schema=INTS,
             resource={"type": "table"}),
        Case("json-objects-no-schema", json.dumps(objects).encode(), suffix=".json",
             resource={"type": "table"}),
        Case("json-arrays", json.dumps(arrays).encode(), suffix=".json", schema=INTS,
             resource={"type": "table"}),
        Case("json-numbers-and-booleans", json.dumps([["n", "b"], [1.5, 1], [2, True],
                                                      ["3", "true"]]).encode(),
             suffix=".json", resource={"type": "table"},
             schema={"fields": [{"name": "n", "type": "integer"},
                                {"name": "b", "type": "boolean"}]}),
        Case("ndjson-objects", b'{"id": 1, "name": "a"}\n{"id": "x", "name": 2}\n',
             suffix=".ndjson", schema=INTS),
        Case("inline-data-arrays", None, schema=INTS,
             resource={"data": [["id", "name"], [1, "a"], ["x", 2]]}),
        Case("inline-data-objects", None, schema=INTS,
             resource={"data": [{"id": 1, "name": "a"}, {"id": "2"}, {"name": "c", "z": 1}]}),
    ]  # fmt: skip


def _package_cases() -> list[Case]:
    """Data Package and Data Resource properties, compressed and multipart resources."""
    table = _csv(TABLE)
    return [
        Case("compressed-gz", gzip.compress(table), suffix=".csv.gz", schema=INTS),
        Case("compressed-bz2", bz2.compress(table), suffix=".csv.bz2", schema=INTS),
        Case("compressed-xz", lzma.compress(table), suffix=".csv.xz", schema=INTS),
        Case("compressed-zip", _zip("table.csv", table), suffix=".csv.zip", schema=INTS),
        Case("compressed-gz-alone", gzip.compress(table), suffix=".csv.gz", alone=True),
        Case("multipart", None, schema=INTS, resource={"path": ["chunk1.csv", "chunk2.csv"]}),
        Case("declared-bytes-wrong", table, schema=INTS, resource={"bytes": 5}),
        Case("declared-hash-wrong", table, schema=INTS, resource={"hash": "md5:00"}),
        Case("declared-hash-right", table, schema=INTS,
             resource={"hash": "sha256:" + __import__("hashlib").sha256(table).hexdigest()}),
        Case("encoding-declared", "id,name\n1,é\n".encode("latin-1"), schema=INTS,
             resource={"encoding": "latin-1"}),
        Case("self-foreign-key", b"id,parent\n1,\n2,1\n3,9\n", schema={
            "fields": [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
            "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]}),
        Case("self-foreign-key-alone", b"id,parent\n1,\n2,1\n3,9\n", alone=True, schema={
            "fields": [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
            "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]}),
        Case("primary-key-blank-and-repeated", b"id,n\n1,a\n1,b\n,c\n", schema={
            "fields": [{"name": "id", "type": "integer"}, {"name": "n"}], "primaryKey": "id"}),
        Case("big-integers", b"n\n12345678901234567890\n-99999999999999999999\n1\n",
             schema={"fields": [{"name": "n", "type": "integer",
                                 "constraints": {"minimum": 0}}]}),
        Case("minus-zero-enum", b"n\n-0\n0\n0.0\n1\n",
             schema={"fields": [{"name": "n", "type": "number",
                                 "constraints": {"enum": [0]}}]}),
        Case("group-char-empty", b"n\n1000\n1,000\n",
             schema={"fields": [{"name": "n", "type": "number", "groupChar": ""}]}),
        Case("legacy-fmt-date", b"d\n2024\n",
             schema={"fields": [{"name": "d", "type": "date", "format": "fmt:%Y"}]}),
        Case("wkt-format", b"g\nPOINT (30 10)\nnot wkt\n",
             schema={"fields": [{"name": "g", "type": "string", "format": "wkt"}]}),
        Case("calendar-property", b"y\n2022\n2565\n",
             schema={"fields": [{"name": "y", "type": "year", "calendar": "buddhist"}]}),
        Case("empty-enum", b"n\n1\n",
             schema={"fields": [{"name": "n", "type": "integer", "constraints": {"enum": []}}]}),
        Case("v2-exclusive-bounds", b"n\n0\n5\n10\n", package={"$schema": V2}, schema={
            "fields": [{"name": "n", "type": "integer",
                        "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 10}}]}),
        Case("v2-missing-value-objects", b"n\nx\n-\n", package={"$schema": V2}, schema={
            "missingValues": [{"value": "-", "label": "none"}],
            "fields": [{"name": "n", "type": "integer"}]}),
        Case("fields-match-subset", b"a,b,c\n1,2,3\n", schema={
            "fieldsMatch": "subset", "fields": [{"name": "c", "type": "integer"},
                                                {"name": "a", "type": "integer"}]}),
        Case("fields-match-superset", b"b,a\nx,1\n", schema={
            "fieldsMatch": "superset", "fields": [{"name": "a", "type": "integer"},
                                                  {"name": "b"}, {"name": "c"}]}),
        Case("fields-match-partial-none", b"x,y\n1,2\n", schema={
            "fieldsMatch": "partial", "fields": [{"name": "a"}]}),
        Case("fields-match-equal", b"b,a\n1,2\n", schema={
            "fieldsMatch": "equal", "fields": [{"name": "a"}, {"name": "b"},
                                               {"name": "c"}]}),
    ]  # fmt: skip


def _descriptor_cases() -> list[Case]:
    """Schema and descriptor errors (frictionless-py's schema and field validate tests)."""
    table = _csv(TABLE)

    def field_case(name: str, field: dict[str, Any], **extra: Any) -> Case:
        return Case(name, table, schema={"fields": [field, {"name": "name"}], **extra})

    return [
        field_case("required-outside-constraints", {"name": "id", "required": True}),
        field_case("exclusive-minimum-v1", {"name": "id", "type": "integer",
                                            "constraints": {"exclusiveMinimum": 0}}),
        field_case("unknown-type", {"name": "id", "type": "money"}),
        field_case("unknown-string-format", {"name": "id", "type": "string", "format": "x"}),
        field_case("constraint-not-for-type", {"name": "id", "type": "integer",
                                               "constraints": {"minLength": 1}}),
        field_case("field-without-name", {"type": "integer"}),
        field_case("primary-key-unknown", {"name": "id"}, primaryKey=["zz"]),
        Case("duplicate-field-names", table, schema={"fields": [{"name": "id"},
                                                               {"name": "id"}]}),
        Case("missing-values-in-package", table, package={"missingValues": ["-"]},
             schema=INTS),
        Case("duplicate-resource-names", table, schema=INTS,
             package={"resources": [{"name": "t", "path": "t.csv"},
                                    {"name": "t", "path": "t.csv"}]}),
        Case("unsafe-path", table, schema=INTS, resource={"path": "../t.csv"}),
        Case("package-created-not-a-datetime", table, schema=INTS,
             package={"created": "yesterday"}),
    ]  # fmt: skip


def cases() -> list[Case]:
    return [*_field_cases(), *_structure_cases(), *_dialect_cases(), *_typed_source_cases(),
            *_package_cases(), *_descriptor_cases()]  # fmt: skip


def materialize(case: Case, folder: Path, data: Path | None) -> tuple[Path, str]:
    """Write the case's files into `folder`; the path to validate and its kind."""
    name = "t" + case.suffix
    if case.fixture is not None:
        assert data is not None
        name = Path(case.fixture).name
        shutil.copy(data / case.fixture, folder / name)
    elif case.content is not None:
        (folder / name).write_bytes(case.content)
    if case.name == "multipart":
        (folder / "chunk1.csv").write_bytes(_csv(TABLE[:2]))
        (folder / "chunk2.csv").write_bytes(_csv([TABLE[0], ["x", "b"], TABLE[2]]))
    if case.alone:
        return folder / name, "table"
    resource: dict[str, Any] = {"name": "t", **({"path": name} if case.content or case.fixture
                                                 else {}), **case.resource}  # fmt: skip
    if case.schema is not None:
        resource["schema"] = case.schema
    if case.dialect is not None:
        resource["dialect"] = case.dialect
    package = {"resources": [resource], **case.package}
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False))
    return folder / "datapackage.json", "package"
