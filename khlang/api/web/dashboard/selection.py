"""What the reader has chosen on the dashboard: the area drilled into, the fiscal year, the
scope and the filters, read from the query string (anything malformed is ignored, never an
error: a shared link with a typo still shows the dashboard), and the links that change it.

The same selection is the store's question (`query()`), so the page, its CSV downloads and
the rows behind every figure all ask the store the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from khlang.catalog.area_budget import AreaQuery

AREA_PARAMS = ("province", "district", "subdistrict", "lao")
FILTER_PARAMS = ("budget_type", "ministry", "department", "source_system")
MEASURES = ("disbursement_rate", "allocated", "per_capita")
SCOPES = ("state", "local")
NONE = "none"
"""How a link asks for amounts that have no value in a dimension (e.g. `province=none`: the
amounts not placed in any province)."""
_CODE_DIGITS = {"province": 2, "district": 4, "subdistrict": 6}
_TOKEN = re.compile(r"^[\w.\-ก-๙ ]{1,60}$")


class Selection(BaseModel):
    year: int | None = None
    scope: str = "state"
    province: str | None = None
    district: str | None = None
    subdistrict: str | None = None
    lao: str | None = None
    budget_type: str | None = None
    ministry: str | None = None
    department: str | None = None
    source_system: str | None = None
    measure: str = "disbursement_rate"
    lao_type: str | None = None
    place: str = ""
    """Words a citizen typed to find their tambon or LAO."""

    @property
    def level(self) -> str:
        if self.lao:
            return "lao"
        if self.subdistrict:
            return "subdistrict"
        if self.district:
            return "district"
        return "province" if self.province else "country"

    def query(self, *, year: bool = True, **changes: Any) -> AreaQuery:
        """The store's question for this selection (without the year when `year` is False),
        with some dimensions replaced."""
        values: dict[str, Any] = {"scope": [self.scope]}
        if year and self.year is not None:
            values["fiscal_year"] = [self.year]
        for name in (*AREA_PARAMS, *FILTER_PARAMS):
            value = getattr(self, name)
            if value is not None:
                values[name] = [value]
        values.update(changes)
        return AreaQuery(**{key: value for key, value in values.items() if value is not None})

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """The selection as query parameters (empty ones left out), with changes."""
        values = self.model_dump() | changes
        order = ("year", "scope", *AREA_PARAMS, *FILTER_PARAMS, "measure", "lao_type")
        pairs = []
        for key in order:
            value = values.get(key)
            if value is None or value == "":
                continue
            if (key, value) in (("scope", "state"), ("measure", "disbursement_rate")):
                continue
            pairs.append((key, str(value)))
        return pairs


def parse_selection(params: list[tuple[str, str]]) -> Selection:
    """The selection a query string asks for; a value that cannot be one is dropped."""
    raw = dict(params)
    values: dict[str, Any] = {}
    year = raw.get("year", "")
    if year.isdecimal() and 2400 <= int(year) <= 2700:
        values["year"] = int(year)
    if raw.get("scope") in SCOPES:
        values["scope"] = raw["scope"]
    if raw.get("measure") in MEASURES:
        values["measure"] = raw["measure"]
    for name, digits in _CODE_DIGITS.items():
        code = raw.get(name, "")
        if code.isdecimal() and len(code) == digits:
            values[name] = code
    for name in ("lao", *FILTER_PARAMS, "lao_type"):
        token = raw.get(name, "").strip()
        if _TOKEN.match(token):
            values[name] = token
    values["place"] = raw.get("place", "").strip()[:60]
    selection = Selection(**values)
    return _consistent(selection)


def _consistent(selection: Selection) -> Selection:
    """Parents filled in from their children's codes (a district's first two digits are its
    province), and children that do not lie in their parent dropped."""
    update: dict[str, Any] = {}
    if selection.subdistrict:
        update.setdefault("district", selection.district or selection.subdistrict[:4])
    district = update.get("district", selection.district)
    if district:
        update.setdefault("province", selection.province or district[:2])
    province = update.get("province", selection.province)
    if district and province and not district.startswith(province):
        update |= {"district": None, "subdistrict": None, "lao": None}
    elif selection.subdistrict and district and not selection.subdistrict.startswith(district):
        update["subdistrict"] = None
    return selection.model_copy(update=update)


Link = Callable[..., str]
"""`link(**changes)`: the dashboard's URL for this selection with some parameters changed."""
