"""A labelled search corpus: area-budget datasets of six provinces and seven topics, and
queries in Thai and English with the datasets a person would expect to find.

Some datasets have English titles and some do not; some name their province only in the
description; two provinces share the prefix เชียง, so a search for one must not be satisfied
by the other.
"""

from __future__ import annotations

import datetime as dt

from khlang.metadata.model import Dataset, Resource, Temporal

PROVINCES = {
    "cm": ("เชียงใหม่", "Chiang Mai"),
    "cr": ("เชียงราย", "Chiang Rai"),
    "nn": ("นครนายก", "Nakhon Nayok"),
    "kk": ("ขอนแก่น", "Khon Kaen"),
    "pk": ("ภูเก็ต", "Phuket"),
    "bk": ("กรุงเทพมหานคร", "Bangkok"),
}
TOPICS = {
    "allocation": (
        "งบประมาณที่ได้รับจัดสรรรายพื้นที่ จังหวัด{th}",
        "Budget allocation by area, {en}",
        ["งบประมาณ", "งบประมาณเชิงพื้นที่"],
        "ข้อมูลสถิติ",
    ),
    "disbursement": (
        "ผลการเบิกจ่ายงบประมาณรายเดือน จังหวัด{th}",
        "Monthly budget disbursement, {en}",
        ["การเบิกจ่าย", "งบประมาณ"],
        "ข้อมูลสถิติ",
    ),
    "projects": (
        "โครงการพัฒนาพื้นที่ จังหวัด{th}",
        "Area development projects, {en}",
        ["โครงการ"],
        "ข้อมูลระเบียน",
    ),
    "procurement": (
        "สัญญาจัดซื้อจัดจ้าง จังหวัด{th}",
        "Procurement contracts, {en}",
        ["จัดซื้อจัดจ้าง", "สัญญา"],
        "ข้อมูลระเบียน",
    ),
    "lao-finance": (
        "รายรับรายจ่ายขององค์กรปกครองส่วนท้องถิ่น จังหวัด{th}",
        "Local government revenue and expenditure, {en}",
        ["รายได้", "อปท."],
        "ข้อมูลสถิติ",
    ),
    "needs": (
        "ความต้องการของประชาชน จังหวัด{th}",
        "Citizens' needs, {en}",
        ["ความต้องการของประชาชน", "งบประมาณแบบมีส่วนร่วม"],
        "ข้อมูลระเบียน",
    ),
    "benchmark": (
        "ตัวชี้วัดเปรียบเทียบ อปท. จังหวัด{th}",
        "LAO benchmark indicators, {en}",
        ["ตัวชี้วัด", "อปท."],
        "ข้อมูลสถิติ",
    ),
}
# Every third dataset has no English title; every fourth names its province only in notes.
NO_ENGLISH = {("projects", "kk"), ("needs", "cm"), ("allocation", "nn"), ("benchmark", "pk"),
              ("procurement", "cr"), ("disbursement", "bk")}  # fmt: skip
PROVINCE_ONLY_IN_NOTES = {("disbursement", "nn"), ("projects", "cm"), ("needs", "kk")}


def corpus() -> list[tuple[str, str, Dataset]]:
    """(name, organisation, dataset) for every topic and province."""
    items = []
    for (topic, (title_th, title_en, tags, data_type)), index in zip(
        TOPICS.items(), range(len(TOPICS)), strict=True
    ):
        for code, (th, en) in PROVINCES.items():
            name = f"{code}-{topic}"
            in_title = (topic, code) not in PROVINCE_ONLY_IN_NOTES
            title = title_th.format(th=th) if in_title else title_th.split(" จังหวัด")[0]
            formats = ["CSV", "Parquet"] if index % 3 == 0 else ["CSV"]
            dataset = Dataset(
                name=name,
                title=title,
                title_en=None if (topic, code) in NO_ENGLISH else title_en.format(en=en),
                notes=f"ข้อมูล{title_th.format(th=th)} รวบรวมจากระบบของหน่วยงานในจังหวัด{th}",
                tags=[*tags, th],
                data_type=data_type,
                geo_coverage="จังหวัด" if index % 2 else "อำเภอ",
                data_category="ข้อมูลสาธารณะ",
                first_year_of_data="2565",
                last_year_of_data="2567" if code != "bk" else "2568",
                temporal=Temporal(start=dt.date(2021, 10, 1)),
                resources=[Resource(name=f"{name}.{f.lower()}", format=f) for f in formats],
            )  # fmt: skip
            items.append((name, f"{code}-provincial-office", dataset))
    return items


def _all(topic: str) -> set[str]:
    return {f"{code}-{topic}" for code in PROVINCES}


# (query, the datasets it should find)
LABELLED_QUERIES: list[tuple[str, set[str]]] = [
    ("งบประมาณ เชียงใหม่", {"cm-allocation", "cm-disbursement"}),
    ("งบประมาณเชียงใหม่", {"cm-allocation", "cm-disbursement"}),
    ("budget Chiang Mai", {"cm-allocation", "cm-disbursement"}),
    ("การเบิกจ่าย นครนายก", {"nn-disbursement"}),
    ("การเบิกจ่ายนครนายก", {"nn-disbursement"}),
    ("disbursement Nakhon Nayok", {"nn-disbursement"}),
    ("จัดซื้อจัดจ้าง ขอนแก่น", {"kk-procurement"}),
    ("procurement contracts", _all("procurement")),
    ("สัญญาจัดซื้อจัดจ้าง", _all("procurement")),
    ("ความต้องการประชาชน เชียงราย", {"cr-needs"}),
    ("citizens needs Phuket", {"pk-needs"}),
    ("รายได้ อปท", _all("lao-finance")),
    ("รายรับรายจ่าย องค์กรปกครองส่วนท้องถิ่น", _all("lao-finance")),
    ("local government revenue", _all("lao-finance")),
    ("ตัวชี้วัด อปท. ภูเก็ต", {"pk-benchmark"}),
    ("LAO benchmark", _all("benchmark")),
    ("โครงการพัฒนาพื้นที่ เชียงใหม่", {"cm-projects"}),
    ("development projects Bangkok", {"bk-projects"}),
    ("งบประมาณ กทม", {"bk-allocation", "bk-disbursement"}),
    ("งบประมาณเชิงพื้นที่", _all("allocation")),
]
