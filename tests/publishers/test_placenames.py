"""Thai place names, with or without spaces, into areas."""

from __future__ import annotations

from pathlib import Path

import pytest

from khlang.publishers.areas import load_areas, packaged_areas
from khlang.publishers.placenames import PlaceParser


@pytest.fixture(scope="module")
def parser() -> PlaceParser:
    return PlaceParser(packaged_areas())


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ตำบลชัยนาทอำเภอเมืองชัยนาท", "180104"),
        ("ม.1 ต.คลองแดน อ.ระโนด จ.สงขลา", "900702"),
        ("เขื่อนป้องกันตลิ่งริมแม่น้ำเจ้าพระยา ม.1 ต.บางหลวง อ.บางบาล จ.พระนครศรีอยุธยา", "140512"),
        ("อำเภอเมือง จังหวัดชัยนาท", "1801"),
        ("แขวงบางนาเหนือ เขตบางนา กรุงเทพมหานคร", "104702"),
        ("ค่าก่อสร้างอาคารที่ทำการศาลจังหวัดระนอง", "85"),
        ("ตำบลธงชัยหนือ", "301417"),
        ("ตำบล ชัยนาท อำเภอ เมืองชัยนาท จังหวัด ชัยนาท", "180104"),
    ],
)
def test_places_are_found(parser: PlaceParser, text: str, code: str) -> None:
    match = parser.parse(text)
    assert match.area is not None
    assert match.area.code == code
    assert not match.ambiguous


def test_the_village_number_is_kept(parser: PlaceParser) -> None:
    assert parser.parse("หมู่ที่ ๓ ตำบลชัยนาท อำเภอเมืองชัยนาท").village == 3


def test_a_name_shared_by_several_areas_stops_at_what_they_share(parser: PlaceParser) -> None:
    match = parser.parse("ตำบลในเมือง")
    assert match.ambiguous
    assert match.area is None or match.area.level != "subdistrict"


def test_a_province_given_by_the_source_settles_the_name(parser: PlaceParser) -> None:
    assert parser.parse("ตำบลในเมือง อำเภอเมืองชัยภูมิ").area.code == "360101"
    assert parser.parse("ตำบลในเมือง", "36").area.code == "360101"


def test_nothing_is_guessed_from_text_without_places(parser: PlaceParser) -> None:
    assert parser.parse("ก่อสร้างถนน บ้านหนองบัว หมู่ที่ 3").area is None


def test_lao_names_give_their_area(real_dir: Path) -> None:
    parser = PlaceParser(load_areas(real_dir))
    match = parser.parse("องค์การบริหารส่วนตำบลเขาคราม")
    assert match.lao_key == "TAO-810105"
    assert match.area.code == "810105"
    # An LAO upgraded since the source was written is still found (เทศบาลตำบล -> เมือง).
    match = parser.parse("เขื่อนป้องกันตลิ่ง เทศบาลต.จันทนิมิต อ.เมือง จ.จันทบุรี")
    assert match.lao_key == "ThesabanMueang-2296"
    # `อบต.` is not read as the sub-district marker `ต.`.
    assert parser.parse("อบต.เขาคราม อ.เมืองกระบี่").lao_key == "TAO-810105"
