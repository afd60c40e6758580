"""Page weight and server time of the web pages, as a phone on a slow network would get them.

    python bench/web.py                 # over the web tests' small catalog, built in a temp dir
    python bench/web.py --home DIR      # over a catalog you have (e.g. khlang-demo)

For each page: the HTML's size as sent with gzip (what the phone downloads), uncompressed,
the number of other files it loads (the stylesheet and the icon, each cached for a year),
and the median server time over a few requests after a first, warming one.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = 5


def pages(dataset: str, organization: str) -> dict[str, str]:
    return {
        "home": "/",
        "search": "/search?q=งบประมาณ เชียงใหม่",
        "dataset": f"/dataset/{dataset}",
        "dashboard": "/dashboard",
        "dashboard (province)": "/dashboard?province=50",
        "organisation": f"/organization/{organization}",
        "officer view": f"/organization/{organization}/officer",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a catalog home (default: the tests' one)")
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from khlang.api.app import create_app
    from khlang.api.settings import ApiSettings, RateLimits

    home = args.home
    if home is None:
        from tests.web.fixture import build

        home = build(Path(tempfile.mkdtemp(prefix="khlang-web-bench-")))
    app = create_app(
        ApiSettings(home=home, rate_limits=RateLimits(enabled=False), host_names=["testserver"])
    )
    with TestClient(app) as client:
        listing = client.get("/api/v1/datasets", params={"size": 1000}).json()["results"]
        first = max(listing, key=lambda d: "budget" in d["name"])
        print(f"catalog: {home} ({len(listing)} datasets)")
        print(f"{'page':<22}{'gzip KB':>9}{'HTML KB':>9}{'files':>7}{'median ms':>11}")
        css_sizes = set()
        for name, path in pages(first["name"], first["organization"]).items():
            client.get(path)  # warm: builds query tables, draws charts once
            times = []
            for _ in range(RUNS):
                started = time.perf_counter()
                response = client.get(path, headers={"Accept-Encoding": "gzip"})
                times.append((time.perf_counter() - started) * 1000)
            html = response.content
            sent = len(gzip.compress(html, compresslevel=6))
            assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', response.text)
            for asset in assets:
                body = client.get(asset).content
                css_sizes.add((asset.split("?")[0], len(gzip.compress(body)), len(body)))
            print(
                f"{name:<22}{sent / 1024:>9.1f}{len(html) / 1024:>9.1f}{len(assets):>7}"
                f"{statistics.median(times):>11.0f}"
            )
        for asset, packed, raw in sorted(css_sizes):
            print(f"{asset:<40} {packed / 1024:.1f} KB gzip ({raw / 1024:.1f} KB), cached a year")
        print("scripts on any page: 0 (charts are SVG drawn on the server)")


if __name__ == "__main__":
    main()
