"""Table Schema (Frictionless; v1, and v2 where the descriptor says `$schema`) as pydantic
models, and loading a schema with errors that name the file and the field. Custom properties
are kept, as the spec allows; khlang reads one: `calendar` on year, date and datetime fields
(see `Calendar`).

A descriptor's version is its top `$schema` (a package's over its resources' schemas): none
means v1, as the spec says, and v1 has neither `exclusiveMinimum`/`exclusiveMaximum` nor
missing values written as objects; frictionless-py refuses both there, and so does khlang."""

from __future__ import annotations

import enum
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from khlang.errors import KhlangError
from khlang.i18n import t

DEFAULT_TRUE_VALUES = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE_VALUES = ["false", "False", "FALSE", "0"]

BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
SUPPORTED_CONSTRAINTS: dict[str, set[str]] = {
    "any": {"required", "enum"},
    "string": {"required", "minLength", "maxLength", "pattern", "enum"},
    "number": {"required", "enum", *BOUNDS},
    "integer": {"required", "enum", *BOUNDS},
    "boolean": {"required", "enum"},
    "object": {"required", "minLength", "maxLength", "enum"},
    "array": {"required", "minLength", "maxLength", "enum"},
    "date": {"required", "enum", *BOUNDS},
    "time": {"required", "enum", *BOUNDS},
    "datetime": {"required", "enum", *BOUNDS},
    "year": {"required", "enum", *BOUNDS},
    "yearmonth": {"required", "enum", *BOUNDS},
    "duration": {"required", "enum"},
    "geopoint": {"required", "enum"},
    "geojson": {"required", "enum"},
}
STRING_FORMATS = {"default", "email", "uri", "uuid", "binary", "wkt"}
FieldsMatch = Literal["exact", "equal", "subset", "superset", "partial"]
V2_PROFILES = "https://datapackage.org/profiles/2.0/"


def descriptor_version(descriptor: Any) -> str:
    """v1, v2 or unknown (a custom profile, which may allow either) from `$schema`."""
    profile = descriptor.get("$schema") if isinstance(descriptor, dict) else None
    if not profile:
        return "v1"
    if not isinstance(profile, str):
        return "unknown"
    if profile.startswith(V2_PROFILES):
        return "v2"
    if "frictionlessdata.io" in profile or "specs.frictionless" in profile:
        return "v1"
    return "unknown"


def missing_value_strings(value: Any) -> Any:
    """v2 missing values may be objects (`{"value": "-", "label": "not asked"}`): their values."""
    if isinstance(value, list):
        return [item["value"] if isinstance(item, dict) and "value" in item else item
                for item in value]  # fmt: skip
    return value


MissingValues = Annotated[list[str], BeforeValidator(missing_value_strings)]


class Calendar(enum.StrEnum):
    """khlang's `calendar` field property: the era years are written in. Thai official data
    counts years in the Buddhist era (พ.ศ., CE + 543); a `year`, `date` or `datetime` field
    marked `"calendar": "buddhist"` flags a Christian-era value (2022 where 2565 belongs) with
    `calendar-error` and the likely fix, and `"gregorian"` does the reverse. Names follow the
    Unicode CLDR calendar identifiers."""

    buddhist = "buddhist"
    gregorian = "gregorian"


class Constraints(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    required: bool = False
    unique: bool = False
    min_length: int | None = Field(default=None, alias="minLength", ge=0)
    max_length: int | None = Field(default=None, alias="maxLength", ge=0)
    minimum: Any = None
    maximum: Any = None
    exclusive_minimum: Any = Field(default=None, alias="exclusiveMinimum")
    exclusive_maximum: Any = Field(default=None, alias="exclusiveMaximum")
    pattern: str | None = None
    enum: list[Any] | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a valid regular expression: {error}") from None
        return value

    def defined(self) -> list[str]:
        """The constraints set in the descriptor, by their Table Schema names."""
        return [
            name
            for name, value in self.model_dump(by_alias=True).items()
            if value is not None and value is not False
        ]


class SchemaField(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    name: str = Field(min_length=1)
    type: str = "string"
    """Table Schema v1: a field without a type is a string field."""
    format: str = "default"
    title: str | None = None
    description: str | None = None
    missing_values: MissingValues | None = Field(default=None, alias="missingValues")
    constraints: Constraints = Constraints()
    true_values: list[str] = Field(default=DEFAULT_TRUE_VALUES, alias="trueValues")
    false_values: list[str] = Field(default=DEFAULT_FALSE_VALUES, alias="falseValues")
    decimal_char: str | None = Field(default=None, alias="decimalChar", min_length=1)
    group_char: str | None = Field(default=None, alias="groupChar")
    bare_number: bool | None = Field(default=None, alias="bareNumber")
    calendar: Calendar | None = None

    @model_validator(mode="before")
    @classmethod
    def _required_in_constraints(cls, value: Any) -> Any:
        if isinstance(value, dict) and "required" in value:
            raise ValueError('"required" should be set as "constraints.required"')
        return value

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in SUPPORTED_CONSTRAINTS:
            raise ValueError(f"unknown type; use one of {', '.join(SUPPORTED_CONSTRAINTS)}")
        return value

    @model_validator(mode="after")
    def _fits_type(self) -> SchemaField:
        unsupported = (
            set(self.constraints.defined()) - SUPPORTED_CONSTRAINTS[self.type] - {"unique"}
        )
        if unsupported:
            names = ", ".join(sorted(unsupported))
            raise ValueError(f'constraint {names} is not supported by type "{self.type}"')
        if self.type == "string" and self.format not in STRING_FORMATS:
            raise ValueError(f'format "{self.format}" is not a string format')
        if self.calendar and self.type not in {"year", "date", "datetime", "yearmonth"}:
            raise ValueError('"calendar" applies to year, yearmonth, date and datetime fields')
        return self


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resource: str = ""
    fields: list[str]

    @field_validator("fields", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class ForeignKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: list[str]
    reference: Reference

    @field_validator("fields", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _same_length(self) -> ForeignKey:
        if len(self.fields) != len(self.reference.fields):
            raise ValueError("fields and reference.fields must have the same length")
        return self


class TableSchema(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    fields: list[SchemaField]
    missing_values: MissingValues = Field(default=[""], alias="missingValues")
    primary_key: list[str] = Field(default=[], alias="primaryKey")
    foreign_keys: list[ForeignKey] = Field(default=[], alias="foreignKeys")
    fields_match: FieldsMatch = Field(default="exact", alias="fieldsMatch")

    @field_validator("primary_key", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _keys_name_fields(self) -> TableSchema:
        names = [field.name for field in self.fields]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"field names must be unique: {', '.join(duplicates)}")
        for key, where in [(self.primary_key, "primaryKey")] + [
            (foreign_key.fields, "foreignKeys") for foreign_key in self.foreign_keys
        ]:
            unknown = [name for name in key if name not in names]
            if unknown:
                raise ValueError(f"{where} names fields that do not exist: {', '.join(unknown)}")
        return self

    def field_missing_values(self, field: SchemaField) -> list[str]:
        return field.missing_values if field.missing_values is not None else self.missing_values

    def to_descriptor(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_defaults=True)


def _version_problems(descriptor: dict[str, Any], version: str) -> list[str]:
    """What a v1 descriptor uses that only v2 has."""
    if version != "v1":
        return []
    problems = []
    declared = descriptor.get("fields")
    fields: list[Any] = declared if isinstance(declared, list) else []
    for index, field in enumerate(fields):
        constraints = field.get("constraints") if isinstance(field, dict) else None
        for name in ("exclusiveMinimum", "exclusiveMaximum"):
            if isinstance(constraints, dict) and name in constraints:
                problems.append(f'fields[{index}]: constraint "{name}" requires datapackage v2 '
                                f'("$schema": "{V2_PROFILES}tableschema.json")')  # fmt: skip
    holders = [descriptor, *(f for f in fields if isinstance(f, dict))]
    for holder in holders:
        values = holder.get("missingValues")
        if isinstance(values, list) and any(isinstance(value, dict) for value in values):
            problems.append("missing values in object form require datapackage v2")
    return problems


def parse_schema(descriptor: Any, *, where: str, version: str | None = None) -> TableSchema:
    """A Table Schema from a descriptor, or a KhlangError naming `where` and each problem.
    `version` is the enclosing package's (see `descriptor_version`), else the schema's own."""
    if not isinstance(descriptor, dict):
        raise KhlangError(
            t("สคีมาต้องเป็นออบเจกต์ JSON", "a Table Schema must be a JSON object"), where=where
        )
    problems = _version_problems(descriptor, version or descriptor_version(descriptor))
    if problems:
        text = "; ".join(problems)
        raise KhlangError(
            t(f"สคีมาไม่ถูกต้อง: {text}", f"the Table Schema is invalid: {text}"), where=where
        )
    try:
        return TableSchema.model_validate(descriptor)
    except ValidationError as error:
        described = "; ".join(_describe(problem, descriptor) for problem in error.errors())
        raise KhlangError(
            t(f"สคีมาไม่ถูกต้อง: {described}", f"the Table Schema is invalid: {described}"),
            where=where,
        ) from None


def _describe(problem: Any, descriptor: dict[str, Any]) -> str:
    location = problem["loc"]
    parts: list[str] = []
    for index, key in enumerate(location):
        if isinstance(key, int) and location[index - 1] == "fields":
            name = descriptor.get("fields", [{}] * (key + 1))[key]
            label = name.get("name") if isinstance(name, dict) else None
            parts.append(f"[{key}]" + (f" ({label})" if label else ""))
        else:
            parts.append(("." if parts else "") + str(key))
    message = problem["msg"].removeprefix("Value error, ")
    return f"{''.join(parts) or 'schema'}: {message}"


def load_schema(path: str | Path, *, version: str | None = None) -> TableSchema:
    """Read a Table Schema JSON file (`version`: the enclosing package's)."""
    path = Path(path)
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise KhlangError(t("ไม่พบแฟ้มสคีมา", "schema file not found"), where=str(path)) from None
    except OSError as error:  # a folder, no permission
        raise KhlangError(
            t(f"อ่านแฟ้มสคีมาไม่ได้: {error.strerror}", f"cannot read the schema: {error.strerror}"),
            where=str(path),
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise KhlangError(
            t(f"สคีมาไม่ใช่ JSON ที่อ่านได้: {error}", f"the schema is not readable JSON: {error}"),
            where=str(path),
        ) from None
    return parse_schema(descriptor, where=str(path), version=version)
