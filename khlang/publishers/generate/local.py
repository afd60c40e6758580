"""The local side of the synthetic world: DOPA-style population, LAO revenue and
expenditure, development-plan projects and citizens' needs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from khlang.publishers.areas import AreaRegistry
from khlang.publishers.generate import calibration as cal
from khlang.publishers.generate import names
from khlang.publishers.vocab import STRATEGIC_AREAS

POPULATION_DATE = "2023-12-31"
SUBDISTRICT_MEDIAN = 6_500
PLAN_YEARS = 5


def population(
    rng: np.random.Generator, registry: AreaRegistry, laos: pd.DataFrame
) -> pd.DataFrame:
    """Synthetic registered population in DOPA's layout for the provinces of the LAOs:
    log-normal per sub-district, a municipal part where a municipality covers it, summed up
    to districts, provinces and the country."""
    provinces = sorted(set(laos["province_code"]))
    subs = registry.subdistricts[registry.subdistricts["province_code"].isin(provinces)]
    total = np.round(SUBDISTRICT_MEDIAN * rng.lognormal(0.0, 0.55, len(subs))).astype(int)
    municipal_codes = {
        part.split(":")[0]
        for kind, covered in zip(laos["lao_type"], laos["covered_subdistricts"], strict=True)
        if kind.startswith("Thesaban")
        for part in covered.split(";")
        if part
    }
    municipal = np.where(
        subs.index.isin(list(municipal_codes)),
        np.round(total * rng.uniform(0.3, 0.9, len(subs))).astype(int),
        0,
    )
    level3 = pd.DataFrame(
        {
            "geocode": subs.index,
            "entity_type": "Tambon",
            "level": "3",
            "name_th": subs["name_th"].to_numpy(),
            "name_en": subs["name_en"].to_numpy(),
            "parent_geocode": subs["district_code"].to_numpy(),
            "total_total": total,
            "municipal_total": municipal,
            "nonmunicipal_total": total - municipal,
        }
    )
    level2 = _roll_up(level3, registry.districts, "district_code", "province_code", "Amphoe", "2")
    level1 = _roll_up(level2, registry.provinces, None, None, "Changwat", "1")
    country = pd.DataFrame(
        [{"geocode": "0", "entity_type": "Country", "level": "0", "name_th": "ประเทศไทย",
          "name_en": "Thailand", "parent_geocode": "",
          **{key: int(level1[key].sum()) for key in ("total_total", "municipal_total",
                                                     "nonmunicipal_total")}}]
    )  # fmt: skip
    frame = pd.concat([country, level1, level2, level3], ignore_index=True)
    frame.insert(6, "reference_date", POPULATION_DATE)
    return frame


def _roll_up(children, parents, _code, parent_key, entity, level) -> pd.DataFrame:
    codes = children["geocode"].str[: 4 if level == "2" else 2]
    sums = children.groupby(codes)[["total_total", "municipal_total", "nonmunicipal_total"]].sum()
    table = parents.loc[sums.index]
    return pd.DataFrame(
        {
            "geocode": sums.index,
            "entity_type": entity,
            "level": level,
            "name_th": table["name_th"].to_numpy(),
            "name_en": table["name_en"].to_numpy(),
            "parent_geocode": table[parent_key].to_numpy() if parent_key else "0",
            **{column: sums[column].to_numpy() for column in sums.columns},
        }
    )


def finance(
    rng: np.random.Generator, laos: pd.DataFrame, lines: pd.DataFrame, years: list[int]
) -> pd.DataFrame:
    """Revenue by DLA category and expenditure by budget type, estimate and actual, per LAO
    and year; specific subsidies are the BBL allocations of the LAO that year."""
    base = laos["lao_type"].map(cal.LAO_BUDGET_MEDIAN).to_numpy()
    scale = base * rng.lognormal(0.0, 0.35, len(laos))
    specific = (
        lines[lines["budget_type"] == "subsidy"]
        .groupby(["lao_key", "fiscal_year"])["allocated"]
        .sum()
    )
    rows = []
    for index, year in enumerate(years):
        budget = scale * (1 + cal.GROWTH) ** index
        for kind, shares in (("revenue", cal.LAO_REVENUE_SHARES),
                             ("expenditure", cal.LAO_EXPENDITURE_SHARES)):  # fmt: skip
            for category, share in shares.items():
                estimate = np.round(budget * share * rng.uniform(0.8, 1.2, len(laos)) / 100) * 100
                low, high = (0.9, 1.1) if kind == "revenue" else (0.75, 0.98)
                actual = np.round(estimate * rng.uniform(low, high, len(laos)), 2)
                rows.append(
                    pd.DataFrame(
                        {"lao_key": laos.index, "fiscal_year": year, "kind": kind,
                         "category": category, "estimate": estimate, "actual": actual}
                    )
                )  # fmt: skip
        keys = pd.MultiIndex.from_arrays([laos.index, np.full(len(laos), year)])
        received = specific.reindex(keys).fillna(0).to_numpy()
        rows.append(
            pd.DataFrame(
                {"lao_key": laos.index, "fiscal_year": year, "kind": "revenue",
                 "category": "specific_subsidy", "estimate": received,
                 "actual": np.round(received * rng.uniform(0.9, 1.0, len(laos)), 2)}
            )
        )  # fmt: skip
    frame = pd.concat(rows, ignore_index=True)
    return frame.sort_values(["fiscal_year", "lao_key", "kind"], kind="stable").reset_index(
        drop=True
    )


def projects(
    rng: np.random.Generator, laos: pd.DataFrame, lines: pd.DataFrame, years: list[int]
) -> pd.DataFrame:
    """Plan projects: every LAO subsidy line is a funded project of its LAO's plan; unfunded
    projects fill each LAO's plan up to the usual number a year."""
    funded = lines[(lines["budget_type"] == "subsidy") & lines["lao_key"].notna()]
    funded = funded[funded["share_no"] == 1]
    status = np.where(funded["ratio"] >= 1, "completed",
                      np.where(funded["ratio"] > 0, "in_progress", "budgeted"))  # fmt: skip
    rows = [
        pd.DataFrame(
            {
                "line_id": funded["line_id"].to_numpy(),
                "lao_key": funded["lao_key"].to_numpy(),
                "fiscal_year": funded["fiscal_year"].to_numpy(),
                "project_name": funded["item_name"].to_numpy(),
                "planned": funded["requested"].to_numpy(),
                "project_status": status,
                "subdistrict_code": funded["subdistrict_code"].to_numpy(),
            }
        )
    ]
    per_lao = max(cal.PLAN_PROJECTS_PER_LAO - 1, 1)
    for year in years:
        size = len(laos) * per_lao
        lao_keys = np.repeat(laos.index.to_numpy(), per_lao)
        villages = names.village_names(rng, size)
        templates = names.TEMPLATES["investment"][:8]
        picks = rng.integers(0, len(templates), size)
        project_names = [
            templates[pick].split(" ")[0] + f" บ้าน{village} หมู่ที่ {moo}"
            for pick, village, moo in zip(picks, villages, rng.integers(1, 16, size), strict=True)
        ]
        rows.append(
            pd.DataFrame(
                {
                    "line_id": None,
                    "lao_key": lao_keys,
                    "fiscal_year": year,
                    "project_name": project_names,
                    "planned": np.round(10 ** rng.normal(5.8, 0.5, size) / 100) * 100,
                    "project_status": rng.choice(["planned", "cancelled"], size, p=[0.9, 0.1]),
                    "subdistrict_code": laos.loc[lao_keys, "subdistrict_code"].to_numpy(),
                }
            )
        )
    frame = pd.concat(rows, ignore_index=True)
    frame = frame.sort_values(["fiscal_year", "lao_key"], kind="stable").reset_index(drop=True)
    period_start = frame["fiscal_year"] - (frame["fiscal_year"] - 2561) % PLAN_YEARS
    frame["plan_period"] = period_start.astype(str) + "-" + (period_start + 4).astype(str)
    frame["strategy"] = rng.choice(names.STRATEGIES, len(frame))
    frame["project_id"] = [
        f"EP{year}-{index:07d}" for index, year in enumerate(frame["fiscal_year"], start=1)
    ]
    return frame


def needs(
    rng: np.random.Generator, laos: pd.DataFrame, plan: pd.DataFrame, years: list[int]
) -> pd.DataFrame:
    """Needs raised in each LAO's area, a third of them answered by a project of its plan."""
    rows = []
    topics = [(area.code, topic.code, area) for area in STRATEGIC_AREAS for topic in area.topics]
    for year in years:
        size = len(laos) * cal.NEEDS_PER_LAO
        lao_keys = np.repeat(laos.index.to_numpy(), cal.NEEDS_PER_LAO)
        picks = rng.integers(0, len(topics), size)
        villages = names.village_names(rng, size)
        descriptions = []
        for pick, village in zip(picks, villages, strict=True):
            area = topics[pick][2]
            phrases = names.NEED_PHRASES[area.code]
            descriptions.append(phrases[int(rng.integers(0, len(phrases)))].format(what=village))
        day = rng.integers(0, 300, size)
        rows.append(
            pd.DataFrame(
                {
                    "lao_key": lao_keys,
                    "fiscal_year": year,
                    "community": np.char.add("บ้าน", villages.astype(str)),
                    "village_no": rng.integers(1, 16, size),
                    "strategic_area": [topics[pick][0] for pick in picks],
                    "topic": [f"{topics[pick][0]}.{topics[pick][1]}" for pick in picks],
                    "description": descriptions,
                    "leader_role": rng.choice(names.LEADER_ROLES, size),
                    "leader_id": [f"L{int(value):06d}" for value in rng.integers(1, 10**6, size)],
                    "entered_date": pd.Timestamp(year - 544, 10, 1)
                    + pd.to_timedelta(day, unit="D"),
                    "answered": rng.random(size) < 0.33,
                }
            )
        )
    frame = pd.concat(rows, ignore_index=True)
    frame["need_id"] = [f"N{year}-{index:07d}" for index, year in
                        enumerate(frame["fiscal_year"], start=1)]  # fmt: skip
    first_project = plan.drop_duplicates(["lao_key", "fiscal_year"]).set_index(
        ["lao_key", "fiscal_year"]
    )
    keys = pd.MultiIndex.from_arrays([frame["lao_key"], frame["fiscal_year"]])
    candidate = first_project.reindex(keys)
    frame["answered_by"] = np.where(frame["answered"], candidate["project_id"].to_numpy(), None)
    statuses = candidate["project_status"].to_numpy()
    frame["need_status"] = np.where(
        frame["answered_by"].notna(),
        np.where(statuses == "completed", "done",
                 np.where(statuses == "planned", "planned", "funded")),
        rng.choice(["received", "reviewing", "declined"], len(frame), p=[0.5, 0.35, 0.15]),
    )  # fmt: skip
    return frame.drop(columns="answered")
