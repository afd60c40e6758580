"""Datasets of tables of their own kind: one per file read through a generic mapping.

The standard datasets come from the reconciled model; a table of its own kind is published
as it is, one resource, with the metadata its mapping's `dataset` section gives and the rest
of the GD Catalog's items filled from the data like every other dataset (`describe.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from khlang.publishers.adapters.generic import column_of
from khlang.publishers.datasets import DatasetSpec, ResourceSpec
from khlang.publishers.mapping import ColumnMapping
from khlang.publishers.store import columns_to_arrow
from khlang.publishers.tables import COLUMNS

DATA_FORMATS = {".xlsx": "XLS", ".json": "JSON"}
"""GD Catalog item 12 (รูปแบบการเก็บข้อมูล) of a source file by its suffix; CSV otherwise."""


@dataclass(frozen=True)
class OwnTable:
    """A table read through a generic mapping, waiting in a Parquet file to be published."""

    file: str
    mapping: ColumnMapping
    path: Path
    columns: tuple[str, ...]
    rows: int

    @property
    def data_format(self) -> str:
        return DATA_FORMATS.get(Path(self.file).suffix.lower(), "CSV")


def own_table(frame: pd.DataFrame, mapping: ColumnMapping, file: str, path: Path) -> OwnTable:
    """Write the table the generic adapter read to `path` (typed, amounts as decimals)."""
    columns = [column_of(name, mapping) for name in frame.columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(columns_to_arrow(frame, columns), path)
    return OwnTable(file=file, mapping=mapping, path=path, columns=tuple(frame.columns),
                    rows=len(frame))  # fmt: skip


def table_spec(table: OwnTable) -> DatasetSpec:
    """The dataset of one table of its own kind."""
    info = table.mapping.dataset
    assert info is not None
    location = table.path.as_posix().replace("'", "''")
    own = tuple(
        column_of(name, table.mapping)
        for name in table.columns
        if name not in COLUMNS or name in table.mapping.fields
    )
    resource = ResourceSpec(
        name=info.key,
        title=info.title,
        description=info.description,
        columns=table.columns,
        query=lambda: f"SELECT * FROM read_parquet('{location}')",  # noqa: S608
        fields=own,
    )
    return DatasetSpec(
        key=info.key,
        title=info.title,
        notes=info.description,
        data_type=info.data_type,
        frequency=(info.frequency, "1"),
        requires=(),
        tags=tuple(info.tags),
        themes=tuple(info.themes),
        unit=info.unit,
        resources=(resource,),
    )
