"""Median time of the dashboard's pages over HTTP, as a browser gets them: a real uvicorn
server on a free port over a catalog home (e.g. bench/integrate.py's national store), each
page asked once cold (the store's answers not yet cached) and then RUNS times warm.

    python bench/dashboard.py --home bench/out/integrate/home
    python bench/dashboard.py --home khlang-demo --runs 20
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    import httpx
    import uvicorn

    from khlang.api.app import create_app
    from khlang.api.settings import ApiSettings, RateLimits
    from khlang.catalog import Catalog
    from khlang.catalog.area_budget import AreaQuery, totals

    with Catalog.open(args.home, args.database_url) as catalog:
        provinces = totals(catalog, AreaQuery(scope=["state"]), ["province"])
        province = max(provinces, key=lambda t: t.figures.allocated or 0).key["province"]
        districts = totals(catalog, AreaQuery(scope=["state"], province=[province]), ["district"])
        district = next(t.key["district"] for t in districts if t.key["district"])
        laos = totals(catalog, AreaQuery(scope=["state"], district=[district]), ["lao"])
        lao = next((t.key["lao"] for t in laos if t.key["lao"]), None)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    app = create_app(
        ApiSettings(
            home=args.home,
            database_url=args.database_url,
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
    pages = {
        "country": "/dashboard",
        "province": f"/dashboard?province={province}",
        "district": f"/dashboard?province={province}&district={district}",
        **({"lao": f"/dashboard?district={district}&lao={lao}"} if lao else {}),
        "country, by agency": "/dashboard?ministry=15000",
    }
    print(f"catalog: {args.home}; {args.runs} warm requests per page after one cold one")
    print(f"{'page':<22}{'cold ms':>9}{'median ms':>11}{'p90 ms':>9}")
    with httpx.Client(base_url=url, timeout=300) as client:
        for name, path in pages.items():
            started = time.perf_counter()
            assert client.get(path).status_code == 200, path
            cold = (time.perf_counter() - started) * 1000
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                client.get(path).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            print(f"{name:<22}{cold:>9.0f}{statistics.median(times):>11.0f}"
                  f"{times[int(len(times) * 0.9) - 1]:>9.0f}")  # fmt: skip
    server.should_exit = True
    thread.join(timeout=10)


if __name__ == "__main__":
    main()
