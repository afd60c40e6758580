"""The dataset page's files: the CSV, Parquet and JSON copies `khlang publish` writes of a
table are one card offering each format; a table published once is offered in the others
through the API; a file that is not a table is a card of its own."""

from __future__ import annotations

from khlang.api.service import ResourceView
from khlang.api.web.files import card_of, table_cards

SCHEMA = {"fields": [{"name": "fiscal_year", "type": "integer"}, {"name": "amount"}]}
API = "http://x/api/v1/datasets/d/resources"


def resource(rid: str, filename: str, fmt: str, *, schema=SCHEMA, name=None) -> ResourceView:
    tabular = schema is not None
    links = {"self": f"{API}/{rid}"}
    if tabular:
        links |= {f"download_{f}": f"{API}/{rid}/download.{f}" for f in ("csv", "json", "parquet")}
        links |= {"rows": f"{API}/{rid}/rows"}
    return ResourceView(
        id=rid,
        position=0,
        name=name or f"งบประมาณ ({fmt})",
        name_en=f"Budget ({fmt})",
        description="ตาราง",
        format=fmt,
        media_type=None,
        byte_size=100,
        sha256="abc",
        filename=filename,
        download_url=f"http://x/dataset/d/resource/{rid}/download/{filename}",
        tabular=tabular,
        links=links,
        metadata={"schema": schema} if schema else {},
    )


def test_three_copies_of_a_table_are_one_card_with_three_published_formats() -> None:
    copies = [
        resource("p", "budget.parquet", "Parquet"),
        resource("c", "budget.csv", "CSV"),
        resource("j", "budget.json", "JSON"),
        resource("doc", "budget.pdf", "PDF", schema=None, name="คู่มือ"),
    ]
    cards = table_cards(copies)
    assert len(cards) == 2
    table, manual = cards
    assert table.name == "งบประมาณ"  # the format is the buttons', not the table's name
    assert table.name_en == "Budget"
    assert table.resource.id == "c"  # preview, chart and API links read the CSV copy
    assert [(f.format, f.published) for f in table.files] == [
        ("CSV", True), ("JSON", True), ("Parquet", True)
    ]  # fmt: skip
    assert table.spreadsheet_url == f"{API}/c/download.csv?bom=1&headers=th"
    assert card_of(cards, "j") is table
    assert not manual.tabular
    assert manual.name == "คู่มือ"
    assert [(f.format, f.published) for f in manual.files] == [("PDF", True)]
    assert manual.spreadsheet_url is None


def test_a_table_published_once_is_offered_in_the_other_formats_by_the_api() -> None:
    [card] = table_cards([resource("c", "lines.csv", "CSV")])
    assert [(f.format, f.published, f.url) for f in card.files] == [
        ("CSV", True, "http://x/dataset/d/resource/c/download/lines.csv"),
        ("JSON", False, f"{API}/c/download.json"),
        ("Parquet", False, f"{API}/c/download.parquet"),
    ]


def test_tables_with_the_same_stem_but_other_columns_stay_apart() -> None:
    other = {"fields": [{"name": "lao_key"}]}
    cards = table_cards(
        [resource("a", "t.csv", "CSV"), resource("b", "t.json", "JSON", schema=other)]
    )
    assert len(cards) == 2
