"""The public feedback of one organisation as a khlang dataset: its questions and error
reports, the answers, and the dataset requests made to it, as three CSV tables with Table
Schemas and the GD Catalog's metadata, written as a dataset folder that the catalog's gate
checks like every other (`khlang catalog feedback-dataset` builds and publishes it).

Only what the site shows is published: moderated-in messages, no email address, no trace of
who asked. It is the evidence an agency can show for the Budget Bureau indicator's "put to
use" part: people use its data and it answers them, and how fast.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from khlang.catalog.feedback_records import RequestRecord, ThreadRecord
from khlang.catalog.records import OrganizationRecord
from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.metadata.datapackage import to_datapackage
from khlang.metadata.model import Dataset


def _field(name: str, kind: str, th: str, en: str, *, required: bool = False) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": kind, "title": th, "description": en}
    if required:
        field["constraints"] = {"required": True}
    return field


QUESTIONS = [
    _field("thread_id", "integer", "เลขที่คำถาม", "Question number", required=True),
    _field("dataset", "string", "ชุดข้อมูล", "Dataset asked about", required=True),
    _field("kind", "string", "ประเภท", "question, error, missing or other", required=True),
    _field("subject", "string", "เรื่องที่ถาม", "dataset, line or figure", required=True),
    _field("resource_id", "string", "ตาราง", "Table of the budget line"),
    _field("row_key", "string", "รายการ", "Budget line or row"),
    _field("figure", "string", "ตัวเลข", "Figure asked about"),
    _field("title", "string", "หัวข้อ", "Subject", required=True),
    _field("question", "string", "คำถาม", "The question as asked", required=True),
    _field("language", "string", "ภาษา", "th or en", required=True),
    _field("state", "string", "สถานะ", "open, answered or closed", required=True),
    _field("close_reason", "string", "เหตุผลที่ปิด", "Why it was closed"),
    _field("asked_at", "datetime", "วันเวลาที่ถาม", "Asked at (UTC)", required=True),
    _field("first_answer_at", "datetime", "ตอบครั้งแรก", "First answered at (UTC)"),
    _field("hours_to_answer", "number", "ชั่วโมงจนได้คำตอบ", "Hours to the first answer"),
]
ANSWERS = [
    _field("thread_id", "integer", "เลขที่คำถาม", "Question number", required=True),
    _field("message_id", "integer", "เลขที่ข้อความ", "Message number", required=True),
    _field("answered_by", "string", "ผู้ตอบ", "Who answered for the organisation", required=True),
    _field("answered_at", "datetime", "วันเวลาที่ตอบ", "Answered at (UTC)", required=True),
    _field("answer", "string", "คำตอบ", "The answer", required=True),
    _field("fixed_in_version", "integer", "แก้ไขในฉบับที่", "Dataset version with the fix"),
]
REQUESTS = [
    _field("request_id", "integer", "เลขที่คำขอ", "Request number", required=True),
    _field("title", "string", "ข้อมูลที่ขอ", "Data asked for", required=True),
    _field("description", "string", "รายละเอียด", "Details", required=True),
    _field("state", "string", "สถานะ", "open, accepted, published or declined", required=True),
    _field("supporters", "integer", "ผู้สนับสนุน", "People who asked for it", required=True),
    _field("dataset", "string", "ชุดข้อมูลที่เผยแพร่", "The dataset published in answer"),
    _field("reason", "string", "หมายเหตุ", "The organisation's note (a decline's reason)"),
    _field("asked_at", "datetime", "วันเวลาที่ขอ", "Asked at (UTC)", required=True),
    _field("decided_at", "datetime", "วันเวลาที่ปรับสถานะ", "Status set at (UTC)"),
]


def dataset_name(organization: str) -> str:
    return f"{organization}-public-feedback"[:100]


def write_feedback_dataset(
    folder: Path,
    organization: OrganizationRecord,
    threads: Iterable[ThreadRecord],
    requests: Iterable[RequestRecord],
    *,
    base_url: str,
    today: dt.date,
    contact: str | None = None,
) -> Dataset:
    """Write the dataset folder (data/, schemas/, dataset.yaml, datapackage.json) and return
    its metadata. It needs a contact email, the standard's maintainer email: `contact`, else
    the organisation's."""
    contact = contact or organization.email
    if not contact:
        raise KhlangError(
            Text(
                th=f"หน่วยงาน {organization.name} ยังไม่มีอีเมลติดต่อ (รายการที่ 5 ของ GD Catalog)",
                en=f"the organisation {organization.name} has no contact email (GD Catalog item 5)",
            ),
            where=f"organization {organization.name}",
        )
    shown = [thread for thread in threads if thread.moderation == "visible"]
    tables = {
        "questions": (QUESTIONS, [_question(thread) for thread in shown]),
        "answers": (ANSWERS, [row for thread in shown for row in _answers(thread)]),
        "requests": (
            REQUESTS,
            [_request(item) for item in requests if item.moderation == "visible"],
        ),
    }
    for name, (fields, rows) in tables.items():
        _write_table(folder, name, fields, rows)
    dates = [thread.created_at.date() for thread in shown]
    dataset = Dataset.model_validate(
        _metadata(organization, contact, base_url, today, min(dates, default=today))
    )
    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    document = dataset.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude_defaults=True
    )
    with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)
    (folder / "datapackage.json").write_text(
        json.dumps(to_datapackage(dataset), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return dataset


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _question(thread: ThreadRecord) -> dict[str, Any]:
    hours = (
        round((thread.answered_at - thread.created_at).total_seconds() / 3600, 2)
        if thread.answered_at
        else ""
    )
    first = thread.messages[0].body if thread.messages else ""
    return {
        "thread_id": thread.id, "dataset": thread.dataset, "kind": thread.kind,
        "subject": thread.subject, "resource_id": thread.resource_id or "",
        "row_key": thread.row_key or "", "figure": thread.figure or "", "title": thread.title,
        "question": first, "language": thread.language, "state": thread.state,
        "close_reason": thread.close_reason or "", "asked_at": _when(thread.created_at),
        "first_answer_at": _when(thread.answered_at), "hours_to_answer": hours,
    }  # fmt: skip


def _answers(thread: ThreadRecord) -> list[dict[str, Any]]:
    return [
        {
            "thread_id": thread.id,
            "message_id": answer.id,
            "answered_by": answer.author or "",
            "answered_at": _when(answer.created_at),
            "answer": answer.body,
            "fixed_in_version": answer.fixed_in_version or "",
        }
        for answer in thread.answers
        if answer.state == "visible"
    ]


def _request(item: RequestRecord) -> dict[str, Any]:
    return {
        "request_id": item.id, "title": item.title, "description": item.description,
        "state": item.state, "supporters": item.supporters, "dataset": item.dataset or "",
        "reason": item.reason or "", "asked_at": _when(item.created_at),
        "decided_at": _when(item.decided_at),
    }  # fmt: skip


def _write_table(
    folder: Path, name: str, fields: list[dict[str, Any]], rows: list[dict[str, Any]]
) -> None:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "schemas").mkdir(parents=True, exist_ok=True)
    with (folder / "data" / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[field["name"] for field in fields])
        writer.writeheader()
        writer.writerows(rows)
    schema = {"fields": fields, "missingValues": [""]}
    (folder / "schemas" / f"{name}.json").write_text(
        json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


RESOURCES = {
    "questions": (
        "คำถามและรายงานข้อผิดพลาด (CSV)", "Questions and error reports (CSV)",
        "หนึ่งแถวต่อคำถาม พร้อมสถานะและเวลาจนได้คำตอบครั้งแรก",
        "One row per question, with its state and the time to its first answer.",
    ),
    "answers": (
        "คำตอบของหน่วยงาน (CSV)", "The organisation's answers (CSV)",
        "หนึ่งแถวต่อคำตอบ ผู้ตอบ เวลา และฉบับของชุดข้อมูลที่แก้ไข",
        "One row per answer: who answered, when, and the dataset version with the fix.",
    ),
    "requests": (
        "คำขอชุดข้อมูล (CSV)", "Dataset requests (CSV)",
        "หนึ่งแถวต่อคำขอ จำนวนผู้สนับสนุน สถานะ และชุดข้อมูลที่เผยแพร่",
        "One row per request: supporters, status and the dataset published in answer.",
    ),
}  # fmt: skip


def _metadata(
    organization: OrganizationRecord, contact: str, base_url: str, today: dt.date, first: dt.date
) -> dict[str, Any]:
    name = dataset_name(organization.name)
    title = organization.title.th if organization.title else organization.name
    title_en = organization.title.en if organization.title else organization.name
    resources = [
        {
            "name": th,
            "name_en": en,
            "description": about,
            "description_en": about_en,
            "path": f"data/{key}.csv",
            "schema": f"schemas/{key}.json",
            "format": "CSV",
            "media_type": "text/csv",
            "url": f"{base_url}/dataset/{name}/{key}.csv",
            "resource_last_updated_date": today.isoformat(),
        }
        for key, (th, en, about, about_en) in RESOURCES.items()
    ]
    return {
        "name": name,
        "title": f"คำถาม คำขอชุดข้อมูล และคำตอบต่อสาธารณะ ของ{title}",
        "title_en": f"Public questions, dataset requests and answers: {title_en}",
        "data_type": "ข้อมูลระเบียน",
        "owner_org": organization.name,
        "publisher": {
            "name": organization.name,
            "title": organization.title.model_dump() if organization.title else None,
            "url": organization.url,
            "email": contact,
            "catalog_type": organization.catalog_type,
        },
        "maintainer": title,
        "maintainer_email": contact,
        "tags": ["คำถามจากประชาชน", "คำขอชุดข้อมูล", "การมีส่วนร่วม", "ข้อมูลเปิด"],
        "notes": (
            f"คำถามและรายงานข้อมูลผิดพลาดที่ประชาชนส่งถึง{title}ผ่านเว็บไซต์และ API ของคลัง "
            "คำตอบของหน่วยงาน (ผู้ตอบ เวลา ฉบับของชุดข้อมูลที่แก้ไข) และคำขอให้เผยแพร่ชุดข้อมูล "
            "พร้อมสถานะ ไม่มีข้อมูลส่วนบุคคล: ไม่มีอีเมลหรือข้อมูลที่ระบุตัวผู้ถาม"
        ),
        "notes_en": (
            f"Questions and error reports people sent to {title_en} through khlang's site and "
            "API, the organisation's answers (who answered, when, the dataset version with the "
            "fix), and requests to publish datasets with their status. No personal data: no "
            "email address nor anything that identifies who asked."
        ),
        "objective": ["เพื่อการให้บริการประชาชน"],
        "update_frequency_unit": "วัน",
        "update_frequency_interval": "1",
        "geo_coverage": "ไม่มี",
        "data_source": "คลัง (khlang): คำถามและคำขอที่ประชาชนส่งผ่านเว็บไซต์และ API",
        "data_format": ["CSV"],
        "data_category": "ข้อมูลสาธารณะ",
        "data_classification": "เปิดเผย",
        "license_id": "Creative Commons Attributions",
        "accessible_condition": "ไม่มีการจำกัดการเข้าถึงข้อมูล",
        "allow_harvest": True,
        "data_language": ["ไทย", "อังกฤษ"],
        "data_support": "ไม่มี",
        "data_collect": "ไม่มี",
        "created_date": first.isoformat(),
        "last_updated_date": today.isoformat(),
        "high_value_dataset": False,
        "reference_data": False,
        "themes": ["GOVE"],
        "resources": resources,
    }
