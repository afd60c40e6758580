"""Time of the dashboard's pages over HTTP, as a browser gets them: a real uvicorn server on
a free port over a catalog home (e.g. bench/integrate.py's national store), for each page
kind (country, province, district, LAO) several places asked in turn:

* cold: every cache emptied before each request — the store's remembered totals, the
  dashboard's, and the drawn charts — as on the first request after a publish that changed
  the page's figures;
* uncached: the store's and the dashboard's answers emptied, the charts kept (their figures
  did not change): the first request after a publish elsewhere, summed from the database;
* warm: the same pages again with every cache kept (what a busy site mostly serves).

Prints median and p95 per page kind and the load average beside them (the machine is
shared: read the figures with it).

    python bench/dashboard.py --home bench/out/integrate/home
    python bench/dashboard.py --home khlang-demo --runs 20
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).absolute().parents[1]
sys.path.insert(0, str(ROOT))

PLACES = 5
"""Places of each kind asked in turn (the largest provinces, their districts and LAOs)."""


def page_paths(home: Path, database_url: str | None) -> dict[str, list[str]]:
    """Dashboard paths by page kind: the country, and the largest provinces, districts and
    LAOs of the latest year (places with the most money have the most rows to sum)."""
    from khlang.catalog import Catalog
    from khlang.catalog.area_budget import AreaQuery, totals

    def largest(query: AreaQuery, by: str) -> list[str]:
        rows = [row for row in totals(catalog, query, [by]) if row.key[by]]  # type: ignore[list-item]
        rows.sort(key=lambda row: -(row.figures.allocated or 0))
        return [row.key[by] for row in rows[:PLACES]]

    with Catalog.open(home, database_url) as catalog:
        state = AreaQuery(scope=["state"])
        provinces = largest(state, "province")
        districts = largest(state.model_copy(update={"province": provinces[:1]}), "district")
        laos = largest(state.model_copy(update={"district": districts[:1]}), "lao")
    return {
        "country": ["/dashboard", "/dashboard?budget_type=investment", "/dashboard?ministry=15000"],
        "province": [f"/dashboard?province={code}" for code in provinces],
        "district": [f"/dashboard?district={code}" for code in districts],
        "lao": [f"/dashboard?district={districts[0]}&lao={key}" for key in laos],
    }


def forget_answers(state: Any, *, charts: bool = False) -> None:
    """Empty every cache of store answers (the store's and the dashboard's, kept in the
    app's `ApiState`), and the drawn charts when asked."""
    from khlang.api.web import charts as drawn
    from khlang.api.web.dashboard import figures
    from khlang.catalog.area_budget.query import forget

    forget()
    figures.store_answers(state)._answers.clear()
    if charts:
        drawn._render.cache_clear()


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(home: Path, database_url: str | None, runs: int, say: Callable[[str], None]) -> None:
    """Serve the catalog and print the page times (runs requests per kind and mode)."""
    import httpx
    import uvicorn

    from khlang.api.app import create_app
    from khlang.api.settings import ApiSettings, RateLimits

    pages = page_paths(home, database_url)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    app = create_app(
        ApiSettings(
            home=home,
            database_url=database_url,
            base_url=url,
            rate_limits=RateLimits(enabled=False),
            prepare_tables=False,
        )
    )
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    say(f"dashboard over HTTP ({url}), {runs} requests per page kind and mode, "
        f"{PLACES} places per kind in turn")  # fmt: skip
    say(f"  {'page':<10}{'mode':<10}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}  load average")
    with httpx.Client(base_url=url, timeout=600) as client:
        client.get("/dashboard").raise_for_status()  # the app's own first-request set-up
        for kind, paths in pages.items():
            for mode in ("cold", "uncached", "warm"):
                if mode != "cold":
                    for path in paths:
                        client.get(path).raise_for_status()
                times = []
                for run in range(runs):
                    if mode != "warm":
                        forget_answers(app.state.khlang, charts=mode == "cold")
                    path = paths[run % len(paths)]
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
                load = " ".join(f"{value:.1f}" for value in os.getloadavg())
                say(f"  {kind:<10}{mode:<10}{statistics.median(times):>10.0f}"
                    f"{percentile(times, 0.95):>9.0f}{max(times):>9.0f}  {load}")  # fmt: skip
    server.should_exit = True
    thread.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    measure(args.home, args.database_url, args.runs, print)


if __name__ == "__main__":
    main()
