"""One encoding detector (`khlang.metadata.encoding.detect_encoding`) for the metadata
reader, the validator and the publishers' readers (issue 18).

Before, the publishers had their own detector (UTF-8 from the first 64 KB, else cp874 when
the bytes read as Thai, else an error) and the metadata reader a third. On every real export
under ../shared/data/real and every bundled sample (192 files, measured before the change)
the old publishers' detector said `utf-8-sig` and the validator `utf-8` (`utf-8-sig` for the
one file with a BOM, budget_bill_2565/kaogeek_output_example_v2.csv): the same text, which
the first test checks file by file. What changed is better: a UTF-16 export (refused before,
"found utf_16") and a cp1252 one (refused, and named cp1250) are now read, as the validator
reads them.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from khlang.errors import KhlangError
from khlang.metadata.files import read_text
from khlang.publishers.readers import read_table
from khlang.validators import sniff_format
from khlang.validators.sniff import file_encoding

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson"}
WITH_BOM = {"kaogeek_output_example_v2.csv"}


def _text_files(*roots: Path) -> list[Path]:
    return sorted(
        path
        for root in roots
        for path in root.rglob("*")
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES
    )


def test_every_real_export_and_sample_reads_as_before(real_dir: Path, samples: Path) -> None:
    files = _text_files(real_dir, samples)
    assert len(files) >= 190  # 169 real files and 23 samples when this was written
    for path in files:
        encoding = file_encoding(path)
        assert encoding == ("utf-8-sig" if path.name in WITH_BOM else "utf-8"), path
        assert sniff_format(path).encoding == encoding, path
        # what the old publishers' detector (`utf-8-sig` for any UTF-8) decoded
        raw = path.read_bytes()
        assert raw.decode(encoding) == raw.decode("utf-8-sig"), path


@pytest.mark.parametrize("encoding", ["cp874", "utf-16", "utf-8-sig"])
def test_a_real_export_in_another_encoding_reads_the_same_table(
    real_dir: Path, tmp_path: Path, encoding: str
) -> None:
    """Thai government systems export Windows-874 (TIS-620) and UTF-16 as well as UTF-8:
    the publishers read each into the same table, and the validator names the encoding."""
    source = real_dir / "lao" / "lao_counts_by_province_dola_2562-12.csv"
    target = tmp_path / source.name
    target.write_bytes(source.read_text(encoding="utf-8").encode(encoding))
    assert file_encoding(target) == codecs.lookup(encoding).name
    assert sniff_format(target).encoding == codecs.lookup(encoding).name
    expected = read_table(source)
    assert expected.columns.tolist() == read_table(target).columns.tolist()
    assert expected.equals(read_table(target))


def test_a_file_mixing_two_encodings_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("ชื่อ,จังหวัด\n".encode() + "ก,เชียงใหม่\n".encode("cp874"))
    with pytest.raises(KhlangError) as raised:
        read_table(path)
    assert str(path) in str(raised.value)
    assert "mixes encodings" in str(raised.value)


def test_the_metadata_reader_names_what_the_detector_finds(tmp_path: Path) -> None:
    path = tmp_path / "dataset.yaml"
    path.write_bytes("title: Café crème à Genève, déjà très réputé\n".encode("cp1252"))
    with pytest.raises(KhlangError) as raised:
        read_text(path)
    assert "found cp1252" in str(raised.value)
