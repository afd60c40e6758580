"""Fixtures of the metadata tests: the bundled examples, read fresh for each test so a test
may change them."""

from __future__ import annotations

from pathlib import Path

import pytest

from khlang.metadata.files import load_dataset
from khlang.metadata.model import Dataset

EXAMPLES = Path(__file__).resolve().parents[2] / "khlang" / "metadata" / "examples"


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def statistical() -> Dataset:
    """A complete statistical dataset (budget allocation)."""
    return load_dataset(EXAMPLES / "budget-allocation.yaml")


@pytest.fixture
def record() -> Dataset:
    """A complete record dataset (procurement contracts, two resources)."""
    return load_dataset(EXAMPLES / "procurement.yaml")


@pytest.fixture
def agency() -> list[Dataset]:
    """The bundled agency: every example dataset, in file-name order."""
    return [load_dataset(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
