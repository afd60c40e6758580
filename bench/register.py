"""Registration speed against a real CKAN: the first push of a catalog of N datasets, a re-run
over the unchanged catalog (which must make no write and no call), and a re-run after one
dataset changed (one write). Prints each figure and the first-push / re-run ratio.

Needs a running CKAN kit:

    bash ../shared/ckan/up.sh && . /tmp/khlang-ckan/env.sh
    /work/venv/bin/python bench/register.py                # 1,000 datasets, gdc profile
    /work/venv/bin/python bench/register.py --count 50     # a quick look

The datasets are published through khlang's real gate first (timed separately) and purged
from CKAN afterwards (unless --keep), so the shared kit does not fill up.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

import ckanapi
from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from khlang.catalog import Catalog, Principal
from khlang.catalog.registration.push import register
from khlang.catalog.registration.settings import Target

EXAMPLE = Path(__file__).resolve().parents[1] / "khlang/metadata/examples/budget-allocation.yaml"
SCHEMA = {
    "fields": [
        {"name": "fiscal_year", "type": "integer"},
        {"name": "district_code", "type": "string"},
        {"name": "amount", "type": "number"},
    ]
}
ORGANIZATIONS = 5


def write_dataset(
    parent: Path, template: dict, run: str, index: int, notes: str | None = None
) -> Path:
    """One dataset folder as `khlang publish` writes it, with its own data and title."""
    name = f"bench-{run}-{index:05d}"
    folder = parent / name
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "schemas").mkdir(exist_ok=True)
    rows = "\n".join(
        f"{2565 + year},50{index % 100:02d},{1000 * index + year}" for year in range(4)
    )
    (folder / "data/allocation.csv").write_text(
        "fiscal_year,district_code,amount\n" + rows + "\n", encoding="utf-8"
    )
    (folder / "schemas/allocation.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    metadata = copy.deepcopy(template)
    organization = f"bench-{run}-org-{index % ORGANIZATIONS}"
    metadata.update(
        name=name,
        owner_org=organization,
        title=f"งบประมาณรายพื้นที่ ชุดทดสอบความเร็ว {run} ลำดับที่ {index}",
    )
    metadata["publisher"]["name"] = organization
    if notes:
        metadata["notes"] = notes
    metadata["resources"][0].update(path="data/allocation.csv", schema="schemas/allocation.json")
    metadata["resources"][0].pop("byte_size", None)
    with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(metadata, handle)
    return folder


def timed(label: str, function):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s", flush=True)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="datasets in the catalog")
    parser.add_argument("--profile", choices=["gdc", "ckan"], default="gdc")
    parser.add_argument(
        "--url", default=os.environ.get("CKAN_URL"), help="CKAN (default $CKAN_URL)"
    )
    parser.add_argument("--database-url", help="catalog database (default: SQLite in a temp home)")
    parser.add_argument("--keep", action="store_true", help="leave the datasets on CKAN")
    options = parser.parse_args()
    if not options.url or not os.environ.get("CKAN_TOKEN"):
        sys.exit("CKAN_URL and CKAN_TOKEN are needed: . /tmp/khlang-ckan/env.sh")

    run = uuid.uuid4().hex[:6]
    work = Path(tempfile.mkdtemp(prefix="khlang-bench-register-"))
    template = YAML(typ="safe").load(EXAMPLE.read_text(encoding="utf-8"))
    operator = Principal.operator("bench")
    catalog = Catalog.open(work / "home", options.database_url, create=True)
    target = Target(
        name=f"bench-{run}",
        url=options.url,
        profile=options.profile,
        public_url="https://khlang.example.go.th",
    )
    print(
        f"khlang register bench: {options.count} datasets, profile {options.profile}, "
        f"{options.url}, catalog {catalog.location.describe()}"
    )
    try:
        folders = [
            write_dataset(work / "out", template, run, index) for index in range(options.count)
        ]
        _, publishing = timed(
            f"publish {options.count} datasets through the gate",
            lambda: [
                catalog.publish(folder, actor=operator, create_organization=True)
                for folder in folders
            ],
        )
        first, first_seconds = timed(
            "first push", lambda: register(catalog, target, actor=operator)
        )
        again, again_seconds = timed(
            "re-run, nothing changed", lambda: register(catalog, target, actor=operator)
        )
        write_dataset(work / "out", template, run, 0, notes="คำอธิบายที่ปรับปรุงแล้ว")
        catalog.publish(folders[0], actor=operator)
        one, one_seconds = timed(
            "re-run, 1 dataset changed", lambda: register(catalog, target, actor=operator)
        )
    finally:
        if not options.keep:
            _purge(options.url, run, options.count)
        catalog.close()

    assert first.count("created") == options.count, first.outcomes[:3]
    assert (again.writes, again.calls) == (0, 0), (again.writes, again.calls)
    assert one.writes == 1, one.writes
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"publish:       {options.count / publishing:8.1f} datasets/s")
    print(
        f"first push:    {first_seconds:8.2f} s  {first.writes} writes, {first.calls} calls "
        f"({options.count / first_seconds:.1f} datasets/s)"
    )
    print(f"re-run:        {again_seconds:8.3f} s  {again.writes} writes, {again.calls} calls")
    print(f"one changed:   {one_seconds:8.3f} s  {one.writes} write, {one.calls} calls")
    print(f"ratio first push / unchanged re-run: {first_seconds / again_seconds:,.0f}x")
    print(f"peak memory:   {peak:.0f} MB")


def _purge(url: str, run: str, count: int) -> None:
    """Remove the bench's datasets and organisations from the shared kit."""
    ckan = ckanapi.RemoteCKAN(url, apikey=os.environ["CKAN_TOKEN"])
    for index in range(count):
        with contextlib.suppress(ckanapi.NotFound):
            ckan.action.dataset_purge(id=f"bench-{run}-{index:05d}")
    for index in range(ORGANIZATIONS):
        with contextlib.suppress(ckanapi.NotFound):
            ckan.action.organization_purge(id=f"bench-{run}-org-{index}")


if __name__ == "__main__":
    main()
