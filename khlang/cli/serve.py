"""`khlang serve`: the API (and web site) over HTTP with uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer


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
    rate_limit: Annotated[
        str | None,
        typer.Option(
            help="Requests per IP;per API key, e.g. '120/minute;1200/minute', or 'off' "
            "(default: KHLANG_RATE_LIMIT or 120/minute;1200/minute)."
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
        typer.Option(help="Build the query tables of every tabular resource at start."),
    ] = True,
) -> None:
    """Serve the catalog: khlang's API, CKAN's Action API and the published files."""
    import uvicorn

    from khlang.api.app import create_app
    from khlang.api.settings import (
        RATE_LIMIT_ENV,
        RATE_LIMIT_STORAGE_ENV,
        ApiSettings,
        RateLimits,
    )

    limits_text = rate_limit or os.environ.get(RATE_LIMIT_ENV)
    rate_limits = RateLimits.parse(limits_text) if limits_text else RateLimits()
    storage = rate_limit_storage or os.environ.get(RATE_LIMIT_STORAGE_ENV)
    if storage:
        rate_limits = rate_limits.model_copy(update={"storage": storage})
    settings = ApiSettings(
        home=home,
        base_url=base_url or os.environ.get("KHLANG_BASE_URL"),
        rate_limits=rate_limits,
        prepare_tables=prepare,
    )
    application = create_app(settings)
    where = application.state.khlang.catalog.location.describe()
    typer.echo(f"khlang: serving {where} at http://{host}:{port} (Ctrl+C to stop)")
    uvicorn.run(application, host=host, port=port, proxy_headers=True, log_level="warning")
