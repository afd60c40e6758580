"""What khlang states of a Parquet resource (in `datapackage.json` and CKAN's resource dicts)
so that readers going through pandas, frictionless-py first, accept a valid file.

frictionless-py reads a Parquet file with pyarrow and pandas (tests/api/test_published_packages.py):

* pandas turns a NULL of an integer or number column into the float NaN, which frictionless
  then meets as the text "nan": an empty integer is a type error, an empty rate breaks its
  minimum. So a Parquet resource's integer and number fields declare "nan" a missing value
  (field-level `missingValues`, Table Schema v2). That is true of khlang's data anyway, where
  NaN is never a value, and `khlang publish` writes that one schema for every twin of a table.
* it never counts a Parquet file's bytes, and compares a declared size with "None": so no
  byte count is declared where frictionless reads it (Data Package `bytes`, CKAN `size`, which
  its CKAN reader turns into `bytes`). The hash stays (checked where a reader computes one),
  and the size is still in khlang's own API and in DCAT's `byteSize`.
"""

from __future__ import annotations

from typing import Any

from khlang.metadata.formats import format_by_name, resource_format
from khlang.metadata.model import Resource

PANDAS_NULL = "nan"
"""How a NULL of a numeric column reads through pandas (`str(float("nan"))`)."""
_NUMERIC = ("integer", "number")


def nan_as_missing(schema: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema with "nan" among the missing values of its integer and number
    fields; other fields, where "nan" may be a value, keep theirs."""
    inherited = schema.get("missingValues", [""])
    fields = []
    for field in schema.get("fields", []):
        if isinstance(field, dict) and field.get("type") in _NUMERIC:
            missing = list(field.get("missingValues", inherited))
            if PANDAS_NULL not in missing:
                field = {**field, "missingValues": [*missing, PANDAS_NULL]}
        fields.append(field)
    return {**schema, "fields": fields}


def is_parquet(resource: Resource) -> bool:
    found = format_by_name(resource.format) or resource_format(
        media_type=resource.media_type, url=resource.path or resource.url
    )
    return found is not None and ".parquet" in found.extensions


def stated_schema(resource: Resource) -> dict[str, Any] | str | None:
    """The resource's Table Schema as khlang states it: a Parquet file's inline schema reads
    NaN as missing; any other schema (or a path or URL to one) as it is."""
    schema = resource.table_schema
    if isinstance(schema, dict) and is_parquet(resource):
        return nan_as_missing(schema)
    return schema


def stated_size(resource: Resource) -> int | None:
    """The byte count a frictionless reader may be told: none for a Parquet file."""
    return None if is_parquet(resource) else resource.byte_size


__all__ = ["PANDAS_NULL", "is_parquet", "nan_as_missing", "stated_schema", "stated_size"]
