"""The catalog's use of the publishing gate (`khlang.publishers.gate`, the one both
`khlang publish` and `khlang catalog add` run): a version's stored files go through it before
the version may become visible. `Gate` is the seam a test passes its own through."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from khlang.metadata.formats import FileFormat
from khlang.metadata.model import Dataset
from khlang.publishers.gate import GateReport, StagedFile, check
from khlang.validators import sniff_format

Gate = Callable[[Dataset, list[StagedFile]], GateReport]


def sniff(path: Path) -> FileFormat | None:
    """The format of a stored file, from its content (the validators' sniffing)."""
    return sniff_format(path).format


def default_gate(dataset: Dataset, files: list[StagedFile]) -> GateReport:
    """The publishing gate on a version's stored files (exactly the bytes that will be
    served), its findings placed under the dataset's name."""
    return check(dataset, files, source=dataset.name or "")
