"""Wildcards in a fielded search (`tags:งบ*`, CKAN's `q`/`fq`) are matched in time linear in
the pattern and the value: as a regular expression, `*?*?*?*?*?*?*?*?x` backtracked for
12 s against one 45-character value, holding the GIL, so one anonymous request stalled the
whole server."""

from __future__ import annotations

import time

import pytest

from khlang.catalog.search.engine import wildcard_match

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
