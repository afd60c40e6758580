"""JSON from callers (CKAN bodies and JSON parameters, `in` lists, cursors), parsed with a
bound on nesting.

Python's parser recurses once per level and fails with RecursionError past about a
thousand, and whatever walks a parsed value afterwards recurses too: a 10 KB body of
brackets made a 500. Here deep input is a JSONDecodeError, which every caller already turns
into a clear 400 naming its parameter.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
"""Nesting levels a caller's JSON may have: CKAN's package dicts need four."""


def loads(text: str | bytes) -> Any:
    try:
        value = json.loads(text)
    except RecursionError:
        raise _too_deep(text) from None
    if _depth(value) > MAX_DEPTH:
        raise _too_deep(text)
    return value


def _depth(value: Any) -> int:
    """The nesting depth of a parsed value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _too_deep(text: str | bytes) -> json.JSONDecodeError:
    shown = text if isinstance(text, str) else text.decode("utf-8", "replace")
    return json.JSONDecodeError(f"nested more than {MAX_DEPTH} levels deep", shown[:100], 0)
