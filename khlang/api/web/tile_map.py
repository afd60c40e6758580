"""The map of provinces: one square per province on a tile grid (province_grid.py), coloured
by a measure, drawn on the server as SVG by the same Vega-Lite converter as the charts.

A tile map gives every province the same size, so small provinces with large budgets are
seen, and it needs no boundary file. Each square is a link (to the province's page of the
dashboard) and carries its accessible label, "<province>: <value>". A province the measure
has no figure for is grey and reads "ไม่มีข้อมูล / no data": never the colour of zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from khlang.api.web import charts
from khlang.api.web.province_grid import COLUMNS, ROWS, province_squares

SQUARE = 40
"""Pixels per square: nine squares fit a 360 px phone."""
NO_DATA = "#d9d9d9"
SCHEME = ("#e3eef9", "#1d5fa8")
"""Light to dark blue: the darkest square still carries white text at 4.5:1."""
LABEL_WIDTH = 5
"""Visible Thai characters a square's label line holds."""
_THAI_MARKS = {chr(code) for code in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F))}
_LEADING = set("เแโใไ")
"""Vowels written before the consonant they follow in speech: never end a line."""
_SHORT = {"พระนครศรีอยุธยา": "อยุธยา"}
"""The name people use where the official one cannot fit a square."""
_PREFIXES = ("กรุงเทพ", "นครศรี", "นคร", "สมุทร", "ประจวบ", "กำแพง", "ฉะเชิง", "สุพรรณ", "สุราษฎร์",
             "ปราจีน", "พิษณุ", "อุตร", "กาญจน", "หนองบัว", "อำนาจ", "มุกดา", "ร้อย", "มหา",
             "อุบล", "แม่ฮ่อง", "ศรี", "ชัย", "เพชร", "สระ", "ราช", "บึง")  # fmt: skip


_SUFFIXES = ("บุรี", "ธานี", "ใหม่", "ราย", "คาย", "บูรณ์", "นายก", "ปฐม", "พนม", "สินธุ์",
             "รัมย์", "ภูมิ", "เกษ", "ทอง", "แก้ว", "โลก", "สาคร", "วาส", "ลุง", "ตานี", "ภูเก็ต",
             "ดิตถ์", "ทัย", "ขลา", "สกลนคร", "เอ็ด", "แก่น", "ธร", "ทรา")  # fmt: skip


class Tile(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    """The province's 2-digit DOPA code."""
    name: str
    value: float | None
    """None: no figure (grey, "no data")."""
    shown: str
    """The value as the page writes it."""
    href: str | None = None
    """An absolute URL: Vega resolves a relative one against its own data site."""


def tile_label(name: str) -> str:
    """A province name in one or two short lines: split after a known first word
    (นคร|ราชสีมา) or in the middle, never before a vowel or tone mark."""
    name = _SHORT.get(name, name)
    visible = [char for char in name if char not in _THAI_MARKS]
    if len(visible) <= LABEL_WIDTH or " " in name:
        return name.replace(" ", "\n", 1) if len(name) > LABEL_WIDTH + 2 else name
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            return f"{prefix}\n{name[len(prefix) :]}"
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return f"{name[: -len(suffix)]}\n{suffix}"
    middle = len(name) // 2
    while middle < len(name) and (name[middle] in _THAI_MARKS or name[middle - 1] in _LEADING):
        middle += 1
    return f"{name[:middle]}\n{name[middle:]}"


def map_spec(
    tiles: Sequence[Tile], *, description: str, measure: str, no_data: str, value_format: str
) -> dict:
    """The Vega-Lite specification: grey squares for every province, coloured squares for
    those with a figure, and their names on top."""
    squares = province_squares()
    values = [
        {
            "code": tile.code,
            "column": squares[tile.code][0],
            "row": squares[tile.code][1],
            "name": tile.name,
            "label": tile_label(tile.name),
            "value": tile.value,
            "text": f"{tile.name}: {tile.shown if tile.value is not None else no_data}",
            **({"href": tile.href} if tile.href else {}),
        }
        for tile in tiles
        if tile.code in squares
    ]
    known = [tile.value for tile in tiles if tile.value is not None]
    middle = (min(known) + max(known)) / 2 if known else 0
    dark = f"isValid(datum.value) && datum.value > {middle}"
    position = {
        "x": {"field": "column", "type": "ordinal", "axis": None,
              "scale": {"domain": list(range(COLUMNS)), "paddingInner": 0.08}},
        "y": {"field": "row", "type": "ordinal", "axis": None,
              "scale": {"domain": list(range(ROWS)), "paddingInner": 0.08}},
        "href": {"condition": {"test": "isValid(datum.href)", "field": "href"}, "value": None},
        "description": {"field": "text"},
    }  # fmt: skip
    return {
        "$schema": charts.VEGA_LITE_SCHEMA,
        "description": description,
        "width": COLUMNS * SQUARE,
        "height": ROWS * SQUARE,
        "data": {"values": values},
        "layer": [
            {"mark": {"type": "rect", "fill": NO_DATA, "cursor": "pointer"}, "encoding": position},
            {
                "transform": [{"filter": "isValid(datum.value)"}],
                "mark": {"type": "rect", "cursor": "pointer"},
                "encoding": {
                    **position,
                    "color": {
                        "field": "value",
                        "type": "quantitative",
                        "title": measure,
                        "scale": {"range": list(SCHEME)},
                        "legend": {"orient": "bottom", "format": value_format,
                                   "gradientLength": COLUMNS * SQUARE - 40},
                    },
                },
            },
            {
                "mark": {"type": "text", "fontSize": 8, "lineBreak": "\n", "limit": SQUARE - 2,
                         "cursor": "pointer"},
                "encoding": {
                    **position,
                    "text": {"field": "label"},
                    "color": {"condition": {"test": dark, "value": "#fff"}, "value": "#222"},
                },
            },
        ],
        "padding": charts.EDGE,
        "config": {"font": charts.MEASURE_FONT, "view": {"stroke": None},
                   "legend": {"labelFontSize": 11, "titleFontSize": 12}},
    }  # fmt: skip


def render_map(
    tiles: Sequence[Tile], *, description: str, measure: str, no_data: str, value_format: str
) -> str:
    """The map as an inline SVG element."""
    return charts.render_spec(
        map_spec(
            tiles,
            description=description,
            measure=measure,
            no_data=no_data,
            value_format=value_format,
        )
    )
