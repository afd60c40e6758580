"""A real catalog for the HTTP tests: two organisations, users of every role with API keys,
and datasets published through the catalog's own gate (metadata check and validators).

    cm-office   chiang-mai-allocation (public, CSV + a text file), cm-private-plan (private)
    nn-office   nakhon-nayok-allocation (public, CSV)
"""

from __future__ import annotations

import copy
import functools
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from khlang.catalog import Catalog, Principal
from khlang.i18n import Text
from khlang.metadata.files import load_dataset
from tests.api.sample import rows, write_csv, write_schema
from tests.migrated import MigratedStore

EXAMPLE = Path(__file__).resolve().parents[2] / "khlang" / "metadata" / "examples"
OPERATOR = Principal.operator("tests")
ROLES = ("member", "editor", "admin")


@dataclass
class TestCatalog:
    home: Path
    keys: dict[str, str] = field(default_factory=dict)
    """Who -> API token: cm-member, cm-editor, cm-admin, nn-editor, sysadmin, cm-editor-scoped."""
    resources: dict[str, dict[str, str]] = field(default_factory=dict)
    """Dataset -> resource file name -> resource id."""


@functools.cache
def _example() -> Any:
    """The example's metadata as ruamel reads it for round trips (a fifth of a second a
    read), read once: callers change a deep copy."""
    return YAML().load((EXAMPLE / "budget-allocation.yaml").read_text(encoding="utf-8"))


def dataset_folder(
    root: Path,
    name: str,
    *,
    organization: str,
    title: str,
    title_en: str,
    province: str = "50",
    private: bool = False,
    parquet: bool = False,
    extra_file: bool = False,
    data: list[dict] | None = None,
    tags: list[str] | None = None,
) -> Path:
    """A folder as `khlang publish` writes it, with complete GD Catalog metadata."""
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    data = rows() if data is None else data
    write_csv(folder / "data" / "allocation.csv", data)
    write_schema(folder / "schemas" / "allocation.json")
    yaml = YAML()
    metadata = copy.deepcopy(_example())
    metadata["name"] = name
    metadata["title"] = title
    metadata["title_en"] = title_en
    metadata["owner_org"] = organization
    metadata["publisher"]["name"] = organization
    metadata["spatial"] = [province]
    metadata["private"] = private
    if tags is not None:
        metadata["tags"] = tags
    if private:
        metadata["data_category"] = "ข้อมูลใช้ภายใน"
        metadata["data_classification"] = "ชั้นเผยแพร่ภายในองค์กร"
        metadata["allow_harvest"] = False
    resources = [
        {
            "name": "งบประมาณที่ได้รับจัดสรร (CSV)",
            "name_en": "Budget allocation (CSV)",
            "description": "งบประมาณที่ได้รับจัดสรร หนึ่งแถวต่อรายการงบประมาณ",
            "description_en": "Allocated budget, one row per budget line.",
            "path": "data/allocation.csv",
            "format": "CSV",
            "schema": "schemas/allocation.json",
        }
    ]
    if parquet:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        table = pacsv.read_csv(folder / "data" / "allocation.csv")
        pq.write_table(table, folder / "data" / "allocation.parquet")
        resources.append(
            {
                "name": "งบประมาณที่ได้รับจัดสรร (Parquet)",
                "name_en": "Budget allocation (Parquet)",
                "description": "ข้อมูลเดียวกันในรูปแบบ Parquet",
                "path": "data/allocation.parquet",
                "format": "Parquet",
                "schema": "schemas/allocation.json",
            }
        )
    if extra_file:
        (folder / "data" / "method.txt").write_text("วิธีการจัดทำข้อมูล\n", encoding="utf-8")
        resources.append(
            {
                "name": "วิธีการจัดทำข้อมูล",
                "description": "คำอธิบายวิธีการจัดทำข้อมูล",
                "path": "data/method.txt",
                "format": "TXT",
            }
        )
    metadata["resources"] = resources
    with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(metadata, handle)
    return folder


def build(root: Path, database_url: str | None = None) -> TestCatalog:
    home = root / "home"
    with Catalog.open(home, database_url, create=True) as catalog:
        built = TestCatalog(home=home, **_fill(catalog, root / "folders"))
    (root / "keys.json").write_text(json.dumps(built.keys), encoding="utf-8")
    (root / "resources.json").write_text(json.dumps(built.resources), encoding="utf-8")
    return built


def fill(catalog: Catalog) -> dict[str, Any]:
    """build's catalog in an open, migrated store (tests/migrated.py's `fill`): the keys'
    tokens and the resources' ids, which seeded() copies return."""
    with tempfile.TemporaryDirectory(prefix="khlang-api-catalog-") as folders:
        return _fill(catalog, Path(folders))


def seeded(root: Path, database_url: str, store: MigratedStore) -> TestCatalog:
    """build's catalog in the empty PostgreSQL schema of `database_url`, home in `root`:
    a copy of the one `store` filled once a session (its statements sent again), where a
    build publishes through the gate and takes a second or more of CPU."""
    home = root / "home"
    return TestCatalog(home=home, **store.seed(home, database_url, fill=fill))


def _fill(catalog: Catalog, folders: Path) -> dict[str, Any]:
    """Organisations, users and keys, and the datasets (written in `folders`) published:
    {"keys": who -> token, "resources": dataset -> file name -> resource id}."""
    keys: dict[str, str] = {}
    resources: dict[str, dict[str, str]] = {}
    accounts = catalog.accounts
    for org, title in (
        ("cm-office", ("สำนักงานจังหวัดเชียงใหม่", "Chiang Mai Office")),
        ("nn-office", ("สำนักงานจังหวัดนครนายก", "Nakhon Nayok Office")),
    ):
        accounts.create_organization(
            org, actor=OPERATOR, title=Text(th=title[0], en=title[1]), catalog_type="area_based"
        )
    for role in ROLES:
        accounts.create_user(f"cm-{role}", actor=OPERATOR)
        accounts.set_member("cm-office", f"cm-{role}", role, actor=OPERATOR)
        keys[f"cm-{role}"] = accounts.create_key(f"cm-{role}", actor=OPERATOR)[1]
    accounts.create_user("nn-editor", actor=OPERATOR)
    accounts.set_member("nn-office", "nn-editor", "editor", actor=OPERATOR)
    keys["nn-editor"] = accounts.create_key("nn-editor", actor=OPERATOR)[1]
    accounts.create_user("root", actor=OPERATOR, sysadmin=True)
    keys["sysadmin"] = accounts.create_key("root", actor=OPERATOR)[1]
    # an admin of both, whose key is scoped to nn-office with the member role only
    accounts.create_user("both", actor=OPERATOR)
    accounts.set_member("cm-office", "both", "admin", actor=OPERATOR)
    accounts.set_member("nn-office", "both", "admin", actor=OPERATOR)
    keys["both-scoped-nn-member"] = accounts.create_key(
        "both", actor=OPERATOR, organization="nn-office", role="member"
    )[1]
    for folder in (
        dataset_folder(
            folders,
            "chiang-mai-allocation",
            organization="cm-office",
            title="งบประมาณที่ได้รับจัดสรรรายพื้นที่ จังหวัดเชียงใหม่",
            title_en="Budget allocation by area, Chiang Mai",
            extra_file=True,
        ),
        dataset_folder(
            folders,
            "cm-private-plan",
            organization="cm-office",
            title="แผนงบประมาณภายใน จังหวัดเชียงใหม่",
            title_en="Internal budget plan",
            private=True,
        ),
        dataset_folder(
            folders,
            "nakhon-nayok-allocation",
            organization="nn-office",
            title="งบประมาณที่ได้รับจัดสรรรายพื้นที่ จังหวัดนครนายก",
            title_en="Budget allocation by area, Nakhon Nayok",
            province="26",
            data=rows(count=90, seed=26),
        ),
    ):
        catalog.publish(folder, actor=OPERATOR, change_note="first version")
    for summary in catalog.datasets(viewer=OPERATOR):
        record = catalog.version(summary.name, viewer=OPERATOR)
        resources[summary.name] = {(item.filename or item.id): item.id for item in record.resources}
    return {"keys": keys, "resources": resources}


def copy_of(template: Path, root: Path) -> TestCatalog:
    """The catalog `build(template)` made, copied to `root` with its folders: a catalog on
    SQLite copies as a unit (khlang/catalog/location.py), in milliseconds where a build takes
    a second or more of CPU. The template is built once a session (conftest.py,
    api_catalog_template) and never changed; each copy is its own to change."""
    shutil.copytree(template, root, dirs_exist_ok=True)
    return TestCatalog(
        home=root / "home",
        keys=json.loads((root / "keys.json").read_text(encoding="utf-8")),
        resources=json.loads((root / "resources.json").read_text(encoding="utf-8")),
    )


def agency_package(name: str, title: str, **extra) -> dict:
    """A package dict as an agency's script sends it to a GD Catalog CKAN."""
    return {
        "name": name,
        "title": title,
        "owner_org": "cm-office",
        "notes": "ข้อมูลงบประมาณรายจ่ายประจำปีของจังหวัดเชียงใหม่ จำแนกตามอำเภอ",
        "data_type": "ข้อมูลสถิติ",
        "maintainer": "กลุ่มงานข้อมูลสารสนเทศ",
        "maintainer_email": "opendata@chiangmai.go.th",
        "tags": [{"name": "งบประมาณ"}, {"name": "เชียงใหม่"}],
        "objective": ["พันธกิจหน่วยงาน"],
        "update_frequency_unit": "ปี",
        "update_frequency_interval": "1",
        "geo_coverage": "จังหวัด",
        "data_source": "สำนักงบประมาณ",
        "data_format": ["CSV"],
        "data_category": "ข้อมูลสาธารณะ",
        "data_classification": "เปิดเผย",
        "license_id": "Open Data Common",
        "accessible_condition": "ไม่มีเงื่อนไข",
        "allow_harvest": "True",
        "data_language": ["ไทย"],
        "groups": [{"name": "econ"}],
        "resources": [],
        **extra,
    }


def dataset_metadata(
    name: str, organization: str, title: str, themes: list[str], private: bool
) -> dict:
    """The example dataset's metadata under another name, organisation, title and themes;
    a private one is classified for internal use and not harvestable."""
    base = load_dataset(EXAMPLE / "budget-allocation.yaml")
    metadata = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    metadata.update(name=name, title=title, owner_org=organization, themes=themes, private=private)
    metadata["publisher"]["name"] = organization
    if private:
        metadata.update(data_category="ข้อมูลใช้ภายใน", data_classification="ชั้นเผยแพร่ภายในองค์กร",
                        allow_harvest=False)  # fmt: skip
    return metadata
