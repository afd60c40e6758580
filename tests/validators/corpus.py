"""A generated corpus of good and broken tables: every Table Schema type and format, every
constraint, missing values, keys and structural faults, written as CSV with a seeded random
mix of good and bad cells. The equivalence suite runs khlang and frictionless-py over it;
the unit tests use its field table to check each type one by one."""

from __future__ import annotations

import csv
import io
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

# (field descriptor, good cells, bad cells): bad cells are type or constraint errors.
FIELDS: list[tuple[dict[str, Any], list[str], list[str]]] = [
    ({"type": "integer"}, ["0", "42", "-7", "+7", " 12 ", "๑๒", "1_000", "007"],
     ["1.5", "abc", "12a", "0x10", "1e3", "๑.๒"]),
    ({"type": "integer", "bareNumber": False}, ["12 บาท", "฿12", "-3 units"], ["บาท", "x"]),
    ({"type": "number"}, ["3.14", "-2", "1e3", ".5", "5.", "NaN", "Infinity", "๓.๑๔", " 7 "],
     ["1,000", "abc", "1..2", "--1", "1.5.6"]),
    ({"type": "number", "groupChar": ","}, ["1,234,567.50", "12", "-1,000"], ["abc", "1,2x"]),
    ({"type": "number", "decimalChar": ",", "groupChar": "."}, ["1.234,5", "7", "0,25"],
     ["1,2,3", "2.5.5,1x"]),
    ({"type": "number", "groupChar": ",", "bareNumber": False},
     ["1,234.50 บาท", "฿99", "12,000บาท"], ["บาท", "ล้าน"]),
    ({"type": "boolean"}, ["true", "False", "TRUE", "1", "0"], ["yes", "T", " true", "ใช่"]),
    ({"type": "boolean", "trueValues": ["ใช่"], "falseValues": ["ไม่ใช่"]}, ["ใช่", "ไม่ใช่"],
     ["true", "0"]),
    ({"type": "date"}, ["2022-01-05", "2565-10-01", "2022-1-5"],
     ["2022-02-30", "05/01/2022", "2022-01-05 ", "20220105", "2022-13-01", "๒๕๖๕-๑๐-๐๑"]),
    ({"type": "date", "format": "%d/%m/%Y"}, ["01/10/2565", "1/2/2022", "29/02/2024"],
     ["2022-01-01", "31/02/2022", "1/2/22"]),
    ({"type": "datetime"}, ["2022-01-05T10:00:00", "2022-01-05T10:00:00Z",
                            "2022-01-05T10:00:00+07:00"],
     ["2022-01-05", "2022-01-05T25:00:00", "yesterday"]),
    ({"type": "datetime", "format": "%d/%m/%Y %H:%M"}, ["01/10/2565 08:30"], ["2565-10-01"]),
    ({"type": "time"}, ["10:00:00", "23:59:59"], ["25:00:00", "10:00", "noon"]),
    ({"type": "year"}, ["2565", "2022", "0001", "๒๕๖๕"], ["22", "20222", "abcd", "-202"]),
    ({"type": "yearmonth"}, ["2022-01", "2565-12"], ["2022-13", "2022/01"]),
    ({"type": "duration"}, ["P1Y2M", "PT1H", "P3D"], ["1 hour", "P"]),
    ({"type": "geopoint"}, ["100.5,13.7", "-0.1, 51.5"], ["200,100", "north"]),
    ({"type": "object"}, ['{"a": 1}', "{}"], ["[1]", "{bad"]),
    ({"type": "array"}, ["[1, 2]", "[]"], ['{"a": 1}', "[1"]),
    ({"type": "string", "format": "email"}, ["officer@dga.or.th", "a.b@example.com"],
     ["not-an-email", "a@", "@b.co"]),
    ({"type": "string", "format": "uri"}, ["https://data.go.th/x", "ftp://host/file"],
     ["data.go.th", "no scheme here"]),
    ({"type": "string", "format": "uuid"}, [str(uuid.UUID(int=7)), str(uuid.UUID(int=99))],
     ["1234", "not-a-uuid"]),
    ({"type": "string"}, ["ข้อความ", "text, with comma", 'a "quoted" word', "two\nlines"], []),
    ({"type": "any"}, ["anything", "1", ""], []),
    # Constraints.
    ({"type": "integer", "constraints": {"minimum": 0, "maximum": 100}}, ["0", "100", "50"],
     ["-1", "101"]),
    ({"type": "number", "constraints": {"minimum": 0.5, "maximum": 1e9}}, ["0.5", "12.75"],
     ["0.25", "-3", "2e9", "NaN"]),
    ({"type": "integer", "constraints": {"enum": [1, 2, 3]}}, ["1", "3", "+2"], ["4", "0"]),
    ({"type": "string", "constraints": {"enum": ["งบลงทุน", "งบดำเนินงาน"]}},
     ["งบลงทุน", "งบดำเนินงาน"], ["งบอื่น", "งบลงทุน "]),
    ({"type": "string", "constraints": {"minLength": 2, "maxLength": 5}}, ["ab", "กขคงจ"],
     ["a", "abcdef"]),
    ({"type": "string", "constraints": {"pattern": "[0-9]{2}"}}, ["10", "96"],
     ["1", "100", "ab"]),
    ({"type": "string", "constraints": {"pattern": "(?=ก)ก.*"}}, ["กขค"], ["ขค"]),
    ({"type": "date", "constraints": {"minimum": "2022-01-01", "maximum": "2565-12-31"}},
     ["2022-01-01", "2565-12-31"], ["2021-12-31", "2566-01-01"]),
    ({"type": "year", "constraints": {"minimum": 2500, "maximum": 2600}}, ["2565", "2500"],
     ["2022", "2601"]),
    ({"type": "string", "constraints": {"required": True}}, ["x"], [""]),
    ({"type": "integer", "missingValues": ["", "-", "n/a"]}, ["-", "n/a", "5", ""], ["na"]),
]  # fmt: skip


@dataclass
class Case:
    name: str
    schema: dict[str, Any]
    rows: list[list[str]]
    header: list[str]
    delimiter: str = ","
    line_terminator: str = "\r\n"
    raw_lines: dict[int, str] = field(default_factory=dict)
    """Row index -> a raw line written instead of the row (blank lines)."""

    def text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.line_terminator)
        writer.writerow(self.header)
        for index, row in enumerate(self.rows):
            if index in self.raw_lines:
                buffer.write(self.raw_lines[index] + self.line_terminator)
            else:
                writer.writerow(row)
        return buffer.getvalue()


def field_name(index: int) -> str:
    return f"f{index}"


def typed_cases(seed: int = 20250101, rows: int = 120) -> list[Case]:
    """Tables of five fields each drawn from FIELDS, every cell good or (10%) bad."""
    rng = random.Random(seed)
    cases = []
    groups = [FIELDS[i : i + 5] for i in range(0, len(FIELDS), 5)]
    for number, group in enumerate(groups):
        fields = [{"name": field_name(i), **spec} for i, (spec, _, _) in enumerate(group)]
        body = []
        for _ in range(rows):
            row = []
            for _, good, bad in group:
                pool = bad if bad and rng.random() < 0.1 else good
                row.append(rng.choice(pool))
            body.append(row)
        cases.append(Case(f"types-{number}", {"fields": fields}, body, [f["name"] for f in fields]))
    return cases


def structural_cases(seed: int = 7) -> list[Case]:
    """Keys, missing values, blank rows, missing and extra cells, header faults, dialects."""
    rng = random.Random(seed)
    base_fields = [
        {"name": "id", "type": "integer", "constraints": {"unique": True}},
        {"name": "province_code", "type": "string", "constraints": {"required": True}},
        {"name": "fiscal_year", "type": "year"},
        {"name": "amount", "type": "number", "groupChar": ","},
        {"name": "note", "type": "string"},
    ]
    names = [f["name"] for f in base_fields]

    def body(count: int) -> list[list[str]]:
        rows = []
        for index in range(count):
            row = [
                str(rng.choice([index + 1, index + 1, index + 1, rng.randint(1, count)])),
                rng.choice(["10", "50", "96", "", "10"]),
                rng.choice(["2565", "2566", "๒๕๖๗", "65"]),
                rng.choice(["1,234.50", "99", "", "1,2,3,x", "5"]),
                rng.choice(["ok", "หมายเหตุ, มีจุลภาค", 'say "hi"', "multi\nline", ""]),
            ]
            fault = rng.random()
            if fault < 0.05:
                row = row[: rng.randint(0, 4)]
            elif fault < 0.10:
                row = row + ["extra"] * rng.randint(1, 2)
            elif fault < 0.13:
                row = [""] * 5
            rows.append(row)
        return rows

    return [
        Case("keys", {"fields": base_fields, "primaryKey": ["id", "fiscal_year"]}, body(300),
             names),
        Case("missing-values", {"fields": base_fields, "missingValues": ["", "-", "NA"]},
             body(200), names),
        Case("blank-lines", {"fields": base_fields}, body(150), names,
             raw_lines={3: "", 40: "", 41: ",,,,", 99: ""}),
        Case("tsv-lf", {"fields": base_fields}, body(150), names, delimiter="\t",
             line_terminator="\n"),
        Case("semicolon", {"fields": base_fields}, body(150), names, delimiter=";"),
        Case("pipe", {"fields": base_fields}, body(150), names, delimiter="|"),
        Case("header-incorrect-and-duplicate", {"fields": base_fields}, body(50),
             ["id", "province", "id", "", "note"]),
        Case("header-extra-label", {"fields": base_fields[:3]}, body(50), names),
        Case("header-missing-label", {"fields": base_fields}, [row[:3] for row in body(50)],
             names[:3]),
        Case("no-schema-constraints", {"fields": [{"name": n} for n in names]}, body(100),
             names),
    ]  # fmt: skip


def corpus() -> list[Case]:
    return typed_cases() + structural_cases()
