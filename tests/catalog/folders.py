"""Dataset folders as `khlang publish` writes them (docs/architecture.md), for the tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "khlang/metadata/examples/budget-allocation.yaml"

SCHEMA = {
    "fields": [
        {"name": "fiscal_year", "type": "integer"},
        {"name": "district_code", "type": "string"},
        {"name": "amount", "type": "number"},
    ],
    "primaryKey": ["fiscal_year", "district_code"],
}


def example_metadata() -> dict[str, Any]:
    return YAML(typ="safe").load(EXAMPLE.read_text(encoding="utf-8"))


def rows_csv(rows: int = 3, *, offset: int = 0) -> str:
    lines = ["fiscal_year,district_code,amount"]
    lines += [f"2568,50{index + offset:02d},{1000.5 + index}" for index in range(rows)]
    return "\n".join(lines) + "\n"


def write_folder(
    parent: Path,
    name: str,
    *,
    organization: str = "test-org",
    title: str | None = None,
    csv: str | None = None,
    changes: dict[str, Any] | None = None,
    extra_files: dict[str, str] | None = None,
    second_csv: str | None = None,
) -> Path:
    """A complete dataset folder named `name` in `parent`: the example's metadata (with a
    unique title), one CSV resource with its Table Schema (two with `second_csv`, as
    `data/transfers.csv`), and a datapackage.json."""
    folder = parent / name
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "schemas").mkdir(exist_ok=True)
    (folder / "data/allocation.csv").write_text(csv or rows_csv(), encoding="utf-8")
    (folder / "schemas/allocation.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    for relative, text in (extra_files or {}).items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    metadata = example_metadata()
    metadata.update(name=name, owner_org=organization, title=title or f"งบประมาณทดสอบ {name}")
    metadata["publisher"]["name"] = organization
    resource = metadata["resources"][0]
    resource.pop("byte_size")
    resource.update(path="data/allocation.csv", schema="schemas/allocation.json")
    resource["url"] = f"https://khlang.example.go.th/dataset/{name}/allocation.csv"
    package_resources = [{"name": "allocation", "path": "data/allocation.csv", "schema": SCHEMA}]
    if second_csv is not None:
        (folder / "data/transfers.csv").write_text(second_csv, encoding="utf-8")
        second = copy.deepcopy(resource)
        second.update(name="เงินโอน (CSV)", name_en="Transfers (CSV)", path="data/transfers.csv")
        second["url"] = f"https://khlang.example.go.th/dataset/{name}/transfers.csv"
        metadata["resources"].append(second)
        package_resources.append(
            {"name": "transfers", "path": "data/transfers.csv", "schema": SCHEMA}
        )
    for key, value in (changes or {}).items():
        metadata[key] = copy.deepcopy(value)
    with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(metadata, handle)
    package = {"name": name, "resources": package_resources}
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return folder
