"""What one server process keeps between requests (`khlang.api.state.ApiState`)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from khlang.api.settings import ApiSettings
from khlang.api.state import REMEMBER_SECONDS, ApiState
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


@pytest.mark.slow  # two publishes through the gate, and the stamp's 2 s
def test_the_synthetic_banner_follows_a_publish(tmp_path: Path) -> None:
    """Every page's banner reads the synthetic share, kept while the change stamp stays the
    same: a real dataset published beside a demo's changes it once the stamp is read again."""
    from khlang.api.web.synthetic import SyntheticShare, synthetic_share
    from khlang.catalog import Principal
    from khlang.metadata.model import SYNTHETIC_TAGS
    from tests.catalog.folders import write_folder

    operator = Principal.operator("cli:tester")
    with Catalog.open(tmp_path / "home", create=True) as catalog:
        demo = write_folder(tmp_path, "made-up", changes={"tags": list(SYNTHETIC_TAGS)})
        catalog.publish(demo, actor=operator, create_organization=True)
        state = ApiState(ApiSettings(home=tmp_path / "home"))
        try:
            assert synthetic_share(state) == SyntheticShare(synthetic=1, datasets=1)
            catalog.publish(write_folder(tmp_path, "real"), actor=operator)
            time.sleep(REMEMBER_SECONDS + 0.1)  # the stamp is read again after this
            assert synthetic_share(state) == SyntheticShare(synthetic=1, datasets=2)
        finally:
            state.close()
