"""What the feedback tests share: answering the challenge as a person reads it, and a
client of an app over a catalog of its own on either store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from khlang.api.feedback.guard import WORDS_EN, WORDS_TH
from tests.api.catalog_fixture import TestCatalog, copy_of, seeded
from tests.api.conftest import make_app
from tests.migrated import MigratedStore
from tests.postgres import reachable_server, schema_url


def answer_to(question: str) -> str:
    """The sum the challenge asks for, read from its Thai or English words."""
    english = re.match(r"What is (\w+) plus (\w+)\?", question)
    if english:
        return str(WORDS_EN.index(english[1]) + WORDS_EN.index(english[2]))
    first, second = re.match(r"(\S+) บวก (\S+) เท่ากับ", question).groups()  # type: ignore[union-attr]
    return str(WORDS_TH.index(first) + WORDS_TH.index(second))


def proof(client: TestClient) -> dict[str, str]:
    """A fresh challenge, answered."""
    found = client.get("/api/v1/feedback/challenge").json()
    return {"challenge": found["token"], "challenge_answer": answer_to(found["question"]["en"])}


@contextmanager
def catalog_client(
    root: Path, store: str, template: Path, seeds: MigratedStore | None = None, **settings
) -> Iterator[tuple[TestClient, TestCatalog]]:  # type: ignore[no-untyped-def]
    """The API tests' catalog (tests/api/catalog_fixture.py) on SQLite (a copy of
    `template`, conftest.py's api_catalog_template) or in a PostgreSQL schema of its own
    (seeded by `seeds`, conftest.py's migrated_store), and a client of an app over it."""
    if store == "sqlite":
        built = copy_of(template, root)
        with TestClient(make_app(built.home, **settings)) as client:
            yield client, built
        return
    assert seeds is not None, "PostgreSQL: the store that seeds the schema"
    with schema_url(reachable_server()) as url:
        built = seeded(root, url, seeds)
        with TestClient(make_app(built.home, database_url=url, **settings)) as client:
            yield client, built
