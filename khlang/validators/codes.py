"""The error types a validation report can hold: Frictionless's codes, titles and message
templates, so that any tool reading Frictionless reports reads khlang's, with the Thai
message beside each English one. `calendar-error` is khlang's own (Buddhist-era versus
Christian-era years), named in Frictionless's style."""

from __future__ import annotations

from dataclasses import dataclass

from khlang.i18n import Text, t


@dataclass(frozen=True)
class ErrorType:
    code: str
    title: str
    tags: tuple[str, ...]
    description: str
    message: Text
    """Templates filled from an error's rowNumber, fieldNumber, fieldName, cell, label, note."""
    order: int
    """Where errors of this type come within one row: Frictionless's order of checks."""


_TYPES: list[ErrorType] = []


def _type(code: str, title: str, tags: str, description: str, th: str, en: str) -> ErrorType:
    error_type = ErrorType(code, title, tuple(tags.split()), description, t(th, en), len(_TYPES))
    _TYPES.append(error_type)
    return error_type


# File and source: the file could not be read as a table at all.
SOURCE_ERROR = _type(
    "source-error",
    "Source Error",
    "#file",
    "Data reading error because of not supported or inconsistent contents.",
    "อ่านข้อมูลจากแฟ้มไม่ได้: {note}",
    "The data source has not supported or has inconsistent contents: {note}",
)
FORMAT_ERROR = _type(
    "format-error",
    "Format Error",
    "#file",
    "Data reading error because of incorrect format.",
    "แยกวิเคราะห์แฟ้มไม่ได้: {note}",
    "The data source could not be successfully parsed: {note}",
)
ENCODING_ERROR = _type(
    "encoding-error",
    "Encoding Error",
    "#file",
    "Data reading error because of an encoding problem.",
    "ถอดรหัสอักขระของแฟ้มไม่ได้: {note}",
    "The data source could not be successfully decoded: {note}",
)
COMPRESSION_ERROR = _type(
    "compression-error",
    "Compression Error",
    "#file",
    "Data reading error because of a decompression problem.",
    "คลายการบีบอัดแฟ้มไม่ได้: {note}",
    "The data source could not be successfully decompressed: {note}",
)
SCHEME_ERROR = _type(
    "scheme-error",
    "Scheme Error",
    "#file",
    "Data reading error because of incorrect scheme.",
    "โหลดแฟ้มข้อมูลไม่ได้: {note}",
    "The data source could not be successfully loaded: {note}",
)
HASH_COUNT = _type(
    "hash-count",
    "Hash Count Error",
    "#file",
    "This error can happen if the data is corrupted.",
    "ค่าแฮชของแฟ้มไม่ตรงกับที่ระบุ: {note}",
    "The data source does not match the expected hash count: {note}",
)
BYTE_COUNT = _type(
    "byte-count",
    "Byte Count Error",
    "#file",
    "This error can happen if the data is corrupted.",
    "ขนาดแฟ้มไม่ตรงกับที่ระบุ: {note}",
    "The data source does not match the expected byte count: {note}",
)
# Header.
UNMATCHED_HEADER = _type(
    "unmatched-header",
    "Unmatched Header",
    "#table #header",
    'With "fieldsMatch" set to "partial", the header must contain at least one of the fields '
    "defined in the schema.",
    'หัวตารางไม่มีฟิลด์ใดในสคีมาเลย (fieldsMatch เป็น "partial")',
    "None of the fields defined in the schema is present in the header",
)
BLANK_HEADER = _type(
    "blank-header",
    "Blank Header",
    "#table #header",
    "This header is empty. A header should contain at least one value.",
    "แถวหัวตารางว่างทั้งแถว",
    "Header is completely blank",
)
BLANK_LABEL = _type(
    "blank-label",
    "Blank Label",
    "#table #header #label",
    "A label in the header row is missing a value. Label should be provided and not be blank.",
    'ชื่อคอลัมน์ในหัวตารางที่ตำแหน่ง "{fieldNumber}" ว่าง',
    'Label in the header in field at position "{fieldNumber}" is blank',
)
DUPLICATE_LABEL = _type(
    "duplicate-label",
    "Duplicate Label",
    "#table #header #label",
    "Two columns in the header row have the same value. Column names should be unique.",
    'ชื่อคอลัมน์ "{label}" ที่ตำแหน่ง "{fieldNumber}" ซ้ำกับคอลัมน์ {note}',
    'Label "{label}" in the header at position "{fieldNumber}" is duplicated to a label: {note}',
)
EXTRA_LABEL = _type(
    "extra-label",
    "Extra Label",
    "#table #header #label",
    "The header of the data source contains label that does not exist in the provided schema.",
    'หัวตารางมีคอลัมน์ "{label}" ที่ตำแหน่ง "{fieldNumber}" ซึ่งไม่มีในสคีมา',
    'There is an extra label "{label}" in header at position "{fieldNumber}"',
)
MISSING_LABEL = _type(
    "missing-label",
    "Missing Label",
    "#table #header #label",
    "Based on the schema there should be a label that is missing in the data's header.",
    'หัวตารางขาดคอลัมน์ "{fieldName}" ที่ตำแหน่ง "{fieldNumber}" ตามสคีมา',
    'There is a missing label in the header\'s field "{fieldName}" at position "{fieldNumber}"',
)
INCORRECT_LABEL = _type(
    "incorrect-label",
    "Incorrect Label",
    "#table #header #label",
    "One of the data source header does not match the field name defined in the schema.",
    'ชื่อคอลัมน์ "{label}" ที่ตำแหน่ง "{fieldNumber}" ไม่ตรงกับชื่อฟิลด์ "{fieldName}" ในสคีมา',
    'Label "{label}" in field {fieldName} at position "{fieldNumber}" does not match the field '
    "name in the schema",
)
# Rows and cells, in the order Frictionless checks a row.
TYPE_ERROR = _type(
    "type-error",
    "Type Error",
    "#table #row #cell",
    "The value does not match the schema type and format for this field.",
    'ค่า "{cell}" แถว "{rowNumber}" คอลัมน์ "{fieldName}" (ตำแหน่ง "{fieldNumber}") '
    "ไม่ตรงชนิดข้อมูล: {note}",
    'Type error in the cell "{cell}" in row "{rowNumber}" and field "{fieldName}" at position '
    '"{fieldNumber}": {note}',
)
CONSTRAINT_ERROR = _type(
    "constraint-error",
    "Constraint Error",
    "#table #row #cell",
    "A field value does not conform to a constraint.",
    'ค่า "{cell}" แถว "{rowNumber}" คอลัมน์ "{fieldName}" (ตำแหน่ง "{fieldNumber}") '
    "ไม่เป็นไปตามข้อกำหนด: {note}",
    'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" at position '
    '"{fieldNumber}" does not conform to a constraint: {note}',
)
CALENDAR_ERROR = _type(
    "calendar-error",
    "Calendar Error",
    "#table #row #cell",
    "A year or date is written in the other era than the field's calendar (Buddhist or "
    "Christian era).",
    'ค่า "{cell}" แถว "{rowNumber}" คอลัมน์ "{fieldName}" (ตำแหน่ง "{fieldNumber}") ใช้ศักราชผิด: {note}',
    'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" at position '
    '"{fieldNumber}" is in the wrong era: {note}',
)
EXTRA_CELL = _type(
    "extra-cell",
    "Extra Cell",
    "#table #row #cell",
    "This row has more values compared to the header row (the first row in the data source).",
    'แถว "{rowNumber}" มีค่าเกินมาที่ตำแหน่ง "{fieldNumber}"',
    'Row at position "{rowNumber}" has an extra value in field at position "{fieldNumber}"',
)
MISSING_CELL = _type(
    "missing-cell",
    "Missing Cell",
    "#table #row #cell",
    "This row has less values compared to the header row (the first row in the data source).",
    'แถว "{rowNumber}" ขาดค่าในคอลัมน์ "{fieldName}" ที่ตำแหน่ง "{fieldNumber}"',
    'Row at position "{rowNumber}" has a missing cell in field "{fieldName}" at position '
    '"{fieldNumber}"',
)
UNIQUE_ERROR = _type(
    "unique-error",
    "Unique Error",
    "#table #row #cell",
    "This field is a unique field but it contains a value that has been used in another row.",
    'แถว "{rowNumber}" คอลัมน์ "{fieldName}" (ตำแหน่ง "{fieldNumber}") มีค่าซ้ำ: {note}',
    'Row at position "{rowNumber}" has unique constraint violation in field "{fieldName}" at '
    'position "{fieldNumber}": {note}',
)
BLANK_ROW = _type(
    "blank-row",
    "Blank Row",
    "#table #row",
    "This row is empty. A row should contain at least one value.",
    'แถว "{rowNumber}" ว่างทั้งแถว',
    'Row at position "{rowNumber}" is completely blank',
)
PRIMARY_KEY = _type(
    "primary-key",
    "PrimaryKey Error",
    "#table #row",
    "Values in the primary key fields should be unique for every row",
    'แถว "{rowNumber}" ผิดข้อกำหนดคีย์หลัก: {note}',
    'Row at position "{rowNumber}" violates the primary key: {note}',
)
FOREIGN_KEY = _type(
    "foreign-key",
    "ForeignKey Error",
    "#table #row",
    "Values in the foreign key fields should exist in the reference table",
    'แถว "{rowNumber}" ผิดข้อกำหนดคีย์นอก: {note}',
    'Row at position "{rowNumber}" violates the foreign key: {note}',
)
# Data Package level.
RESOURCE_ERROR = _type(
    "resource-error", "Resource Error", "#file",
    "A validation cannot be processed.",
    "ทรัพยากรข้อมูลมีข้อผิดพลาด: {note}",
    "The data resource has an error: {note}",
)  # fmt: skip

ERROR_TYPES: dict[str, ErrorType] = {error_type.code: error_type for error_type in _TYPES}
