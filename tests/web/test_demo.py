"""`khlang demo` end to end, as a user runs it: generate, publish, add to the catalog, serve;
then the site and the API answer, and the dashboard's totals are the generator's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pandas as pd
import pytest

from tests.conftest import run_khlang
from tests.web.conftest import DEMO_YEARS as YEARS


@pytest.mark.slow
def test_the_demo_serves_the_site_and_the_api(demo) -> None:
    address, home, seconds = demo
    # A hang guard, not a speed target (bench/ measures speed): well under a minute on an
    # idle machine, it took 226 s on two cores shared with 16 other processes.
    assert seconds < 900
    # a first demo takes minutes on a busy machine: it says what it is doing meanwhile
    said = (home.parent / "demo-stderr.log").read_text(encoding="utf-8")
    assert "Adding them to the catalog …" in said
    assert re.search(r"7/7 \S+ \(\d+ s\)", said)
    with httpx.Client(base_url=address, timeout=60) as client:
        home_page = client.get("/")
        assert home_page.status_code == 200
        assert '<html lang="th">' in home_page.text
        found = client.get("/api/v1/datasets").json()
        assert found["count"] == 7
        assert client.get("/en/dashboard").status_code == 200
        # the dashboard's total for the latest year is what the generator put in the exports
        manifest = json.loads((home / "sources" / "generation.json").read_text("utf-8"))
        year = YEARS.split("-")[1]
        dashboard = client.get("/dashboard", params={"year": year}).text
        footer = dashboard.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
        shown = float(re.findall(r"stage=allocated[^>]*>([\d,.]+)</a>", footer)[0].replace(",", ""))
        assert shown == pytest.approx(float(manifest["totals"][year]["allocated"]) / 1e6, abs=0.01)
        # Chiang Mai's catalog: every amount with a province is Chiang Mai's; the rest is
        # labelled as money of no one province (several provinces, nationwide, central)
        amounts = pd.read_csv(
            home / "published" / "chiang-mai-provincial-office-budget-allocation" / "data"
            / "amounts.csv", dtype=str,
        )  # fmt: skip
        assert set(amounts["province_code"].dropna()) == {"50"}
        elsewhere = amounts[amounts["province_code"].isna()]
        assert set(elsewhere["area_level"]) == {"multiple", "country", "central"}
        # every page of the demo says, visibly, that its figures are synthetic
        dataset = found["results"][0]["name"]
        for path in ("/", "/search", f"/dataset/{dataset}", "/dashboard", "/en/dashboard",
                     "/dashboard/glossary", "/organization", "/no-such-page"):  # fmt: skip
            page = client.get(path).text
            assert 'id="synthetic-note"' in page, path
            assert "ข้อมูลสังเคราะห์" in page or "Synthetic data" in page, path


@pytest.mark.slow
def test_a_finished_demo_is_reused(demo) -> None:
    _, home, _ = demo
    result = run_khlang("demo", "--home", str(home), "--years", YEARS, "--no-serve")
    assert result.returncode == 0, result.stderr
    assert "reusing the demo catalog" in result.stderr


def test_the_demo_never_wipes_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "thesis.txt").write_text("my work", encoding="utf-8")
    result = run_khlang("demo", "--home", str(tmp_path), "--no-serve")
    assert result.returncode == 2
    assert "choose another" in result.stderr
    assert (tmp_path / "thesis.txt").read_text(encoding="utf-8") == "my work"


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        from khlang.cli.demo import _listen
        from khlang.errors import KhlangError

        with pytest.raises(KhlangError, match="choose another with --port"):
            _listen("127.0.0.1", port)
