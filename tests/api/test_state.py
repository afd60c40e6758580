"""What one server process keeps between requests (`khlang.api.state.ApiState`)."""

from __future__ import annotations

from pathlib import Path

from khlang.api.settings import ApiSettings
from khlang.api.state import ApiState
from khlang.catalog import Catalog


def test_a_mounted_part_keeps_its_objects_in_its_own_state(tmp_path: Path) -> None:
    """The dashboard's answers and sources live in the state (`ApiState.part`): made once per
    state, never handed to another state's catalog, as a module-global keyed by `id(state)`
    could be once the first state is gone and a new one takes its address."""
    Catalog.open(tmp_path, create=True).close()
    first = ApiState(ApiSettings(home=tmp_path))
    second = ApiState(ApiSettings(home=tmp_path))
    try:
        kept = first.part("dashboard.sources", dict)
        kept["base"] = "first catalog's sources"
        assert first.part("dashboard.sources", dict) is kept
        assert second.part("dashboard.sources", dict) == {}
    finally:
        first.close()
        second.close()
