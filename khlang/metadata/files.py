"""Reading dataset metadata files: khlang's own YAML/JSON form or a CKAN package dict.

A data officer's file is often hand-edited, so every error names the file, the line and the
column, says which key is unknown instead of dropping it, and names the encoding when the
file is not UTF-8.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.metadata.ckan import dataset_from_ckan, looks_like_ckan
from khlang.metadata.encoding import THAI_ENCODING, detect_encoding
from khlang.metadata.model import Dataset

DATASET_SUFFIXES = (".yaml", ".yml", ".json")
DATASET_FILE_NAMES = tuple(f"dataset{suffix}" for suffix in DATASET_SUFFIXES)
NOT_DATASET_FILES = {"datapackage.json", "datapackage.yaml", "khlang.yaml"}
MAX_OPENING_RUN = 64
"""Brackets opened in a row (spaces between) that a metadata file never has: refused before
parsing, since ruamel's scanner takes about 12 s over such a file before Python's recursion
limit stops it."""
_OPENING_RUN = re.compile(r"[\[{](?:\s*[\[{]){" + str(MAX_OPENING_RUN - 1) + "}")


def read_text(path: Path) -> str:
    """The file's text, or an error naming the encoding it seems to be in."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise KhlangError(
            Text(th=f"อ่านไฟล์ไม่ได้: {error.strerror}", en=f"cannot read the file: {error.strerror}"),
            where=str(path),
        ) from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        found = describe_encoding(raw)
        raise KhlangError(
            Text(
                th=f"ไฟล์ไม่ได้เข้ารหัสแบบ UTF-8 (พบ {found.th}) กรุณาบันทึกใหม่เป็น UTF-8",
                en=f"the file is not UTF-8 (found {found.en}); save it again as UTF-8",
            ),
            where=f"{path}: byte {error.start}",
        ) from error


def describe_encoding(raw: bytes) -> Text:
    """What encoding bytes that are not UTF-8 seem to be in, for the error that asks for
    UTF-8: the detector the validators and publishers read files with (`encoding.py`)."""
    found = detect_encoding(raw, complete=True)
    if found == THAI_ENCODING:
        return Text(th="cp874 (TIS-620 / Windows-874)", en="cp874 (TIS-620 / Windows-874)")
    if found is None:
        return Text(th="รหัสอักขระที่ไม่รู้จักหรือหลายรหัสปนกัน", en="an unknown or mixed encoding")
    return Text(th=found, en=found)


def _too_deep(path: Path) -> KhlangError:
    """A metadata file nests a few levels; thousands are an attack or a broken export."""
    return KhlangError(
        Text(
            th="โครงสร้างซ้อนกันลึกเกินไป ไม่ใช่ไฟล์ข้อมูลกำกับที่อ่านได้",
            en="nested too deeply to be a metadata file",
        ),
        where=str(path),
    )


def parse_document(path: Path) -> Any:
    """Parse YAML or JSON into ruamel's position-aware maps and lists."""
    text = read_text(path)
    if not text.strip():
        raise KhlangError(Text(th="ไฟล์ว่างเปล่า", en="the file is empty"), where=str(path))
    try:
        if _OPENING_RUN.search(text):
            raise _too_deep(path)
        if path.suffix.lower() == ".json":
            json.loads(text)
        return YAML(typ="rt").load(text)
    except json.JSONDecodeError as error:
        raise KhlangError(
            Text(th=f"JSON ไม่ถูกต้อง: {error.msg}", en=f"invalid JSON: {error.msg}"),
            where=f"{path}:{error.lineno}:{error.colno}",
        ) from error
    except RecursionError:
        raise _too_deep(path) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = error.problem or error.context or "syntax error"
        raise KhlangError(
            Text(th=f"YAML ไม่ถูกต้อง: {problem}", en=f"invalid YAML: {problem}"), where=where
        ) from error


def to_plain(node: Any) -> Any:
    """ruamel's maps and lists as plain dicts and lists."""
    if isinstance(node, dict):
        return {str(key): to_plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [to_plain(value) for value in node]
    return node


def _position(node: Any, location: tuple[Any, ...]) -> str:
    """`line:column` of the key or item a pydantic error location points at, if known."""
    found = ""
    for step in location:
        if isinstance(node, CommentedMap) and step in node:
            line, column = node.lc.key(step)
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
            line, column = node.lc.item(step)
        else:
            break
        found = f"{line + 1}:{column + 1}"
        node = node[step]
    return found


def _describe(error: ErrorDetails) -> Text:
    if error["type"] == "extra_forbidden":
        return Text(th="ไม่รู้จักคีย์นี้ในโปรไฟล์ GD Catalog", en="unknown key in the GD Catalog profile")
    return Text(th=f"ค่าไม่ถูกต้อง: {error['msg']}", en=f"invalid value: {error['msg']}")


def dataset_from_document(document: Any, *, where: str) -> Dataset:
    """Build a Dataset from a parsed document, in khlang's form or CKAN's."""
    if not isinstance(document, dict):
        raise KhlangError(
            Text(
                th="ไฟล์ต้องเป็นออบเจกต์ของฟิลด์ metadata",
                en="the file must hold a mapping of metadata fields",
            ),
            where=where,
        )
    plain = to_plain(document)
    try:
        return dataset_from_ckan(plain) if looks_like_ckan(plain) else Dataset.model_validate(plain)
    except ValidationError as error:
        lines_th, lines_en = [], []
        for item in error.errors():
            location = tuple(item["loc"])
            position = _position(document, location)
            prefix = f"{where}:{position}" if position else where
            field = ".".join(str(step) for step in location)
            text = _describe(item)
            lines_th.append(f"  {prefix} {field}: {text.th}")
            lines_en.append(f"  {prefix} {field}: {text.en}")
        count = len(lines_th)
        raise KhlangError(
            Text(
                th=f"พบปัญหา {count} รายการ\n" + "\n".join(lines_th),
                en=f"{count} problem(s) found\n" + "\n".join(lines_en),
            )
        ) from error


def load_dataset(path: Path) -> Dataset:
    """Read one dataset file (YAML or JSON; khlang's form or a CKAN package dict)."""
    return dataset_from_document(parse_document(path), where=str(path))


def dataset_files(path: Path) -> list[Path]:
    """The dataset files a check of PATH covers: the file itself, or in a folder every
    `dataset.yaml|yml|json` below it and every other YAML/JSON file directly in it."""
    if not path.exists():
        raise KhlangError(
            Text(th="ไม่พบไฟล์หรือโฟลเดอร์", en="no such file or folder"), where=str(path)
        )
    if path.is_file():
        return [path]
    found = {file for file in path.rglob("*") if file.name in DATASET_FILE_NAMES}
    found |= {
        file
        for file in path.iterdir()
        if file.is_file()
        and file.suffix.lower() in DATASET_SUFFIXES
        and file.name not in NOT_DATASET_FILES
    }
    return sorted(found)


def iter_datasets(paths: list[Path]) -> Iterator[tuple[Path, Dataset]]:
    for path in paths:
        for file in dataset_files(path):
            yield file, load_dataset(file)
