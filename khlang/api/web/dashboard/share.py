"""A dataset's or an organisation's part of the integrated area-budget picture, for its own
page: what the store counts of it by scope and fiscal year, beside the dashboard's figure
for the same scope and year, and, where the two differ, by how much and why.

The dashboard adds it to those pages through their sections interface
(`khlang.api.web.sections`, `share_section`), so the generic pages never import it.

Issue 13 asks for the same number everywhere, or the difference and its reason on the page.
The reasons are the store's own: the dashboard adds the amounts of other datasets (this one
covers only its publisher's budget lines), and amounts of this dataset that another source
also reports are counted once, from that source (election.py). Both are read from the
store, never guessed: `others` are the datasets the dashboard's figure counts besides the
subject's, `own.duplicates` the subject's amounts left uncounted.
"""

from __future__ import annotations

from pydantic import BaseModel

from khlang.api.area_params import query_string
from khlang.api.service import API
from khlang.api.state import ApiState
from khlang.api.web.dashboard.figures import FigureRow, figure_row, stages_of, store_answers
from khlang.api.web.i18n import Lang, localized, with_query
from khlang.api.web.sections import Section, Subject
from khlang.catalog.area_budget import AreaQuery, Total

BY = ["scope", "fiscal_year"]


class ShareRow(BaseModel):
    scope: str
    fiscal_year: int
    own: FigureRow
    """What the store counts of the subject's amounts."""
    whole: FigureRow
    """The dashboard's figure for the scope and year: every source, each line counted once."""
    others: list[str]
    """The datasets the dashboard's figure also counts."""
    difference: dict[str, float]
    """Stage -> dashboard's figure less the subject's (only stages that differ)."""
    elsewhere: list[str]
    """Stages the subject reports but the store counts from another source only (its own
    figure is then not "no data": its amounts are there, counted once, elsewhere)."""
    dashboard_url: str


class AreaShare(BaseModel):
    subject: Subject
    rows: list[ShareRow]
    stages: list[str]
    api_url: str
    """The API's totals of the subject by scope and year (the `own` columns)."""


def _difference(own: FigureRow, whole: FigureRow, stages: list[str]) -> dict[str, float]:
    found = {}
    for stage in stages:
        mine, everyone = getattr(own, stage), getattr(whole, stage)
        if mine != everyone:
            found[stage] = round((everyone or 0) - (mine or 0), 2)
    return found


def _counted_elsewhere(
    state: ApiState, query: AreaQuery, stages: list[str]
) -> set[tuple[str, int, str]]:
    """(scope, fiscal year, stage) where the subject has amounts of the stage, all left
    uncounted because another source reports the same lines."""
    answers = store_answers(state)
    return {
        (total.key["scope"], total.key["fiscal_year"], stage)
        for stage in stages
        for total in answers.totals(
            state, query.model_copy(update={"stage": [stage]}), BY, uncounted=True
        )  # type: ignore[arg-type]
        if total.duplicates and not total.amounts
    }


def area_share(
    state: ApiState,
    subject: Subject,
    name: str,
    *,
    base: str,
    rows_path: str,
    dashboard_path: str,
) -> AreaShare | None:
    """The subject's rows by scope and fiscal year, newest first; None when the store holds
    no amount of it (a dataset that is not an area-budget source)."""
    query = AreaQuery(**{subject: [name]})
    answers = store_answers(state)
    # a subject whose every amount another source's counts is still a source: shown
    own = answers.totals(state, query, BY, uncounted=True)  # type: ignore[arg-type]
    if not own:
        return None
    whole: dict[tuple, Total] = {
        (total.key["scope"], total.key["fiscal_year"]): total
        for total in answers.totals(state, AreaQuery(), BY)  # type: ignore[arg-type]
    }

    def row(total: Total) -> FigureRow:
        key = total.key
        return figure_row(
            total, name=str(key["fiscal_year"]), code=key["fiscal_year"], href=None, path=rows_path
        )

    own = sorted(own, key=lambda total: (total.key["scope"], -total.key["fiscal_year"]))
    pairs = [(total.key, row(total), row(whole[(total.key["scope"], total.key["fiscal_year"])]))
             for total in own]  # fmt: skip
    stages = stages_of([figures for _, mine, everyone in pairs for figures in (mine, everyone)])
    elsewhere = _counted_elsewhere(state, query, [s for s in stages if any(
        getattr(mine, s) is None and mine.duplicates for _, mine, _ in pairs)])  # fmt: skip
    rows = []
    for key, mine, everyone in pairs:
        scope, year = key["scope"], key["fiscal_year"]
        params = [("year", str(year))] + ([("scope", scope)] if scope != "state" else [])
        rows.append(
            ShareRow(
                scope=scope,
                fiscal_year=year,
                own=mine,
                whole=everyone,
                others=[d for d in everyone.datasets if d not in set(mine.datasets)],
                difference=_difference(mine, everyone, stages),
                elsewhere=[
                    s for s in stages if getattr(mine, s) is None and (scope, year, s) in elsewhere
                ],
                dashboard_url=with_query(dashboard_path, params),
            )
        )
    return AreaShare(
        subject=subject,
        rows=rows,
        stages=stages,
        api_url=f"{base}{API}/area-budget/totals?"
        + query_string(query, by=",".join(BY), uncounted="true"),
    )


def share_section(
    state: ApiState, subject: Subject, name: str, *, base: str, lang: Lang
) -> Section | None:
    """The share as a section of the subject's page (`area_share.html`)."""
    share = area_share(
        state,
        subject,
        name,
        base=base,
        rows_path=localized("/dashboard/amounts", lang),
        dashboard_path=localized("/dashboard", lang),
    )
    return Section(template="area_share.html", model=share) if share else None
