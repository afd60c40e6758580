"""What every request of one server process shares: the catalog (whose database answers
searches too), the query engine, and who the caller is.

The API only reads the catalog through its read API and writes through `Catalog.publish`,
the same gate the CLI uses; it never touches the catalog's tables.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request

from khlang.api.feed_cache import FeedCache
from khlang.api.identity import identity_of, token_of
from khlang.api.query.engine import QueryEngine
from khlang.api.settings import ApiSettings
from khlang.catalog import ANONYMOUS, Catalog, Principal
from khlang.catalog.errors import bad_api_key
from khlang.catalog.records import OrganizationRecord

T = TypeVar("T")
INDEXER = Principal(name="khlang-api", sysadmin=True)
"""The API's own reader, for work done for every caller (preparing every table)."""
REMEMBER_SECONDS = 2.0
STAMPED_SECONDS = 3600.0
"""How long `while_unchanged` keeps an answer while the change stamp stays the same."""


PARTS_KEPT = 1_000_000
"""Datasets' serialised descriptions kept for the feed: a catalog of 250,000 datasets in
its four serialisations, or 1,000,000 in one (about 3.5 kB each compressed: 4 GB on disk)."""
PARTS_PRUNE_EVERY = 20_000
"""Writes between two counts of the kept descriptions (a count lists the directory)."""


class ApiState:
    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self.catalog = Catalog.open(settings.home, settings.database_url)
        self.engine = QueryEngine(settings.table_dir, settings.query)
        self.feeds = FeedCache(settings.feed_dir)
        self.feed_parts = FeedCache(settings.feed_parts_dir, max_pages=PARTS_KEPT,
                                    prune_every=PARTS_PRUNE_EVERY)  # fmt: skip
        self._remembered: OrderedDict[tuple, tuple[float, Any]] = OrderedDict()
        self._parts: dict[str, Any] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.engine.close()
        self.catalog.close()

    def remember(
        self, key: tuple, compute: Callable[[], T], *, seconds: float = REMEMBER_SECONDS
    ) -> T:
        """`compute()`, reused for `seconds`: catalog answers that requests in quick
        succession (pages of one table) all need, or answers whose key holds everything
        they depend on (content hashes), kept longer. Errors are not remembered."""
        now = time.monotonic()
        with self._lock:
            found = self._remembered.get(key)
            if found and now - found[0] < seconds:
                return found[1]
        value = compute()
        with self._lock:
            self._remembered[key] = (now, value)
            while len(self._remembered) > 10_000:
                self._remembered.popitem(last=False)
        return value

    def while_unchanged(self, key: tuple, compute: Callable[[], T]) -> T:
        """`compute()`, kept while the catalog's change stamp stays the same (the stamp is
        read at most every REMEMBER_SECONDS): answers that only a publish, a withdrawal or
        a new dataset change, and that cost a pass over the catalog (a count, the name
        marks), so that they are not paid on every request."""
        stamp = self.remember(("change-stamp",), self.catalog.change_stamp)
        return self.remember((*key, stamp), compute, seconds=STAMPED_SECONDS)

    def part(self, key: str, make: Callable[[], T]) -> T:
        """The object a mounted part of the site keeps for this process (the dashboard's
        answers and sources), made on first use. It lives and dies with this state: a
        module-global keyed by `id(state)` outlives it, and a later state at the same address
        would read the answers of another catalog."""
        with self._lock:
            if key not in self._parts:
                self._parts[key] = make()
            return self._parts[key]  # type: ignore[no-any-return]

    def organizations(self) -> dict[str, OrganizationRecord]:
        """Every organisation by name, kept for REMEMBER_SECONDS: pages and CKAN results need
        an organisation's title per dataset, and a national catalog has about 8,000."""
        return self.remember(
            ("organizations",), lambda: {o.name: o for o in self.catalog.organizations()}
        )

    def forget(self) -> None:
        """Drop remembered answers (after a publish through this process)."""
        with self._lock:
            self._remembered.clear()

    def authenticate(self, token: str) -> Principal | None:
        """Asked of the catalog on every request, never remembered: a revoked or expired key
        or a disabled user is refused at once, by every server process (an indexed lookup
        of the key's hash and one of the user's roles)."""
        return self.catalog.accounts.authenticate(token)


def api_state(request: Request) -> ApiState:
    return request.app.state.khlang


def request_token(request: Request) -> str | None:
    return token_of(request.headers)


def caller(request: Request) -> Principal:
    """Who is calling: anonymous without a key; a key that is unknown, revoked, expired or
    malformed is refused (401) rather than silently treated as anonymous. The key was
    verified by IdentityMiddleware; an app without it asks the catalog here."""
    identity = identity_of(request.scope)
    token = identity.token if identity is not None else request_token(request)
    if token is None:
        return ANONYMOUS
    principal = (
        identity.principal if identity is not None else api_state(request).authenticate(token)
    )
    if principal is None:
        raise bad_api_key("Authorization")
    return principal


def visible_organizations(principal: Principal) -> set[str] | None:
    """Organisations whose private datasets the caller may see (None: all, a sysadmin)."""
    if principal.sysadmin:
        return None
    return {name for name in principal.roles if principal.can_see_private(name)}
