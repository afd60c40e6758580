"""A dashboard table as CSV, the "download this table" link of every panel: UTF-8 with a
byte-order mark, so Excel opens the Thai names as they are, and with the link to the rows
behind each figure, so a downloaded figure stays traceable. Codes and names come from the
published tables, so a cell a spreadsheet would run as a formula is written as text, as
the rows API's CSV downloads write it."""

from __future__ import annotations

import csv
import io
from codecs import BOM_UTF8

from khlang.api.downloads import escape_formula
from khlang.api.web.dashboard.figures import FigureRow
from khlang.api.web.dashboard.panels import Panel


def panel_csv(panel: Panel, totals: FigureRow | None, base: str) -> str:
    """The panel's rows (and the selection's total last), amounts in baht, empty where a
    stage has no data."""
    stages = panel.stages
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["code", "name", *stages, "disbursement_rate", "amounts", "duplicates",
                     "datasets", "rows_url"])  # fmt: skip
    for row in [*panel.rows, *([totals] if totals else [])]:
        writer.writerow(
            [
                escape_formula(str(row.code or "")),
                escape_formula(row.name),
                *("" if getattr(row, stage) is None else f"{getattr(row, stage):.2f}"
                  for stage in stages),
                "" if row.rate is None else f"{row.rate:.2f}",
                row.amounts,
                row.duplicates,
                ";".join(row.datasets),
                base + row.rows_url,
            ]
        )  # fmt: skip
    return BOM_UTF8.decode() + out.getvalue()
