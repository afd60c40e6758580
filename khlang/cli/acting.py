"""Opening the catalog and saying who a command acts as: shared by the `catalog` and
`feedback` command groups (so neither imports the other)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from khlang.catalog.errors import bad_api_key
from khlang.catalog.principals import Principal

if TYPE_CHECKING:
    from khlang.catalog.store import Catalog


def open_catalog(home: Path | None, *, create: bool = False) -> Catalog:
    from khlang.catalog.store import Catalog  # lazy: SQLAlchemy, +0.5 s for the CLI's --help

    return Catalog.open(home, create=create)


def actor_of(catalog: Catalog, api_key: str | None, author: str | None = None) -> Principal:
    """Who a command acts as: the key's user (with the key's scope) or the operator."""
    if api_key is None:
        return Principal.operator(author)
    principal = catalog.accounts.authenticate(api_key)
    if principal is None:
        raise bad_api_key("--api-key")
    return principal
