"""Property-based testing of khlang's HTTP API against its own OpenAPI description, with
schemathesis: for every operation, requests generated from the description, anonymous and
with an editor's API key; every answer must be documented (status, media type, body schema)
and none may be a 5xx. Shared by tests/api/test_openapi_properties.py (a bounded run in CI)
and bench/fuzz.py (a long campaign)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

# The write API takes a zip (or gzip) of a dataset folder: random bytes are a fair upload to
# refuse, so the generator sends them as it sends any binary body.
schemathesis.serializer.alias(["application/zip", "application/gzip"], "application/octet-stream")

PRINCIPALS = ("anonymous", "cm-editor")
UPLOADS = ("application/zip", "application/gzip")


@dataclass
class Outcome:
    """What a campaign saw: cases run per operation and the failures, one line each."""

    cases: Counter[str] = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.cases.values())


def operations(app: FastAPI) -> Iterator[schemathesis.APIOperation]:
    """Every operation the API describes (the description is served, then read back)."""
    schema = schemathesis.openapi.from_asgi(app.openapi_url or "/openapi.json", app)
    for result in schema.get_all_operations():
        yield result.ok()


def run(
    operation: schemathesis.APIOperation,
    headers: dict[str, str],
    *,
    examples: int,
    run_seed: int | None,
    outcome: Outcome,
) -> None:
    """Run `examples` generated cases of one operation; record every distinct failure."""
    label = f"{operation.label} [{'key' if headers else 'anonymous'}]"
    # A description cannot say which bytes make a valid zip of a dataset folder, so a
    # refused random upload is not a "valid request rejected"; every other check applies.
    uploads = operation.body and all(body.media_type in UPLOADS for body in operation.body)
    excluded = [positive_data_acceptance] if uploads else []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        outcome.cases[label] += 1
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    if run_seed is not None:
        check = seed(run_seed)(check)
    started = time.perf_counter()
    try:
        check()
    except BaseException as error:  # a FailureGroup (an exception group) or any crash
        if isinstance(error, KeyboardInterrupt):
            raise
        outcome.failures[label] = _lines(error)
    outcome.seconds += time.perf_counter() - started


def _lines(error: BaseException) -> list[str]:
    """The failures' titles and first details: what a report needs to find the defect."""
    text = str(error).strip().splitlines()
    return [line for line in text if line.strip()][:12]
