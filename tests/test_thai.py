"""The Thai calendar and text rules every layer reads from khlang.thai."""

from __future__ import annotations

import datetime as dt

from khlang.metadata.matching import normalise
from khlang.thai import (
    TO_ARABIC_DIGITS,
    buddhist_year,
    christian_year,
    fiscal_year_of,
    written_year,
)


def test_years_in_either_era() -> None:
    assert christian_year(2568) == 2025
    assert christian_year(2025) == 2025
    assert buddhist_year(2025) == 2568
    assert buddhist_year(2568) == 2568
    assert fiscal_year_of(dt.date(2024, 10, 1)) == 2568
    assert fiscal_year_of(dt.date(2025, 9, 30)) == 2568


def test_a_metadata_year_item_is_digits_alone() -> None:
    assert written_year(" 2568 ") == 2568
    assert written_year("๒๕๖๘") == 2568
    assert written_year("2568²") is None
    assert [written_year(value) for value in (None, "", "2568-69", "พ.ศ. 2568")] == [None] * 4


def test_thai_digits_and_every_zero_width_character() -> None:
    assert "ปี ๒๕๖๘".translate(TO_ARABIC_DIGITS) == "ปี 2568"
    for invisible in "\u200b\u200c\u200d\u2060\ufeff":
        assert normalise(f"เชียง{invisible}ใหม่") == normalise("เชียงใหม่")
