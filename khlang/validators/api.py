"""The functions other components call: validating a file against a Table Schema, and a
Data Package with all its resources (contract: docs/architecture.md, "Validation").

A file that cannot be read as a table gives a report with a file-level error (source-,
format-, encoding- or compression-error), never an exception; a schema or package descriptor
that is itself wrong raises KhlangError, because nothing can be checked against it.

`frictionless=True` (`khlang validate --frictionless`) gives frictionless-py's verdict where
khlang deliberately differs (docs/validators.md, "khlang and frictionless-py"): the format
and compression by the file's name, the encoding by frictionless's detector, `calendar`
ignored, JSON files that are not declared tables taken as JSON documents.
"""

from __future__ import annotations

import glob
import hashlib
import json
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from khlang.errors import KhlangError
from khlang.i18n import t
from khlang.validators import records
from khlang.validators.cells import (
    FieldChecker,
    blank_cells,
    key_type,
    only,
    spread_keys,
    stored_values,
)
from khlang.validators.dialect import Dialect, parse_dialect
from khlang.validators.inputs import existing_file, known_encoding
from khlang.validators.readers import SHEET_FORMATS, TABLE_FORMATS, ReadError, Table, open_table
from khlang.validators.report import DEFAULT_EXAMPLES, Finding, Report, Tally, TaskReport
from khlang.validators.schema import (
    TableSchema,
    descriptor_version,
    load_schema,
    parse_schema,
)
from khlang.validators.sniff import THAI_ENCODING, FormatInfo, sniff_format
from khlang.validators.table import ReferenceKeys, TableValidator, expected_fields

SchemaInput = TableSchema | dict[str, Any] | str | Path | None

PARALLEL_MAX_BYTES = 1 << 30
"""Up to this size a file is read ahead in a thread and a large CSV is parsed in two parts
at once while the rows are checked; beyond it, one thread does all, which is slower but
keeps a 2 GB file under 300 MB of memory."""


@dataclass
class Resource:
    """One table to validate: a file (or the parts of a multipart file), or inline data,
    with what its descriptor says about it."""

    name: str
    place: str
    files: list[Path] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    """Paths with a scheme (https://, sqlite://): not read."""
    data: list[Any] | None = None
    schema: TableSchema | None = None
    dialect: Dialect = field(default_factory=Dialect)
    encoding: str | None = None
    sheet: str | None = None
    innerpath: str | None = None
    compression: str | None = None
    declared_bytes: int | None = None
    declared_hash: str | None = None
    table_type: bool = False
    """The descriptor says `"type": "table"` (frictionless-py reads JSON as a table only then)."""


def _schema(schema: SchemaInput) -> TableSchema | None:
    if schema is None or isinstance(schema, TableSchema):
        return schema
    if isinstance(schema, dict):
        return parse_schema(schema, where="schema")
    if not isinstance(schema, str | Path):
        raise KhlangError(
            t("สคีมาต้องเป็นออบเจกต์ JSON หรือที่อยู่แฟ้ม",
              "a schema is a Table Schema object (dict) or the path of one"),
            where="schema",
        )  # fmt: skip
    return load_schema(schema)


def validate(
    path: str | Path,
    schema: SchemaInput = None,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    examples: int = DEFAULT_EXAMPLES,
    name: str | None = None,
    frictionless: bool = False,
) -> Report:
    """Validate one file: its format and openness, its encoding and, for a table, its
    header, rows and cells against `schema` (a Table Schema path, dict or model). Without a
    schema the types are guessed from the first 100 rows, as frictionless-py guesses them
    (`infer_schema` proposes a schema from every row instead, for an officer to review).
    `examples` is how many errors of each type the report keeps; counts are always exact."""
    started = time.perf_counter()
    if frictionless and glob.has_magic(Path(path).name):
        return _validate_glob(Path(path), schema, examples)
    path = existing_file(path)
    resource = Resource(
        name=name or path.stem, place=str(path), files=[path], schema=_schema(schema),
        encoding=known_encoding(encoding), sheet=sheet,
    )  # fmt: skip
    keys = _reference_loader(resource, {}, frictionless)
    task = _validate_resource(resource, examples, keys, frictionless)
    return Report(tasks=[task], seconds=time.perf_counter() - started)


def _validate_glob(pattern: Path, schema: SchemaInput, examples: int) -> Report:
    """frictionless-py reads a name with `*`, `?` or `[` as a pattern and validates the files
    it matches as a package (`[table].csv` matches t.csv, a.csv...), and a pattern that
    matches nothing as a package without resources, which is invalid."""
    matches = sorted(path for path in pattern.parent.glob(pattern.name) if path.is_file())
    if not matches:
        raise KhlangError(
            t("frictionless-py อ่านชื่อนี้เป็นรูปแบบ glob ซึ่งไม่ตรงกับแฟ้มใด",
              "frictionless-py reads this name as a glob pattern, which matches no file"),
            where=str(pattern),
        )  # fmt: skip
    reports = [validate(path, schema, examples=examples, frictionless=True) for path in matches]
    return Report(tasks=[task for report in reports for task in report.tasks])


def _sniffed(resource: Resource, frictionless: bool) -> FormatInfo:
    info = sniff_format(resource.files[0], by_name=frictionless, innerpath=resource.innerpath,
                        compression=resource.compression)  # fmt: skip
    if len(resource.files) > 1:
        size = sum(part.stat().st_size for part in resource.files)
        info = info.model_copy(update={"parts": tuple(map(str, resource.files)), "size": size})
    return info


def _open(resource: Resource, info: FormatInfo | None, frictionless: bool, **options: Any) -> Table:
    """The resource's table (a file's, or its inline data's)."""
    width = len(resource.schema.fields) if resource.schema else None
    if info is None:
        keys = (
            [f.name for f in resource.schema.fields]
            if resource.schema and resource.data and isinstance(resource.data[0], dict)
            else None
        )
        rows = records.item_records(iter(resource.data or []), keys)
        return records.table_from_records(rows, resource.dialect, width=width)
    return open_table(
        info, encoding=resource.encoding, sheet=resource.sheet, dialect=resource.dialect,
        width=width, keyed_json=not frictionless, **options,
    )  # fmt: skip


def _validate_resource(
    resource: Resource,
    examples: int,
    reference_keys: ReferenceKeys | None,
    frictionless: bool,
) -> TaskReport:
    started = time.perf_counter()
    info = _sniffed(resource, frictionless) if resource.files else None
    tally = Tally(limit=examples)
    task = TaskReport(
        path=resource.place,
        name=resource.name,
        tally=tally,
        format=info,
        encoding=resource.encoding or (info.encoding if info else None),
        bytes=info.size if info else 0,
    )
    if info is not None and info.size == 0:
        tally.add(Finding("source-error", t("แฟ้มว่าง", "the source is empty")))
        return task
    if info is not None:
        _format_warnings(task, info)
        _check_stats(task, resource)
        if info.hidden_compression:
            tally.add(_hidden_compression_finding(info))
            return task
        if frictionless and not _frictionless_table(info, resource):
            return task  # frictionless-py validates such a file as a file: its bytes and hash
    for long_rows in (False, True):
        try:
            parallel = info is None or info.size <= PARALLEL_MAX_BYTES
            table = _open(resource, info, frictionless, long_rows=long_rows, split=parallel)
            schema = _checked_schema(table, resource.schema, frictionless)
            task.labels = table.labels
            task.fields = len(expected_fields(table.labels, schema, table.width))
            validator = TableValidator(table, schema, tally, reference_keys, parallel=parallel)
            try:
                stats = validator.run()
            finally:
                task.rows = validator.stats.rows
            task.warnings.extend(stats.warnings)
        except ReadError as error:
            if error.long_row and not long_rows:  # start again with room for long rows
                task.tally = tally = Tally(limit=examples)
                _check_stats(task, resource)
                continue
            tally.add(Finding(error.code, error.note))
        break
    task.seconds = time.perf_counter() - started
    return task


def _frictionless_table(info: FormatInfo, resource: Resource) -> bool:
    """Whether frictionless-py reads the file as a table: by its name's format, and JSON
    only when the descriptor says `"type": "table"` (a JSON file alone is a JSON document
    to it, valid whatever its rows hold)."""
    name = info.format_name
    if name in ("JSON", "GeoJSON", "JSON-LD"):
        return resource.table_type
    return name in TABLE_FORMATS - {"TXT"} or name in SHEET_FORMATS or name in (
        "NDJSON", "Parquet")  # fmt: skip


def _checked_schema(table: Table, schema: TableSchema | None, frictionless: bool) -> TableSchema:
    """The schema the rows are checked against. Without one, frictionless-py's guess from
    the first 100 rows (its Detector), as frictionless-py validates such a file: a table
    the catalog calls valid must be one its users' Frictionless tools call valid, and a
    column of numbers with a stray word further down is worth a look either way. With
    `frictionless`, the declared schema without `calendar` (a property it does not know)."""
    if schema is None:
        # lazy: frictionless, +139 ms; only a table without a schema
        from frictionless import Detector

        detected = Detector().detect_schema(table.fragment, labels=table.labels)
        return parse_schema(detected.to_descriptor(), where="schema", version="unknown")
    if not frictionless:
        return schema
    fields = [f.model_copy(update={"calendar": None}) for f in schema.fields]
    return schema.model_copy(update={"fields": fields})


def _check_stats(task: TaskReport, resource: Resource) -> None:
    """A descriptor's `bytes` and `hash` against the file's (Frictionless's byte-count and
    hash-count errors); the hash is `md5` unless it says `sha256:...`."""
    if len(resource.files) != 1:
        return
    path = resource.files[0]
    actual = path.stat().st_size
    if resource.declared_bytes and resource.declared_bytes != actual:
        expected = resource.declared_bytes
        task.tally.add(_count_finding("byte-count", expected, actual))
    if resource.declared_hash:
        algorithm, _, declared_digest = resource.declared_hash.rpartition(":")
        algorithm = algorithm or "md5"
        if algorithm in ("md5", "sha256"):
            digest = hashlib.new(algorithm)
            with path.open("rb") as stream:
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)
            if digest.hexdigest() != declared_digest:
                task.tally.add(_count_finding("hash-count", declared_digest, digest.hexdigest()))


def _count_finding(code: str, expected: Any, actual: Any) -> Finding:
    return Finding(
        code,
        t(f'ที่ระบุคือ "{expected}" แต่แฟ้มเป็น "{actual}"',
          f'expected is "{expected}" and actual is "{actual}"'),
    )  # fmt: skip


def _hidden_compression_finding(info: FormatInfo) -> Finding:
    """A compressed file named as a plain text table: frictionless-py, and every tool that
    goes by the name, decodes the compressed bytes as text and fails (an encoding-error)."""
    named = info.declared.name if info.declared else "text"
    kind = info.hidden_compression
    name = Path(info.path).name
    return Finding(
        "encoding-error",
        t(f"แฟ้ม {name} มีชื่อเป็น {named} แต่เนื้อหาถูกบีบอัดแบบ {kind} จึงอ่านเป็นข้อความไม่ได้: "
          f"ตั้งชื่อเป็น {name}.{kind} หรือคลายการบีบอัดก่อน",
          f"{name} is named as {named} but its bytes are {kind}-compressed, which no tool "
          f"reads as text: name it {name}.{kind} or decompress it"),
    )  # fmt: skip


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


def validate_package(
    descriptor: str | Path, *, examples: int = DEFAULT_EXAMPLES, frictionless: bool = False
) -> Report:
    """Validate every resource of a Data Package (`datapackage.json`), with foreign keys
    between its resources (a resource may be a reference table such as the area codes).
    The descriptor is checked first by frictionless-py's own rules (its Data Package
    profile and its checks); the report also says whether the package meets the
    open-format rule."""
    started = time.perf_counter()
    path = existing_file(descriptor)
    package = _read_descriptor(path)
    _check_descriptor(package, path)
    version = descriptor_version(package)
    resources = [_prepare_resource(resource, index, path, version)
                 for index, resource in enumerate(package["resources"])]  # fmt: skip
    by_name = {resource.name: resource for resource in resources}
    report = Report(tasks=[])
    for resource in resources:
        unread = _unreadable(resource)
        if unread is not None:  # in the resource's task, as frictionless-py reports it
            tally = Tally(limit=examples)
            tally.add(unread)
            report.tasks.append(TaskReport(path=resource.place, name=resource.name, tally=tally))
            continue
        for foreign_key in resource.schema.foreign_keys if resource.schema else []:
            target = foreign_key.reference.resource
            if target and target not in by_name:
                raise KhlangError(
                    t(f'คีย์นอกอ้างถึงทรัพยากร "{target}" ซึ่งไม่มีในแพ็กเกจ',
                      f'a foreign key points at resource "{target}", which the package lacks'),
                    where=f"{path}: {resource.name}",
                )  # fmt: skip
        keys = _reference_loader(resource, by_name, frictionless)
        report.tasks.append(_validate_resource(resource, examples, keys, frictionless))
    report.seconds = time.perf_counter() - started
    return report


def _unreadable(resource: Resource) -> Finding | None:
    """Why a resource's data cannot be read at all, in frictionless-py's terms: no path and
    no data, a remote URL (khlang validates the files it has; frictionless-py's download is
    a scheme-error where there is no network), a database URL (a source-error), or a file
    that is not there."""
    if not resource.files and not resource.urls and resource.data is None:
        return Finding("scheme-error", t("ทรัพยากรไม่มีทั้ง path และ data",
                                         "the resource has neither a path nor data"))  # fmt: skip
    for url in resource.urls:
        remote = url.split(":", 1)[0].lower() in ("http", "https")
        return Finding(
            "scheme-error" if remote else "source-error",
            t(f"khlang ไม่อ่านแฟ้มจาก {url}: ดาวน์โหลดแฟ้มมาตรวจ",
              f"khlang does not read {url}: download the file and validate it"),
        )  # fmt: skip
    for part in resource.files:
        if not part.is_file():
            return Finding("scheme-error", t(f"ไม่พบแฟ้ม {part}", f"no such file: {part}"))
    return None


def _read_descriptor(path: Path) -> dict[str, Any]:
    try:
        package = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise KhlangError(
            t(f"อ่าน JSON ไม่ได้: {error}", f"not readable JSON: {error}"), where=str(path)
        ) from None
    if not isinstance(package, dict):
        raise KhlangError(t("ต้องเป็นออบเจกต์ JSON", "must be a JSON object"), where=str(path))
    return package


def _check_descriptor(package: dict[str, Any], path: Path) -> None:
    """frictionless-py's verdict on the descriptor itself (the Data Package profile, unique
    resource names, paths inside the package, schemas and dialects it can load), as one
    KhlangError listing each problem."""

    from frictionless import Package  # lazy: frictionless, +116 ms

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = Package.validate_descriptor(package, basepath=str(path.parent)).errors
        except Exception as error:  # a descriptor frictionless-py cannot even load
            found = [error]
    if not isinstance(package.get("resources"), list) or not package["resources"]:
        found = found or [ValueError("datapackage.json must list at least one resource")]
    if found:
        notes = "; ".join(getattr(error, "note", None) or str(error) for error in found[:10])
        raise KhlangError(
            t(f"datapackage.json ไม่ถูกต้อง: {notes}", f"the package descriptor is invalid: {notes}"),
            where=str(path),
        )


def _prepare_resource(
    resource: dict[str, Any], index: int, package: Path, version: str
) -> Resource:
    where = f"{package}: resources[{index}]"
    base = package.parent
    paths = resource.get("path")
    paths = [paths] if isinstance(paths, str) else paths or []
    urls = [path for path in paths if "://" in path]
    paths = [path for path in paths if "://" not in path]
    for relative in paths:
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            raise KhlangError(
                t(
                    "path ต้องอยู่ภายในโฟลเดอร์ของแพ็กเกจ",
                    "a resource path must stay inside the package",
                ),
                where=where,
            )
    first = (paths + urls)[0] if paths or urls else None
    name = str(resource.get("name") or (Path(first).stem if first else f"resource{index + 1}"))
    encoding = resource.get("encoding")
    return Resource(
        name=name,
        place=first if len(paths + urls) == 1 and first else
        f"{name} ({', '.join(paths + urls) or 'inline data'})",
        files=[base / relative for relative in paths],
        urls=urls,
        data=resource.get("data") if isinstance(resource.get("data"), list) else None,
        schema=_resource_schema(resource.get("schema"), base, where, version),
        dialect=parse_dialect(_dereferenced(resource.get("dialect"), base, f"{where}.dialect"),
                              where=f"{where}.dialect"),
        encoding=known_encoding(encoding) if isinstance(encoding, str) else None,
        innerpath=resource.get("innerpath"),
        compression=resource.get("compression"),
        declared_bytes=resource.get("bytes"),
        declared_hash=resource.get("hash"),
        table_type=resource.get("type") == "table"
        or resource.get("profile") == "tabular-data-resource",
    )  # fmt: skip


def _dereferenced(value: Any, base: Path, where: str) -> Any:
    """A descriptor given as a relative path to a JSON file, loaded."""
    if not isinstance(value, str):
        return value
    path = base / value
    if ".." in Path(value).parts or not path.is_file():
        raise KhlangError(t(f"ไม่พบแฟ้ม {value}", f"file not found: {value}"), where=where)
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise KhlangError(t(f"อ่าน JSON ไม่ได้: {error}", f"not readable JSON: {error}"),
                          where=where) from None  # fmt: skip


def _resource_schema(source: Any, base: Path, where: str, version: str) -> TableSchema | None:
    if isinstance(source, str):
        schema_path = base / source
        if ".." in Path(source).parts or not schema_path.is_file():
            raise KhlangError(t("ไม่พบแฟ้มสคีมา", "schema file not found"), where=f"{where}.schema")
        return load_schema(schema_path, version=version)
    if source is not None:
        return parse_schema(source, where=f"{where}.schema", version=version)
    return None


def _reference_loader(
    resource: Resource, by_name: dict[str, Resource], frictionless: bool
) -> ReferenceKeys:
    """Keys of the resource a foreign key points at (the resource itself when the
    reference names none, or its own name), parsed by that resource's schema."""

    def keys(fields: list[str], target_name: str) -> Iterator[list[pa.Array]]:
        target = by_name.get(target_name, resource) if target_name else resource
        if any(not part.is_file() for part in target.files):
            return
        try:
            info = _sniffed(target, frictionless) if target.files else None
            table = _open(target, info, frictionless)
        except ReadError:
            return
        schema = target.schema
        columns = expected_fields(table.labels, schema, table.width)
        names = [f.name for f in columns]
        positions = [names.index(name) for name in fields if name in names]
        if len(positions) != len(fields):
            return
        checkers = [FieldChecker(columns[p]) for p in positions]
        missing = [schema.field_missing_values(columns[p]) if schema else [""] for p in positions]
        try:
            for batch in table.batches:
                yield [
                    _keys_of(batch, p, checker, values)
                    for p, checker, values in zip(positions, checkers, missing, strict=True)
                ]
        except ReadError:
            return

    def for_foreign_key(fields: list[str]) -> Iterator[list[pa.Array]]:
        foreign_keys = resource.schema.foreign_keys if resource.schema else []
        target = next(fk.reference.resource for fk in foreign_keys if fk.reference.fields == fields)
        return keys(fields, target)

    return for_foreign_key


def _keys_of(batch: Any, position: int, checker: FieldChecker, missing: list[str]) -> pa.Array:
    column = stored_values(batch.columns[position], checker.field)
    _, blank = blank_cells(column, missing)
    typed = batch.natives[position] if batch.natives else None
    if typed is not None:
        blank = blank | [value is None or str(value) in missing for value in typed]
    present = ~blank
    if not present.any():
        dense = None
    elif typed is not None:
        kept = [value for value, keep in zip(typed, present, strict=True) if keep]
        dense = checker.check_typed(kept).keys
    else:
        dense = checker.check(only(column, present)).keys
    return spread_keys(dense, present, key_type(checker.field))
