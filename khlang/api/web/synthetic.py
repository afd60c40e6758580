"""Whether the catalog holds made-up figures: a demo catalog (`khlang demo`) or any dataset
built from `khlang generate`'s exports carries the synthetic tag, and every page then says,
before anything else, that its figures are not a real budget. A journalist who lands on a
chart from a search engine must not quote a demo as a fact."""

from __future__ import annotations

from pydantic import BaseModel

from khlang.api import service
from khlang.api.state import ApiState
from khlang.catalog import ANONYMOUS
from khlang.catalog.search.query import SearchQuery
from khlang.metadata.model import SYNTHETIC_TAGS


class SyntheticShare(BaseModel):
    synthetic: int
    """Public datasets tagged as synthetic."""
    datasets: int
    """All public datasets."""

    @property
    def all(self) -> bool:
        return self.synthetic == self.datasets


def synthetic_share(state: ApiState) -> SyntheticShare | None:
    """How many public datasets are synthetic, or None when none is. Every page asks (its
    banner), so the answer is kept while the catalog's change stamp stays the same: two
    searches of the index cost a page 5-20 ms of CPU."""
    return state.while_unchanged(("synthetic-share",), lambda: _count(state))


def _count(state: ApiState) -> SyntheticShare | None:
    tagged = SearchQuery(filters=[("tags", frozenset(SYNTHETIC_TAGS))], rows=0, facets=())
    synthetic = service.search_datasets(state, ANONYMOUS, tagged).count
    if not synthetic:
        return None
    total = service.search_datasets(state, ANONYMOUS, SearchQuery(rows=0, facets=())).count
    return SyntheticShare(synthetic=synthetic, datasets=total)
