"""What a Table Schema field means beyond its name, written once by the publishers and read
by the catalog and the web site, so that neither needs the publishers' code to label a code
or find a column:

* **code labels**: a coded column's Table Schema v2 `categories`, one object per code,
  `{"value": code, "label": English label}` as the standard has it, with khlang's Thai label
  and Thai abbreviation beside it as extension properties in the style of the field's
  `title_th`: `label_th` and `abbreviation_th` (อบต. for องค์การบริหารส่วนตำบล). Table Schema
  v2 wants the labels of one field unique; a vocabulary's are.
* **semantic type**: the field's `rdfType`, the URI of what the column holds in khlang's
  area-budget model (`AREA_BUDGET` + the model's column name, e.g.
  `…/area-budget#budget_per_capita`), so a table whose column is named differently but typed
  the same is read the same way. A field without an `rdfType` is taken at its name (the
  schemas published before the types were written).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text
from khlang.metadata.vocabularies import Vocabulary

AREA_BUDGET = "https://khlang.example.go.th/ns/area-budget#"
"""khlang's namespace for the columns of its area-budget model (the one place it is spelt)."""
LABEL_TH = "label_th"
ABBREVIATION_TH = "abbreviation_th"


class CodeLabel(BaseModel):
    """One code of a coded column with its labels, as `categories` carries it."""

    model_config = ConfigDict(frozen=True)

    role: str
    """The coded column's role (its semantic type's name, else its name)."""
    code: str
    label: Text | None = None
    abbreviation: str | None = None
    position: int = 0
    """The code's place in its vocabulary (the order option lists and charts use)."""


def semantic_type(name: str) -> str:
    """The `rdfType` of a column of khlang's area-budget model."""
    return AREA_BUDGET + name


def role(field: Mapping[str, Any]) -> str | None:
    """What a field holds: the model column its `rdfType` names, else its own name when it
    has no `rdfType` (None when the type is someone else's)."""
    rdf_type = field.get("rdfType")
    if isinstance(rdf_type, str) and rdf_type:
        return rdf_type.removeprefix(AREA_BUDGET) if rdf_type.startswith(AREA_BUDGET) else None
    name = field.get("name")
    return name if isinstance(name, str) and name else None


def roles(schema: Any) -> dict[str, str]:
    """Role -> the field's name in this schema, for every field that has one (the first
    field of a role wins)."""
    found: dict[str, str] = {}
    for field in fields_of(schema):
        name, held = field.get("name"), role(field)
        if held and isinstance(name, str):
            found.setdefault(held, name)
    return found


def fields_of(schema: Any) -> list[dict[str, Any]]:
    declared = schema.get("fields") if isinstance(schema, dict) else None
    return [field for field in declared or [] if isinstance(field, dict)]


def abbreviation(aliases: Iterable[str]) -> str | None:
    """The Thai abbreviation among a term's other spellings: the one ending in a full stop
    (อบต., ทม.), as Thai officials abbreviate."""
    return next((alias for alias in aliases if alias.endswith(".")), None)


def categories(vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """The `categories` of a column coded by `vocabulary`."""
    found = []
    for term in vocabulary.terms:
        item: dict[str, Any] = {"value": term.code, "label": term.label.en}
        item[LABEL_TH] = term.label.th
        short = abbreviation(term.aliases)
        if short:
            item[ABBREVIATION_TH] = short
        found.append(item)
    return found


def code_labels(schema: Any) -> list[CodeLabel]:
    """The labelled codes of every field of a schema that has `categories` (plain values
    and objects without labels carry no label; the code then shows itself)."""
    found = []
    for field in fields_of(schema):
        held, items = role(field), field.get("categories")
        if not held or not isinstance(items, list):
            continue
        for position, item in enumerate(items):
            entry = item if isinstance(item, dict) else {"value": item}
            value = entry.get("value")
            if value is None or isinstance(value, (dict, list)):
                continue
            english, thai = entry.get("label"), entry.get(LABEL_TH)
            label = None
            if isinstance(english, str) or isinstance(thai, str):
                en = english if isinstance(english, str) else str(thai)
                label = Text(th=thai if isinstance(thai, str) else en, en=en)
            short = entry.get(ABBREVIATION_TH)
            found.append(
                CodeLabel(
                    role=held,
                    code=str(value),
                    label=label,
                    abbreviation=short if isinstance(short, str) else None,
                    position=position,
                )
            )
    return found
