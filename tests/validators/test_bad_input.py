"""Bad input, made by the tests themselves: each gets a clear error naming the file and
what is wrong, in bounded time and memory, and never a traceback."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT
from tests.forked import Forks

PEAK_MEMORY_MB = 400
SECONDS = 60

_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(done.returncode, peak, time.perf_counter() - started)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
"""


def khlang_measured(*args: str):
    """Run `khlang ARGS` in a fresh process; return (exit code, stdout, stderr, peak MB, s)."""
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "khlang", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    first, _, stdout = result.stdout.partition("\n")
    code, peak, seconds = first.split()
    return int(code), stdout, result.stderr, int(peak), float(seconds)


def _unwrapped(stderr: str) -> str:
    """The CLI's error line as one line (the shared error printer wraps at 80 columns)."""
    return stderr.replace("\n", "")


def _no_traceback(stdout: str, stderr: str) -> None:
    assert "Traceback" not in stdout + stderr


@pytest.fixture(scope="module")
def forks() -> Iterator[Forks]:
    """Each command in a process of its own, without its start-up (tests/forked.py);
    test_missing_files_exit_2 runs fresh processes (khlang_measured)."""
    server = Forks()
    yield server
    server.close()


def _json_report(forks: Forks, path, *extra: str):
    code, stdout, stderr, peak, seconds = forks.run("validate", str(path), "-f", "json", *extra)
    _no_traceback(stdout, stderr)
    assert peak < PEAK_MEMORY_MB
    assert seconds < SECONDS
    return code, json.loads(stdout)


def _only_error(document) -> dict:
    errors = document["tasks"][0]["errors"]
    assert len(errors) == 1, errors
    return errors[0]


def test_empty_file(forks, tmp_path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    code, document = _json_report(forks, path)
    assert code == 1
    error = _only_error(document)
    assert error["type"] == "source-error"
    assert "empty" in error["message"]
    assert document["tasks"][0]["path"] == str(path)


def test_text_report_names_the_file(forks, tmp_path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    code, stdout, _, _, _ = forks.run("validate", str(path), "--lang", "en")
    assert code == 1
    assert str(path) in stdout
    assert "source-error" in stdout


@pytest.mark.parametrize(
    ("header", "words"),
    [(b"\x7fELF\x02\x01\x01\x00", "executable"), (b"MZ\x90\x00", "Windows executable"),
     (b"", "binary data")],
)  # fmt: skip
def test_binary_named_csv(forks, tmp_path, header, words) -> None:
    path = tmp_path / "budget.csv"
    path.write_bytes(header + random.Random(5).randbytes(200_000))
    code, document = _json_report(forks, path)
    assert code == 1
    error = _only_error(document)
    assert error["type"] == "format-error"
    assert words in error["message"]


def test_zip_bomb_named_xlsx(forks, tmp_path) -> None:
    path = tmp_path / "budget.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"<row><c><v>0</v></c></row>" * 40_000
            for _ in range(64):  # about 64 MB that deflate packs a thousandfold
                member.write(chunk)
    assert path.stat().st_size < 1 << 20
    code, document = _json_report(forks, path)
    assert code == 1
    error = _only_error(document)
    assert error["type"] == "compression-error"
    assert "zip bomb" in error["message"]
    assert "sheet1.xml" in error["message"]


def test_damaged_xlsx(forks, tmp_path) -> None:
    path = tmp_path / "budget.xlsx"
    path.write_bytes(b"PK\x03\x04" + random.Random(1).randbytes(5000))
    code, document = _json_report(forks, path)
    assert code == 1
    assert _only_error(document)["type"] in ("format-error", "compression-error")


@pytest.mark.slow
def test_single_100_mb_line(forks, tmp_path) -> None:
    path = tmp_path / "line.csv"
    with path.open("wb") as stream:
        for _ in range(100):
            stream.write(b"x," * (1 << 19))
    code, document = _json_report(forks, path)
    assert code == 1
    error = _only_error(document)
    assert error["type"] == "format-error"
    assert "longer than 16 MB" in error["message"]


@pytest.mark.slow  # 26 s on the shared 2-core machine: a 40 MB row written and read
def test_long_rows(forks, tmp_path) -> None:
    """A 5 MB cell is read (in larger blocks, on a second pass); a 40 MB row is refused."""
    path = tmp_path / "rows.csv"
    path.write_bytes(b"a,b\n1,2\n" + b'3,"' + b"y" * (5 << 20) + b'"\n4,5\n')
    code, document = _json_report(forks, path)
    assert code == 0, document
    assert document["tasks"][0]["stats"]["rows"] == 3
    path.write_bytes(b"a,b\n1,2\n" + b'3,"' + b"y" * (40 << 20) + b'"\n' + b"4,5\n" * 1000)
    code, document = _json_report(forks, path)
    assert code == 1
    error = _only_error(document)
    assert error["type"] == "format-error"
    assert "longer than 16 MB" in error["message"]


def test_mixed_encodings(forks, tmp_path) -> None:
    path = tmp_path / "mixed.csv"
    rows = "".join(f"{n},เชียงใหม่\n" for n in range(30_000))
    path.write_bytes(("id,province\n" + rows).encode() + "1,ขอนแก่น\n".encode("cp874"))
    code, document = _json_report(forks, path)
    assert code == 1
    error = _only_error(document)
    assert error["type"] == "encoding-error"
    assert "line 30002" in error["message"]


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ("{not json", "not readable JSON"),
        ("[1, 2]", "must be a JSON object"),
        (json.dumps({"fields": [{"name": "a", "type": "money"}]}), "unknown type"),
        (json.dumps({"fields": [{"name": "a", "constraints": {"pattern": "("}}]}),
         "not a valid regular expression"),
        (json.dumps({"fields": [{"name": "a"}], "primaryKey": ["b"]}), "do not exist: b"),
        (json.dumps({"fields": [{"name": "a", "type": "integer",
                                 "constraints": {"pattern": "1"}}]}), "not supported"),
        (json.dumps({"fields": [{"name": "a", "calendar": "buddhist"}]}), "calendar"),
        (json.dumps({"fields": [{"name": "a"}, {"name": "a"}]}), "must be unique"),
    ],
)  # fmt: skip
def test_invalid_schema(forks, tmp_path, schema, words) -> None:
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    schema_path = tmp_path / "schema.json"
    schema_path.write_text(schema, encoding="utf-8")
    code, stdout, stderr, _, _ = forks.run("validate", str(data), "--schema",
                                                 str(schema_path))  # fmt: skip
    assert code == 2
    _no_traceback(stdout, stderr)
    message = _unwrapped(stderr)
    assert str(schema_path) in message
    assert words in message


def test_missing_files_exit_2(tmp_path) -> None:
    for args in (["validate", str(tmp_path / "nope.csv")],
                 ["validate", str(tmp_path / "nope.csv"), "--infer"]):  # fmt: skip
        code, stdout, stderr, _, _ = khlang_measured(*args)
        assert code == 2
        _no_traceback(stdout, stderr)
        assert "nope.csv" in _unwrapped(stderr)


def test_wrong_arguments_name_what_is_wrong(tmp_path) -> None:
    from khlang.errors import KhlangError
    from khlang.validators import infer_schema, validate

    data = tmp_path / "data.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    cases = [
        (lambda: validate(data, encoding="klingon"), 'unknown encoding "klingon"'),
        (lambda: infer_schema(data, encoding="klingon"), 'unknown encoding "klingon"'),
        (lambda: validate(tmp_path), "a folder, not a file"),
        (lambda: validate(data, tmp_path), "cannot read the schema"),
        (lambda: validate(tmp_path / "nope.csv"), "file not found"),
    ]
    for call, words in cases:
        with pytest.raises(KhlangError, match=words):
            call()


def test_encoding_override(tmp_path) -> None:
    from khlang.validators import validate

    path = tmp_path / "thai.csv"
    path.write_bytes("จังหวัด\nเชียงใหม่\n".encode("cp874"))
    report = validate(path, encoding="TIS-620")
    assert report.valid
    assert report.tasks[0].encoding == "tis-620"
    assert report.tasks[0].labels == ["จังหวัด"]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("rows.json", _nested(100_000), "nested too deeply"),
        ("rows.ndjson", '{"a": 1}\n' + _nested(100_000) + "\n", "line 2"),
    ],
)
def test_deeply_nested_json_rows(forks, tmp_path, name, text, words) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, document = _json_report(forks, path)
    assert code == 1
    assert words in json.dumps(document, ensure_ascii=False)


def test_deeply_nested_schema(forks, tmp_path) -> None:
    (tmp_path / "t.csv").write_text("a\n1\n", encoding="utf-8")
    (tmp_path / "s.json").write_text(_nested(100_000), encoding="utf-8")
    code, stdout, stderr, _, _ = forks.run(
        "validate", str(tmp_path / "t.csv"), "--schema", str(tmp_path / "s.json")
    )
    _no_traceback(stdout, stderr)
    assert code == 2
    assert "s.json" in _unwrapped(stderr)
