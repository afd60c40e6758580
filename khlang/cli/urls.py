"""Probing URLs for `--check-urls`: the metadata package knows nothing of HTTP, so the CLI
asks each URL itself and hands the statuses to the MQA score."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from khlang import __version__

TIMEOUT_SECONDS = 10.0
WORKERS = 8
NO_ANSWER = 0


def probe(urls: Iterable[str]) -> dict[str, int]:
    """URL -> HTTP status of a HEAD request (GET when HEAD is refused), 0 when the server
    does not answer. Only the headers are read, never the body."""
    import httpx  # lazy: httpx, +61 ms

    headers = {"User-Agent": f"khlang/{__version__} (metadata check)"}
    with httpx.Client(follow_redirects=True, timeout=TIMEOUT_SECONDS, headers=headers) as client:

        def status(url: str) -> int:
            if not url.startswith(("http://", "https://")):
                return NO_ANSWER
            try:
                response = client.head(url)
                if response.status_code in (403, 405, 501):
                    with client.stream("GET", url) as streamed:
                        return streamed.status_code
                return response.status_code
            except httpx.HTTPError:
                return NO_ANSWER

        unique = sorted(set(urls))
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return dict(zip(unique, pool.map(status, unique), strict=True))
