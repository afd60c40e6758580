"""The home page: a search box, what the catalog holds, the newest and the most downloaded
datasets, and the organisations that publish."""

from __future__ import annotations

from pydantic import BaseModel

from khlang.api import service
from khlang.api.state import ApiState
from khlang.api.web.downloads import counter_for
from khlang.catalog import ANONYMOUS
from khlang.catalog.search.query import DatasetCard, SearchQuery
from khlang.i18n import Text

SHOWN = 6


class OrganizationCard(BaseModel):
    name: str
    title: Text | None
    datasets: int


class HomeModel(BaseModel):
    datasets: int
    organizations: list[OrganizationCard]
    downloads: int
    fiscal_years: list[str]
    newest: list[DatasetCard]
    most_downloaded: list[tuple[DatasetCard, int]]


def home_model(state: ApiState) -> HomeModel:
    everything = service.search_datasets(state, ANONYMOUS, SearchQuery(sort="modified", rows=SHOWN))
    counts = {item.value: item.count for item in everything.facets["organization"].items}
    titles = {o.name: o.title for o in state.organizations().values()}
    organizations = [
        OrganizationCard(name=name, title=titles.get(name), datasets=count)
        for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    counted = counter_for(state).counts()
    public = state.catalog.dataset_cards([name for name, _ in counted], visible_organizations=set())
    downloads = [(public[name], count) for name, count in counted if name in public]
    years = sorted((item.value for item in everything.facets["fiscal_year"].items), reverse=True)
    return HomeModel(
        datasets=everything.count,
        organizations=organizations,
        downloads=sum(count for _, count in downloads),
        fiscal_years=years,
        newest=everything.results,
        most_downloaded=downloads[:SHOWN],
    )
