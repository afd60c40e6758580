"""How one `khlang serve` process is configured: where the catalog is, its public address,
and the limits that keep one caller from starving the others."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel

from khlang.api.feedback_settings import FeedbackSettings
from khlang.api.query.engine import QueryLimits
from khlang.catalog.location import resolve_location

RATE_LIMIT_ENV = "KHLANG_RATE_LIMIT"
"""`anonymous;key` limits in the `limits` library's notation, or `off` (e.g. for a bench)."""
RATE_LIMIT_STORAGE_ENV = "KHLANG_RATE_LIMIT_STORAGE"
HOST_NAMES_ENV = "KHLANG_HOST_NAMES"
"""Comma-separated host names the site answers to (ApiSettings.host_names)."""
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
"""A `limits` storage URI; `redis://host:6379` shares the counts between workers."""


class RateLimits(BaseModel):
    """Requests per caller: an API key gets its own allowance; everyone else is counted per
    IP address. `anonymous` and `key` bound the expensive requests (table queries, downloads,
    the DCAT feed, datastore actions, writes); `reads` bounds the cheap metadata reads served
    from the catalog's indexes, generous enough that bulk clients (a harvest, `ckanapi dump
    datasets --all` of thousands of datasets) finish without a 429. `storage` is a `limits`
    storage URI: `memory://` for one process, `redis://host:6379` to share the counts between
    workers."""

    enabled: bool = True
    anonymous: str = "120/minute"
    key: str = "1200/minute"
    reads: str = "3000/minute"
    storage: str = "memory://"

    @classmethod
    def parse(cls, text: str) -> RateLimits:
        """`120/minute;1200/minute[;3000/minute]` (anonymous;key;reads) or `off`."""
        if text.strip().lower() in ("off", "0", "none"):
            return cls(enabled=False)
        anonymous, key, reads = ([*text.split(";"), "", ""])[:3]
        found = cls(anonymous=anonymous.strip(), key=(key or anonymous).strip())
        return found.model_copy(update={"reads": reads.strip()}) if reads.strip() else found


class ApiSettings(BaseModel):
    home: Path | None = None
    """The catalog's home folder (else KHLANG_HOME, else ./khlang-home)."""
    database_url: str | None = None
    base_url: str | None = None
    """The public address of the site, for absolute links (DCAT IRIs, CKAN resource URLs);
    by default the address the request came to."""
    host_names: list[str] = []
    """Host names the site answers to besides the loopback names (and the host of
    `base_url`); `*` answers to any. A request for another `Host` gets a 400: without
    `base_url` absolute links are built from the Host header, which must not be the
    caller's to choose."""
    site_title: str = "khlang (คลัง)"
    query: QueryLimits = QueryLimits()
    rate_limits: RateLimits = RateLimits()
    cors_origins: list[str] = ["*"]
    prepare_tables: bool = True
    """Build the query tables of every current tabular resource in the background at start."""
    dashboard: bool = True
    """Mount the area-budget dashboard (its pages, links and sitemap entry); the generic
    catalog site works without it."""
    max_upload_bytes: int = 2 * 1024**3
    feedback: FeedbackSettings = FeedbackSettings()
    """Public questions and requests: posting limits, SMTP and webhooks."""

    @property
    def trusted_hosts(self) -> frozenset[str]:
        names = {*LOOPBACK_NAMES, *(name.strip().lower() for name in self.host_names)}
        if self.base_url:
            names.add((urlsplit(self.base_url).hostname or "").lower())
        return frozenset(names - {""})

    @property
    def table_dir(self) -> Path:
        return self._api_dir / "tables"

    @property
    def feed_dir(self) -> Path:
        """Rendered DCAT feed pages (khlang/api/feed_cache.py); workers may share it."""
        return self._api_dir / "feeds"

    @property
    def feed_parts_dir(self) -> Path:
        """Each dataset version's serialised DCAT-AP, of which feed pages are assembled
        (khlang/api/feed_cache.py); workers may share it."""
        return self._api_dir / "feed-parts"

    @property
    def _api_dir(self) -> Path:
        return resolve_location(self.home, self.database_url).home / "api"
