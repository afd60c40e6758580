"""The area-budget store's stages and scopes are typed as Literals in keys.py and checked by
the table's CHECK constraints (tables.py): both must list the same words, in the same order
(the order of the stage columns in every total)."""

from __future__ import annotations

from typing import get_args

from khlang.catalog.area_budget.keys import SCOPES, STAGES, Scope, Stage
from khlang.catalog.tables import AREA_SCOPES, AREA_STAGES


def test_the_tables_words_are_the_typed_words() -> None:
    assert STAGES == AREA_STAGES == get_args(Stage)
    assert SCOPES == AREA_SCOPES == get_args(Scope)
