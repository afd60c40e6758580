"""Checks on what a caller hands the validators, before any file is opened: a readable file,
an encoding Python knows."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from khlang.errors import KhlangError
from khlang.i18n import t


def existing_file(path: str | Path) -> Path:
    """The path of a readable file, or a KhlangError saying why it is not one."""
    path = Path(path)
    if path.is_dir():
        raise KhlangError(t("เป็นโฟลเดอร์ ไม่ใช่แฟ้ม", "a folder, not a file"), where=str(path))
    if not path.is_file():
        raise KhlangError(t("ไม่พบแฟ้ม", "file not found"), where=str(path))
    if not os.access(path, os.R_OK):
        raise KhlangError(t("ไม่มีสิทธิ์อ่านแฟ้ม", "no permission to read the file"), where=str(path))
    return path


def known_encoding(encoding: str | None) -> str | None:
    """Python's name for an encoding a user or a descriptor gave, or a KhlangError."""
    if encoding is None:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise KhlangError(
            t(f'ไม่รู้จักรหัสอักขระ "{encoding}" (เช่น utf-8, cp874)',
              f'unknown encoding "{encoding}" (try utf-8 or cp874)'),
            where="encoding",
        ) from None  # fmt: skip
