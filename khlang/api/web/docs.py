"""The API documentation page (`/docs`, `/en/docs`): khlang's OpenAPI description drawn on the
server as a page that runs no script, in Thai and English, with examples that work.

A script-driven viewer (Swagger UI, ReDoc) would need the pages' Content-Security-Policy
relaxed and a bundle fetched from elsewhere; this page is the same plain HTML as the rest of
the site. Every operation is listed under its tag with its parameters and answers, and the
examples use names that exist in this catalog when the page is asked for: a public dataset,
one of its tables (its CSV copy), a money column and an area column of that table, so a
reader can click or paste any of them and get an answer, not a 404.
"""

from __future__ import annotations

import functools
import re
import shlex
from typing import Any
from urllib.parse import quote, unquote, urlencode

from markdown_it import MarkdownIt
from markupsafe import Markup
from pydantic import BaseModel

from khlang.api import service
from khlang.api.query.tables import is_tabular
from khlang.api.state import ApiState
from khlang.catalog import ANONYMOUS
from khlang.i18n import Text

METHOD_ORDER = ("get", "post", "put", "patch", "delete")
TAGS_TH: dict[str, Text] = {
    "datasets": Text(th="ชุดข้อมูล: ค้นหา คำอธิบาย ฉบับ และความครบถ้วน", en="Datasets"),
    "tables": Text(th="ตาราง: แถว ผลรวม และดาวน์โหลด", en="Tables"),
    "files": Text(th="ไฟล์ตามที่เผยแพร่", en="Files"),
    "publishing": Text(th="การเผยแพร่ (ต้องใช้ API key)", en="Publishing"),
    "CKAN API": Text(th="CKAN Action API", en="CKAN API"),
    "area budget": Text(th="งบประมาณรายพื้นที่: ยอดรวม หลักฐาน และข้อขัดแย้ง", en="Area budget"),
}
SUMMARIES_TH: dict[str, str] = {
    "GET /api/v1/area-budget/totals": "ยอดงบประมาณที่นับแล้วแยกตามขั้นตอน จำแนกตามมิติใดก็ได้",
    "GET /api/v1/area-budget/amounts": "จำนวนเงินเบื้องหลังยอดรวม พร้อมชุดข้อมูล ฉบับ ตาราง และแถว",
    "GET /api/v1/area-budget/conflicts": "รายการที่แหล่งข้อมูลรายงานจำนวนเงินไม่ตรงกัน (ไม่นำมารวม)",
    "GET /api/v1/area-budget/sources": "ตารางที่ป้อนข้อมูลเข้าคลังงบประมาณรายพื้นที่",
    "GET /api/v1/feedback/challenge": "โจทย์ที่ต้องตอบเมื่อส่งข้อความโดยไม่มีคีย์",
    "GET /api/v1/feedback/threads": "คำถามและคำตอบสาธารณะ ล่าสุดก่อน",
    "POST /api/v1/feedback/threads": "ถามคำถามหรือแจ้งข้อมูลผิดพลาด (ไม่ต้องมีบัญชี)",
    "GET /api/v1/feedback/threads/{thread_id}": "คำถามพร้อมคำตอบ",
    "POST /api/v1/feedback/threads/{thread_id}/replies": "เพิ่มข้อความในคำถาม (ไม่ต้องมีบัญชี)",
    "POST /api/v1/feedback/threads/{thread_id}/answers": "ตอบแบบสาธารณะ (บรรณาธิการของหน่วยงาน)",
    "POST /api/v1/feedback/threads/{thread_id}/close": (
        "ปิดคำถามพร้อมเหตุผลสาธารณะ (บรรณาธิการของหน่วยงาน)"
    ),
    "POST /api/v1/feedback/messages/{message_id}/moderation": (
        "อนุมัติหรือปฏิเสธข้อความที่รอตรวจ (บรรณาธิการของหน่วยงาน)"
    ),
    "GET /api/v1/organizations/{name}/feedback": "คิวของหน่วยงาน: คำถามที่ยังเปิดและข้อความที่รอตรวจ",
    "GET /api/v1/organizations/{name}/feedback/response-times": (
        "หน่วยงานตอบอย่างไร: จำนวนคำถาม คำตอบ และมัธยฐานชั่วโมงจนได้คำตอบ"
    ),
    "GET /api/v1/requests": "คำขอชุดข้อมูล เรียงตามผู้สนับสนุนมากที่สุด",
    "POST /api/v1/requests": "ขอให้หน่วยงาน (หรือหน่วยงานใดก็ได้) เผยแพร่ชุดข้อมูล (ไม่ต้องมีบัญชี)",
    "GET /api/v1/requests/{request_id}": "คำขอชุดข้อมูลและสถานะสาธารณะ",
    "POST /api/v1/requests/{request_id}/support": "สนับสนุนคำขอ (ไม่ต้องมีบัญชี)",
    "POST /api/v1/requests/{request_id}/decision": (
        "รับ เผยแพร่ (พร้อมชุดข้อมูล) หรือปฏิเสธ (พร้อมเหตุผล) คำขอ"
    ),
    "GET /api/v1/datasets": "ค้นหาชุดข้อมูล",
    "POST /api/v1/datasets": "เผยแพร่โฟลเดอร์ชุดข้อมูล (ชุดใหม่หรือฉบับใหม่)",
    "GET /api/v1/facets": "ตัวกรองของการค้นหาและชื่อของตัวกรอง",
    "GET /api/v1/datasets/{name}": "ชุดข้อมูลหนึ่งชุด: คำอธิบาย ทรัพยากร สรุปความครบถ้วน และลิงก์",
    "PUT /api/v1/datasets/{name}": "เผยแพร่ฉบับใหม่ของชุดข้อมูล",
    "GET /api/v1/datasets/{name}/versions": "ทุกฉบับที่เผยแพร่ ใหม่สุดก่อน",
    "GET /api/v1/datasets/{name}/compliance": "รายงานความครบถ้วนตามมาตรฐานและคะแนนทั้งสองแบบ",
    "GET /api/v1/datasets/{name}/metadata": "คำอธิบายชุดข้อมูลตามรูปแบบที่ขอ: JSON หรือ DCAT-AP",
    "GET /api/v1/datasets/{name}/metadata.{extension}": "คำอธิบายชุดข้อมูลในรูปแบบที่เลือก",
    "GET /api/v1/datasets/{name}/datapackage.json": "ไฟล์ datapackage.json ของ Frictionless",
    "GET /api/v1/catalog": "บัญชีข้อมูลทั้งหมดเป็น DCAT-AP ทีละหน้า",
    "GET /api/v1/catalog.{extension}": "บัญชีข้อมูลเป็น DCAT-AP ในรูปแบบที่เลือก",
    "GET /catalog.{extension}": "บัญชีข้อมูลเป็น DCAT-AP ที่ URL แบบ ckanext-dcat ทีละหน้า",
    "GET /catalog": "IRI ของบัญชีข้อมูล: DCAT-AP ตามที่ Accept ขอ (เบราว์เซอร์ไปหน้าแรก)",
    "GET /dataset/{name}.{extension}": "ชุดข้อมูลหนึ่งชุดเป็น DCAT-AP ที่ URL แบบ ckanext-dcat",
    "GET /api/v1/organizations": "หน่วยงาน",
    "GET /api/v1/organizations/{name}": "หน่วยงานหนึ่ง ชุดข้อมูล และคะแนนตัวชี้วัดของสำนักงบประมาณ",
    "GET /api/v1/datasets/{name}/resources/{resource_id}": "ทรัพยากรหนึ่ง: คำอธิบาย Table Schema "
    "และลิงก์สำหรับค้นข้อมูล",
    "GET /api/v1/datasets/{name}/resources/{resource_id}/rows": "แถวข้อมูล: กรอง เรียง เลือกคอลัมน์ "
    "และแบ่งหน้า",
    "GET /api/v1/datasets/{name}/resources/{resource_id}/aggregate": "จัดกลุ่มและหาผลรวม ค่าเฉลี่ย "
    "จำนวน ค่าต่ำสุด หรือค่าสูงสุด",
    "GET /api/v1/datasets/{name}/resources/{resource_id}/download.{format}": "ดาวน์โหลดทุกแถว "
    "(หรือแถวที่กรอง): csv, json, ndjson หรือ parquet",
    "GET /api/v1/datasets/{name}/resources/{resource_id}/openapi.json": "คำอธิบาย OpenAPI "
    "ของตารางนี้ (คอลัมน์และตัวกรองที่ใช้ได้)",
    "GET /dataset/{name}/resource/{resource_id}/download/{filename}": "ไฟล์ของฉบับปัจจุบัน ตามที่เผยแพร่",
    "GET /dataset/{name}/version/{number}/resource/{resource_id}/download/{filename}": "ไฟล์ของ"
    "ฉบับที่ระบุ ตามที่เผยแพร่ (ไม่เปลี่ยนแปลง)",
    "POST /api/v1/datasets/{name}/withdraw": "ถอนชุดข้อมูล (เก็บประวัติไว้)",
    "POST /api/v1/datasets/{name}/reinstate": "นำชุดข้อมูลที่ถอนกลับมาเผยแพร่อีกครั้ง",
    "POST /api/3/action/{action}": "CKAN Action API (การอ่าน) แบบ POST ด้วย JSON หรือฟอร์ม",
    "GET /api/3/action/{action}": "CKAN Action API (การอ่าน) แบบ GET",
}
"""Thai summaries of the operations, by method and path (the OpenAPI description is in
English). tests/web/test_docs.py fails when an operation has none."""
LOCATIONS: dict[str, Text] = {
    "path": Text(th="ในพาธ", en="path"),
    "query": Text(th="ในคำค้น", en="query"),
    "header": Text(th="ในส่วนหัว", en="header"),
}


class Parameter(BaseModel):
    name: str
    location: str
    required: bool
    type: str
    description: str


class Operation(BaseModel):
    key: str
    """`GET /api/v1/datasets`: the method and the path, as SUMMARIES_TH names them."""
    anchor: str
    method: str
    path: str
    summary: str
    summary_th: str | None
    description: str
    """Markdown, as OpenAPI descriptions are written (the template renders it)."""
    parameters: list[Parameter]
    body: str | None
    """The media types of the request body, when it takes one."""
    answers: list[tuple[str, str]]
    example: str | None
    """A URL of this catalog that answers (GET operations whose path can be filled)."""


class Section(BaseModel):
    tag: str
    label: Text
    description: str
    operations: list[Operation]


class Example(BaseModel):
    key: str
    title: Text
    url: str
    command: str

    @property
    def readable_url(self) -> str:
        """The URL as a person reads it (Thai words as Thai); the link keeps it encoded."""
        return unquote(self.url)


class DocsPage(BaseModel):
    title: str
    version: str
    description: str
    base: str
    openapi_url: str
    examples: list[Example]
    sections: list[Section]


class Sample(BaseModel):
    """Names that exist in the catalog, for the examples."""

    dataset: str | None = None
    organization: str | None = None
    word: str | None = None
    resource_id: str | None = None
    filename: str | None = None
    measure: str | None = None
    dimension: str | None = None
    year_column: str | None = None
    year: str | None = None


@functools.cache
def _markdown() -> MarkdownIt:
    # Raw HTML in a description is written as text, never as markup.
    return MarkdownIt("commonmark", {"html": False})


def markdown(text: str | None) -> Markup:
    """Markdown as HTML for a template; markdown-it writes any HTML in it as text and refuses
    `javascript:` links, so a description cannot inject markup."""
    return Markup(_markdown().render(text or ""))  # noqa: S704


def docs_page(state: ApiState, description: dict[str, Any], base: str) -> DocsPage:
    """The page model: `description` is the application's OpenAPI document."""
    sample = catalog_sample(state)
    tags = {tag["name"]: tag.get("description", "") for tag in description.get("tags", [])}
    sections: dict[str, Section] = {}
    for path, operations in description.get("paths", {}).items():
        for method in sorted(operations, key=_method_order):
            operation = operations[method]
            tag = (operation.get("tags") or ["other"])[0]
            section = sections.setdefault(
                tag,
                Section(
                    tag=tag,
                    label=TAGS_TH.get(tag, Text(th=tag, en=tag)),
                    description=tags.get(tag, ""),
                    operations=[],
                ),
            )
            section.operations.append(_operation(method, path, operation, sample, base))
    order = list(tags)
    info = description.get("info", {})
    return DocsPage(
        title=info.get("title", "API"),
        version=info.get("version", ""),
        description=info.get("description") or "",
        base=base,
        openapi_url=f"{base}{service.API}/openapi.json",
        examples=examples(sample, base),
        sections=sorted(
            sections.values(),
            key=lambda s: order.index(s.tag) if s.tag in order else len(order),
        ),
    )


def _method_order(method: str) -> int:
    return METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)


def _operation(
    method: str, path: str, operation: dict[str, Any], sample: Sample, base: str
) -> Operation:
    key = f"{method.upper()} {path}"
    body = operation.get("requestBody", {}).get("content")
    return Operation(
        key=key,
        anchor=re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-"),
        method=method.upper(),
        path=path,
        summary=operation.get("summary", ""),
        summary_th=SUMMARIES_TH.get(key),
        description=operation.get("description") or "",
        parameters=[_parameter(item) for item in operation.get("parameters", [])],
        body=", ".join(body) if body else None,
        answers=[
            (status, answer.get("description", ""))
            for status, answer in sorted(operation.get("responses", {}).items())
        ],
        # a link a reader can follow: a read that needs no key
        example=_filled(path, sample, base)
        if method == "get" and "401" not in operation.get("responses", {})
        else None,
    )


def _parameter(item: dict[str, Any]) -> Parameter:
    schema = item.get("schema", {})
    return Parameter(
        name=item.get("name", ""),
        location=item.get("in", ""),
        required=bool(item.get("required")),
        type=schema_type(schema),
        description=item.get("description") or schema.get("description") or "",
    )


def schema_type(schema: dict[str, Any]) -> str:
    """A JSON Schema as a reader says it: `integer ≥ 1`, `array of string`, `csv | json`."""
    if "anyOf" in schema:
        kinds = [schema_type(part) for part in schema["anyOf"] if part.get("type") != "null"]
        return " | ".join(kinds) or "null"
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {schema_type(schema.get('items', {}))}"
    bounds = [
        f"≥ {schema['minimum']}" if "minimum" in schema else "",
        f"≤ {schema['maximum']}" if "maximum" in schema else "",
    ]
    return " ".join([kind, *[bound for bound in bounds if bound]])


def _filled(path: str, sample: Sample, base: str) -> str | None:
    """The path with this catalog's names in it, or None when one is unknown."""
    dataset_paths = "/datasets/{name}" in path or path.startswith("/dataset/")
    values = {
        "name": sample.dataset if dataset_paths else sample.organization,
        "resource_id": sample.resource_id,
        "filename": sample.filename,
        "number": "1",
        "extension": "ttl",
        "format": "csv",
        "action": "package_search",
    }
    missing = False

    def fill(found: re.Match) -> str:
        nonlocal missing
        value = values.get(found.group(1))
        if value is None:
            missing = True
            return found.group(0)
        return quote(value, safe="")

    filled = re.sub(r"\{(\w+)\}", fill, path)
    return None if missing else base + filled


def catalog_sample(state: ApiState) -> Sample:
    """A public dataset with a table, and the names in it the examples need."""
    summaries = state.catalog.datasets(viewer=ANONYMOUS, limit=50)
    if not summaries:
        return Sample()
    chosen, table = summaries[0], None
    for summary in summaries:
        record = service.version_record(state, ANONYMOUS, summary.name)
        tables = [item for item in record.resources if is_tabular(item)]
        if tables:
            chosen = summary
            table = next((t for t in tables if (t.format or "").lower() == "csv"), tables[0])
            break
    record = service.version_record(state, ANONYMOUS, chosen.name)
    metadata = record.metadata
    sample = Sample(
        dataset=chosen.name,
        organization=chosen.organization,
        word=next(iter(metadata.tags or []), None) or (metadata.title or "").split(" ")[0],
    )
    if table is None:
        return sample
    fields = (table.metadata.table_schema or {}).get("fields", [])
    year_column = next((f["name"] for f in fields if f.get("name") == "fiscal_year"), None)
    numbers = [f for f in fields if f.get("type") in ("number", "integer")]
    money = [f["name"] for f in numbers if str(f.get("unit", "")).upper() == "THB"]
    measures = money or [f["name"] for f in numbers if f["name"] != year_column]
    texts = [f["name"] for f in fields if f.get("type") == "string"]
    areas = [n for n in ("province_name", "district_name") if n in texts]
    dimensions = areas + [n for n in texts if n.endswith("_name")] + texts
    last_year = metadata.last_year_of_data
    return sample.model_copy(
        update={
            "resource_id": table.id,
            "filename": table.filename,
            "measure": next(iter(measures), None),
            "dimension": next(iter(dimensions), None),
            "year_column": year_column if last_year else None,
            "year": str(last_year) if last_year else None,
        }
    )


def examples(sample: Sample, base: str) -> list[Example]:
    """Requests to copy, each with the URL to click and the curl command to paste (Thai
    words URL-encoded by curl's --data-urlencode, as a shell can take them)."""
    api = f"{base}{service.API}"
    found: list[Example] = []
    if sample.word:
        found.append(
            _example(
                "search",
                Text(th="ค้นหาชุดข้อมูล (ภาษาไทยหรืออังกฤษ)", en="Search datasets (Thai or English)"),
                f"{api}/datasets",
                [("q", sample.word)],
            )
        )
    if sample.dataset is None:
        return found
    dataset = f"{api}/datasets/{sample.dataset}"
    found.append(_example("dataset", Text(th="ชุดข้อมูลหนึ่งชุด", en="One dataset"), dataset, []))
    found.append(
        Example(
            key="dcat",
            title=Text(th="คำอธิบายแบบ DCAT-AP (Turtle)", en="Its DCAT-AP metadata (Turtle)"),
            url=f"{dataset}/metadata.ttl",
            command=f'curl -H "Accept: text/turtle" {shlex.quote(dataset + "/metadata")}',
        )
    )
    if sample.resource_id:
        table = f"{dataset}/resources/{sample.resource_id}"
        year = [(sample.year_column, sample.year)] if sample.year_column and sample.year else []
        order = [("_sort", f"-{sample.measure}")] if sample.measure else []
        found.append(
            _example(
                "rows",
                Text(th="แถวที่กรองและเรียงแล้ว", en="Rows, filtered and sorted"),
                f"{table}/rows",
                [*year, *order, ("_size", "5")],
            )
        )
        if sample.dimension:
            agg = f"sum:{sample.measure},count" if sample.measure else "count"
            alias = f"-sum_{sample.measure}" if sample.measure else "-count"
            found.append(
                _example(
                    "aggregate",
                    Text(th="ผลรวมตามพื้นที่", en="Totals by area"),
                    f"{table}/aggregate",
                    [*year, ("_group", sample.dimension), ("_agg", agg), ("_sort", alias)],
                )
            )
        found.append(
            _example(
                "download",
                Text(
                    th="ดาวน์โหลด CSV หัวตารางภาษาไทย สำหรับ Excel",
                    en="Download a CSV with Thai headers, for Excel",
                ),
                f"{table}/download.csv",
                [*year, ("headers", "th"), ("bom", "1")],
                output=f"{sample.dataset}.csv",
            )
        )
    found.append(
        _example(
            "ckan",
            Text(th="CKAN API (ใช้กับ ckanapi ได้)", en="CKAN's API (ckanapi works unchanged)"),
            f"{base}/api/3/action/package_search",
            [("q", sample.word or sample.dataset), ("rows", "5")],
        )
    )
    return found


def _example(
    key: str, title: Text, url: str, params: list[tuple[str, str]], output: str | None = None
) -> Example:
    """A GET request as a link and as curl: ASCII values in the URL, others (Thai) passed to
    curl's --data-urlencode, which encodes them as the link does."""
    plain = [(k, v) for k, v in params if v.isascii()]
    encoded = [(k, v) for k, v in params if not v.isascii()]
    address = url + (f"?{urlencode(plain)}" if plain else "")
    words = ["curl"]
    if encoded:
        words += ["-G", shlex.quote(address)]
        for name, value in encoded:
            words += ["--data-urlencode", shlex.quote(f"{name}={value}")]
    else:
        words.append(shlex.quote(address))
    if output:
        words += ["-o", shlex.quote(output)]
    return Example(
        key=key,
        title=title,
        url=url + (f"?{urlencode(params)}" if params else ""),
        command=" ".join(words),
    )
