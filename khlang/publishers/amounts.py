"""Reading amounts of baht as exports write them: `1,160,100`, `๑,๑๖๐,๑๐๐.๕๐`,
`(25,000)` for a negative, `-` for zero, `1,160,100 บาท`.

Amounts are kept exact: parsed to float only to be rounded to the satang and cast to
DECIMAL(18,2) (Arrow decimal128) before anything is added up, so totals of a national
build reproduce the sources to the baht.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from khlang.thai import TO_ARABIC_DIGITS

AMOUNT_TYPE = pa.decimal128(18, 2)
"""Up to 9,999,999,999,999,999.99 baht: room for any national total."""

_NUMBER = r"^-?\d+(?:\.\d+)?$"
_ZERO_DASHES = {"-", "–", "—", "−"}


FINER_THAN_SATANG = r"\.\d{3,}$"


def finer_than_satang(values: pd.Series) -> pd.Series:
    """Mask of amounts written with more than two decimals (an extractor's equal split of a
    multi-year amount, e.g. `3,365,466.6666666665`), which are rounded to the satang."""
    text = values.astype("string").str.strip().str.replace(r"0+$", "", regex=True)
    return text.str.contains(FINER_THAN_SATANG, regex=True).fillna(False).astype(bool)


def parse_amounts(values: pd.Series, decimals: int | None = 2) -> tuple[pd.Series, pd.Series]:
    """(amounts in baht as float64 rounded to the satang, mask of unreadable values).
    Empty cells are missing (NaN) and not unreadable. `decimals=None` keeps every decimal
    (numbers that are not baht)."""
    text = values.astype("string").str.translate(TO_ARABIC_DIGITS).str.strip()
    negative = text.str.startswith("(") & text.str.endswith(")")
    cleaned = (
        text.str.replace(r"[(),\s\u00a0]|บาท", "", regex=True)
        .str.replace("−", "-", regex=False)
        .mask(text.isin(_ZERO_DASHES), "0")
    )
    empty = cleaned.isna() | (cleaned == "")
    readable = cleaned.str.fullmatch(_NUMBER).fillna(False).astype(bool)
    number = pd.to_numeric(cleaned.where(readable), errors="coerce")
    if decimals is not None:
        number = number.round(decimals)
    number = number.where(~negative.fillna(False).astype(bool), -number)
    return number.astype("float64"), (~readable & ~empty).astype(bool)


def to_decimal(values: pd.Series) -> pa.Array:
    """Baht as Arrow decimal128(18,2), for writing and exact sums."""
    return pa.array(values.astype("float64"), type=pa.float64(), from_pandas=True).cast(
        AMOUNT_TYPE, safe=False
    )
