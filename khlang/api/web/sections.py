"""Sections that a mounted part of the site adds to the generic dataset and organisation
pages. The generic pages know only this interface, never the part: the budget dashboard,
when mounted (`khlang.api.web.mount(app, dashboard=True)`), adds its share of the
area-budget picture here (`khlang.api.web.dashboard.share`), so the catalog site works
without the dashboard (issue 18)."""

from __future__ import annotations

from typing import Literal, Protocol

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

from khlang.api.state import ApiState
from khlang.api.web.i18n import Lang

Subject = Literal["dataset", "organization"]


class Section(BaseModel):
    """A block of a page: the template that draws it, given the model as `section.model`."""

    model_config = ConfigDict(frozen=True)

    template: str
    model: BaseModel


class SectionMaker(Protocol):
    """The section a part adds to a dataset's or an organisation's page, or None when it has
    nothing to say of that subject. Called in a worker thread: it may read the catalog."""

    def __call__(
        self, state: ApiState, subject: Subject, name: str, *, base: str, lang: Lang
    ) -> Section | None: ...


def add_section(app: FastAPI, maker: SectionMaker) -> None:
    """Show `maker`'s section on the dataset and organisation pages of `app`."""
    app.state.page_sections = (*section_makers(app), maker)


def section_makers(app: FastAPI) -> tuple[SectionMaker, ...]:
    """The makers the parts mounted on `app` added; none when no part is mounted."""
    return getattr(app.state, "page_sections", ())


def sections_of(
    makers: tuple[SectionMaker, ...],
    state: ApiState,
    subject: Subject,
    name: str,
    *,
    base: str,
    lang: Lang,
) -> list[Section]:
    """Every mounted part's section of one subject, in the order the parts were mounted."""
    found = (maker(state, subject, name, base=base, lang=lang) for maker in makers)
    return [section for section in found if section is not None]
