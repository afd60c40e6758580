"""Table and file validation: Table Schema checks with Frictionless-compatible reports,
Thai encodings, Buddhist-era years and open formats.

The API other components use (docs/architecture.md, "Validation"):

- `validate(path, schema=None, ...) -> Report`
- `validate_package(datapackage_path) -> Report`
- `sniff_format(path) -> FormatInfo`
- `infer_schema(path) -> dict`
- `Report.to_frictionless() -> dict`
"""

from khlang.validators.infer import infer_schema
from khlang.validators.report import Finding, Report, TaskReport
from khlang.validators.sniff import FormatInfo, sniff_format
from khlang.validators.validate import validate, validate_package

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
