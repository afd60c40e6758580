"""The map panel of the national view: every province coloured by the chosen measure of the
selection (disbursement rate, allocated baht, or allocated baht per person), each a link to
the province's own view. A province with no figure for the measure is grey, "no data"."""

from __future__ import annotations

from pydantic import BaseModel

from khlang.api.web.dashboard.figures import FigureRow
from khlang.api.web.dashboard.selection import MEASURES, Selection
from khlang.api.web.i18n import Formatter
from khlang.api.web.province_grid import province_squares
from khlang.api.web.tile_map import Tile, render_map
from khlang.catalog.area_budget.places import place_name

MEASURE_LABELS = {
    "disbursement_rate": ("อัตราการเบิกจ่าย (%)", "Disbursement rate (%)"),
    "allocated": ("งบประมาณจัดสรร (ล้านบาท)", "Allocated (million baht)"),
    "per_capita": ("งบประมาณจัดสรรต่อหัวประชากร (บาท)", "Allocated per person (baht)"),
}
GLOSSARY_TERM = {"disbursement_rate": "disbursement-rate", "allocated": "allocated",
                 "per_capita": "per-capita"}  # fmt: skip


class MapPanel(BaseModel):
    svg: str
    measure: str
    measures: list[tuple[str, str, str]]
    """(code, label, link) of every measure."""
    no_data: int
    """Provinces without a figure for the measure."""
    population_source: str | None = None


def province_map(
    rows: list[FigureRow],
    selection: Selection,
    fmt: Formatter,
    *,
    base: str,
    link,
    population: dict[str, int],
    population_source: str | None,
) -> MapPanel:
    """The map from the province panel's rows (the same figures as its table)."""
    by_code = {row.code: row for row in rows if row.code}
    measure = selection.measure
    tiles = []
    for code in _all_provinces():
        row = by_code.get(code)
        value = _value(row, measure, population.get(code))
        tiles.append(
            Tile(
                code=code,
                name=place_name("province", code, fmt.lang) or code,
                value=value,
                shown=_shown(value, measure, fmt),
                href=base + link(province=code, district=None, subdistrict=None, lao=None),
            )
        )
    label = fmt.pick(*MEASURE_LABELS[measure])
    svg = render_map(
        tiles,
        description=fmt.pick(f"แผนที่จังหวัด: {label}", f"Map of provinces: {label}"),
        measure=label,
        no_data=fmt.pick("ไม่มีข้อมูล", "no data"),
        value_format=",.1f" if measure == "disbursement_rate" else ",.0f",
    )
    return MapPanel(
        svg=svg,
        measure=measure,
        measures=[
            (code, fmt.pick(*MEASURE_LABELS[code]), link(measure=code))
            for code in MEASURES
            if code != "per_capita" or population
        ],
        no_data=sum(1 for tile in tiles if tile.value is None),
        population_source=population_source,
    )


def _all_provinces() -> list[str]:
    return sorted(province_squares())


def _value(row: FigureRow | None, measure: str, population: int | None) -> float | None:
    if row is None:
        return None
    if measure == "disbursement_rate":
        return row.rate
    if measure == "allocated":
        return None if row.allocated is None else row.allocated / 1e6
    if row.allocated is None or not population:
        return None
    return row.allocated / population


def _shown(value: float | None, measure: str, fmt: Formatter) -> str:
    if value is None:
        return fmt.pick("ไม่มีข้อมูล", "no data")
    if measure == "disbursement_rate":
        return fmt.percent(value)
    return fmt.number(value, 2 if measure == "allocated" else 0)
