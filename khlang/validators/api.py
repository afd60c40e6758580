"""The functions other components call: validating a file against a Table Schema, and a
Data Package with all its resources (contract: docs/architecture.md, "Validation").

A file that cannot be read as a table gives a report with a file-level error (source-,
format-, encoding- or compression-error), never an exception; a schema or package descriptor
that is itself wrong raises KhlangError, because nothing can be checked against it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from khlang.errors import KhlangError
from khlang.i18n import t
from khlang.validators.cells import (
    FieldChecker,
    blank_cells,
    key_type,
    only,
    spread_keys,
    stored_values,
)
from khlang.validators.inputs import existing_file, known_encoding
from khlang.validators.readers import ReadError, open_table
from khlang.validators.report import DEFAULT_EXAMPLES, Finding, Report, Tally, TaskReport
from khlang.validators.schema import TableSchema, load_schema, parse_schema
from khlang.validators.sniff import THAI_ENCODING, FormatInfo, sniff_format
from khlang.validators.table import ReferenceKeys, TableValidator, expected_fields

SchemaInput = TableSchema | dict[str, Any] | str | Path | None

PARALLEL_MAX_BYTES = 1 << 30
"""Up to this size a file is read ahead in a thread and a large CSV is parsed in two parts
at once while the rows are checked; beyond it, one thread does all, which is slower but
keeps a 2 GB file under 300 MB of memory."""


def _schema(schema: SchemaInput) -> TableSchema | None:
    if schema is None or isinstance(schema, TableSchema):
        return schema
    if isinstance(schema, dict):
        return parse_schema(schema, where="schema")
    return load_schema(schema)


def validate(
    path: str | Path,
    schema: SchemaInput = None,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    examples: int = DEFAULT_EXAMPLES,
    name: str | None = None,
) -> Report:
    """Validate one file: its format and openness, its encoding and, for a table, its
    header, rows and cells against `schema` (a Table Schema path, dict or model). Without a
    schema only structure is checked (Frictionless would guess types from 100 rows;
    khlang leaves guessing to `infer_schema`). `examples` is how many errors of each type
    the report keeps; counts are always exact."""
    started = time.perf_counter()
    path = existing_file(path)
    encoding = known_encoding(encoding)
    task = _validate_file(path, _schema(schema), encoding, sheet, examples, name, None)
    return Report(tasks=[task], seconds=time.perf_counter() - started)


def _validate_file(
    path: Path,
    schema: TableSchema | None,
    encoding: str | None,
    sheet: str | None,
    examples: int,
    name: str | None,
    reference_keys: ReferenceKeys | None,
    place: str | None = None,
) -> TaskReport:
    started = time.perf_counter()
    info = sniff_format(path)
    tally = Tally(limit=examples)
    task = TaskReport(
        path=place or str(path),
        name=name or path.stem,
        tally=tally,
        format=info,
        encoding=encoding or info.encoding,
        bytes=info.size,
    )
    if info.size == 0:
        tally.add(Finding("source-error", t("แฟ้มว่าง", "the source is empty")))
        return task
    _format_warnings(task, info)
    for long_rows in (False, True):
        try:
            parallel = info.size <= PARALLEL_MAX_BYTES
            table = open_table(
                info, encoding=encoding, sheet=sheet, long_rows=long_rows, split=parallel
            )
            task.labels = table.labels
            task.fields = len(expected_fields(table.labels, schema))
            validator = TableValidator(table, schema, tally, reference_keys, parallel=parallel)
            try:
                stats = validator.run()
            finally:
                task.rows = validator.stats.rows
            task.warnings.extend(stats.warnings)
        except ReadError as error:
            if error.long_row and not long_rows:  # start again with room for long rows
                task.tally = tally = Tally(limit=examples)
                continue
            tally.add(Finding(error.code, error.note))
        break
    task.seconds = time.perf_counter() - started
    return task


def _format_warnings(task: TaskReport, info: FormatInfo) -> None:
    if info.encoding == THAI_ENCODING:
        task.warnings.append(
            t(
                "แฟ้มนี้ใช้รหัสอักขระ cp874 (TIS-620/Windows-874) khlang อ่านได้ "
                "แต่ข้อมูลเปิดควรเผยแพร่เป็น UTF-8",
                "the file is encoded in cp874 (TIS-620/Windows-874); khlang reads it, but open "
                "data should be published in UTF-8",
            )
        )
    if info.mismatch and info.declared is not None:
        task.warnings.append(
            t(
                f"ชื่อแฟ้มบอกว่าเป็น {info.declared.name} แต่เนื้อหาเป็น {info.format_name}",
                f"the file is named as {info.declared.name} but its content is {info.format_name}",
            )
        )


# Data Packages -----------------------------------------------------------------------------


def validate_package(descriptor: str | Path, *, examples: int = DEFAULT_EXAMPLES) -> Report:
    """Validate every resource of a Data Package (`datapackage.json`), with foreign keys
    between its resources (a resource may be a reference table such as the area codes).
    The report also says whether the package meets the open-format rule."""
    started = time.perf_counter()
    path = existing_file(descriptor)
    package = _read_descriptor(path)
    base = path.parent
    resources = package.get("resources")
    if not isinstance(resources, list) or not resources:
        raise KhlangError(
            t("datapackage.json ต้องมี resources อย่างน้อยหนึ่งรายการ",
              "datapackage.json must list at least one resource"),
            where=str(path),
        )  # fmt: skip
    prepared = [_prepare_resource(resource, index, base, path) for index, resource in
                enumerate(resources)]  # fmt: skip
    by_name = {item["name"]: item for item in prepared}
    report = Report(tasks=[])
    for item in prepared:
        if item["file"] is None:
            report.errors.append(
                Finding("resource-error", t(f'ทรัพยากร "{item["name"]}": ไม่พบแฟ้ม {item["path"]}',
                        f'resource "{item["name"]}": file not found: {item["path"]}'))
            )  # fmt: skip
            continue
        schema = item["schema"]
        for foreign_key in schema.foreign_keys if schema else []:
            target = foreign_key.reference.resource
            if target and target not in by_name:
                raise KhlangError(
                    t(f'คีย์นอกอ้างถึงทรัพยากร "{target}" ซึ่งไม่มีในแพ็กเกจ',
                      f'a foreign key points at resource "{target}", which the package lacks'),
                    where=f"{path}: {item['name']}",
                )  # fmt: skip
        reference_keys = _reference_loader(item, by_name)
        report.tasks.append(
            _validate_file(item["file"], schema, item["encoding"], None, examples, item["name"],
                           reference_keys, place=item["path"])
        )  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report


def _read_descriptor(path: Path) -> dict[str, Any]:
    try:
        package = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KhlangError(
            t(f"อ่าน JSON ไม่ได้: {error}", f"not readable JSON: {error}"), where=str(path)
        ) from None
    if not isinstance(package, dict):
        raise KhlangError(t("ต้องเป็นออบเจกต์ JSON", "must be a JSON object"), where=str(path))
    return package


def _prepare_resource(resource: Any, index: int, base: Path, package: Path) -> dict[str, Any]:
    where = f"{package}: resources[{index}]"
    if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
        raise KhlangError(
            t("ทรัพยากรต้องมี path เป็นข้อความ (แฟ้มเดียว)", "a resource needs a `path` (one file)"),
            where=where,
        )
    relative = resource["path"]
    if Path(relative).is_absolute() or ".." in Path(relative).parts:
        raise KhlangError(
            t("path ต้องอยู่ภายในโฟลเดอร์ของแพ็กเกจ", "a resource path must stay inside the package"),
            where=where,
        )
    schema_source = resource.get("schema")
    if isinstance(schema_source, str):
        schema_path = base / schema_source
        if ".." in Path(schema_source).parts or not schema_path.is_file():
            raise KhlangError(t("ไม่พบแฟ้มสคีมา", "schema file not found"), where=f"{where}.schema")
        schema = load_schema(schema_path)
    elif schema_source is not None:
        schema = parse_schema(schema_source, where=f"{where}.schema")
    else:
        schema = None
    file = base / relative
    encoding = resource.get("encoding")
    if isinstance(encoding, str):
        encoding = known_encoding(encoding)
    return {
        "name": str(resource.get("name") or Path(relative).stem),
        "path": relative,
        "file": file if file.is_file() else None,
        "schema": schema,
        "encoding": encoding if isinstance(encoding, str) else None,
    }


def _reference_loader(item: dict[str, Any], by_name: dict[str, Any]) -> ReferenceKeys:
    """Keys of the resource a foreign key points at, parsed by that resource's schema."""

    def keys(fields: list[str], resource: str = "") -> Iterator[list[pa.Array]]:
        target = by_name[resource] if resource else item
        if target["file"] is None:
            return
        info = sniff_format(target["file"])
        try:
            table = open_table(info, encoding=target["encoding"])
        except ReadError:
            return
        columns = expected_fields(table.labels, target["schema"])
        names = [f.name for f in columns]
        positions = [names.index(name) for name in fields if name in names]
        if len(positions) != len(fields):
            return
        checkers = [FieldChecker(columns[p]) for p in positions]
        schema = target["schema"]
        missing = [schema.field_missing_values(columns[p]) if schema else [""] for p in positions]
        for batch in table.batches:
            yield [
                _keys_of(batch.columns[p], checker, values)
                for p, checker, values in zip(positions, checkers, missing, strict=True)
            ]

    def for_foreign_key(fields: list[str]) -> Iterator[list[pa.Array]]:
        schema = item["schema"]
        resource = next(
            fk.reference.resource for fk in schema.foreign_keys if fk.reference.fields == fields
        )
        return keys(fields, resource)

    return for_foreign_key


def _keys_of(column: pa.Array, checker: FieldChecker, missing: list[str]) -> pa.Array:
    column = stored_values(column, checker.field)
    _, blank = blank_cells(column, missing)
    present = ~blank
    dense = checker.check(only(column, present)).keys if present.any() else None
    return spread_keys(dense, present, key_type(checker.field))
