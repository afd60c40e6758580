"""`khlang serve`: the API (and web site) over HTTP with uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

KEEP_ALIVE_SECONDS = 75
"""How long an idle keep-alive connection stays open. Longer than the idle timeout of the
clients and proxies in front (httpx and many pools: 5 s; nginx upstreams and cloud load
balancers: up to 60 s), so that they close idle connections first: uvicorn's default of 5 s
races them, and a request sent on a connection the server is closing fails (ReadError or a
502 at the proxy; bench/load.py saw a few per minute under 200 clients)."""


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    home: Annotated[
        Path | None,
        typer.Option(help="The catalog's home folder (default: KHLANG_HOME or ./khlang-home)."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(help="Public address for absolute links, e.g. https://data.example.go.th."),
    ] = None,
    host_name: Annotated[
        list[str] | None,
        typer.Option(
            help="A host name the site answers to (repeat for several; `*` for any). "
            "Requests for any other Host get a 400 (default: KHLANG_HOST_NAMES, "
            "comma-separated; the loopback names and --base-url's host always)."
        ),
    ] = None,
    rate_limit: Annotated[
        str | None,
        typer.Option(
            help="Expensive requests (queries, downloads, feeds, writes) per IP;per API key"
            "[;cheap metadata reads per caller], e.g. '120/minute;1200/minute;3000/minute', "
            "or 'off' (default: KHLANG_RATE_LIMIT or 120/minute;1200/minute;3000/minute)."
        ),
    ] = None,
    rate_limit_storage: Annotated[
        str | None,
        typer.Option(
            help="Where the rate-limit counts live: memory:// (this process) or "
            "redis://host:6379 to share them between workers behind a load balancer "
            "(default: KHLANG_RATE_LIMIT_STORAGE or memory://)."
        ),
    ] = None,
    prepare: Annotated[
        bool,
        typer.Option(
            help="Build the query tables of every current tabular resource in the background "
            "from the start (requests are taken at once; a table asked for first is built "
            "first). --no-prepare builds each on its first request."
        ),
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes sharing the port (each keeps its own query engine and "
            "search index; rate limits are counted per process).",
        ),
    ] = 1,
) -> None:
    """Serve the catalog: khlang's API, CKAN's Action API and the published files."""
    import uvicorn  # lazy: uvicorn, +37 ms

    # lazy: the API's settings, +44 ms (the API itself is imported below)
    from khlang.api.feedback_settings import SETTINGS_ENV as FEEDBACK_SETTINGS_ENV
    from khlang.api.feedback_settings import FeedbackSettings
    from khlang.api.settings import (
        HOST_NAMES_ENV,
        RATE_LIMIT_ENV,
        RATE_LIMIT_STORAGE_ENV,
        ApiSettings,
        RateLimits,
    )
    from khlang.catalog import Catalog  # lazy: the catalog (SQLAlchemy), +363 ms

    limits_text = rate_limit or os.environ.get(RATE_LIMIT_ENV)
    rate_limits = RateLimits.parse(limits_text) if limits_text else RateLimits()
    storage = rate_limit_storage or os.environ.get(RATE_LIMIT_STORAGE_ENV)
    if storage:
        rate_limits = rate_limits.model_copy(update={"storage": storage})
    feedback_file = os.environ.get(FEEDBACK_SETTINGS_ENV)
    settings = ApiSettings(
        home=home,
        base_url=base_url or os.environ.get("KHLANG_BASE_URL"),
        rate_limits=rate_limits,
        prepare_tables=prepare,
        host_names=[
            *(host_name or []),
            *(n for n in os.environ.get(HOST_NAMES_ENV, "").split(",") if n.strip()),
            *([host] if host not in ("0.0.0.0", "::") else []),  # noqa: S104
        ],
        **({"feedback": FeedbackSettings.load(Path(feedback_file))} if feedback_file else {}),
    )
    options = {"host": host, "port": port, "proxy_headers": True, "log_level": "warning",
               "timeout_keep_alive": KEEP_ALIVE_SECONDS}  # fmt: skip
    # A bad home is refused before the API is imported: at once, not after a second or more.
    with Catalog.open(settings.home, settings.database_url) as catalog:
        where = catalog.location.describe()
    # lazy: the API (FastAPI, SQLAlchemy), +1.2 s
    from khlang.api.app import SETTINGS_ENV, create_app

    if workers == 1:
        application = create_app(settings)
        typer.echo(f"khlang: serving {where} at http://{host}:{port} (Ctrl+C to stop)")
        uvicorn.run(application, **options)
        return
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    typer.echo(
        f"khlang: serving {where} at http://{host}:{port} with {workers} workers (Ctrl+C to stop)"
    )
    uvicorn.run("khlang.api.app:app_from_environment", factory=True, workers=workers, **options)
