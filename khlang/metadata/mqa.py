"""The EU Metadata Quality Assessment (MQA), applied to a dataset's DCAT-AP form.

data.europa.eu rates harvested metadata on 405 points in five dimensions (the indicators and
weights are in ../shared/reference/mqa.md). khlang computes them on the very graph its DCAT-AP
export produces, so the score describes what a European-style harvester would see, and says for
every missing point which khlang field earns it.

Distribution-level indicators score the share of distributions that satisfy them; for
interoperability only the best distribution counts, as in the MQA. Reachability of URLs needs
the network, which the metadata package does not touch: pass `url_status` (URL -> HTTP status,
0 for no answer), as `khlang metadata check --check-urls` does; without it those 80 points are
reported as not checked, never assumed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import BaseModel
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF
from rdflib.term import Node

from khlang.i18n import Text, t
from khlang.metadata import eu
from khlang.metadata.dcat import DEFAULT_BASE_URL, dataset_graph, dataset_iri, new_graph
from khlang.metadata.formats import EU_FILE_TYPE, FORMATS, IANA_MEDIA_TYPES, FileFormat
from khlang.metadata.model import Dataset
from khlang.metadata.shacl import ShaclResult, Violation, validate_dcat

MAX_POINTS = 405
BANDS: tuple[tuple[int, str, Text], ...] = (
    (351, "excellent", Text(th="ดีเยี่ยม", en="Excellent")),
    (221, "good", Text(th="ดี", en="Good")),
    (121, "sufficient", Text(th="พอใช้", en="Sufficient")),
    (0, "bad", Text(th="ต้องปรับปรุง", en="Bad")),
)
DIMENSIONS: dict[str, Text] = {
    "findability": Text(th="การค้นพบได้", en="Findability"),
    "accessibility": Text(th="การเข้าถึงได้", en="Accessibility"),
    "interoperability": Text(th="การทำงานร่วมกันได้", en="Interoperability"),
    "reusability": Text(th="การนำกลับมาใช้ซ้ำได้", en="Reusability"),
    "contextuality": Text(th="บริบทของข้อมูล", en="Contextuality"),
}
_FORMAT_BY_EU_CODE: dict[str, FileFormat] = {}
for _format in FORMATS:
    if _format.eu_code:
        _FORMAT_BY_EU_CODE.setdefault(_format.eu_code, _format)

Status = Literal["met", "partial", "missing", "not_checked"]


class Indicator(BaseModel):
    key: str
    dimension: str
    label: Text
    property: str
    max_points: int
    points: float
    status: Status
    detail: Text | None = None
    fix: Text | None = None
    """What to change in the dataset file to earn the missing points."""


class MqaReport(BaseModel):
    indicators: list[Indicator]
    shacl: ShaclResult

    @property
    def total(self) -> float:
        return round(sum(item.points for item in self.indicators), 1)

    @property
    def not_checked(self) -> int:
        return sum(item.max_points for item in self.indicators if item.status == "not_checked")

    @property
    def rating(self) -> str:
        return rating_for(self.total)[0]

    @property
    def rating_label(self) -> Text:
        return rating_for(self.total)[1]

    def dimension_points(self) -> dict[str, tuple[float, int]]:
        totals: dict[str, tuple[float, int]] = {}
        for item in self.indicators:
            points, maximum = totals.get(item.dimension, (0.0, 0))
            totals[item.dimension] = (round(points + item.points, 1), maximum + item.max_points)
        return totals

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "max": MAX_POINTS,
            "rating": self.rating,
            "rating_label": self.rating_label.model_dump(),
            "not_checked": self.not_checked,
            "possible_if_checked": round(self.total + self.not_checked, 1),
            "dimensions": {
                key: {"points": points, "max": maximum}
                for key, (points, maximum) in self.dimension_points().items()
            },
            "indicators": [item.model_dump(mode="json") for item in self.indicators],
            "shacl": self.shacl.model_dump(),
        }


def rating_for(total: float) -> tuple[str, Text]:
    for floor, code, label in BANDS:
        if total >= floor:
            return code, label
    return BANDS[-1][1], BANDS[-1][2]


def mqa_score(
    dataset: Dataset,
    *,
    url_status: Mapping[str, int] | None = None,
    base_url: str = DEFAULT_BASE_URL,
    graph: Graph | None = None,
) -> MqaReport:
    """Score the dataset's DCAT-AP form (built here unless `graph` is given)."""
    graph = graph if graph is not None else dataset_graph(dataset, base_url=base_url)
    node = dataset_iri(dataset, base_url)
    shacl = validate_dcat(graph)
    scorer = _Scorer(graph, node, url_status)
    return MqaReport(indicators=scorer.indicators(shacl), shacl=shacl)


# --- the indicators ------------------------------------------------------------------------

_NAMES = new_graph()
_NAMES.bind("adms", "http://www.w3.org/ns/adms#")  # the shapes' paths; never in our graphs
"""The prefixes a SHACL finding's property is written with (DCAT-AP's, as we serialise)."""
_FIELDS = {
    "dct:title": "title / title_en",
    "dct:description": "notes / notes_en",
    "dct:publisher": "owner_org / publisher",
    "dcat:contactPoint": "maintainer_email",
    "dct:license": "license_id",
    "dcat:keyword": "tags",
    "dcat:theme": "themes",
    "dct:spatial": "spatial",
    "dct:temporal": "temporal",
    "dcat:accessURL": "resources[].url",
    "dcat:downloadURL": "resources[].url",
    "dct:format": "resources[].format",
    "dcat:mediaType": "resources[].media_type",
    "dcat:byteSize": "resources[].byte_size",
    "dct:issued": "issued",
    "dct:modified": "last_updated_date",
}
"""The dataset-file field behind a DCAT-AP property, to name in a SHACL finding."""


def violation_text(violation: Violation) -> Text:
    """A SHACL result as the dataset file's author can act on it: the property (and the
    field that fills it), and pySHACL's message without the node's generated IRI."""
    path = violation.path or ""
    with contextlib.suppress(KeyError, ValueError):  # no known prefix: the full IRI
        path = _NAMES.namespace_manager.curie(path, generate=False)
    field = _FIELDS.get(path)
    where = f"{path} ({field})" if field else path or violation.focus
    message = violation.message.split(" on <", 1)[0]
    if message == "Less than 1 values":
        return Text(th=f"{where}: ไม่มีค่า", en=f"{where}: missing")
    return Text(th=f"{where}: {message}", en=f"{where}: {message}")


def _reachable(status: int | None) -> bool:
    return status is not None and 200 <= status < 400


class _Scorer:
    def __init__(self, graph: Graph, node: URIRef, url_status: Mapping[str, int] | None) -> None:
        self.graph = graph
        self.node = node
        self.url_status = url_status
        self.distributions = sorted(graph.objects(node, DCAT.distribution), key=str)

    def has(self, subject: Node, predicate: URIRef) -> bool:
        return self.graph.value(subject, predicate) is not None

    def share(self, test: Callable[[Node], bool]) -> float:
        if not self.distributions:
            return 0.0
        return sum(1 for item in self.distributions if test(item)) / len(self.distributions)

    def indicator(
        self,
        key: str,
        dimension: str,
        label: Text,
        prop: str,
        max_points: int,
        share: float,
        fix: Text,
        detail: Text | None = None,
    ) -> Indicator:
        points = round(max_points * share, 1)
        status: Status = "met" if share >= 1 else "missing" if share <= 0 else "partial"
        return Indicator(
            key=key,
            dimension=dimension,
            label=label,
            property=prop,
            max_points=max_points,
            points=points,
            status=status,
            detail=detail,
            fix=None if status == "met" else fix,
        )

    def dataset_level(
        self, key: str, dimension: str, label: Text, prop: str, predicate: URIRef,
        max_points: int, fix: Text,
    ) -> Indicator:  # fmt: skip
        share = 1.0 if self.has(self.node, predicate) else 0.0
        return self.indicator(key, dimension, label, prop, max_points, share, fix)

    def indicators(self, shacl: ShaclResult) -> list[Indicator]:
        return [
            *self.findability(),
            *self.accessibility(),
            *self.interoperability(shacl),
            *self.reusability(),
            *self.contextuality(),
        ]

    def findability(self) -> list[Indicator]:
        f = "findability"
        return [
            self.dataset_level(
                "keyword", f, t("คำสำคัญ", "Keyword usage"), "dcat:keyword", DCAT.keyword, 30,
                t("เพิ่มคำสำคัญ (tags)", "add tags"),
            ),
            self.dataset_level(
                "theme", f, t("หมวดหมู่", "Categories"), "dcat:theme", DCAT.theme, 30,
                t("เพิ่ม themes เป็นรหัสหมวดหมู่ของสหภาพยุโรป เช่น [GOVE, ECON] สำหรับข้อมูลงบประมาณ",
                   "add `themes` with EU data-theme codes, e.g. [GOVE, ECON] for budget data"),
            ),
            self.dataset_level(
                "spatial", f, t("การค้นหาตามพื้นที่", "Geo search"), "dct:spatial",
                DCTERMS.spatial, 20,
                t("เพิ่ม spatial เป็นรหัสพื้นที่ของกรมการปกครอง เช่น ['50'] หรือเลือก geo_coverage "
                   "ระดับพื้นที่ในประเทศไทย",
                   "add `spatial` DOPA area codes, e.g. ['50'], or a Thai area level as "
                   "geo_coverage"),
            ),
            self.dataset_level(
                "temporal", f, t("การค้นหาตามช่วงเวลา", "Time-based search"), "dct:temporal",
                DCTERMS.temporal, 20,
                t("เพิ่ม temporal (start, end) หรือ first_year_of_data/last_year_of_data",
                   "add `temporal` (start, end) or first_year_of_data/last_year_of_data"),
            ),
        ]  # fmt: skip

    def _url_share(self, predicate: URIRef) -> tuple[float, bool]:
        """Share of distributions whose URL answered, and whether every URL was checked."""
        statuses = self.url_status or {}
        urls = [self.graph.value(item, predicate) for item in self.distributions]
        checked = all(url is None or str(url) in statuses for url in urls)
        reachable = sum(1 for url in urls if url is not None and _reachable(statuses.get(str(url))))
        return (reachable / len(urls) if urls else 0.0), checked

    def _accessible(
        self, key: str, label: Text, prop: str, predicate: URIRef, max_points: int, fix: Text
    ) -> Indicator:
        if self.url_status is None:
            return Indicator(
                key=key, dimension="accessibility", label=label, property=prop,
                max_points=max_points, points=0, status="not_checked",
                detail=t("ยังไม่ได้ตรวจว่าเข้าถึง URL ได้ (ใช้ --check-urls)",
                          "URL reachability not checked (use --check-urls)"),
                fix=fix,
            )  # fmt: skip
        share, checked = self._url_share(predicate)
        detail = None if checked else t("บาง URL ไม่ได้ตรวจ", "some URLs were not checked")
        return self.indicator(key, "accessibility", label, prop, max_points, share, fix, detail)

    def accessibility(self) -> list[Indicator]:
        reach = t("ทำให้ URL ของทรัพยากรตอบกลับด้วย HTTP 200",
                   "make each resource URL answer with HTTP 200")  # fmt: skip
        return [
            self._accessible(
                "access_url_accessible", t("เข้าถึง access URL ได้", "Access URL accessibility"),
                "dcat:accessURL", DCAT.accessURL, 50, reach,
            ),
            self.indicator(
                "download_url", "accessibility", t("มี download URL", "Download URL"),
                "dcat:downloadURL", 20, self.share(lambda d: self.has(d, DCAT.downloadURL)),
                t("ใส่ url ของไฟล์ให้ทุกทรัพยากร", "give every resource a direct file `url`"),
            ),
            self._accessible(
                "download_url_accessible",
                t("เข้าถึง download URL ได้", "Download URL accessibility"),
                "dcat:downloadURL", DCAT.downloadURL, 30, reach,
            ),
        ]  # fmt: skip

    def _format_of(self, distribution: Node) -> FileFormat | None:
        value = self.graph.value(distribution, DCTERMS.format)
        if isinstance(value, URIRef) and str(value).startswith(EU_FILE_TYPE):
            return _FORMAT_BY_EU_CODE.get(str(value).removeprefix(EU_FILE_TYPE))
        return None

    def _interoperability_parts(self, distribution: Node) -> dict[str, float]:
        fmt = self._format_of(distribution)
        media = self.graph.value(distribution, DCAT.mediaType)
        return {
            "format": 20.0 if self.has(distribution, DCTERMS.format) else 0.0,
            "media_type": 10.0 if media is not None else 0.0,
            "vocabulary": (5.0 if fmt is not None else 0.0)
            + (5.0 if media is not None and str(media).startswith(IANA_MEDIA_TYPES) else 0.0),
            "non_proprietary": 20.0 if fmt is not None and fmt.non_proprietary else 0.0,
            "machine_readable": 20.0 if fmt is not None and fmt.machine_readable else 0.0,
        }

    def interoperability(self, shacl: ShaclResult) -> list[Indicator]:
        parts = [self._interoperability_parts(item) for item in self.distributions]
        best = max(parts, key=lambda part: sum(part.values())) if parts else {}
        i = "interoperability"
        rows = [
            ("format", t("ระบุรูปแบบไฟล์", "Format"), "dct:format", 20,
             t("ระบุ format ของทรัพยากร", "set each resource's `format`")),
            ("media_type", t("ระบุชนิดสื่อ", "Media type"), "dcat:mediaType", 10,
             t("ระบุ media_type เช่น text/csv", "set `media_type`, e.g. text/csv")),
            ("vocabulary", t("รูปแบบและชนิดสื่อจากรายการมาตรฐาน",
                              "Format / media type from a vocabulary"),
             "dct:format, dcat:mediaType", 10,
             t("ใช้รูปแบบที่รายการ file-type ของสหภาพยุโรปรู้จัก (CSV, JSON, XML ...) "
                "และ media type ของ IANA",
                "use a format the EU file-type list knows (CSV, JSON, XML ...) and an IANA "
                "media type")),
            ("non_proprietary", t("รูปแบบไม่ผูกขาด", "Non-proprietary format"), "dct:format", 20,
             t("เผยแพร่ทรัพยากรเป็น CSV, JSON หรือ XML", "publish a CSV, JSON or XML resource")),
            ("machine_readable", t("รูปแบบที่เครื่องอ่านได้", "Machine-readable format"),
             "dct:format", 20,
             t("เผยแพร่ทรัพยากรเป็น CSV, JSON หรือ XML", "publish a CSV, JSON or XML resource")),
        ]  # fmt: skip
        found = [
            self.indicator(key, i, label, prop, points, best.get(key, 0.0) / points, fix)
            for key, label, prop, points, fix in rows
        ]
        violations = [item for item in shacl.violations if item.severity == "Violation"]
        texts = [violation_text(item) for item in violations]
        listed = Text(th="; ".join(dict.fromkeys(text.th for text in texts)),
                      en="; ".join(dict.fromkeys(text.en for text in texts)))  # fmt: skip
        detail = (
            t(f"ผิด {len(violations)} ข้อ: {listed.th}",
               f"{len(violations)} violation(s): {listed.en}")
            if violations else None
        )  # fmt: skip
        found.append(
            self.indicator(
                "dcat_ap_compliance", i, t("สอดคล้องกับ DCAT-AP", "DCAT-AP compliance"),
                "SHACL", 30, 1.0 if shacl.conforms else 0.0,
                t("แก้ข้อผิดพลาดตาม SHACL ที่แสดง", "fix the SHACL violations listed"), detail,
            )
        )  # fmt: skip
        return found

    def reusability(self) -> list[Indicator]:
        r = "reusability"
        rights = self.graph.value(self.node, DCTERMS.accessRights)
        return [
            self.indicator(
                "licence", r, t("ระบุสัญญาอนุญาต", "Licence information"), "dct:license", 20,
                self.share(lambda d: self.has(d, DCTERMS.license)),
                t("เลือก license_id", "set `license_id`"),
            ),
            self.indicator(
                "licence_vocabulary", r, t("สัญญาอนุญาตจากรายการมาตรฐาน", "Licence from vocabulary"),
                "dct:license", 10,
                self.share(lambda d: str(self.graph.value(d, DCTERMS.license) or "").startswith(
                    eu.LICENCE)),
                t("เลือกสัญญาอนุญาต Creative Commons ซึ่งมีในรายการของสหภาพยุโรป "
                   "('Open Data Common' และ 'อื่นๆ' ไม่มี)",
                   "choose a Creative Commons licence, which the EU licence list has "
                   "('Open Data Common' and 'อื่นๆ' have no EU entry)"),
            ),
            self.dataset_level(
                "access_rights", r, t("ระบุสิทธิการเข้าถึง", "Access restrictions"),
                "dct:accessRights", DCTERMS.accessRights, 10,
                t("เลือก data_category", "set `data_category`"),
            ),
            self.indicator(
                "access_rights_vocabulary", r,
                t("สิทธิการเข้าถึงจากรายการมาตรฐาน", "Access restrictions from vocabulary"),
                "dct:accessRights", 5,
                1.0 if str(rights or "").startswith(eu.ACCESS_RIGHT) else 0.0,
                t("เลือก data_category จากรายการ GD Catalog", "set a GD Catalog `data_category`"),
            ),
            self.dataset_level(
                "contact_point", r, t("ผู้ติดต่อ", "Contact point"), "dcat:contactPoint",
                DCAT.contactPoint, 20,
                t("กรอก maintainer และ maintainer_email",
                   "fill in maintainer and maintainer_email"),
            ),
            self.dataset_level(
                "publisher", r, t("ผู้เผยแพร่", "Publisher"), "dct:publisher", DCTERMS.publisher,
                10, t("กรอก owner_org", "fill in owner_org"),
            ),
        ]  # fmt: skip

    def _dated(self, key: str, label: Text, prop: str, predicate: URIRef, fix: Text) -> Indicator:
        if self.has(self.node, predicate):
            share = 1.0
        else:
            share = self.share(lambda d: self.has(d, predicate))
        return self.indicator(key, "contextuality", label, prop, 5, share, fix)

    def contextuality(self) -> list[Indicator]:
        c = "contextuality"
        return [
            self.indicator(
                "rights", c, t("เงื่อนไขการใช้สิทธิ", "Rights"), "dct:rights", 5,
                self.share(lambda d: self.has(d, DCTERMS.rights)),
                t("กรอก accessible_condition (เงื่อนไขในการเข้าถึงข้อมูล)",
                   "fill in accessible_condition"),
            ),
            self.indicator(
                "byte_size", c, t("ขนาดไฟล์", "File size"), "dcat:byteSize", 5,
                self.share(lambda d: self.has(d, DCAT.byteSize)),
                t("ระบุ byte_size ของทุกทรัพยากร (khlang publish ใส่ให้)",
                   "set every resource's `byte_size` (khlang publish fills it)"),
            ),
            self._dated(
                "issued", t("วันที่เผยแพร่", "Date of issue"), "dct:issued", DCTERMS.issued,
                t("ระบุ issued (วันที่เผยแพร่ครั้งแรก)", "set `issued`"),
            ),
            self._dated(
                "modified", t("วันที่แก้ไข", "Modification date"), "dct:modified",
                DCTERMS.modified,
                t("ระบุ last_updated_date หรือ modified", "set `last_updated_date` or `modified`"),
            ),
        ]  # fmt: skip


def dataset_urls(graph: Graph) -> list[str]:
    """Every access and download URL of every distribution in the graph (for probing)."""
    urls: set[str] = set()
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        for predicate in (DCAT.accessURL, DCAT.downloadURL):
            for url in graph.objects(distribution, predicate):
                urls.add(str(url))
    return sorted(urls)


__all__ = [
    "BANDS",
    "MAX_POINTS",
    "Indicator",
    "MqaReport",
    "dataset_urls",
    "mqa_score",
    "rating_for",
]
