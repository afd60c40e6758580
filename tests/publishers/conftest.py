"""Fixtures of the publishers' tests: the real files read in place, the bundled samples,
and one publish of the samples shared by the tests that only read its output."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from khlang.publishers.agency import Agency
from khlang.publishers.publish import publish

SAMPLES = Path(__file__).resolve().parents[2] / "khlang" / "publishers" / "samples"
TODAY = dt.date(2025, 10, 1)


@pytest.fixture(scope="session")
def real_dir(shared_dir: Path) -> Path:
    """`../shared/data/real`: the public files, never copied."""
    return shared_dir / "data" / "real"


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def sample_manifest() -> dict:
    return json.loads((SAMPLES / "generation.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def agency() -> Agency:
    return Agency(name="test-office", email="opendata@test-office.example.go.th",
                  maintainer="กลุ่มงานข้อมูล")  # fmt: skip


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory, agency: Agency):
    """The bundled samples published once: (report, output folder)."""
    out = tmp_path_factory.mktemp("published") / "out"
    report = publish(SAMPLES, agency=agency, out=out, today=TODAY)
    return report, out
