"""What a dataset is found by: its search document, built from its current version.

The text columns (`tree.TEXT_COLUMNS`) hold titles, tags, the organisation's names, notes,
resource names and descriptions, and the English labels of vocabulary values, so an English
query finds Thai metadata; the exact values (keyword fields: name, tags, formats, fiscal
years, every GD Catalog field) are what filters and facets count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

from khlang.catalog.search.tree import GDC_KEYWORDS
from khlang.i18n import Text
from khlang.metadata.fields import DATASET_FIELD_BY_KEY
from khlang.metadata.model import Dataset
from khlang.thai import buddhist_year, fiscal_year_of, written_year


class SearchDocument(BaseModel):
    """What the index knows of one dataset."""

    model_config = ConfigDict(frozen=True)

    name: str
    id: str = ""
    organization: str
    private: bool = False
    title: str | None = None
    modified: dt.datetime | None = None
    created: dt.datetime | None = None
    resources: int = 0
    text: dict[str, list[str]]
    """Column (TEXT_COLUMNS) -> texts to index under it."""
    keywords: tuple[tuple[str, str], ...]
    """(keyword field, exact value) pairs, facets among them."""

    def values(self, field: str) -> list[str]:
        return [value for key, value in self.keywords if key == field]


def fiscal_years(dataset: Dataset) -> list[str]:
    """The Buddhist-era fiscal years a dataset covers: its first to last year of data, or
    else its temporal coverage (a fiscal year runs October to September)."""
    first = _year(dataset.first_year_of_data)
    last = _year(dataset.last_year_of_data) or first
    if first is None and dataset.temporal and dataset.temporal.start:
        first = fiscal_year_of(dataset.temporal.start)
        end = dataset.temporal.end
        last = fiscal_year_of(end) if end else first
    if first is None or last is None or last < first or last - first > 100:
        return []
    return [str(year) for year in range(first, last + 1)]


def _year(value: str | None) -> int | None:
    year = written_year(value)
    return None if year is None else buddhist_year(year)


def document_for(
    dataset: Dataset,
    *,
    name: str,
    organization: str,
    organization_title: Text | None = None,
    organization_id: str | None = None,
    modified: dt.datetime | None = None,
    created: dt.datetime | None = None,
    dataset_id: str = "",
) -> SearchDocument:
    """The search document of a dataset's current version."""
    formats = sorted({r.format.upper() for r in dataset.resources if r.format})
    vocabulary_labels = []
    for key in ("data_type", "geo_coverage", "data_category"):
        value = getattr(dataset, key)
        spec = DATASET_FIELD_BY_KEY[key]
        term = spec.vocabulary.by_value(value) if value and spec.vocabulary else None
        if term is not None:
            vocabulary_labels.append(term.label.en)
    body = [
        dataset.data_source or "",
        *vocabulary_labels,
        *(
            value
            for value in (dataset.data_type, dataset.geo_coverage, dataset.data_category)
            if value
        ),
    ]
    keywords = {
        "id": [dataset_id] if dataset_id else [],
        "name": [name],
        "organization": [organization],
        "owner_org": [organization_id] if organization_id else [],
        "groups": [code.lower() for code in dataset.themes],
        "tags": list(dict.fromkeys(dataset.tags)),
        "format": formats,
        "fiscal_year": fiscal_years(dataset),
        "capacity": ["private" if dataset.private else "public"],
        "dataset_type": ["dataset"],
        "state": ["active"],
    }
    for key in GDC_KEYWORDS:
        keywords[key] = keyword_values(getattr(dataset, key, None))
    # built from trusted values: no validation of the 40-odd pairs of every document
    return SearchDocument.model_construct(
        name=name,
        id=dataset_id,
        organization=organization,
        private=dataset.private,
        title=dataset.title or name,
        modified=modified,
        created=created,
        resources=len(dataset.resources),
        text={
            "title": [dataset.title or "", dataset.title_en or "", name.replace("-", " ")],
            "tags": list(dataset.tags),
            "organization": [
                organization.replace("-", " "),
                *((organization_title.th, organization_title.en) if organization_title else ()),
            ],
            "notes": [dataset.notes or "", dataset.notes_en or ""],
            "resources": [
                *(r.name or "" for r in dataset.resources),
                *(r.name_en or "" for r in dataset.resources),
                *(r.description or "" for r in dataset.resources),
                *(r.description_en or "" for r in dataset.resources),
            ],
            "body": body,
        },
        keywords=tuple((key, value) for key, values in keywords.items() for value in values),
    )


def keyword_values(value: Any) -> list[str]:
    """A metadata value as the exact strings CKAN indexes: yes/no as "True"/"False", dates
    in ISO form, one string per item of a list."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    items = value if isinstance(value, list | tuple) else [value]
    texts = []
    for item in items:
        if isinstance(item, bool):
            texts.append("True" if item else "False")
        elif isinstance(item, dt.date | dt.datetime):
            texts.append(item.isoformat())
        else:
            texts.append(str(item))
    return texts
