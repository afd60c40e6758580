"""The figures the synthetic exports are calibrated on, each with where it comes from.

Measured on the real public files in `../shared/data/real` (the govspending FY2559-2562
extract of the Ministry of Interior, the FY2565 budget bill and the MOF monthly series), as
stated in issue 4; `tests/publishers/test_generate.py` checks the generated data against them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

AMOUNT_LOG10_MEAN = 6.18
AMOUNT_LOG10_SD = 0.86
"""Item amounts are log-normal: log10(baht) ~ N(6.18, 0.86), i.e. a median item of 1.5 M baht
(govspending, all four years)."""
AMOUNT_ROUNDING = 100
"""Budget documents state amounts in hundreds of baht."""

BUDGET_TYPE_SHARES = {
    "subsidy": 0.67,
    "investment": 0.27,
    "operating": 0.03,
    "other": 0.02,
    "personnel": 0.01,
}
"""Share of items (by count) per budget type: 67% subsidies, 27% investment, 6% the rest."""

AREA_SPREAD = {"one_province": 0.91, "two_provinces": 0.08, "nationwide": 0.005}
"""Items worked in one province, in two, or nationwide; the remaining 0.5% are central
(ส่วนกลาง, not attributed to any area)."""

DISBURSED_NONE = 0.19
DISBURSED_ALL = 0.19
DISBURSED_BETA = (2.2, 0.8)
"""Disbursed ÷ allocated per item: 19% nothing, 19% everything, the rest Beta(2.2, 0.8),
which puts the median of all items at 0.79 (govspending FY2559-2561)."""

CUMULATIVE_DISBURSEMENT = (6.8, 18.0, 29.7, 41.1, 50.9, 61.2, 71.4, 77.5, 84.7, 90.6, 94.7, 100.0)
"""Cumulative share of the year's disbursement by the end of fiscal months 1 (October) to 12
(September), in per cent (MOF monthly Ministry of Interior expenditure, FY2548-2561)."""

GROWTH = 0.045
"""Year-over-year growth of the total, about +4.5%."""

LINES_PER_LAO = 5.0
"""Budget lines per LAO and year at national scale: 7,848 LAOs give about 39,000 lines a year,
the order of the ~11,000 Ministry of Interior items of FY2561 plus other ministries' area items."""

PLAN_PROJECTS_PER_LAO = 4
NEEDS_PER_LAO = 2
SPECIFIC_METHOD_LIMIT = 500_000
"""Procurement up to 500,000 baht may use the specific method (พ.ร.บ. การจัดซื้อจัดจ้างฯ 2560
มาตรา 56); above it, e-bidding or e-market."""

LAO_BUDGET_MEDIAN = {
    "PAO": 750e6,
    "ThesabanNakhon": 1_100e6,
    "ThesabanMueang": 280e6,
    "ThesabanTambon": 60e6,
    "TAO": 42e6,
}
"""Typical annual expenditure budget by LAO type (PAO median from WeVis FY2565; the others are
orders of magnitude from DLA publications)."""

LAO_ITEM_MAX = {
    "PAO": 346.5e6,
    "ThesabanNakhon": 46.9e6,
    "ThesabanMueang": 115.8e6,
    "ThesabanTambon": 72.8e6,
    "TAO": 72.7e6,
}
"""The largest item naming an LAO of each type among the 11,348 FY2561 Ministry of Interior
items (govspending): a grant to one LAO stays within what one LAO of its type was given in a
real year, so no sub-district SAO receives billions from one line."""

LAO_REVENUE_SHARES = {
    "tax": 0.03,
    "fees": 0.015,
    "property": 0.01,
    "utilities": 0.005,
    "misc": 0.01,
    "capital": 0.002,
    "shared_tax": 0.48,
    "general_subsidy": 0.36,
}
"""Revenue mix of a typical LAO (WeVis FY2565 PAO incomes); specific subsidies come on top,
from the BBL transfers of the same LAO and year."""

LAO_EXPENDITURE_SHARES = {
    "central": 0.15,
    "personnel": 0.32,
    "operating": 0.25,
    "investment": 0.2,
    "subsidy": 0.05,
    "other": 0.03,
}
"""Expenditure by budget type of a typical LAO ordinance (WeVis FY2565 groupedByType)."""


class Scale(BaseModel):
    """How much to generate."""

    model_config = ConfigDict(frozen=True)

    name: str
    province: str | None
    """One province's LAOs only (sample and province scales), else the whole country."""
    max_laos: int | None = None
    lines_per_lao: float = LINES_PER_LAO


SCALES = {
    "sample": Scale(name="sample", province="18", max_laos=12, lines_per_lao=1.5),
    "province": Scale(name="province", province="50"),
    "national": Scale(name="national", province=None),
}
