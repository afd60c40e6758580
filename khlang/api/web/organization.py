"""The organisations list and an organisation's page: who publishes, their datasets, and
their score on the Budget Bureau's data-catalog indicator."""

from __future__ import annotations

from pydantic import BaseModel

from khlang.api import service
from khlang.api.state import ApiState
from khlang.api.web.i18n import Lang
from khlang.api.web.sections import Section, SectionMaker, sections_of
from khlang.catalog import ANONYMOUS
from khlang.catalog.records import OrganizationRecord
from khlang.catalog.search.query import DatasetCard, SearchQuery

MAX_LISTED = 1000


class OrganizationSummary(BaseModel):
    record: OrganizationRecord
    datasets: int


class OrganizationPage(BaseModel):
    record: OrganizationRecord
    parent: OrganizationRecord | None
    datasets: list[DatasetCard]
    score: dict
    """The Budget Bureau indicator (`service.organization_score`), public datasets only."""
    sections: list[Section]
    """What the mounted parts of the site add (the dashboard: what the area-budget picture
    counts of its datasets, beside its own figure)."""


def organizations(state: ApiState) -> list[OrganizationSummary]:
    found = service.search_datasets(state, ANONYMOUS, SearchQuery(rows=0, facet_limit=MAX_LISTED))
    counts = {item.value: item.count for item in found.facets["organization"].items}
    return [
        OrganizationSummary(record=record, datasets=counts.get(record.name, 0))
        for record in state.catalog.organizations()
    ]


def organization_page(
    state: ApiState,
    name: str,
    *,
    base: str,
    lang: Lang,
    sections: tuple[SectionMaker, ...] = (),
) -> OrganizationPage:
    """Raises the catalog's NotFoundError for an unknown organisation."""
    record = state.catalog.organization(name)
    parent = state.catalog.organization(record.parent) if record.parent else None
    found = service.search_datasets(
        state,
        ANONYMOUS,
        SearchQuery(
            filters=[("organization", frozenset({record.name}))],
            sort="title",
            rows=MAX_LISTED,
            facets=(),
        ),
    )
    return OrganizationPage(
        record=record,
        parent=parent,
        datasets=found.results,
        score=service.organization_score(state, record.name),
        sections=sections_of(sections, state, "organization", record.name, base=base, lang=lang),
    )
