"""Bad input names the file, line and column; unknown keys are reported, not dropped; a file
in another encoding is named as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from khlang.errors import KhlangError
from khlang.metadata.files import dataset_files, load_dataset


def _error(path: Path) -> str:
    with pytest.raises(KhlangError) as caught:
        load_dataset(path)
    return caught.value.render()


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "dataset.yaml"
    path.write_text("title: งบประมาณ\ntags: [งบประมาณ, สถิติ\nnotes: x\n", encoding="utf-8")
    message = _error(path)
    assert f"{path}:3:" in message
    assert "YAML" in message


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "dataset.json"
    path.write_text('{\n  "title": "งบประมาณ",\n  "tags": ["a",]\n}\n', encoding="utf-8")
    assert f"{path}:3:" in _error(path)


def test_unknown_keys_are_reported_where_they_stand(tmp_path: Path) -> None:
    path = tmp_path / "dataset.yaml"
    path.write_text("title: งบประมาณ\nlicence: CC-BY\nresources:\n  - nmae: x\n", encoding="utf-8")
    message = _error(path)
    assert f"{path}:2:1 licence" in message
    assert f"{path}:4:5 resources.0.nmae" in message
    assert "unknown key" in message


def test_cp874_file_names_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "dataset.yaml"
    path.write_bytes("title: งบประมาณจังหวัด\n".encode("cp874"))
    message = _error(path)
    assert "cp874" in message
    assert "UTF-8" in message


def test_empty_and_non_mapping_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("\n", encoding="utf-8")
    assert "empty" in _error(empty)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    assert "mapping" in _error(listing)


def test_folder_discovery(tmp_path: Path, examples_dir: Path) -> None:
    (tmp_path / "a.yaml").write_text("title: a\n", encoding="utf-8")
    (tmp_path / "datapackage.json").write_text("{}", encoding="utf-8")
    nested = tmp_path / "published" / "budget"
    nested.mkdir(parents=True)
    (nested / "dataset.yaml").write_text("title: b\n", encoding="utf-8")
    (nested / "notes.yaml").write_text("title: c\n", encoding="utf-8")
    found = [path.relative_to(tmp_path).as_posix() for path in dataset_files(tmp_path)]
    assert found == ["a.yaml", "published/budget/dataset.yaml"]
    assert len(dataset_files(examples_dir)) >= 5
