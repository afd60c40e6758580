"""Bulk clients are not throttled into failure: `ckanapi dump datasets --all` of 1,000
datasets from a `khlang serve` with its default rate limits gets every dataset, while the
expensive requests keep their tight limit (tests/api/test_http_rate_limits.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from khlang.catalog import Catalog
from khlang.i18n import Text
from tests.api.catalog_fixture import OPERATOR, dataset_metadata
from tests.api.server import running_khlang

pytestmark = pytest.mark.slow
DATASETS = 1_000


@pytest.fixture(scope="module")
def thousand(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bulk")
    home = root / "home"
    with Catalog.open(home, None, create=True) as catalog:
        catalog.accounts.create_organization(
            "cm-office", actor=OPERATOR, title=Text(th="สำนักงานจังหวัดเชียงใหม่", en="cm-office")
        )
        for number in range(DATASETS):
            name = f"budget-{number:04d}"
            path = root / f"{name}.json"
            metadata = dataset_metadata(name, "cm-office", f"งบประมาณ {number}", ["GOVE"], False)
            path.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
            catalog.publish(path, actor=OPERATOR)
    return home


def test_ckanapi_dump_of_a_thousand_datasets_with_default_limits(thousand, tmp_path) -> None:
    out = tmp_path / "datasets.jsonl"
    scripts = Path(sys.executable).parent  # ckanapi starts its workers as `ckanapi` on PATH
    path = {**os.environ, "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}"}
    with running_khlang(thousand) as url:
        started = time.monotonic()
        done = subprocess.run(
            ["ckanapi", "dump", "datasets", "--all", "-r", url, "-O", str(out), "-q"],
            capture_output=True, text=True, timeout=600, env=path,
        )  # fmt: skip
        seconds = time.monotonic() - started
    # ckanapi does not retry: one refused package_show ends the dump with a traceback
    assert done.returncode == 0, done.stderr[-2000:]
    names = {json.loads(line)["name"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert names == {f"budget-{number:04d}" for number in range(DATASETS)}
    print(f"ckanapi dump of {DATASETS} datasets: {seconds:.1f} s")
