"""Code labels and column roles travel in the published metadata: the publishers write each
coded column's `categories` (English label, khlang's `label_th` and `abbreviation_th`) and
each model column's `rdfType`; the area-budget store keeps the labels of the offered
versions (`area_code_labels`) through publish, withdrawal, reinstatement, rebuild and
`khlang catalog check`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import delete, select

from khlang.catalog import Catalog, Principal
from khlang.catalog.area_budget import labels
from khlang.catalog.area_budget.codes import code_labels
from khlang.catalog.area_budget.maintain import rebuild
from khlang.catalog.database import alembic_config
from khlang.catalog.tables import AreaCodeLabel
from khlang.i18n import Text
from khlang.metadata.field_semantics import AREA_BUDGET, role
from tests.published import published, shared_root

pytestmark = pytest.mark.slow
AGENCY = "chai-nat-provincial-office"
TAO = Text(th="องค์การบริหารส่วนตำบล", en="Sub-district administrative organisation")
SUBSIDY = Text(th="งบเงินอุดหนุน", en="Subsidies")


@pytest.fixture(scope="session")
def samples(tmp_path_factory, worker_id, shared_dir) -> Path:  # type: ignore[no-untyped-def]
    """The sample packages, as `khlang publish` writes them."""
    return published(shared_root(tmp_path_factory, worker_id), shared_dir, "samples")


def _schema(folder: Path, resource: str) -> dict:
    return json.loads((folder / "schemas" / f"{resource}.json").read_text(encoding="utf-8"))


def _rows(catalog: Catalog) -> set[tuple]:
    with catalog.read() as session:
        return set(session.execute(select(AreaCodeLabel.__table__)).all())


def test_published_schemas_carry_code_labels_and_types_and_still_validate(
    samples: Path,
) -> None:
    folder = samples / f"{AGENCY}-lao-benchmark"
    fields = {field["name"]: field for field in _schema(folder, "lao-benchmark")["fields"]}
    lao_type = fields["lao_type"]
    tao = next(item for item in lao_type["categories"] if item["value"] == "TAO")
    assert tao == {"value": "TAO", "label": TAO.en, "label_th": TAO.th, "abbreviation_th": "อบต."}
    # Table Schema v2: the enum is within the categories, the labels of a field unique
    values = [item["value"] for item in lao_type["categories"]]
    assert set(lao_type["constraints"]["enum"]) <= set(values)
    assert len({item["label"] for item in lao_type["categories"]}) == len(values)
    assert fields["budget_per_capita"]["rdfType"] == AREA_BUDGET + "budget_per_capita"
    assert role(fields["budget_per_capita"]) == "budget_per_capita"
    report = frictionless.validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])[:5]


def test_the_store_keeps_the_labels_of_the_offered_versions(
    catalog: Catalog, publish, operator: Principal, samples: Path
) -> None:
    benchmark = samples / f"{AGENCY}-lao-benchmark"
    allocation = samples / f"{AGENCY}-budget-allocation"
    publish(benchmark)
    publish(allocation)
    found = code_labels(catalog)
    assert found.label("lao_type", "TAO") == TAO
    assert next(t for t in found.terms("lao_type") if t.code == "TAO").abbreviation == "อบต."
    assert found.label("budget_type", "subsidy") == SUBSIDY
    assert found.codes("phase")[:2] == ["requested", "allocated"]  # the vocabulary's order
    assert found.label("lao_type", "no-such-type") is None
    stored = _rows(catalog)
    assert catalog.check(actor=operator).ok

    # withdrawing the only dataset that labels LAO types takes its labels away
    name = json.loads((benchmark / "datapackage.json").read_text(encoding="utf-8"))["name"]
    catalog.withdraw(name, actor=operator)
    assert code_labels(catalog).terms("lao_type") == ()
    assert code_labels(catalog).label("budget_type", "subsidy") == SUBSIDY
    assert catalog.check(actor=operator).ok
    catalog.reinstate(name, actor=operator)
    assert _rows(catalog) == stored

    # a rebuild, and the migration's fill of an empty table, give the same rows
    with catalog.write() as session:
        rebuild(session, catalog.blobs)
    assert _rows(catalog) == stored
    with catalog.write() as session:
        session.execute(delete(AreaCodeLabel))
        labels.fill(session)
    assert _rows(catalog) == stored


def test_check_finds_drifted_labels_and_repair_restores_them(
    catalog: Catalog, publish, operator: Principal, samples: Path
) -> None:
    publish(samples / f"{AGENCY}-lao-benchmark")
    stored = _rows(catalog)
    with catalog.write() as session:
        session.execute(delete(AreaCodeLabel).where(AreaCodeLabel.code == "TAO"))
    report = catalog.check(actor=operator)
    assert {finding.code for finding in report.findings} == {"area-store-labels"}
    assert catalog.check(actor=operator, repair=True).findings
    assert catalog.check(actor=operator).ok
    assert _rows(catalog) == stored


def test_the_migration_fills_the_labels_from_the_schemas_already_stored(
    catalog: Catalog, publish, samples: Path
) -> None:
    publish(samples / f"{AGENCY}-budget-allocation")
    stored = _rows(catalog)
    assert stored
    with catalog.engine.begin() as connection:
        config = alembic_config(connection)
        script = next(
            item
            for item in ScriptDirectory.from_config(config).walk_revisions()
            if item.path.endswith("_area_code_labels.py")
        )
        command.downgrade(config, str(script.down_revision))
        command.upgrade(config, "head")
    assert _rows(catalog) == stored
