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

from khlang.catalog.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    PublishRejectedError,
)
from khlang.catalog.principals import ANONYMOUS, Principal
from khlang.catalog.store import Catalog

__all__ = [
    "ANONYMOUS",
    "Catalog",
    "ConflictError",
    "NotFoundError",
    "PermissionDeniedError",
    "Principal",
    "PublishRejectedError",
]
