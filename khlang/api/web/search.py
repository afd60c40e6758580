"""The search page: the API's dataset search (same words, facets and ranking) as a form and
plain links, so that it works without scripts and every result page can be bookmarked.

A facet value is a link that adds or removes itself from the query; the page keeps the
facet parameters under the API's own names (`organization`, `data_type`, ...), so the link to
the JSON behind a page is the same query string under `/api/v1/datasets`.
"""

from __future__ import annotations

from pydantic import BaseModel

from khlang.api import service
from khlang.api.state import ApiState
from khlang.api.web.i18n import Formatter, with_query
from khlang.api.web.labels import vocabulary_label
from khlang.catalog import ANONYMOUS
from khlang.catalog.area_budget.places import place, places_named
from khlang.catalog.search.query import FACETS, SORT_ORDERS, DatasetCard, SearchQuery
from khlang.i18n import Text

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 500
MAX_PAGE = 500
SORT_LABELS: dict[str, Text] = {
    "relevance": Text(th="ตรงกับคำค้นมากที่สุด", en="Best match"),
    "modified": Text(th="ปรับปรุงล่าสุด", en="Recently updated"),
    "title": Text(th="ชื่อชุดข้อมูล", en="Title"),
    "name": Text(th="ชื่อ URL", en="URL name"),
}


class FacetItem(BaseModel):
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str


class FacetBlock(BaseModel):
    key: str
    label: str
    items: list[FacetItem]


class PlaceHint(BaseModel):
    """A place whose name the search words are, and its province's datasets."""

    label: str
    province: str
    url: str
    count: int


class SearchPageModel(BaseModel):
    q: str
    sort: str
    page: int
    pages: int
    count: int
    results: list[DatasetCard]
    facets: list[FacetBlock]
    selected: list[FacetItem]
    api_url: str
    truncated_query: bool
    places: list[PlaceHint] = []


def facet_label(facet: str, value: str, fmt: Formatter, organizations: dict[str, Text]) -> str:
    if facet == "organization":
        return fmt.text(organizations[value]) if value in organizations else value
    if facet in ("data_type", "geo_coverage", "data_category"):
        return vocabulary_label(facet, value, fmt)
    if facet == "fiscal_year":
        return fmt.fiscal_year(value)
    return value


def organization_titles(state: ApiState) -> dict[str, Text]:
    return {o.name: o.title or Text(th=o.name, en=o.name) for o in state.organizations().values()}


def run_search(
    state: ApiState,
    params: list[tuple[str, str]],
    fmt: Formatter,
    url_for,
) -> SearchPageModel:
    """`url_for(params)` gives this page's URL with other parameters (in its language)."""
    q = ""
    sort = "relevance"
    page = 1
    filters: dict[str, list[str]] = {facet: [] for facet in FACETS}
    for key, value in params:
        if key == "q":
            q = value
        elif key == "sort" and value in SORT_ORDERS:
            sort = value
        elif key == "page":
            page = _page_number(value)
        elif key in filters and value and value not in filters[key]:
            filters[key].append(value)
    truncated = len(q) > MAX_QUERY_LENGTH
    q = q[:MAX_QUERY_LENGTH]
    query = SearchQuery(
        q=q or None,
        filters=[(facet, frozenset(values)) for facet, values in filters.items() if values],
        sort=sort,  # type: ignore[arg-type]
        start=(page - 1) * PAGE_SIZE,
        rows=PAGE_SIZE,
    )
    found = service.search_datasets(state, ANONYMOUS, query)
    organizations = organization_titles(state)
    kept = [(k, v) for k, v in params if k in ("q", "sort") or k in filters]

    def toggle(facet: str, value: str) -> str:
        selected = value in filters[facet]
        rest = [(k, v) for k, v in kept if not (k == facet and v == value)]
        return url_for(rest if selected else [*rest, (facet, value)])

    blocks = []
    for facet, view in found.facets.items():
        items = [
            FacetItem(
                value=item.value,
                label=facet_label(facet, item.value, fmt, organizations),
                count=item.count,
                selected=item.value in filters[facet],
                toggle_url=toggle(facet, item.value),
            )
            for item in view.items
        ]
        if facet == "fiscal_year":
            items.sort(key=lambda item: item.value, reverse=True)
        if items:
            blocks.append(FacetBlock(key=facet, label=fmt.text(view.label), items=items))
    selected = [
        FacetItem(
            value=value,
            label=f"{fmt.text(FACETS[facet])}: {facet_label(facet, value, fmt, organizations)}",
            count=0,
            selected=True,
            toggle_url=toggle(facet, value),
        )
        for facet, values in filters.items()
        for value in values
    ]
    api_params = [(k, v) for k, v in kept if k != "sort" or v != "relevance"]
    api_params += [("page", str(page))] if page > 1 else []
    return SearchPageModel(
        q=q,
        sort=sort,
        page=page,
        pages=max(1, -(-found.count // PAGE_SIZE)),
        count=found.count,
        results=found.results,
        facets=blocks,
        selected=selected,
        api_url=with_query(f"{service.API}/datasets", api_params),
        truncated_query=truncated,
        places=place_hints(state, q, fmt, url_for) if q and not found.count else [],
    )


_LEVELS = {"district": Text(th="อำเภอ", en="district"),
           "subdistrict": Text(th="ตำบล", en="sub-district")}  # fmt: skip
MAX_PLACE_HINTS = 3


def place_hints(state: ApiState, q: str, fmt: Formatter, url_for) -> list[PlaceHint]:
    """When nothing matches and the words are a district's or sub-district's name: datasets
    say which provinces they cover, not every district in them, so a reader who searches
    for their district (แม่ริม) is pointed to the datasets of its province, when there are
    some, rather than told to use fewer words."""
    hints: list[PlaceHint] = []
    for found in places_named(q):
        province = place("province", found.province)
        if province is None or any(h.province == fmt.text(province.name) for h in hints):
            continue
        name = fmt.text(province.name)
        count = service.search_datasets(state, ANONYMOUS, SearchQuery(q=name, rows=1)).count
        if count:
            level, where = _LEVELS[found.level], found.within or province.name
            label = Text(th=f"{level.th}{found.name.th} ({where.th})",
                         en=f"{found.name.en} {level.en} ({where.en})")  # fmt: skip
            hints.append(PlaceHint(label=fmt.text(label), province=name,
                                   url=url_for([("q", name)]), count=count))  # fmt: skip
        if len(hints) == MAX_PLACE_HINTS:
            break
    return hints


def _page_number(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)
