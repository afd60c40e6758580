"""khlang and frictionless-py give the same verdict (valid flag and every error's type, row,
field number and name) on frictionless-py's own fixtures (its `data/` folder at a pinned
release, see frictionless_fixtures) and on cases written from its tests and the Frictionless
specification (conformance_cases).

Two modes: khlang's own rules, where a difference is allowed only if it is one of the
deliberate ones below, each named in docs/validators.md ("khlang and frictionless-py");
and `frictionless=True` (`khlang validate --frictionless`), which must agree on every case.
Because each case asserts its own outcome, the agreement rate is exact: the cases less the
deliberate differences. `test_agreement_rate` prints and checks it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.validators import conformance_cases
from tests.validators.conformance import frictionless_verdict, khlang_verdict, kind_of
from tests.validators.frictionless_fixtures import VERSION, data_folder

DOCS = Path(__file__).resolve().parents[2] / "docs" / "validators.md"

DELIBERATE = {
    "format-from-content": "khlang reads a file as what its bytes are (a table named .txt); "
    "frictionless-py goes by the name",
    "json-as-table": "khlang validates a JSON array as a table; frictionless-py takes a .json "
    "file that is not declared a table for a JSON document, valid whatever it holds",
    "calendar": "khlang's calendar property flags years of the other era",
    "glob-names": "khlang reads the file named; frictionless-py reads *, ? and [ in a name as "
    "a glob pattern",
}
"""The deliberate differences, by the name docs/validators.md gives each."""

FIXTURE_DIFFERENCES = {
    "[table].csv": "glob-names",
    "fixtures/summary/multiline-scheme-error.txt": "format-from-content",
    "schema-invalid-wrong-type.json": "json-as-table",
}
CASE_DIFFERENCES = {"calendar-property": "calendar"}


def _fixtures() -> tuple[Path | None, str]:
    data, reason = data_folder()
    if data is None and not IN_CI:
        return None, reason
    assert data is not None, reason  # CI reaches PyPI: the fixtures must be there
    return data, ""


def _fixture_names() -> list[str]:
    data, _ = _fixtures()
    if data is None:
        return []
    return [
        str(path.relative_to(data))
        for path in sorted(data.rglob("*"))
        if path.is_file() and "cassettes" not in path.parts and kind_of(path)
    ]


FIXTURES = _fixture_names()
CASES = {case.name: case for case in conformance_cases.cases()}
MODES = ["khlang", "frictionless"]


def _needs_fixtures() -> Path:
    data, reason = _fixtures()
    if data is None:
        pytest.skip(f"frictionless-py {VERSION}'s fixtures are not available: {reason}")
    return data


def _compare(name: str, mode: str, differences: dict[str, str], frictionless, khlang) -> None:
    if frictionless == khlang:
        assert mode == "frictionless" or name not in differences, (
            f"{name} agrees now: take it off the deliberate differences"
        )
        return
    shown = f"{name} ({mode}):\n  frictionless-py: {frictionless}\n  khlang:          {khlang}"
    assert mode == "khlang", shown
    assert differences.get(name) in DELIBERATE, shown


@cache
def _frictionless_on_fixture(path: Path, kind: str):
    """Once a process for both modes (the fixtures do not change)."""
    return frictionless_verdict(path, kind)


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", FIXTURES or ["(fixtures unavailable)"])
def test_fixture(name, mode) -> None:
    data = _needs_fixtures()
    path = data / name
    kind = kind_of(path)
    assert kind is not None
    expected = _frictionless_on_fixture(path, kind)
    found = khlang_verdict(path, kind, frictionless=mode == "frictionless")
    _compare(name, mode, FIXTURE_DIFFERENCES, expected, found)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name, mode, tmp_path) -> None:
    case = CASES[name]
    data = _needs_fixtures() if case.fixture else None
    path, kind = conformance_cases.materialize(case, tmp_path, data)
    schema = case.schema if case.alone else None
    expected = frictionless_verdict(path, kind, schema)
    found = khlang_verdict(path, kind, schema, frictionless=mode == "frictionless")
    _compare(name, mode, CASE_DIFFERENCES, expected, found)


def test_agreement_rate() -> None:
    """The rate the docs give, from the counts (each case's test holds its outcome)."""
    _needs_fixtures()
    total = len(FIXTURES) + len(CASES)
    differences = len(FIXTURE_DIFFERENCES) + len(CASE_DIFFERENCES)
    rate = (total - differences) / total
    print(f"conformance: {total} cases; khlang's rules agree on {total - differences} "
          f"({rate:.1%}); --frictionless on {total} (100%)")  # fmt: skip
    assert set(FIXTURE_DIFFERENCES) <= set(FIXTURES)
    assert set(CASE_DIFFERENCES) <= set(CASES)
    assert rate >= 0.98
    text = DOCS.read_text(encoding="utf-8")
    for name in DELIBERATE:
        assert f"`{name}`" in text, f"docs/validators.md does not name `{name}`"
    assert f"{total - differences} of {total}" in text, "docs/validators.md: update the rate"
