"""What the store answers: filters, totals with their evidence, single amounts, sources and
conflicts. Plain pydantic models, so the API and the web pages serialise them as they are.

Amounts are `Decimal` baht with two decimals. A stage that no counted amount reports is
`None` ("no data"), never 0, and every rate that needs it is `None` too.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from khlang.catalog.area_budget.keys import DIMENSIONS, Dimension, Scope, Stage

_CODE_DIGITS = {"province": 2, "district": 4, "subdistrict": 6}


class AreaQuery(BaseModel):
    """Filters of a question to the store. Every field is optional; a list accepts any of its
    values (`None` in the list: the amounts that have no value there, e.g. `province=[None]`
    for amounts not placed in any province); fields combine with AND. Agencies (`ministry`,
    `department`, `budget_unit`) match their code, or their name where a source gives none.
    Private datasets count only for a viewer who may see them (the functions take it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scope: list[Scope] | None = None
    fiscal_year: list[int] | None = None
    stage: list[Stage] | None = None
    area_level: list[str | None] | None = None
    province: list[str | None] | None = None
    district: list[str | None] | None = None
    subdistrict: list[str | None] | None = None
    lao: list[str | None] | None = None
    ministry: list[str | None] | None = None
    department: list[str | None] | None = None
    budget_unit: list[str | None] | None = None
    budget_type: list[str | None] | None = None
    source_of_funds: list[str | None] | None = None
    source_system: list[str] | None = None
    organization: list[str] | None = None
    dataset: list[str] | None = None

    @field_validator("province", "district", "subdistrict")
    @classmethod
    def _dopa_code(cls, values: list[str | None] | None, info: Any) -> list[str | None] | None:
        digits = _CODE_DIGITS[info.field_name]
        for value in values or []:
            if value is not None and not re.fullmatch(rf"\d{{{digits}}}", value):
                raise ValueError(f"a DOPA code of {digits} digits, not {value!r}")
        return values

    def filters(self) -> dict[str, list[Any]]:
        """The filters that are set, by dimension (`stage` included)."""
        return {name: value for name, value in self.model_dump().items() if value is not None}


class StageFigures(BaseModel):
    """Counted baht by stage; `None` where no counted amount of that stage exists."""

    model_config = ConfigDict(frozen=True)

    requested: Decimal | None = None
    allocated: Decimal | None = None
    transferred: Decimal | None = None
    committed: Decimal | None = None
    disbursed: Decimal | None = None
    obligated: Decimal | None = None
    """Multi-year obligations falling in the fiscal year: owed, never added to allocations."""


class Total(BaseModel):
    """One row of a breakdown: the dimension values, the counted figures, and how to find
    the amounts behind them (`amounts(catalog, total.evidence)`, or the API's rows URL)."""

    model_config = ConfigDict(frozen=True)

    key: dict[str, Any]
    """Dimension -> value (code); for an agency dimension also `<dimension>_name`."""
    figures: StageFigures
    disbursement_rate: float | None
    """Disbursed / allocated in percent over the lines that report both (`rate_*`); None
    when no line does. Lines whose disbursement no source reports are not counted as 0 %."""
    rate_allocated: Decimal | None
    rate_disbursed: Decimal | None
    amounts: int
    """Counted amounts summed."""
    duplicates: int
    """Amounts of the same groups left uncounted because another source's is counted."""
    datasets: list[str]
    """The datasets the counted amounts come from."""
    evidence: AreaQuery
    """The query that selects exactly the amounts of this row."""


class AmountRecord(BaseModel):
    """One stored amount and where it comes from: dataset, version, table (resource id) and
    1-based data row; for khlang's own tables also the source system's file and row."""

    model_config = ConfigDict(frozen=True)

    dataset: str
    version: int
    resource_id: str
    row: int
    organization: str
    counted: bool
    scope: Scope
    line_id: str
    line_key: str
    fiscal_year: int
    stage: Stage
    fiscal_month: int | None
    amount: Decimal
    area_level: str | None
    province: str | None
    district: str | None
    subdistrict: str | None
    lao: str | None
    ministry: str | None
    ministry_name: str | None
    department: str | None
    department_name: str | None
    budget_unit: str | None
    budget_unit_name: str | None
    budget_type: str | None
    source_of_funds: str | None
    source_system: str
    source_file: str | None
    source_row: int | None


class SourceRecord(BaseModel):
    """A table feeding the store."""

    model_config = ConfigDict(frozen=True)

    dataset: str
    version: int
    resource_id: str
    organization: str
    private: bool
    kind: str
    rows: int
    amounts: int


class SourceTotal(BaseModel):
    dataset: str
    version: int
    source_system: str
    total: Decimal
    counted: bool


class Conflict(BaseModel):
    """One group (line, year, stage, month, scope) that sources report with different totals:
    the counted one and every other, never summed."""

    scope: Scope
    line_key: str
    fiscal_year: int
    stage: Stage
    fiscal_month: int | None
    counted: SourceTotal
    others: list[SourceTotal]

    @property
    def difference(self) -> Decimal:
        return max(abs(other.total - self.counted.total) for other in self.others)


def parse_dimensions(names: list[str]) -> list[Dimension]:
    """Checked dimension names (ValueError naming the unknown one)."""
    for name in names:
        if name not in DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}; one of {', '.join(DIMENSIONS)}")
    return names  # type: ignore[return-value]  # each name was checked against DIMENSIONS
