"""The dashboard labels codes and finds its tables from the published metadata: the code
labels the schemas' `categories` carry (kept in the store), the columns by their `rdfType`,
so a benchmark table whose columns are named differently but typed the same feeds the panel
with the same figures, and a schema published before either still works by names."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from khlang.catalog import Catalog
from khlang.catalog.area_budget.codes import code_labels
from khlang.i18n import Text
from tests.web.conftest import make_app
from tests.web.fixture import OPERATOR, ORGANIZATION, dataset_folder

BENCHMARK = "chiang-mai-lao-benchmark"
RENAMED = {"fiscal_year": "year_be", "lao_key": "org_id", "lao_name": "org_name",
           "lao_type": "org_type", "budget_per_capita": "baht_per_person",
           "disbursement_rate": "spent_pct", "rank_in_province": "rank_p",
           "rank_in_type": "rank_t", "province_code": "changwat"}  # fmt: skip
PAGE = "/en/dashboard?year=2568&province=26&lao_type=TAO"


def _benchmark_table(html: str) -> str:
    return html.split('<table class="benchmark">', 1)[1].split("</table>", 1)[0]


def _home(root: Path, change: Callable[[dict], dict]) -> Path:
    """A catalog of the budget lines and a benchmark table whose schema fields `change`
    rewrites (its CSV header follows the new names)."""
    home = root / "home"
    with Catalog.open(home, create=True) as catalog:
        catalog.accounts.create_organization(
            ORGANIZATION, actor=OPERATOR, title=Text(th="สำนักงาน", en="Office")
        )
        catalog.publish(
            dataset_folder(root / "folders", "chiang-mai-budget-allocation"), actor=OPERATOR
        )
        folder = dataset_folder(root / "folders", BENCHMARK)
        schema_path = folder / "schemas" / "lao-benchmark.json"
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        schema["fields"] = [change(dict(field)) for field in schema["fields"]]
        schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
        data = folder / "data" / "lao-benchmark.csv"
        with data.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        rows[0] = [field["name"] for field in schema["fields"]]
        with data.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        catalog.publish(folder, actor=OPERATOR)
    return home


def test_the_dashboard_shows_the_labels_the_published_schemas_carry(client) -> None:
    english = client.get("/en/dashboard?year=2568&province=50").text
    thai = client.get("/dashboard?year=2568&province=50").text
    assert '<td class="type">Sub-district administrative organisation</td>' in english
    assert '<td class="type">องค์การบริหารส่วนตำบล</td>' in thai
    assert "Subsidies" in english
    assert "งบเงินอุดหนุน" in thai
    assert "Economy</th>" in english
    assert "ด้านเศรษฐกิจ</th>" in thai
    # the chart keeps the place name, the LAO type abbreviated as the schema says
    assert "อบต.จอมทอง" in english
    assert "องค์การบริหารส่วนตำบลจอมทอง</a>" in english
    # the first crumb is the catalog's areas, not the country (the demo holds one province)
    assert "All areas in this catalog" in english
    assert "Whole country" not in english
    assert "ทุกพื้นที่ในบัญชีข้อมูล" in thai


@pytest.mark.slow
def test_a_table_with_renamed_but_typed_columns_feeds_the_benchmark_panel(
    client, tmp_path: Path
) -> None:
    def rename(field: dict) -> dict:
        return {**field, "name": RENAMED.get(field["name"], field["name"])}

    home = _home(tmp_path, rename)
    with TestClient(make_app(home), base_url="http://testserver") as renamed:
        page = renamed.get(PAGE).text
    table = _benchmark_table(page)
    assert re.findall(r'data-code="(TAO-26[^"]+)"', table)
    # the same rows and figures as the table under the model's names
    assert table == _benchmark_table(client.get(PAGE).text)
    # the API query behind it is written in the table's own names
    assert "org_type=TAO" in page
    assert "-baht_per_person" in page


@pytest.mark.slow
def test_a_schema_without_types_or_labels_is_read_by_names_and_shows_codes(
    tmp_path: Path,
) -> None:
    """What a catalog holds of datasets published before the publishers wrote `rdfType`
    and `categories`: the panel still finds its columns by name; a code shows itself."""

    def plain(field: dict) -> dict:
        return {k: v for k, v in field.items() if k not in ("rdfType", "categories")}

    home = _home(tmp_path, plain)
    with Catalog.open(home) as catalog:
        labels = code_labels(catalog)
    assert labels.label("lao_type", "TAO") is None
    assert labels.label("budget_type", "subsidy") == Text(th="งบเงินอุดหนุน", en="Subsidies")
    with TestClient(make_app(home), base_url="http://testserver") as old:
        table = _benchmark_table(old.get(PAGE).text)
    assert '<td class="type">TAO</td>' in table
