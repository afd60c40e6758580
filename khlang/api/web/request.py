"""What every page reads of its request, for the generic pages and the mounted parts alike
(the dashboard): the page's language and formatter, from its path, and its query string,
bounded."""

from __future__ import annotations

from fastapi import Request

from khlang.api.web.i18n import Formatter, language_of

MAX_PARAMETERS = 60
MAX_VALUE_LENGTH = 1_000


def query_params(request: Request) -> list[tuple[str, str]]:
    """The query string, bounded: a page never needs more than a few dozen parameters, and
    a value longer than any column value is cut rather than carried into links."""
    items = request.query_params.multi_items()[:MAX_PARAMETERS]
    return [(key[:100], value[:MAX_VALUE_LENGTH]) for key, value in items]


def formatter(request: Request) -> Formatter:
    """Numbers, dates and labels in the language of the page's path (`/en/...`: English)."""
    return Formatter(language_of(request.url.path))
