"""The catalog store: datasets, immutable versions, files, users, and registration to
CKAN and the GD Catalog.

    from khlang.catalog import Catalog, Principal
    with Catalog.open(home) as catalog:
        catalog.datasets(viewer=principal)           # DatasetSummary list
        catalog.dataset(name, viewer=principal)      # DatasetRecord (current VersionRecord)
        catalog.version(name, 3)                     # VersionRecord: metadata + resources
        catalog.history(name)                        # VersionSummary list, newest first
        catalog.resource_file(name, resource_id)     # ResourceFile: path, media_type, ...
        catalog.accounts.authenticate(token)         # Principal or None
        catalog.publish(folder, actor=principal)     # PublishResult (atomic; see publish.py)

See docs/catalog.md.
"""

from importlib import import_module
from typing import Any

# Imported on first use, so that `khlang --help` and commands that never open a catalog do
# not pay for SQLAlchemy.
_EXPORTS = {
    "ANONYMOUS": "khlang.catalog.principals",
    "Principal": "khlang.catalog.principals",
    "Catalog": "khlang.catalog.store",
    "ConflictError": "khlang.catalog.errors",
    "NotFoundError": "khlang.catalog.errors",
    "PermissionDeniedError": "khlang.catalog.errors",
    "PublishRejectedError": "khlang.catalog.errors",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'khlang.catalog' has no attribute {name!r}")


__all__ = sorted(_EXPORTS)
