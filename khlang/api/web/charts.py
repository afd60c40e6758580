"""Charts as SVG drawn on the server from Vega-Lite specifications.

Vega-Lite (through `vl-convert-python`, the Vega project's own converter, whose wheel
carries the Vega and Vega-Lite JavaScript built in) turns a chart specification into SVG in
the server process. A page then carries a few kilobytes of SVG inline instead of a charting
script: nothing to download or run on a phone, charts that show with scripts disabled, bars
that are plain links (a tap on a province drills down to its districts), and labels that are
text a screen reader reads. Vega's renderer escapes every text and link it writes, so values
from a dataset cannot inject markup.

Every chart here is a horizontal bar chart: category names (Thai place names are long) read
on the left, and the chart grows downwards with the number of bars, which suits a phone.
Drawing one costs tens of milliseconds; the same specification is drawn once and kept.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
CHART_WIDTH = 220
"""Width of the plotting area in pixels: with the labels, a chart fits a 360 px phone at
its drawn size, and the page's stylesheet enlarges it on wider screens."""
BAR_STEP = 20
MEASURE_FONT = "DejaVu Sans, Verdana, sans-serif"
"""The font Vega sizes the chart's margins with. The reader's own font draws the text (the
stylesheet gives chart text the page's font), and the server cannot know it: measuring with
one of the widest common sans-serif faces leaves room for any narrower one, so no label or
title is cut off at the chart's edge ("udget type"). A server without it falls back to Vega's
estimate, wider still."""
EDGE = 6
"""Pixels kept free around the drawing, for fonts wider than the measuring one."""
PALETTE = ("#1d5fa8", "#d9822b", "#2e8540", "#7a4ea3", "#b8403a")
"""Blue, orange, green, purple, red: distinguishable by people with common colour-vision
deficiencies in this order, and each meets 3:1 contrast against white."""
_CACHE_SIZE = 512


class Series(BaseModel):
    """One measure drawn as bars: the row key it reads and its label in the legend."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str


class BarChart(BaseModel):
    """A horizontal bar chart of one or more measures by category."""

    model_config = ConfigDict(frozen=True)

    description: str
    """What the chart shows, in one sentence: the SVG's accessible name."""
    category_title: str
    value_title: str
    series: tuple[Series, ...]
    rows: tuple[dict[str, Any], ...]
    """Each row: `category` (the label), `href` (optional link), and a value per series key."""
    stacked: bool = False
    value_format: str = ",.2~f"


def bar_chart(
    *,
    description: str,
    category_title: str,
    value_title: str,
    series: Sequence[Series],
    rows: Sequence[dict[str, Any]],
    stacked: bool = False,
    value_format: str = ",.2~f",
) -> BarChart:
    return BarChart(
        description=description,
        category_title=category_title,
        value_title=value_title,
        series=tuple(series),
        rows=_distinct_categories(rows),
        stacked=stacked,
        value_format=value_format,
    )


def _distinct_categories(rows: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    """Rows whose category labels are all different: Vega draws rows with the same label
    (two LAOs of the same name) as one bar, so a repeated label gets " (2)", " (3)"."""
    seen: dict[str, int] = {}
    distinct = []
    for row in rows:
        label = str(row["category"])
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            row = {**row, "category": f"{label} ({seen[label]})"}
        distinct.append(row)
    return tuple(distinct)


def vega_lite(chart: BarChart) -> dict[str, Any]:
    """The Vega-Lite specification of a chart (also offered for download beside it)."""
    order = [row["category"] for row in chart.rows]
    values = [
        {
            "category": row["category"],
            "series": series.label,
            "order": position,
            "value": row.get(series.key),
            **({"href": row["href"]} if row.get("href") else {}),
        }
        for row in chart.rows
        for position, series in enumerate(chart.series)
    ]
    grouped = len(chart.series) > 1 and not chart.stacked
    encoding: dict[str, Any] = {
        "y": {
            "field": "category",
            "type": "nominal",
            "sort": order,
            "title": chart.category_title or None,
            # The category title stands above the labels, not turned along the axis.
            "axis": {
                "labelLimit": 120,
                "titleAngle": 0,
                "titleAlign": "right",
                "titleAnchor": "start",
                "titleBaseline": "bottom",
                "titleX": -6,
                "titleY": -6,
            },
        },
        "x": {
            "field": "value",
            "type": "quantitative",
            "title": chart.value_title,
            "axis": {"format": chart.value_format, "tickCount": 4},
            "stack": "zero" if chart.stacked else None,
        },
        "color": {
            "field": "series",
            "type": "nominal",
            "title": None,
            "sort": [series.label for series in chart.series],
            "scale": {"range": list(PALETTE[: len(chart.series)])},
            "legend": _legend(chart) if len(chart.series) > 1 else None,
        },
        "order": {"field": "order"},
        # Only bars that have a link are links (Vega would link the others to "undefined").
        "href": {"condition": {"test": "isValid(datum.href)", "field": "href"}, "value": None},
        # Each bar's accessible label: "<category>, <series>: <value>".
        "description": {"field": "label"},
    }
    if grouped:
        encoding["yOffset"] = {"field": "series", "sort": [s.label for s in chart.series]}
    bars = len(chart.rows) * (len(chart.series) if grouped else 1)
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": chart.description,
        "width": CHART_WIDTH,
        "height": {"step": BAR_STEP if not grouped else max(8, BAR_STEP // 2)} if bars else 40,
        "data": {"values": values},
        "transform": [
            {
                "calculate": (
                    "datum.category + ', ' + datum.series + ': ' + "
                    f"(isValid(datum.value) ? format(datum.value, '{chart.value_format}') : '–')"
                ),
                "as": "label",
            }
        ],
        "mark": {"type": "bar", "cursor": "pointer"},
        "encoding": encoding,
        "padding": EDGE,
        "config": {
            "font": MEASURE_FONT,
            "axis": {"labelFontSize": 13, "titleFontSize": 13, "labelColor": "#222"},
            "legend": {"labelFontSize": 13},
            "view": {"stroke": None},
        },
    }


def _legend(chart: BarChart) -> dict[str, Any]:
    """Above the chart; one entry a line when the labels are too long to sit side by side
    on a phone."""
    long = sum(len(series.label) for series in chart.series) > 36
    return {"orient": "top", "direction": "horizontal", "labelLimit": 320} | (
        {"columns": 1} if long else {}
    )


def render_svg(chart: BarChart) -> str:
    """The chart as an SVG element to place inline in a page."""
    return render_spec(vega_lite(chart))


def render_spec(spec: dict[str, Any]) -> str:
    """Any Vega-Lite specification as an inline SVG element (drawn once, then kept)."""
    return _render(json.dumps(spec, ensure_ascii=False, sort_keys=True))


_lock = threading.Lock()


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _render(spec_json: str) -> str:
    import vl_convert  # lazy: vl_convert, +4 ms CPU, +16 ms wall (an 88 MB native library)

    # The converter runs one JavaScript runtime; calls from several server threads queue.
    with _lock:
        svg = vl_convert.vegalite_to_svg(json.loads(spec_json))
    return _responsive(svg)


def _responsive(svg: str) -> str:
    """Let the drawing shrink with the screen: CSS gives it `max-width: 100%`, and the fixed
    width and height attributes give way to the viewBox Vega writes."""
    head, _, rest = svg.partition(">")
    head = head.replace('class="marks"', 'class="marks chart-svg" focusable="false"')
    return head + ">" + rest


def warm_up() -> None:
    """Start the converter's JavaScript runtime (about a second) before the first visitor."""
    render_svg(
        bar_chart(
            description="warm-up",
            category_title="",
            value_title="",
            series=[Series(key="v", label="v")],
            rows=[{"category": "ก", "v": 1}],
        )
    )
