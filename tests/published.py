"""Every package khlang publishes from the bundled samples and from the three real sources in
../shared/data/real (govspending's Ministry of Interior extract, KaoGeek's FY2565 budget bill,
WeVis's PAO budgets), with the README's `khlang publish` commands, and the two catalogs a user
would build of them with `khlang catalog add`: the sample catalog and the three-agency one.

Publishing the real sources takes minutes, so each folder is built once per test session
however many xdist workers ask for it: the first takes a lock beside it, builds it and leaves
a marker; the others wait on the lock and find the marker."""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_khlang

SAMPLES = ROOT / "khlang" / "publishers" / "samples"


@dataclass(frozen=True)
class Source:
    """One `khlang publish` run: its arguments and the datasets it must publish."""

    arguments: tuple[str, ...]
    agency: str
    datasets: tuple[str, ...]

    def folders(self, out: Path) -> list[Path]:
        return [out / f"{self.agency}-{key}" for key in self.datasets]


def _real(folder: str, adapter: str, agency: str, datasets: tuple[str, ...]) -> Source:
    arguments = ("{real}/" + folder, "--source", adapter, "--agency", agency,
                 "--email", f"opendata@{agency}.example.org", "--reference", "{real}")  # fmt: skip
    return Source(arguments, agency, datasets)


SAMPLE_DATASETS = ("budget-allocation", "disbursement-progress", "projects",
                   "procurement-contracts", "lao-revenue-expenditure", "citizens-needs",
                   "lao-benchmark")  # fmt: skip
BUDGET_DATASETS = ("budget-allocation", "disbursement-progress", "projects")
LAO_DATASETS = ("lao-revenue-expenditure", "lao-benchmark")
SOURCES = {
    # The agency of the samples comes from samples/agency.yaml, as in the README.
    "samples": Source((str(SAMPLES),), "chai-nat-provincial-office", SAMPLE_DATASETS),
    "govspending": _real("govspending_moi", "govspending", "moi-watch", BUDGET_DATASETS),
    "kaogeek": _real("budget_bill_2565", "kaogeek", "budget-bill-watch", BUDGET_DATASETS),
    "wevis": _real("pao_budget_wevis", "wevis", "pao-watch", LAO_DATASETS),
}
CATALOGS = {"samples": ("samples",), "real": ("govspending", "kaogeek", "wevis")}
PACKAGES = [(source, key) for source, spec in SOURCES.items() for key in spec.datasets]
"""(source, dataset key) of every package the tests expect."""


def shared_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The session's temporary folder all xdist workers share."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


def built_once(folder: Path, build: Callable[[Path], None]) -> Path:
    """`folder`, made by `build(folder)` unless another worker of this session made it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    done = folder.with_name(f"{folder.name}.done")
    with folder.with_name(f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            build(folder)
            done.touch()
    return folder


def published(root: Path, shared: Path, source: str) -> Path:
    """The output folder of `khlang publish` for one source."""
    spec = SOURCES[source]

    def build(out: Path) -> None:
        real = str(shared / "data" / "real")
        arguments = [argument.format(real=real) for argument in spec.arguments]
        result = run_khlang("publish", *arguments, "--out", str(out), timeout=1200)
        assert result.returncode in (0, 1), result.stderr  # 1: values the report lists
        report = json.loads((out / "publish-report.json").read_text(encoding="utf-8"))
        status = {item["key"]: item["status"] for item in report["datasets"]}
        assert {key for key, state in status.items() if state == "published"} == set(
            spec.datasets
        ), status

    return built_once(root / "published" / source, build)


def catalog_home(root: Path, shared: Path, catalog: str) -> Path:
    """A catalog home holding the packages of the catalog's sources, added with the CLI."""
    folders = [
        str(folder)
        for source in CATALOGS[catalog]
        for folder in SOURCES[source].folders(published(root, shared, source))
    ]

    def build(home: Path) -> None:
        for command in (("catalog", "init"), ("catalog", "add", *folders)):
            result = run_khlang(*command, "--home", str(home), timeout=1200)
            assert result.returncode == 0, result.stdout + result.stderr

    return built_once(root / "catalogs" / catalog, build)


def dataset_names(catalog: str) -> list[str]:
    return [
        f"{SOURCES[source].agency}-{key}"
        for source in CATALOGS[catalog]
        for key in SOURCES[source].datasets
    ]
