"""The dataset page: everything about one dataset on one page, read from the same service
functions as the API's dataset endpoints, plus a preview and a chart of its tables."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from khlang.api import service
from khlang.api.state import ApiState
from khlang.api.web import charts, preview
from khlang.api.web.files import TableCard, card_of, table_cards
from khlang.api.web.i18n import Formatter
from khlang.api.web.labels import FieldRow, mandatory_rows, other_rows
from khlang.api.web.sections import Section, SectionMaker, sections_of
from khlang.api.web.seo import dataset_jsonld
from khlang.api.web.snippets import Snippet, snippets
from khlang.catalog import ANONYMOUS
from khlang.catalog.records import OrganizationRecord, VersionSummary
from khlang.metadata.compliance import SEVERITY_ORDER, Finding
from khlang.metadata.mqa import MqaReport


class DatasetPage(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    view: service.DatasetView
    title: str
    other_title: str | None
    notes: list[str]
    organization: OrganizationRecord | None
    mandatory: list[FieldRow]
    optional: list[FieldRow]
    findings: list[Finding]
    mqa: MqaReport
    history: list[VersionSummary]
    cards: list[TableCard]
    """One card per table (its CSV, Parquet and JSON copies together) or other file."""
    tables: list[TableCard]
    chosen: TableCard | None
    """The table of the preview and the chart."""
    table: service.ResourceView | None
    preview: preview.PreviewModel | None
    chart: preview.ChartChoice | None
    chart_svg: str | None
    snippets: list[Snippet]
    jsonld: dict[str, Any]
    sections: list[Section]
    """What the mounted parts of the site add (the dashboard: the current version's part of
    the area-budget picture, beside its own figure)."""


def _paragraphs(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]


async def dataset_page(
    state: ApiState,
    name: str,
    *,
    version: int | None,
    params: list[tuple[str, str]],
    base: str,
    fmt: Formatter,
    page_url: str,
    url_for,
    sections: tuple[SectionMaker, ...] = (),
) -> DatasetPage:
    """Raises the catalog's NotFoundError for an unknown (or private) dataset."""
    view = await run_in_threadpool(service.dataset_view, state, ANONYMOUS, name, base, version)
    record = await run_in_threadpool(service.version_record, state, ANONYMOUS, name, view.version)
    history = await run_in_threadpool(service.versions, state, ANONYMOUS, name)
    organizations = await run_in_threadpool(state.organizations)  # may read the catalog
    organization = next((o for o in organizations.values() if o.name == view.organization), None)
    dataset = record.metadata
    report = service.compliance_report(record)
    mqa = await run_in_threadpool(service.mqa_report, record, base)
    findings = sorted(report.findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.item or 99))
    cards = table_cards(view.resources)
    tables = [card for card in cards if card.tabular]
    chosen = card_of(tables, dict(params).get("resource")) or (tables[0] if tables else None)
    table = chosen.resource if chosen else None

    table_preview = chart = None
    chart_svg = None
    if table is not None:
        resolved = await run_in_threadpool(
            service.table_source, state, ANONYMOUS, name, table.id, view.version
        )
        source = resolved.source
        schema = table.metadata.get("schema") or {}
        table_preview = await preview.preview(
            state.engine,
            source,
            schema,
            params,
            fmt,
            rows_url=table.links["rows"],
            url_for=url_for,
        )
        chart = await preview.chart_data(
            state.engine,
            source,
            table_preview.columns,
            params,
            fmt,
            aggregate_url=table.links["aggregate"],
        )
        if chart.rows:
            drawn = _chart(chart, table_preview.columns, fmt, dataset.title or name)
            chart_svg = await run_in_threadpool(charts.render_svg, drawn)

    added: list[Section] = []
    if version is None:  # the parts' sections describe the current version
        added = await run_in_threadpool(
            sections_of, sections, state, "dataset", name, base=base, lang=fmt.lang
        )
    downloads = [
        {
            "name": resource.name or resource.id,
            "url": resource.download_url,
            "format": resource.media_type or resource.format,
        }
        for resource in view.resources
        if resource.download_url
    ]
    return DatasetPage(
        view=view,
        title=fmt.pick(dataset.title, dataset.title_en) or name,
        other_title=fmt.pick(dataset.title_en, dataset.title) if dataset.title_en else None,
        notes=_paragraphs(fmt.pick(dataset.notes, dataset.notes_en)),
        organization=organization,
        mandatory=mandatory_rows(
            dataset,
            fmt,
            fmt.text(organization.title)
            if organization and organization.title
            else view.organization,
        ),
        optional=other_rows(dataset, fmt),
        findings=findings,
        mqa=mqa,
        history=history,
        cards=cards,
        tables=tables,
        chosen=chosen,
        table=table,
        preview=table_preview,
        chart=chart,
        chart_svg=chart_svg,
        snippets=snippets(
            base=base,
            dataset=view.name,
            resource_id=table.id if table else None,
            rows_url=table.links["rows"] if table else None,
            csv_url=table.links["download_csv"] if table else None,
        ),
        jsonld=dataset_jsonld(
            dataset,
            page_url=page_url,
            name=view.name,
            organization=organization,
            downloads=downloads,
            published=view.published_at,
            metadata_url=view.links["dcat_jsonld"],
        ),
        sections=added,
    )


def _chart(
    chart: preview.ChartChoice, columns: list[preview.ColumnView], fmt: Formatter, title: str
) -> charts.BarChart:
    labels = {column.name: column.label for column in columns}
    measure = labels.get(chart.measure or "", chart.measure or "")
    value_title = preview.aggregate_label(chart.agg, measure, fmt)
    by = labels.get(chart.by or "", chart.by or "")
    largest = max((abs(row["value"] or 0) for row in chart.rows), default=0)
    scale = 1e6 if largest >= 1e7 else 1
    axis_title = _in_millions(value_title, fmt) if scale > 1 else value_title
    return charts.bar_chart(
        description=fmt.pick(
            f"{value_title} จำแนกตาม{by}: {title}", f"{value_title} by {by}: {title}"
        ),
        category_title=by,
        value_title=axis_title,
        # the bars' labels carry the drawn unit too: "39,351.16" in millions is not baht
        series=[charts.Series(key="value", label=axis_title)],
        rows=[
            {
                "category": _category(row["category"], fmt),
                "value": None if row["value"] is None else row["value"] / scale,
            }
            for row in chart.rows
        ],
    )


def _in_millions(title: str, fmt: Formatter) -> str:
    """ "Sum Allocated (baht)" -> "Sum Allocated (million baht)" ("(บาท)" -> "(ล้านบาท)")."""
    for unit, millions in (("(baht)", "(million baht)"), ("(บาท)", "(ล้านบาท)")):
        if title.endswith(unit):
            return title.removesuffix(unit) + millions
    return title + fmt.pick(" (ล้าน)", " (millions)")


def _category(value: Any, fmt: Formatter) -> str:
    return fmt.pick("(ว่าง)", "(empty)") if value is None or value == "" else str(value)
