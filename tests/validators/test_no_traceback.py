"""No input makes the validator raise anything but KhlangError (a bad schema, descriptor or
argument), and no input makes `khlang validate` print a traceback: property tests over
generated files (tables in many encodings, delimiters and quotes; JSON; compressed tables;
spreadsheets; random and truncated binaries under every name), schemas, dialects and package
descriptors, through the Python API and the CLI. `KHLANG_FUZZ_EXAMPLES=2000` searches further."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import lzma
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khlang.errors import KhlangError
from khlang.validators import infer_schema, validate, validate_package

SUFFIXES = [".csv", ".tsv", ".txt", ".json", ".ndjson", ".xlsx", ".xls", ".ods", ".csv.gz",
            ".csv.zip", ".csv.bz2", ".csv.xz", ".parquet", ".bin", "", ".[x].csv"]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "cp874", "cp1252", "latin-1", "utf-16", "iso-8859-7"]
TYPES = ["string", "integer", "number", "boolean", "date", "datetime", "time", "year",
         "yearmonth", "duration", "geopoint", "geojson", "object", "array", "any",
         "money"]  # fmt: skip
MAGIC = [b"PK\x03\x04", b"\x1f\x8b\x08", b"BZh91AY&SY", b"\xfd7zXZ\x00", b"%PDF-1.4",
         b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PAR1", b"\xef\xbb\xbf", b"\xff\xfe"]  # fmt: skip

cells = st.text(alphabet=st.sampled_from(list("ab1 ,;|\t\"'\n\r#-.ก๑é©\x00")), max_size=8)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                    st.floats(allow_nan=True), st.text(max_size=6))  # fmt: skip
sheet_cells = st.one_of(st.none(), st.booleans(), st.integers(-(2**60), 2**60),
                        st.floats(allow_nan=False),
                        cells.map(lambda text: text.replace("\x00", "")))  # fmt: skip
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)),
    max_leaves=12)  # fmt: skip


@st.composite
def delimited(draw: Any) -> bytes:
    rows = draw(st.lists(st.lists(cells, max_size=5), max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join(delimiter.join(row) for row in rows)
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


def _compressed(kind: str, data: bytes) -> bytes:
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("t.csv", data)
        return buffer.getvalue()
    return {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind](data)


def _workbook(rows: list[list[Any]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


contents = st.one_of(
    delimited(),
    st.binary(max_size=600),
    st.builds(lambda magic, rest: magic + rest, st.sampled_from(MAGIC), st.binary(max_size=300)),
    st.builds(lambda value: json.dumps(value).encode(), json_values),
    st.builds(lambda kind, data, cut: _compressed(kind, data)[: cut or None],
              st.sampled_from(["gz", "bz2", "xz", "zip"]), delimited(), st.integers(0, 60)),
    st.builds(_workbook, st.lists(st.lists(sheet_cells, max_size=4), max_size=5)),
)  # fmt: skip

fields = st.fixed_dictionaries(
    {"name": st.text(alphabet="abc", min_size=1, max_size=2)},
    optional={
        "type": st.sampled_from(TYPES),
        "format": st.sampled_from(["default", "any", "%Y", "fmt:%d/%m/%Y", "email", "wkt", "x"]),
        "constraints": st.dictionaries(
            st.sampled_from(["required", "unique", "minimum", "maximum", "minLength",
                             "maxLength", "pattern", "enum", "exclusiveMinimum"]),
            st.one_of(scalars, st.lists(scalars, max_size=3), st.sampled_from(["[a-", "a+"])),
            max_size=3),
        "missingValues": st.lists(st.text(max_size=2), max_size=3),
        "groupChar": st.sampled_from(["", ",", " "]),
        "decimalChar": st.sampled_from([",", "."]),
        "bareNumber": st.booleans(),
        "trueValues": st.lists(st.text(max_size=2), max_size=2),
        "calendar": st.sampled_from(["buddhist", "gregorian", "mayan"]),
        "required": st.booleans(),
    },
)  # fmt: skip
schemas = st.one_of(
    st.none(),
    json_values,
    st.fixed_dictionaries(
        {"fields": st.lists(fields, max_size=4)},
        optional={"primaryKey": st.one_of(st.text(alphabet="abc", max_size=2),
                                          st.lists(st.text(alphabet="abc", max_size=2))),
                  "missingValues": st.lists(st.text(max_size=2), max_size=2),
                  "fieldsMatch": st.sampled_from(["exact", "subset", "superset", "partial",
                                                  "equal", "x"]),
                  "foreignKeys": st.lists(st.fixed_dictionaries({
                      "fields": st.text(alphabet="abc", max_size=2),
                      "reference": st.fixed_dictionaries({"resource": st.sampled_from(["", "t"]),
                                                          "fields": st.text(alphabet="abc",
                                                                            max_size=2)})}),
                      max_size=1)}),
)  # fmt: skip
dialects = st.one_of(st.none(), json_values, st.fixed_dictionaries({}, optional={
    "header": st.booleans(), "headerRows": st.lists(st.integers(-1, 4), max_size=2),
    "commentChar": st.sampled_from(["#", "", "ab"]), "delimiter": st.sampled_from([";", "", "ab"]),
    "quoteChar": st.sampled_from(["'", "", '"']), "escapeChar": st.sampled_from(["\\", ""]),
    "doubleQuote": st.booleans(), "skipInitialSpace": st.booleans(),
    "commentRows": st.lists(st.integers(0, 3), max_size=2), "headerJoin": st.text(max_size=2),
    "excel": st.fixed_dictionaries({"sheet": st.one_of(st.integers(-1, 3), st.text(max_size=2))}),
}))  # fmt: skip

EXPLORE = os.environ.get("KHLANG_FUZZ_EXAMPLES")
"""Set (e.g. to 2000) to search further with fresh random examples; unset, each run tries
the same 150, so that the suite is repeatable."""
SETTINGS = settings(max_examples=int(EXPLORE or 150), deadline=None, derandomize=not EXPLORE,
                    suppress_health_check=list(HealthCheck))  # fmt: skip


def _file(folder: Path, content: bytes, suffix: str) -> Path:
    path = folder / f"t{suffix}"
    path.write_bytes(content)
    return path


@pytest.mark.slow
@SETTINGS
@given(content=contents, suffix=st.sampled_from(SUFFIXES), schema=schemas,
       frictionless=st.booleans())  # fmt: skip
def test_api_never_raises_but_khlang_error(content, suffix, schema, frictionless) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _file(Path(folder), content, suffix)
        try:
            report = validate(path, schema, frictionless=frictionless, examples=3)
        except KhlangError:
            pass
        else:
            json.dumps(report.to_frictionless(), default=str)
            assert report.valid == (not report.error_counts)
        with contextlib.suppress(KhlangError):
            infer_schema(path)


@pytest.mark.slow
@SETTINGS
@given(content=contents, suffix=st.sampled_from(SUFFIXES), schema=schemas, dialect=dialects,
       extra=st.dictionaries(st.sampled_from(["encoding", "compression", "bytes", "hash",
                                              "type", "innerpath", "data", "path"]),
                             json_values, max_size=2),
       frictionless=st.booleans())  # fmt: skip
def test_packages_never_raise_but_khlang_error(
    content, suffix, schema, dialect, extra, frictionless
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _file(Path(folder), content, suffix)
        resource = {"name": "t", "path": path.name, **extra}
        for key, value in (("schema", schema), ("dialect", dialect)):
            if value is not None:
                resource[key] = value
        descriptor = Path(folder) / "datapackage.json"
        descriptor.write_text(json.dumps({"resources": [resource]}, default=str))
        try:
            report = validate_package(descriptor, frictionless=frictionless, examples=3)
        except KhlangError:
            return
        json.dumps(report.to_frictionless(), default=str)


@pytest.mark.slow
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(content=contents, suffix=st.sampled_from(SUFFIXES),
       options=st.lists(st.sampled_from([["--frictionless"], ["--format", "json"],
                                         ["--encoding", "cp874"], ["--encoding", "x"],
                                         ["--sheet", "2"], ["--infer"], ["-n", "0"]]),
                        max_size=2))  # fmt: skip
def test_cli_never_prints_a_traceback(khlang_cli, content, suffix, options) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _file(Path(folder), content, suffix)
        result = khlang_cli("validate", str(path), *[part for option in options for part in option])
        assert result.returncode in (0, 1, 2), result.stderr
        assert "Traceback" not in result.stderr + result.stdout, result.stderr
