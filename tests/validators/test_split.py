"""A large CSV is parsed in two parts at once (khlang/validators/csvsplit.py): the cut must
fall where a row starts, whatever the quoting, line endings, BOM or encoding, and every row
of the second part must keep the number Frictionless gives it. The tests lower the size
from which files are cut, and check that the cut happened where the case expects it."""

from __future__ import annotations

import csv
import io

import pytest

from khlang.validators import csvsplit, validate
from tests.validators.conftest import errors_of, frictionless_errors

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "name", "type": "string"},
        {"name": "amount", "type": "number", "groupChar": ","},
        {"name": "year", "type": "year", "constraints": {"minimum": 2500}},
    ],
    "primaryKey": ["id"],
}


def _rows(count: int, *, note_every: int = 0, ragged: bool = True) -> list[list[str]]:
    """Rows with errors spread through both halves: bad numbers, CE years, repeated ids,
    missing and extra cells, blank rows, and (with `note_every`) values with line breaks."""
    rows = [["id", "name", "amount", "year"]]
    for number in range(1, count + 1):
        name = f"โครงการ {number}"
        if note_every and number % note_every == 0:
            name = f'ถนน "สาย {number}"\nหมู่ที่ {number % 9},\r\nตำบลเดิม'
        row = [str(number), name, f"{number * 1000:,}.50", "2567"]
        if number % 37 == 0:
            row[2] = "12 บาทx"
        if number % 41 == 0:
            row[3] = "2024"
        if number % 43 == 0:
            row[0] = str(number - 5)
        if ragged and number % 47 == 0:
            row = row[:3]
        if ragged and number % 53 == 0:
            row = [*row, "เกิน"]
        if ragged and number % 59 == 0:
            row = []
        rows.append(row)
    return rows


def _text(rows: list[list[str]], newline: str = "\r\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


@pytest.fixture
def cut_small_files(monkeypatch):
    """Cut files from any size, and record each cut."""
    cuts: list[int | None] = []
    original = csvsplit.split_point
    monkeypatch.setattr(csvsplit, "SPLIT_MIN_BYTES", 0)

    def recorded(*args, **kwargs):
        cuts.append(original(*args, **kwargs))
        return cuts[-1]

    monkeypatch.setattr("khlang.validators.readers.split_point", recorded)
    return cuts


def _same_as_frictionless(tmp_path, data: bytes, encoding: str | None = None) -> None:
    path = tmp_path / "table.csv"
    path.write_bytes(data)
    report = validate(path, SCHEMA, examples=100_000, encoding=encoding)
    expected, count = frictionless_errors(tmp_path, path.name, SCHEMA)
    assert count < 1000, "frictionless's cap: make the case smaller"
    found = errors_of(report)
    assert found == expected, {
        "only frictionless": sorted(expected - found, key=str)[:10],
        "only khlang": sorted(found - expected, key=str)[:10],
    }
    assert sum(report.error_counts.values()) == count


@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_rows_keep_their_numbers_across_the_cut(tmp_path, cut_small_files, newline) -> None:
    _same_as_frictionless(tmp_path, _text(_rows(1500), newline).encode())
    assert cut_small_files
    assert cut_small_files[0] is not None


def test_quoted_line_breaks_around_the_middle(tmp_path, cut_small_files) -> None:
    """Every third row holds a value with line breaks, quotes and commas, so the middle
    byte may well fall inside one: the cut must move to a real row start."""
    data = _text(_rows(1500, note_every=3)).encode()
    _same_as_frictionless(tmp_path, data)
    cut = cut_small_files[0]
    assert cut is not None
    prefix = data[:cut].decode()
    assert prefix.count('"') % 2 == 0
    assert prefix.endswith("\r\n")


def test_a_cut_inside_a_long_quoted_value_is_refused(tmp_path, cut_small_files) -> None:
    """A quoted value with many line breaks across the whole middle: the rows after the
    middle fit neither guess of the quote state, so the file is read in one piece."""
    rows = _rows(400, ragged=False)
    rows[200][1] = "\n".join(f"{n},{n},{n},{n}" for n in range(3000))
    _same_as_frictionless(tmp_path, _text(rows).encode())
    assert cut_small_files == [None]


def test_bom_and_cp874(tmp_path, cut_small_files) -> None:
    text = _text(_rows(1500, note_every=7))
    _same_as_frictionless(tmp_path, b"\xef\xbb\xbf" + text.encode())
    (tmp_path / "table.csv").unlink()
    _same_as_frictionless(tmp_path, text.encode("cp874"), encoding="cp874")
    assert len(cut_small_files) == 2
    assert None not in cut_small_files


def test_ragged_rows_at_the_cut(tmp_path, cut_small_files) -> None:
    """Missing and extra cells and blank lines right after the middle, in both halves."""
    rows = _rows(1000, ragged=False)
    for index in range(490, 560, 5):
        rows[index] = rows[index][:2] if index % 2 else [*rows[index], "x", "y"]
    rows[521] = []
    _same_as_frictionless(tmp_path, _text(rows).encode())
    assert cut_small_files[0] is not None


def test_small_files_are_read_whole(tmp_path) -> None:
    path = tmp_path / "table.csv"
    path.write_text(_text(_rows(300)), encoding="utf-8")
    assert csvsplit.split_point(path, path.stat().st_size, 4, ",", "utf-8") is None


def test_row_start_decides_between_the_two_quote_states() -> None:
    rows = _text([["1", 'a\n"b"', "2", "3"], *([str(n), "x", "2", "3"] for n in range(20))])
    window = rows.encode()[3:]  # starts inside the quoted value
    start = csvsplit.row_start(window, 4, ",", "utf-8")
    assert start is not None
    assert window[start:].startswith(b"0,x,2,3")
    plain = "\n".join("1,2,3,4" for _ in range(30)).encode()
    assert csvsplit.row_start(plain, 4, ",", "utf-8") == len("1,2,3,4\n")
    assert csvsplit.row_start(b"1,2,3,4\n" * 3, 4, ",", "utf-8") is None  # too few rows


@pytest.mark.parametrize("cut", [True, False], ids=["two-parts", "one-part"])
def test_many_small_blocks_and_batches(tmp_path, monkeypatch, cut) -> None:
    """Arrow's blocks joined into batches without copying, and malformed rows checked apart
    in batches of their own: numbers, keys and examples stay as Frictionless has them."""
    monkeypatch.setattr("khlang.validators.readers.BLOCK_BYTES", 4 << 10)
    monkeypatch.setattr("khlang.validators.readers.BATCH_ROWS", 300)
    monkeypatch.setattr("khlang.validators.readers.MALFORMED_BATCH_ROWS", 4)
    if cut:
        monkeypatch.setattr(csvsplit, "SPLIT_MIN_BYTES", 0)
    _same_as_frictionless(tmp_path, _text(_rows(1500, note_every=11)).encode())
