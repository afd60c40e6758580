"""`khlang generate`: deterministic synthetic exports of every source system, calibrated on
the real public files, at sample, province or national scale.

The output folder is a ready SOURCES_DIR for `khlang publish`: one folder per system, the
LAO register and population the exports refer to (`reference/`), the agency profile
(`agency.yaml`), and `generation.json`, the manifest of what was generated: the seed, the
noise injected per file, and the totals a publish of these exports must reproduce.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.publishers.areas import AreaRegistry, load_areas
from khlang.publishers.generate.calibration import SCALES, Scale
from khlang.publishers.generate.exports import Writer
from khlang.publishers.generate.world import World, build_world, synthetic_laos

MANIFEST = "generation.json"
AGENCY_FILE = "agency.yaml"
AGENCY = """\
# The publishing agency of these synthetic exports; `khlang publish` reads it when no
# --agency options are given. Replace it with your own agency's details.
name: {name}
title:
  th: {title_th}
  en: {title_en}
email: opendata@{name}.example.go.th
maintainer: กลุ่มงานข้อมูลและสารสนเทศ (ข้อมูลสังเคราะห์)
url: https://{name}.example.go.th
catalog_type: {catalog_type}
synthetic: true
"""


def parse_years(text: str) -> list[int]:
    """`2559-2568` or `2566` as a list of BE fiscal years."""
    parts = text.replace(" ", "").split("-")
    try:
        first, last = (int(parts[0]), int(parts[-1])) if len(parts) <= 2 else (0, -1)
    except ValueError:
        first, last = 0, -1
    if not (2500 <= first <= last <= 2700):
        raise KhlangError(
            Text(
                th=f"ช่วงปีไม่ถูกต้อง: {text} (ตัวอย่าง 2559-2568 เป็นปี พ.ศ.)",
                en=f"invalid years: {text} (e.g. 2559-2568, Buddhist era)",
            ),
            where="--years",
        )
    return list(range(first, last + 1))


def register_for(registry: AreaRegistry) -> pd.DataFrame:
    """The real LAO list when the reference folder has it, else one derived from the area
    master; either way with the province and district names the exports print."""
    laos = registry.laos if registry.laos is not None else synthetic_laos(registry)
    laos = laos.copy()
    laos["province_name_th"] = laos["province_code"].map(registry.provinces["name_th"])
    laos["district_name_th"] = laos["district_code"].map(registry.districts["name_th"])
    return laos


def generate(
    out: Path,
    *,
    scale: str | Scale = "sample",
    years: list[int] | None = None,
    seed: int = 0,
    reference: Path | None = None,
    province: str | None = None,
) -> dict[str, Any]:
    """Write the exports of a synthetic world to `out` (created; must be empty or absent)
    and return the manifest. Written to a temporary folder first, then moved into place."""
    chosen = SCALES[scale] if isinstance(scale, str) else scale
    if province:
        chosen = chosen.model_copy(update={"province": province})
    years = years or list(range(2559, 2569))
    if out.exists() and any(out.iterdir()):
        raise KhlangError(
            Text(th="โฟลเดอร์ปลายทางมีไฟล์อยู่แล้ว", en="the output folder is not empty"),
            where=str(out),
        )
    registry = load_areas(reference)
    if chosen.province and chosen.province not in registry.provinces.index:
        raise KhlangError(
            Text(th=f"ไม่มีจังหวัดรหัส {chosen.province}", en=f"no province {chosen.province}"),
            where="--province",
        )
    all_laos = register_for(registry)
    world = build_world(registry=registry, all_laos=all_laos, scale=chosen, years=years, seed=seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        writer = Writer(world, staging, np.random.default_rng(seed + 1))
        writer.reference()
        writer.ebudget(registry)
        writer.bbl()
        writer.gfmis(registry)
        writer.egp(registry)
        writer.elaas()
        writer.eplan()
        writer.needs(registry)
        manifest = _manifest(world, chosen, seed, writer, registry)
        (staging / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (staging / AGENCY_FILE).write_text(_agency(chosen, registry), encoding="utf-8")
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _agency(scale: Scale, registry: AreaRegistry) -> str:
    if scale.province:
        row = registry.provinces.loc[scale.province]
        slug = row["name_en"].lower().replace(" ", "-")
        return AGENCY.format(
            name=f"{slug}-provincial-office",
            title_th=f"สำนักงานจังหวัด{row['name_th']}",
            title_en=f"{row['name_en']} Provincial Office",
            catalog_type="area_based",
        )
    return AGENCY.format(
        name="dla",
        title_th="กรมส่งเสริมการปกครองท้องถิ่น",
        title_en="Department of Local Administration",
        catalog_type="agency",
    )


def _money(value: float) -> str:
    return f"{value:.2f}"


def _manifest(
    world: World, scale: Scale, seed: int, writer: Writer, registry: AreaRegistry
) -> dict[str, Any]:
    """What a publish of these exports must reproduce, per fiscal year."""
    lines = world.lines
    months = world.months
    local = lines[(lines["budget_type"] == "subsidy") & lines["lao_key"].notna()]
    transferred = local["allocated"].where(local["ratio"] > 0, 0.0)
    totals = {}
    for year in world.years:
        in_year = lines["fiscal_year"] == year
        finance = world.finance[world.finance["fiscal_year"] == year]
        totals[str(year)] = {
            "lines": int(lines.loc[in_year, "line_id"].nunique()),
            "requested": _money(lines.loc[in_year, "requested"].sum()),
            "allocated": _money(lines.loc[in_year, "allocated"].sum()),
            "transferred": _money(transferred[local["fiscal_year"] == year].sum()),
            "committed": _money(months.loc[months["fiscal_year"] == year, "committed"].sum()),
            "disbursed": _money(months.loc[months["fiscal_year"] == year, "disbursed"].sum()),
            "contracts": int((world.contracts["fiscal_year"] == year).sum()),
            "contract_value": _money(
                world.contracts.loc[world.contracts["fiscal_year"] == year, "contract_value"].sum()
            ),
            "lao_revenue_estimate": _money(
                finance.loc[finance["kind"] == "revenue", "estimate"].sum()
            ),
            "lao_expenditure_estimate": _money(
                finance.loc[finance["kind"] == "expenditure", "estimate"].sum()
            ),
            "plan_projects": int((world.projects["fiscal_year"] == year).sum()),
            "needs": int((world.needs["fiscal_year"] == year).sum()),
        }
    return {
        "synthetic": True,
        "scale": scale.name,
        "province": scale.province,
        "seed": seed,
        "years": [min(world.years), max(world.years)],
        "laos": len(world.laos),
        "lao_register": Path(registry.lao_source).name
        if registry.lao_source
        else "derived from the area master (synthetic)",
        "files": sorted(writer.files),
        "noise": writer.noise,
        "totals": totals,
    }
