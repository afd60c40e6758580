"""Table and file validation: Table Schema checks with Frictionless-compatible reports,
Thai encodings, Buddhist-era years and open formats.

The API other components use (docs/architecture.md, "Validation"):

- `validate(path, schema=None, ...) -> Report`
- `validate_package(datapackage_path) -> Report`
- `sniff_format(path) -> FormatInfo`
- `infer_schema(path) -> dict`
- `Report.to_frictionless() -> dict`

Names are imported on first use, so that importing this package (as the CLI does for every
command) does not load Arrow, NumPy and DuckDB.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "FormatInfo": "khlang.validators.sniff",
    "sniff_format": "khlang.validators.sniff",
    "Finding": "khlang.validators.report",
    "Report": "khlang.validators.report",
    "TaskReport": "khlang.validators.report",
    "infer_schema": "khlang.validators.infer",
    "validate": "khlang.validators.api",
    "validate_package": "khlang.validators.api",
}

__all__ = [
    "Finding",
    "FormatInfo",
    "Report",
    "TaskReport",
    "infer_schema",
    "sniff_format",
    "validate",
    "validate_package",
]

if TYPE_CHECKING:
    from khlang.validators.api import validate, validate_package
    from khlang.validators.infer import infer_schema
    from khlang.validators.report import Finding, Report, TaskReport
    from khlang.validators.sniff import FormatInfo, sniff_format


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'khlang.validators' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
