"""Schema inference: Thai-aware types and formats from the whole file, and a proposed schema
the same file then passes."""

from __future__ import annotations

import random

from khlang.validators import infer_schema, validate
from tests.validators.conftest import write_csv


def _budget_rows(count: int) -> list[list[str]]:
    rng = random.Random(11)
    rows = [["id", "fiscal_year", "province_code", "budget_type", "amount", "amount_baht",
             "approved", "approved_th", "active", "note"]]  # fmt: skip
    for index in range(count):
        amount = rng.randint(1_000, 90_000_000)
        rows.append([
            str(index + 1), rng.choice(["2565", "2566", "2567"]), rng.choice(["10", "50", "96"]),
            rng.choice(["งบลงทุน", "งบดำเนินงาน", "งบอุดหนุน"]), f"{amount:,}.{index % 100:02d}",
            f"{amount:,} บาท", f"2022-{1 + index % 12:02d}-{1 + index % 28:02d}",
            f"{1 + index % 28}/{1 + index % 12}/2566", rng.choice(["true", "false"]),
            rng.choice(["", "ถนน", "ประปา"]),
        ])  # fmt: skip
    return rows


def test_infers_thai_formats(tmp_path) -> None:
    path = write_csv(tmp_path / "budget.csv", _budget_rows(3_000))
    schema = infer_schema(path)
    fields = {field["name"]: field for field in schema["fields"]}
    assert fields["id"] == {"name": "id", "type": "integer", "constraints": {"required": True}}
    assert fields["fiscal_year"]["type"] == "year"
    assert fields["fiscal_year"]["calendar"] == "buddhist"
    assert fields["province_code"]["type"] == "integer"
    assert fields["budget_type"]["constraints"]["enum"] == ["งบดำเนินงาน", "งบลงทุน", "งบอุดหนุน"]
    assert (fields["amount"]["type"], fields["amount"]["groupChar"]) == ("number", ",")
    assert fields["amount_baht"]["bareNumber"] is False
    assert fields["approved"]["type"] == "date"
    assert fields["approved_th"]["format"] == "%d/%m/%Y"
    assert fields["approved_th"]["calendar"] == "buddhist"
    assert fields["active"]["type"] == "boolean"
    assert "required" not in fields["note"].get("constraints", {})
    assert validate(path, schema).valid


def test_sample_and_ce_years(tmp_path) -> None:
    rows = [["FISCAL_YEAR", "code"], *([str(2020 + n % 3), f"{n:04d}"] for n in range(500))]
    path = write_csv(tmp_path / "bill.csv", rows)
    fields = infer_schema(path, sample_rows=100)["fields"]
    assert fields[0] == {"name": "FISCAL_YEAR", "type": "year", "calendar": "gregorian"}
    assert fields[1]["type"] == "integer"  # a four-digit code is not a year
    assert "constraints" not in fields[0]  # not every row was seen: nothing is required


def test_one_bad_cell_in_a_hundred_still_proposes_the_type(tmp_path) -> None:
    rows = [["n"], *([str(n)] for n in range(999)), ["n/a"]]
    path = write_csv(tmp_path / "n.csv", rows)
    schema = infer_schema(path)
    assert schema["fields"][0]["type"] == "integer"
    assert validate(path, schema).error_counts == {"type-error": 1}
