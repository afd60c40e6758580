"""CKAN's `package_list` pages by `offset`, which the catalog would answer by walking that
many entries of the name index (100,000 at the end of a 100,000-dataset catalog). Here an
offset is turned into a keyset instead: the catalog numbers its names once and sends back
every MARK_EVERY-th (`Catalog.name_marks`), kept until the catalog's change stamp moves;
a page then starts from the mark below its offset and walks fewer than MARK_EVERY entries.

The marks follow the catalog within the change stamp's lifetime (REMEMBER_SECONDS, 2 s; at
once after a publish through this process), as the search index does.
"""

from __future__ import annotations

from khlang.api.state import ApiState
from khlang.catalog import Catalog

MARK_EVERY = 1000
MARKS_SECONDS = 3600.0
"""How long a set of marks is kept while the change stamp stays the same."""


def public_names(state: ApiState, offset: int, limit: int | None) -> list[str]:
    """The public datasets' names from position `offset` (from 0), `limit` of them (all
    the rest with None), in name order: what `names(offset=offset)` gives, without the walk."""
    catalog = state.catalog
    stamp = state.remember(("change-stamp",), catalog.change_stamp)
    every = MARK_EVERY
    marks = state.remember(
        ("name-marks", stamp, every), lambda: catalog.name_marks(every), seconds=MARKS_SECONDS
    )
    return names_at(catalog, marks, every, offset, limit)


def names_at(
    catalog: Catalog, marks: list[str], every: int, offset: int, limit: int | None
) -> list[str]:
    """`catalog.names(offset=offset, limit=limit)` from the mark below `offset`."""
    index = offset // every
    if index >= len(marks):
        return []
    return catalog.names(start=marks[index], offset=offset - index * every, limit=limit)
