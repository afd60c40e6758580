"""Validating one table against a Table Schema: header, rows, cells, keys.

Each batch of rows is checked column by column (see `cells`), the checks are combined into
masks (blank rows, missing and extra cells, type and constraint errors), and every mask is
counted exactly while only the first examples become `Finding`s. Unique, primary and
foreign keys are collected in a `KeyStore` and checked when the last row has passed.
Frictionless's rules are followed to the letter: a blank row hides its other cell errors,
a type error hides its constraint errors, a missing cell in a required field is also a
constraint error, and fields are matched to the header by position.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from khlang.i18n import Text, t
from khlang.thai import BUDDHIST_ERA_FROM, BUDDHIST_ERA_OFFSET, THAI_DIGITS, TO_ARABIC_DIGITS
from khlang.validators.cells import (
    CellChecks,
    FieldChecker,
    blank_cells,
    key_type,
    only,
    spread_keys,
    stored_values,
)
from khlang.validators.integrity import KeySpec, KeyStore, KeyViolation, display
from khlang.validators.readers import Batch, Table, prefetch
from khlang.validators.report import Finding, Tally
from khlang.validators.schema import SchemaField, TableSchema

ReferenceKeys = Callable[[list[str]], Iterator[list[pa.Array]]]
"""Given the referenced field names, yields batches of their keys (one array per field)."""


@dataclass
class TableStats:
    rows: int = 0
    thai_digits: Counter[str] = field(default_factory=Counter)
    warnings: list[Text] = field(default_factory=list)


def deduplicate(names: list[str]) -> list[str]:
    """Names made unique as Frictionless makes them: a repeated name becomes the first free
    one of name2, name3..."""
    used: set[str] = set()
    result = []
    for name in names:
        new, suffix = name, 2
        while new in used:
            new, suffix = f"{name}{suffix}", suffix + 1
        used.add(new)
        result.append(new)
    return result


def _any_field(name: str) -> SchemaField:
    """An `any` field for a column the schema does not describe (its name may be blank)."""
    return SchemaField.model_construct(name=name, type="any", format="default")


def _normal(name: str, ignore_case: bool) -> str:
    return name.lower() if ignore_case else name


def _matched(labels: list[str], schema: TableSchema, ignore_case: bool) -> list[SchemaField | None]:
    """The schema field each label pairs with: by position (`fieldsMatch` exact), else by
    name; None for a label no field pairs with."""
    if schema.fields_match == "exact":
        return [schema.fields[i] if i < len(schema.fields) else None for i in range(len(labels))]
    by_name: dict[str, SchemaField] = {}
    for schema_field in schema.fields:
        by_name.setdefault(_normal(schema_field.name, ignore_case), schema_field)
    return [by_name.get(_normal(label, ignore_case)) for label in labels]


def expected_fields(
    labels: list[str], schema: TableSchema | None, width: int = 0, *, ignore_case: bool = False
) -> list[SchemaField]:
    """The field each column is read as, as Frictionless pairs them: without a schema, an
    `any` field named after its label (or field1, field2...), names made unique; with one,
    the field the label pairs with (see `_matched`), or an `any` field named after a label
    no field pairs with; without a header, the schema's fields in order."""
    if schema is None:
        names = [label or f"field{number}" for number, label in enumerate(labels, start=1)]
        names = names or [f"field{number}" for number in range(1, width + 1)]
        return [_any_field(name) for name in deduplicate(names)]
    if not labels:
        return list(schema.fields)
    matched = _matched(labels, schema, ignore_case)
    names = deduplicate(
        [found.name if found else label for found, label in zip(matched, labels, strict=True)]
    )
    return [found or _any_field(name) for found, name in zip(matched, names, strict=True)]


def check_header(
    labels: list[str], schema: TableSchema | None, tally: Tally, *, ignore_case: bool = False
) -> None:
    """Frictionless's header errors: labels no field pairs with (extra-label), fields no
    label pairs with (missing-label), and by position blank, duplicate and incorrect labels.
    A table without a header has none."""
    if not labels:
        return
    fields = schema.fields if schema else expected_fields(labels, None)
    mode = schema.fields_match if schema else "exact"
    matched = _matched(labels, schema, ignore_case) if schema else list(fields)
    if mode not in ("subset", "partial"):
        for number, (label, found) in enumerate(zip(labels, matched, strict=True), start=1):
            if found is None:
                tally.add(Finding("extra-label", label=label, field_name="", field_number=number))
    if mode == "partial" and fields and not any(matched):
        tally.add(Finding("unmatched-header"))
    paired = {id(found) for found in matched if found is not None}
    missing = [f for f in fields if id(f) not in paired]
    if mode in ("superset", "partial"):
        keys = set(schema.primary_key) if schema else set()
        missing = [f for f in missing if f.constraints.required or f.name in keys]
    for number, schema_field in enumerate(missing, start=len(labels) + 1):
        tally.add(Finding("missing-label", label="", field_name=schema_field.name,
                          field_number=number))  # fmt: skip
    if mode != "exact":
        return
    for number, (schema_field, label) in enumerate(zip(fields, labels, strict=False), start=1):
        if not label:
            tally.add(
                Finding("blank-label", label="", field_name=schema_field.name, field_number=number)
            )
            continue
        earlier = [str(i) for i, seen in enumerate(labels[: number - 1], start=1) if seen == label]
        if earlier:
            note = ", ".join(earlier)
            tally.add(
                Finding("duplicate-label", t(f'ตำแหน่ง "{note}"', f'at position "{note}"'),
                        label=label, field_name=schema_field.name, field_number=number)
            )  # fmt: skip
        elif _normal(label, ignore_case) != _normal(schema_field.name, ignore_case):
            tally.add(
                Finding("incorrect-label", label=label, field_name=schema_field.name,
                        field_number=number)
            )  # fmt: skip


def _key_specs(schema: TableSchema | None, fields: list[SchemaField]) -> list[KeySpec]:
    if schema is None:
        return []
    position = {f.name: index for index, f in enumerate(fields)}
    specs = [
        KeySpec("unique", f.name, (index,))
        for index, f in enumerate(fields)
        if f.constraints.unique
    ]
    if schema.primary_key and all(name in position for name in schema.primary_key):
        specs.append(
            KeySpec("primary", ", ".join(schema.primary_key),
                    tuple(position[name] for name in schema.primary_key))
        )  # fmt: skip
    for foreign_key in schema.foreign_keys:
        if all(name in position for name in foreign_key.fields):
            specs.append(
                KeySpec("foreign", foreign_key.reference.resource,
                        tuple(position[name] for name in foreign_key.fields))
            )  # fmt: skip
    return specs


class TableValidator:
    """Validates the rows of one table; `run()` returns its stats and fills the tally."""

    def __init__(
        self,
        table: Table,
        schema: TableSchema | None,
        tally: Tally,
        reference_keys: ReferenceKeys | None = None,
        *,
        parallel: bool = True,
    ) -> None:
        self.table = table
        self.parallel = parallel
        self.schema = schema
        self.tally = tally
        self.labels = table.labels
        self.ignore_case = not table.dialect.header_case
        self.fields = expected_fields(
            table.labels, schema, table.width, ignore_case=self.ignore_case
        )
        self.checkers = [FieldChecker(f) for f in self.fields]
        self.missing_values = [
            schema.field_missing_values(f) if schema else [""] for f in self.fields
        ]
        self.specs = _key_specs(schema, self.fields)
        self.key_positions = {position for spec in self.specs for position in spec.positions}
        self.plain = {
            index
            for index, f in enumerate(self.fields)
            if f.type in ("any", "string")
            and f.format == "default"
            and not f.constraints.defined()
            and index not in self.key_positions
        }
        """Fields whose every cell is valid: checked only for blank rows and missing cells."""
        self.reference_keys = reference_keys
        self.stats = TableStats()

    def run(self) -> TableStats:
        if not self.labels and not self.table.fragment:
            self.tally.add(Finding("source-error", t("แฟ้มว่าง", "the source is empty")))
        check_header(self.labels, self.schema, self.tally, ignore_case=self.ignore_case)
        store = KeyStore(self.specs) if self.specs else None
        batches = prefetch(self.table.batches) if self.parallel else self.table.batches
        try:
            for batch in batches:
                self.stats.rows += len(batch)
                keys = self._check_batch(batch)
                if store is not None:
                    store.add(batch.row_numbers, keys)
            if store is not None:
                self._check_keys(store)
        finally:
            if isinstance(batches, prefetch):
                batches.close()
            if store is not None:
                store.close()
        for name, count in self.stats.thai_digits.items():
            self.stats.warnings.append(
                t(
                    f'คอลัมน์ "{name}" มี {count:,} ค่าที่เขียนด้วยเลขไทย (๐-๙) ซึ่งอ่านเป็น 0-9 '
                    "ได้ แต่โปรแกรมอื่นอาจอ่านไม่ได้ ควรใช้เลขอารบิก",
                    f'field "{name}" has {count:,} cells written in Thai digits (๐-๙); they '
                    "read as 0-9 here, as in Frictionless, but other tools may not: write 0-9",
                )
            )
        return self.stats

    # One batch -----------------------------------------------------------------------------

    def _check_batch(self, batch: Batch) -> dict[int, pa.Array]:
        size = len(batch)
        width = len(self.fields)
        batch.columns = [
            *(stored_values(c, f) for c, f in zip(batch.columns, self.fields, strict=False)),
            *batch.columns[width:],
        ]
        # A row is blank when every field's cell is: with no fields, every row (Frictionless).
        blank_row = np.ones(size, dtype=bool)
        blanks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        # Fields that only matter for finding blank rows are looked at last, and not at all
        # once every row is known to have a value.
        order = sorted(range(len(self.fields)), key=lambda index: index in self.plain)
        for index in order:
            column = batch.columns[index]
            typed = batch.natives[index] if batch.natives else None
            if (
                index in self.plain
                and typed is None
                and not column.null_count
                and not blank_row.any()
            ):
                continue
            absent, blank = blank_cells(column, self.missing_values[index])
            if typed is not None:  # a typed value is blank when None, or its str() is missing
                missing = self.missing_values[index]
                blank = absent | np.array(
                    [value is None or str(value) in missing for value in typed], dtype=bool
                )
            blank_row &= blank
            blanks[index] = (absent, blank)
        checks = self._check_columns(batch, blanks)

        if blank_row.any():
            self._report_rows("blank-row", blank_row, batch, t("", ""))
        keys: dict[int, pa.Array] = {}
        for index, (absent, blank) in blanks.items():
            self._report_cells(index, batch, absent, blank, ~blank, checks.get(index), blank_row)
            if index in self.key_positions:
                field_checks = checks.get(index)
                dense = field_checks.keys if field_checks else None
                keys[index] = spread_keys(dense, ~blank, key_type(self.fields[index]))
        self._report_extra_cells(batch, blank_row)
        return keys

    def _check_columns(
        self, batch: Batch, blanks: dict[int, tuple[np.ndarray, np.ndarray]]
    ) -> dict[int, CellChecks]:
        """Each field's present cells checked. In this thread: the batches are parsed in
        others meanwhile (see `prefetch`), and more threads would only wait for each other."""
        checks = {}
        for index, (_, blank) in blanks.items():
            if (index in self.plain and not batch.natives) or blank.all():
                continue
            keys = index in self.key_positions
            typed = batch.natives[index] if batch.natives else None
            if typed is not None:
                present = [value for value, gone in zip(typed, blank, strict=True) if not gone]
                checks[index] = self.checkers[index].check_typed(present, keys=keys)
            elif index not in self.plain:
                column = only(batch.columns[index], ~blank)
                checks[index] = self.checkers[index].check(column, keys=keys)
        return checks

    def _report_cells(
        self,
        index: int,
        batch: Batch,
        absent: np.ndarray,
        blank: np.ndarray,
        present: np.ndarray,
        checks: CellChecks | None,
        blank_row: np.ndarray,
    ) -> None:
        schema_field = self.fields[index]
        name = schema_field.name
        checker = self.checkers[index]
        live = ~blank_row

        def spread(mask: np.ndarray) -> np.ndarray:
            full = np.zeros(len(present), dtype=bool)
            full[present] = mask
            spread_mask: np.ndarray = full & live
            return spread_mask

        def report(
            code: str,
            mask: np.ndarray,
            note: Text,
            hint: Callable[[str], Text | None] | None = None,
        ) -> None:
            self._report_rows(code, mask, batch, note, field_index=index, hint=hint)

        missing = absent & live
        if missing.any():
            report("missing-cell", missing, t("", ""))
        required = schema_field.constraints.required
        if required and (blank & live).any():
            note = t('ข้อกำหนด "required" คือ "True"', 'constraint "required" is "True"')
            report("constraint-error", blank & live, note)
        if checks is None:
            return
        type_label = f"{schema_field.type}/{schema_field.format}"
        type_error = spread(checks.type_error)
        if type_error.any():
            report("type-error", type_error,
                   t(f'ชนิดข้อมูลคือ "{type_label}"', f'type is "{type_label}"'),
                   hint=lambda cell: type_hint(schema_field, cell))  # fmt: skip
        raw = schema_field.constraints.model_dump(by_alias=True)
        for constraint, broken in checks.violations.items():
            mask = spread(broken)
            if mask.any():
                value = raw[constraint]
                note = t(f'ข้อกำหนด "{constraint}" คือ "{value}"',
                         f'constraint "{constraint}" is "{value}"')  # fmt: skip
                hint = checker.pattern.hint if constraint == "pattern" else None
                report("constraint-error", mask, note, hint=hint)
        calendar = spread(checks.calendar_error)
        if calendar.any():
            report("calendar-error", calendar, calendar_note(schema_field),
                   hint=lambda cell: calendar_hint(schema_field, cell, checker))  # fmt: skip
        thai = int(spread(checks.thai_digits & ~checks.type_error).sum())
        if thai:
            self.stats.thai_digits[name] += thai

    def _report_extra_cells(self, batch: Batch, blank_row: np.ndarray) -> None:
        width = len(self.fields)
        for row_index, extra in sorted(batch.extra_cells.items()):
            if blank_row[row_index]:
                continue
            row_number = int(batch.row_numbers[row_index])
            for offset, cell in enumerate(extra, start=width + 1):
                self.tally.add(
                    Finding("extra-cell", row_number=row_number, field_number=offset,
                            field_name="", cell=cell, cells=tuple(batch.cells(row_index)))
                )  # fmt: skip

    def _report_rows(
        self,
        code: str,
        mask: np.ndarray,
        batch: Batch,
        note: Text,
        *,
        field_index: int | None = None,
        hint: Callable[[str], Text | None] | None = None,
    ) -> None:
        """Count every row in `mask`, and make findings of the first few."""
        count = int(mask.sum())
        if not count:
            return
        findings = []
        candidates = np.flatnonzero(mask)
        if len(candidates) > self.tally.limit:  # the first rows by number, not by position
            order = np.argsort(batch.row_numbers[candidates], kind="stable")
            candidates = candidates[order[: self.tally.limit]]
        for row_index in candidates:
            row_number = int(batch.row_numbers[row_index])
            if not self.tally.wants(code, row_number):
                continue
            cell = None
            if field_index is not None:
                cell = batch.cell(field_index, int(row_index))
                cell = "" if cell is None else cell
            findings.append(
                Finding(
                    code,
                    note,
                    row_number=row_number,
                    field_number=None if field_index is None else field_index + 1,
                    field_name=None if field_index is None else self.fields[field_index].name,
                    cell=cell,
                    cells=tuple(batch.cells(int(row_index))),
                    hint=hint(cell) if hint and cell is not None else None,
                )
            )
        self.tally.add_counted(code, count, findings)

    # Keys ----------------------------------------------------------------------------------

    def _check_keys(self, store: KeyStore) -> None:
        for index, spec in enumerate(store.specs):
            if spec.kind == "foreign" and not self._load_reference(store, index):
                continue
            count, violations = store.violations(index, self.tally.limit)
            findings = [self._key_finding(spec, violation) for violation in violations]
            code = {"unique": "unique-error", "primary": "primary-key", "foreign": "foreign-key"}
            self.tally.add_counted(code[spec.kind], count, findings)

    def _load_reference(self, store: KeyStore, index: int) -> bool:
        spec = store.specs[index]
        foreign_key = next(
            fk
            for fk in self.schema.foreign_keys  # type: ignore[union-attr]
            if fk.reference.resource == spec.name
            and tuple(self._position(name) for name in fk.fields) == spec.positions
        )
        if self.reference_keys is None:
            return False
        for keys in self.reference_keys(foreign_key.reference.fields):
            store.add_reference(index, keys)
        return True

    def _position(self, name: str) -> int:
        return next(i for i, f in enumerate(self.fields) if f.name == name)

    def _key_finding(self, spec: KeySpec, violation: KeyViolation) -> Finding:
        shown = [display(value) for value in violation.values]
        if spec.kind == "unique":
            position = spec.positions[0]
            previous = violation.previous_row
            return Finding(
                "unique-error",
                t(f"ซ้ำกับแถวที่ {previous}", f"the same as in the row at position {previous}"),
                row_number=violation.row_number,
                field_number=position + 1,
                field_name=self.fields[position].name,
                cell=shown[0],
            )
        if spec.kind == "primary":
            if violation.previous_row is None:
                note = t('ค่าของคีย์หลักว่างทั้งหมด ("None")',
                         'cells composing the primary keys are all "None"')  # fmt: skip
            else:
                previous = violation.previous_row
                note = t(f"ซ้ำกับแถวที่ {previous}", f"the same as in the row at position {previous}")
            return Finding("primary-key", note, row_number=violation.row_number)
        names = ", ".join(self.fields[p].name for p in spec.positions)
        values = ", ".join(shown)
        fk = next(
            fk
            for fk in self.schema.foreign_keys  # type: ignore[union-attr]
            if fk.reference.resource == spec.name
        )
        target = ", ".join(fk.reference.fields)
        resource = spec.name
        return Finding(
            "foreign-key",
            t(
                f'"{names}": ไม่พบค่า "{values}" ในตารางอ้างอิง "{resource}" ที่ "{target}"',
                f'for "{names}": values "{values}" not found in the lookup table "{resource}" '
                f'as "{target}"',
            ),
            row_number=violation.row_number,
        )


# Likely fixes ------------------------------------------------------------------------------


def type_hint(schema_field: SchemaField, cell: str) -> Text | None:
    """What probably went wrong with a cell of the wrong type, in words an officer can act on."""
    kind = schema_field.type
    stripped = cell.strip()
    if any(digit in cell for digit in THAI_DIGITS):
        latin = cell.translate(TO_ARABIC_DIGITS)
        return t(f'เขียนด้วยเลขไทย ให้ใช้เลขอารบิก "{latin}"', f'Thai digits: write "{latin}"')
    if kind in ("number", "integer"):
        if "บาท" in stripped or "฿" in stripped:
            return t(
                'มีหน่วย "บาท" ปนอยู่ ให้ลบออก หรือกำหนด "bareNumber": false ในสคีมา',
                'the amount carries "บาท"; remove it, or set "bareNumber": false in the schema',
            )
        if "," in stripped and schema_field.group_char != ",":
            return t(
                'มีจุลภาคคั่นหลักพัน ให้ลบออก หรือกำหนด "groupChar": "," ในสคีมา',
                'thousands separators: remove them, or set "groupChar": "," in the schema',
            )
        if kind == "integer" and "." in stripped:
            return t("มีทศนิยม ให้ใช้ชนิด number", "a decimal number: use type number")
    if kind in ("date", "datetime") and "/" in stripped:
        return t(
            'วันที่เขียนแบบ วว/ดด/ปปปป ให้กำหนด "format": "%d/%m/%Y" ในสคีมา',
            'the date is written dd/mm/yyyy: set "format": "%d/%m/%Y" in the schema',
        )
    if kind == "boolean":
        values = ", ".join(schema_field.true_values + schema_field.false_values)
        return t(f"ค่าที่ใช้ได้: {values}", f"allowed values: {values}")
    return None


def calendar_note(schema_field: SchemaField) -> Text:
    if schema_field.calendar == "buddhist":
        return t("คอลัมน์นี้ใช้ปีพุทธศักราช (พ.ศ.)", 'the field\'s calendar is "buddhist" (BE)')
    return t("คอลัมน์นี้ใช้ปีคริสต์ศักราช (ค.ศ.)", 'the field\'s calendar is "gregorian" (CE)')


def calendar_hint(schema_field: SchemaField, cell: str, checker: FieldChecker) -> Text | None:
    value = checker.read_value(cell)
    year = value if isinstance(value, int) else getattr(value, "year", None)
    if year is None:
        return None
    buddhist = schema_field.calendar == "buddhist"
    fixed = year + BUDDHIST_ERA_OFFSET if buddhist else year - BUDDHIST_ERA_OFFSET
    if (buddhist and fixed < BUDDHIST_ERA_FROM) or (not buddhist and fixed <= 0):
        return None
    text = cell.replace(str(year), str(fixed), 1)
    era_th, era_en = ("พ.ศ.", "BE") if buddhist else ("ค.ศ.", "CE")
    return t(f'น่าจะเป็น {era_th} "{text}"', f'likely {era_en} "{text}"')
