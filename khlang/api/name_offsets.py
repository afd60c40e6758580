"""CKAN's `package_list` pages by `offset`, and the DCAT feed's old links by page number,
which the catalog would answer by walking that many entries of the name index (100,000 at
the end of a 100,000-dataset catalog). Here an offset is turned into a keyset instead: the
catalog numbers its names once and sends back every MARK_EVERY-th (`Catalog.name_marks`),
kept until the catalog's change stamp moves; a page then starts from the mark below its
offset and walks fewer than MARK_EVERY entries.
Marks are kept per visibility class (anonymous callers share one set).

The marks follow the catalog within the change stamp's lifetime (REMEMBER_SECONDS, 2 s; at
once after a publish through this process), as the search index does.
"""

from __future__ import annotations

from khlang.api.feed_cache import visibility_class
from khlang.api.state import ApiState
from khlang.catalog import ANONYMOUS, Catalog, Principal

MARK_EVERY = 1000


def names_from(
    state: ApiState, offset: int, limit: int | None, viewer: Principal = ANONYMOUS
) -> list[str]:
    """The names `viewer` sees from position `offset` (from 0), `limit` of them (all the
    rest with None), in name order: what `names(offset=offset)` gives, without the walk."""
    catalog, every = state.catalog, MARK_EVERY
    marks = state.while_unchanged(
        ("name-marks", every, *visibility_class(viewer)),
        lambda: catalog.name_marks(every, viewer=viewer),
    )
    return names_at(catalog, marks, every, offset, limit, viewer)


def names_at(
    catalog: Catalog,
    marks: list[str],
    every: int,
    offset: int,
    limit: int | None,
    viewer: Principal = ANONYMOUS,
) -> list[str]:
    """`catalog.names(offset=offset, limit=limit)` from the mark below `offset`."""
    index = offset // every
    if index >= len(marks):
        return []
    return catalog.names(
        viewer=viewer, start=marks[index], offset=offset - index * every, limit=limit
    )
