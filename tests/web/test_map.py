"""The province tile map: a layout derived from the coordinates in ../shared (and still what
they give), labels that fit a square, and grey "no data" squares that are never zero."""

from __future__ import annotations

from pathlib import Path

from khlang.api.web.province_grid import COLUMNS, ROWS, derive, province_squares
from khlang.api.web.tile_map import Tile, map_spec, render_map, tile_label


def test_the_committed_layout_is_what_the_coordinates_give(shared_dir: Path) -> None:
    derived = derive(shared_dir / "data" / "real" / "geo" / "kongvut_sub_districts.csv")
    assert derived == province_squares()


def test_every_province_has_its_own_square() -> None:
    squares = province_squares()
    assert len(squares) == 77
    assert len(set(squares.values())) == 77
    assert all(0 <= x < COLUMNS and 0 <= y < ROWS for x, y in squares.values())
    # north above south, west of east: Chiang Rai above Songkhla, Tak west of Ubon
    assert squares["57"][1] < squares["90"][1]
    assert squares["63"][0] < squares["34"][0]


def test_labels_split_between_words_not_inside_a_syllable() -> None:
    assert tile_label("เชียงใหม่") == "เชียง\nใหม่"
    assert tile_label("นครราชสีมา") == "นคร\nราชสีมา"
    assert tile_label("ตาก") == "ตาก"
    assert "\n" not in tile_label("น่าน")


def test_no_data_is_grey_never_the_colour_of_zero() -> None:
    tiles = [
        Tile(
            code="50",
            name="เชียงใหม่",
            value=0.0,
            shown="0",
            href="http://x.test/dashboard?province=50",
        ),
        Tile(
            code="26",
            name="นครนายก",
            value=None,
            shown="",
            href="http://x.test/dashboard?province=26",
        ),
        Tile(code="10", name="กรุงเทพมหานคร", value=120.0, shown="120"),
    ]
    spec = map_spec(tiles, description="d", measure="m", no_data="ไม่มีข้อมูล", value_format=",.0f")
    coloured = spec["layer"][1]["transform"][0]["filter"]
    assert coloured == "isValid(datum.value)"
    texts = {row["code"]: row["text"] for row in spec["data"]["values"]}
    assert texts["26"] == "นครนายก: ไม่มีข้อมูล"
    assert texts["50"] == "เชียงใหม่: 0"
    svg = render_map(tiles, description="d", measure="m", no_data="ไม่มีข้อมูล", value_format=",.0f")
    assert 'href="http://x.test/dashboard?province=50"' in svg
    assert "นครนายก: ไม่มีข้อมูล" in svg
