"""The dashboard page's model: the selection, its totals, the panels of the area-budget
store, the province map, the LAO benchmark and citizens' needs, and the places a citizen's
typed name matches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from khlang.api.state import ApiState
from khlang.api.web.codes import code_label, code_labels
from khlang.api.web.dashboard import indicators
from khlang.api.web.dashboard.figures import FigureRow, figure_row, store_answers
from khlang.api.web.dashboard.panels import (
    BELOW,
    Panel,
    PanelContext,
    agency_level,
    dimension_panel,
    place_panel,
)
from khlang.api.web.dashboard.province_map import MapPanel, province_map
from khlang.api.web.dashboard.selection import Selection, parse_selection
from khlang.api.web.i18n import Formatter
from khlang.catalog.area_budget import AreaQuery
from khlang.catalog.area_budget.places import Place, find_places, place_name


class Crumb(BaseModel):
    label: str
    url: str | None


class Option(BaseModel):
    code: str
    label: str


class DashboardModel(BaseModel):
    selection: Selection
    years: list[int]
    empty: bool
    """No amount in the store for this scope: nothing published yet."""
    crumbs: list[Crumb]
    totals: FigureRow | None
    places: list[Panel]
    by_type: Panel | None
    by_year: Panel | None
    by_agency: Panel | None
    by_system: Panel | None
    map: MapPanel | None
    benchmark: indicators.BenchmarkPanel | None
    needs: indicators.NeedsPanel | None
    preparing: bool
    found: list[Place]
    """Places matching the name typed in the search box."""
    budget_types: list[Option]
    lao_types: list[Option]
    ministries: list[Option]
    departments: list[Option]
    systems: list[Option]
    hidden: list[tuple[str, str]]
    """The area drilled into, as hidden fields of the filter form."""

    def panel(self, key: str) -> Panel | None:
        """A panel by its key (for the CSV download of one table)."""
        for panel in [*self.places, self.by_type, self.by_year, self.by_agency, self.by_system]:
            if panel is not None and panel.key == key:
                return panel
        return None


async def dashboard(
    state: ApiState,
    params: list[tuple[str, str]],
    fmt: Formatter,
    *,
    base: str,
    url_for: Callable[[list[tuple[str, str]]], str],
    rows_path: str,
) -> DashboardModel:
    selection = parse_selection(params)
    sources = await run_in_threadpool(indicators.find_sources, state, base)
    queries = indicators.Queries(state, fmt)
    names = await indicators.lao_names(queries, sources, selection.province, selection.district)
    benchmark_source = sources.get("benchmark")
    population = (
        await indicators.province_population(queries, benchmark_source)
        if selection.level == "country"
        else {}
    )
    model = await run_in_threadpool(
        _store_part, state, selection, fmt, base, url_for, rows_path, names, population
    )
    selection = model.selection

    def link(**changes: Any) -> str:
        return url_for(selection.params(**changes))

    benchmark = (
        await indicators.benchmark_panel(
            queries, benchmark_source, selection, fmt, link, base, names
        )
        if benchmark_source
        else None
    )
    needs_source = sources.get("needs")
    needs = (
        await indicators.needs_panel(queries, needs_source, selection, fmt)
        if needs_source
        else None
    )
    return model.model_copy(
        update={"benchmark": benchmark, "needs": needs, "preparing": queries.preparing}
    )


def _store_part(
    state: ApiState,
    selection: Selection,
    fmt: Formatter,
    base: str,
    url_for: Callable[[list[tuple[str, str]]], str],
    rows_path: str,
    names: dict[str, str],
    population: dict[str, int],
) -> DashboardModel:
    """Everything the store answers (blocking database reads: run in a worker thread)."""
    answers = store_answers(state)
    # The years of the whole scope: an area or filter without amounts still has its page
    # (saying "no data"), and the years to choose from do not change with it.
    by_year = answers.totals(state, AreaQuery(scope=[selection.scope]), ["fiscal_year"])
    years = sorted((total.key["fiscal_year"] for total in by_year), reverse=True)
    year = selection.year if selection.year in years else (years[0] if years else None)
    selection = selection.model_copy(update={"year": year})

    def link(**changes: Any) -> str:
        return url_for(selection.params(**changes))

    labels = code_labels(state)
    context = PanelContext(
        state=state,
        fmt=fmt,
        labels=labels,
        link=link,
        base=base,
        rows_path=rows_path,
        lao_names=names,
    )
    empty = year is None
    totals = None
    places: list[Panel] = []
    panels: dict[str, Panel | None] = dict.fromkeys(
        ("budget_type", "fiscal_year", "agency", "source_system")
    )
    the_map = None
    if not empty:
        # by scope, which the selection fixes: one row, the selection's total
        grand = answers.totals(state, selection.query(), ["scope"])
        if grand:
            totals = figure_row(
                grand[0], name=fmt.pick("รวม", "Total"), code=None, href=None, path=rows_path
            )
        places = [place_panel(context, selection, level) for level in BELOW[selection.level]]
        panels = {
            "budget_type": dimension_panel(context, selection, "budget_type"),
            "fiscal_year": dimension_panel(context, selection, "fiscal_year"),
            "agency": dimension_panel(context, selection, agency_level(selection)),
            "source_system": dimension_panel(context, selection, "source_system"),
        }
        if selection.level == "country" and places:
            the_map = province_map(
                places[0].rows,
                selection,
                fmt,
                base=base,
                link=link,
                population=population,
                population_source=None,
            )
    return DashboardModel(
        selection=selection,
        years=years,
        empty=empty,
        crumbs=_crumbs(selection, fmt, link, names),
        totals=totals,
        places=places,
        by_type=panels["budget_type"],
        by_year=panels["fiscal_year"],
        by_agency=panels["agency"],
        by_system=panels["source_system"],
        map=the_map,
        benchmark=None,
        needs=None,
        preparing=False,
        found=find_places(selection.place) if selection.place else [],
        budget_types=[Option(code=c, label=code_label(labels, "budget_type", c, fmt))
                      for c in labels.codes("budget_type")],
        lao_types=[Option(code=c, label=code_label(labels, "lao_type", c, fmt))
                   for c in labels.codes("lao_type")],
        ministries=_options(state, selection, "ministry", ministry=None, department=None),
        departments=_options(state, selection, "department", department=None)
        if selection.ministry
        else [],
        systems=_options(state, selection, "source_system", source_system=None),
        hidden=[
            (key, value)
            for key in ("province", "district", "subdistrict", "lao")
            if (value := getattr(selection, key))
        ],
    )  # fmt: skip


def _options(state: ApiState, selection: Selection, by: str, **changes: Any) -> list[Option]:
    """The values a filter can take for the rest of the selection."""
    totals = store_answers(state).totals(state, selection.query(**changes), [by])  # type: ignore[list-item]
    return [
        Option(code=str(total.key[by]), label=str(total.key.get(f"{by}_name") or total.key[by]))
        for total in totals
        if total.key[by] is not None
    ]


def _crumbs(
    selection: Selection, fmt: Formatter, link: Callable[..., str], names: dict[str, str]
) -> list[Crumb]:
    crumbs = [
        Crumb(  # the catalog's areas, which may be one province's (the demo), not the country
            label=fmt.pick("ทุกพื้นที่ในบัญชีข้อมูล", "All areas in this catalog"),
            url=link(province=None, district=None, subdistrict=None, lao=None),
        )
    ]
    steps = (
        ("province", {"district": None, "subdistrict": None, "lao": None}),
        ("district", {"subdistrict": None, "lao": None}),
        ("subdistrict", {"lao": None}),
        ("lao", {}),
    )
    for level, cleared in steps:
        code = getattr(selection, level)
        if code:
            label = (names.get(code) if level == "lao" else None) or place_name(
                level, code, fmt.lang
            )
            crumbs.append(Crumb(label=label or code, url=link(**cleared)))
    crumbs[-1] = crumbs[-1].model_copy(update={"url": None})
    return crumbs
