"""Rendering pages: one Jinja2 environment with autoescaping on, and what every template
can use (the language, links in the page's language, formatting).

Templates write their text in both languages side by side, `{{ tr("ค้นหา", "Search") }}`, so
a label and its translation are written once, together, and neither can go missing.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from khlang.api.http import base_url
from khlang.api.state import api_state
from khlang.api.web.i18n import Formatter, Lang, language_of, localized, site_path, with_query
from khlang.api.web.synthetic import SyntheticShare, synthetic_share
from khlang.i18n import Text

TEMPLATES = Path(__file__).parent / "templates"
STATIC_PREFIX = "/static/web"
PAGE_CACHE = "public, max-age=60"


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = _static
    env.filters["safe_svg"] = safe_svg
    return env


@functools.cache
def _static(name: str) -> str:
    """A static file's URL with its content version, so it can be cached for a year."""
    path = Path(__file__).parent / "static" / name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return f"{STATIC_PREFIX}/{name}?v={digest}"


class PageContext:
    """What a template knows about the request it answers."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.lang: Lang = language_of(request.url.path)
        self.path = site_path(request.url.path)
        self.fmt = Formatter(self.lang)

    @property
    def dashboard(self) -> bool:
        """Whether the budget dashboard is mounted (pages link to it only then)."""
        return bool(self.request.app.state.khlang.settings.dashboard)

    def tr(self, th: str, en: str) -> str:
        return en if self.lang == "en" else th

    def text(self, value: Text | dict[str, str] | None) -> str:
        return self.fmt.text(value)

    def url(self, path: str, params: Any = None) -> str:
        """A site path in the page's language, with query parameters (empty ones dropped)."""
        return with_query(localized(path, self.lang), params)

    def other_language_url(self) -> str:
        other: Lang = "th" if self.lang == "en" else "en"
        query = self.request.url.query
        return localized(self.path, other) + (f"?{query}" if query else "")

    def query_with(self, **changes: Any) -> str:
        """This page's URL with some query parameters replaced (None removes one)."""
        params = [(k, v) for k, v in self.request.query_params.multi_items() if k not in changes]
        for key, value in changes.items():
            if value is None:
                continue
            if isinstance(value, list | tuple):
                params.extend((key, str(item)) for item in value)
            else:
                params.append((key, str(value)))
        return self.url(self.path, params)

    @functools.cached_property
    def synthetic(self) -> SyntheticShare | None:
        """Whether this catalog shows made-up figures (the banner on every page)."""
        return synthetic_share(api_state(self.request))

    def absolute(self, path: str) -> str:
        return base_url(self.request) + path


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    cache_control: str = PAGE_CACHE,
    **context: Any,
) -> HTMLResponse:
    page = PageContext(request)
    html = (
        environment()
        .get_template(template)
        .render(
            page=page,
            lang=page.lang,
            tr=page.tr,
            t=page.text,
            fmt=page.fmt,
            url=page.url,
            **context,
        )
    )
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={
            "Cache-Control": cache_control,
            "Content-Language": page.lang,
            "Vary": "Accept-Encoding",
        },
    )


def safe_svg(svg: str) -> Markup:
    """SVG from the chart renderer, which escapes every text and link it writes."""
    return Markup(svg)  # noqa: S704
