"""What one dataset search may cost, whoever asks (a search is a cheap read, allowed 3,000 a
minute). Wildcards in a fielded search (`tags:งบ*`, CKAN's `q`/`fq`) are matched in time
linear in the pattern and the value: as a regular expression, `*?*?*?*?*?*?*?*?x`
backtracked for 12 s against one 45-character value, holding the GIL, so one anonymous
request stalled the whole server. And a search holds at most 32 words of free text and 200
conditions: 3,000 words took 37 s before SQLite refused the expression (a 500)."""

from __future__ import annotations

import time

import pytest

from khlang.catalog.search.engine import MAX_QUERY_CONDITIONS, MAX_QUERY_WORDS, wildcard_match

CKAN_SEARCH = "/api/3/action/package_search"
SOURCE = "สำนักงบประมาณ (ระบบ e-Budgeting, BB EvMIS)"
"""The example datasets' data_source: the longest keyword value of the test catalog."""


def _names(client, **params) -> set[str]:
    answer = client.get(CKAN_SEARCH, params=params)
    assert answer.status_code == 200, answer.text
    return {item["name"] for item in answer.json()["result"]["results"]}


def test_a_backtracking_pattern_is_answered_at_once(client) -> None:
    started = time.perf_counter()
    for where in ("q", "fq"):
        found = _names(client, **{where: "data_source:" + "*?" * 8 + "x"})
        assert found == set()
    assert time.perf_counter() - started < 2


def test_wildcards_still_find_what_they_match(client) -> None:
    public = {"chiang-mai-allocation", "nakhon-nayok-allocation"}
    assert _names(client, q="data_source:*BB?EvMIS?") == public
    assert _names(client, q="tags:งบ*") == public
    assert _names(client, q="organization:cm-*") == {"chiang-mai-allocation"}
    assert _names(client, q="organization:?n-office") == {"nakhon-nayok-allocation"}


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("*", "", True),
        ("?", "", False),
        ("a*b", "ab", True),
        ("a*b", "aXYb", True),
        ("a*b", "aXYbc", False),
        ("*a*a*b", "aaaa", False),
        ("*a?", "xab", True),
        ("งบ*", "งบประมาณ", True),
        ("*?" * 40 + "x", "ก" * 300, False),
    ],
)
def test_wildcard_match(pattern: str, value: str, matches: bool) -> None:
    assert wildcard_match(pattern, value) is matches


def _words(count: int) -> str:
    """`count` distinct words of letters alone (the segmenter splits `w12` into `w`, `12`)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return " ".join(
        "w" + letters[i // 676] + letters[i // 26 % 26] + letters[i % 26] for i in range(count)
    )


def test_a_search_of_thousands_of_words_or_conditions_is_refused_at_once(client) -> None:
    many_words = _words(3000)
    many_terms = " OR ".join(f"tags:t{i}" for i in range(3000))
    started = time.perf_counter()
    for body, what in (({"q": many_words}, "3000 words"), ({"fq": many_terms}, "3000 conditions")):
        answer = client.post(CKAN_SEARCH, json=body)
        assert answer.status_code == 409, answer.text
        assert answer.json()["error"]["__type"] == "Validation Error"
        assert what in answer.text
    page = client.get("/search", params={"q": _words(300)})
    assert page.status_code == 400
    assert f"เกินกำหนด {MAX_QUERY_WORDS} คำ" in page.text
    assert time.perf_counter() - started < 5


def test_the_largest_search_allowed_is_answered(client) -> None:
    words = _words(MAX_QUERY_WORDS)
    assert client.post(CKAN_SEARCH, json={"q": words}).status_code == 200
    terms = " OR ".join(f"tags:t{i}" for i in range(MAX_QUERY_CONDITIONS))
    assert client.post(CKAN_SEARCH, json={"fq": terms}).status_code == 200
    assert client.get("/search", params={"q": words}).status_code == 200
