"""`khlang catalog feedback-dataset ORG`: publish an organisation's public questions, answers
and dataset requests as a dataset of its own, through the same gate as every dataset (run it
daily, e.g. from cron: an unchanged folder makes no new version)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from khlang.catalog.principals import ANONYMOUS, Principal
from khlang.cli.acting import actor_of, open_catalog

if TYPE_CHECKING:
    from khlang.catalog.publish import PublishResult
    from khlang.catalog.store import Catalog

PAGE = 1000


def publish_feedback(
    catalog: Catalog, organization: str, *, actor: Principal, base_url: str
) -> PublishResult:
    """Gather what the public sees of the organisation's feedback, write the dataset folder
    and publish it (PublishRejectedError with the gate's report if it does not pass)."""
    from khlang.catalog.feedback_dataset import write_feedback_dataset  # lazy: ruamel.yaml, +26 ms

    record = catalog.organization(organization)
    feedback = catalog.feedback
    threads, requests = [], []
    while page := feedback.threads(
        organization=organization, viewer=ANONYMOUS, limit=PAGE, offset=len(threads)
    ):
        threads += page
    while page := feedback.requests(
        organization=organization, viewer=ANONYMOUS, limit=PAGE, offset=len(requests)
    ):
        requests += page
    with tempfile.TemporaryDirectory(prefix="khlang-feedback-") as temporary:
        folder = Path(temporary) / "feedback"
        folder.mkdir()
        write_feedback_dataset(
            folder, record, threads, requests, base_url=base_url.rstrip("/"),
            today=dt.datetime.now(dt.UTC).date(), contact=_contact(catalog, organization),
        )  # fmt: skip
        return catalog.publish(folder, actor=actor, change_note="public feedback")


def _contact(catalog: Catalog, organization: str) -> str | None:
    """The organisation's email, else the maintainer email of its latest public dataset."""
    email = catalog.organization(organization).email
    if email:
        return email
    latest = sorted(catalog.datasets(organization=organization), key=lambda s: s.modified)
    for summary in reversed(latest):
        found = catalog.version(summary.name).metadata.maintainer_email
        if found:
            return found
    return None


def feedback_dataset(
    organization: Annotated[str, typer.Argument(help="The organisation's name.")],
    home: Annotated[Path | None, typer.Option("--home", help="The catalog's folder.")] = None,
    base_url: Annotated[
        str, typer.Option("--base-url", envvar="KHLANG_BASE_URL", help="The site's address.")
    ] = "http://localhost:8000",
    author: Annotated[str | None, typer.Option("--author", help="Who publishes.")] = None,
    api_key: Annotated[
        str | None, typer.Option("--api-key", envvar="KHLANG_API_KEY", show_default=False)
    ] = None,
) -> None:
    """Publish the organisation's public questions, answers and dataset requests as the
    dataset ORG-public-feedback (no email nor anything identifying who asked)."""
    with open_catalog(home) as catalog:
        result = publish_feedback(
            catalog, organization, actor=actor_of(catalog, api_key, author), base_url=base_url
        )
    typer.echo(f"{result.status} {result.dataset} version {result.version}")
