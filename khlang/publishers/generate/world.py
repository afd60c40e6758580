"""The synthetic world behind the generated exports: LAOs, budget lines with their areas and
amounts, disbursement by month, contracts, local finance, plan projects and citizens' needs.

Everything is drawn from one seeded generator in a fixed order, so a seed always gives the
same world; the exports (`exports.py`) then write it in each system's layout, with noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from khlang.publishers.areas import AreaRegistry
from khlang.publishers.fiscal import calendar_month
from khlang.publishers.generate import calibration as cal
from khlang.publishers.generate import local, names
from khlang.publishers.vocab import LAO_TYPES

PERSONAL_TYPES = ("PAO", "ThesabanNakhon", "ThesabanMueang", "ThesabanTambon", "TAO")
MONTH_WEIGHTS = np.diff(np.concatenate([[0.0], np.array(cal.CUMULATIVE_DISBURSEMENT)])) / 100


@dataclass
class World:
    years: list[int]
    laos: pd.DataFrame
    population: pd.DataFrame
    lines: pd.DataFrame
    """One row per budget line and area share (a two-province line has two rows)."""
    months: pd.DataFrame
    """Commitments and disbursement per line share and fiscal month."""
    contracts: pd.DataFrame
    finance: pd.DataFrame
    projects: pd.DataFrame
    needs: pd.DataFrame


def synthetic_laos(registry: AreaRegistry) -> pd.DataFrame:
    """An LAO register derived from the area master when the real list is not at hand: a
    PAO per province, a sub-district municipality at each district seat and an SAO in every
    other sub-district (about 8,200 LAOs, close to the real 7,848). The seat's SAO shares
    its sub-district with the municipality, so both cover it partially.

    Rows are read as tuples: every place lookup, dashboard and server start builds this
    register, and reading pandas rows one by one took 1 s of its 1.1 s."""
    provinces = registry.provinces
    rows = [
        _lao("PAO", province, province_row.name_th, province_row.name_en, province, "", "", "")
        for province, province_row in zip(provinces.index, provinces.itertuples(), strict=True)
        if province != "10"
    ]
    subdistricts = registry.subdistricts.reset_index()
    outside_bangkok = subdistricts[subdistricts["province_code"] != "10"]
    district = None
    for sub in outside_bangkok.sort_values("district_code", kind="stable").itertuples():
        seat = sub.district_code != district  # a district's first sub-district is its seat
        district = sub.district_code
        if seat:
            rows.append(
                _lao("ThesabanTambon", district, sub.name_th, sub.name_en, sub.province_code,
                     district, "", f"{sub.subdistrict_code}:partially")
            )  # fmt: skip
        rows.append(
            _lao("TAO", sub.subdistrict_code, sub.name_th, sub.name_en, sub.province_code,
                 district, sub.subdistrict_code,
                 f"{sub.subdistrict_code}:" + ("partially" if seat else "completely"))
        )  # fmt: skip
    frame = pd.DataFrame(rows)
    return frame.set_index("lao_key", drop=False).rename_axis(None)


def _lao(kind, code, name_th, name_en, province, district, subdistrict, covered) -> dict:
    type_th = LAO_TYPES.by_code(kind).value
    return {
        "lao_key": f"{kind}-{code}",
        "lao_type": kind,
        "lao_type_th": type_th,
        "lao_name_th": f"{type_th}{name_th}",
        "name_th": name_th,
        "name_en": name_en,
        "province_code": province,
        "district_code": district,
        "subdistrict_code": subdistrict,
        "covered_subdistricts": covered,
    }


def select_laos(laos: pd.DataFrame, scale: cal.Scale) -> pd.DataFrame:
    """The LAOs of the scale: all, one province's, or a small mix of one province's (the PAO,
    its municipalities, then SAOs) for the sample."""
    chosen = laos if scale.province is None else laos[laos["province_code"] == scale.province]
    if scale.max_laos is not None:
        order = {kind: rank for rank, kind in enumerate(PERSONAL_TYPES)}
        ranked = chosen.assign(_rank=chosen["lao_type"].map(order)).sort_values(
            ["_rank", "lao_key"], kind="stable"
        )
        head = ranked[ranked["lao_type"] != "TAO"].head(scale.max_laos // 2)
        tail = ranked[ranked["lao_type"] == "TAO"].head(scale.max_laos - len(head))
        chosen = pd.concat([head, tail]).drop(columns="_rank")
    return chosen.sort_index()


def _spread_without_subsidies() -> np.ndarray:
    """Area spread of non-subsidy items such that all items together follow
    `AREA_SPREAD`: subsidies go to one LAO, so the other items carry every multi-province,
    nationwide and central item."""
    other = 1 - cal.BUDGET_TYPE_SHARES["subsidy"]
    spread = cal.AREA_SPREAD
    central = 1 - sum(spread.values())
    wide = np.array([spread["two_provinces"], spread["nationwide"], central]) / other
    return np.array([1 - wide.sum(), *wide])


def _amounts(rng: np.random.Generator, size: int, factor: float) -> np.ndarray:
    log10 = rng.normal(cal.AMOUNT_LOG10_MEAN, cal.AMOUNT_LOG10_SD, size)
    baht = np.power(10.0, log10) * factor
    return np.maximum(np.round(baht / cal.AMOUNT_ROUNDING), 1) * cal.AMOUNT_ROUNDING


def _within_reach(
    allocated: np.ndarray, budget_type: np.ndarray, lao_type: np.ndarray
) -> np.ndarray:
    """Grants to one LAO no larger than the largest real item for an LAO of its type
    (`LAO_ITEM_MAX`): a larger draw is reflected below that ceiling (ceiling² ÷ draw). The
    reflection draws no further random numbers, so every other figure of a seed's world stays
    as it was, and amounts below the ceiling keep their log-normal shape."""
    ceiling = np.array([cal.LAO_ITEM_MAX[kind] for kind in lao_type])
    over = (budget_type == "subsidy") & (allocated > ceiling)
    reflected = np.maximum(np.round(ceiling**2 / allocated / cal.AMOUNT_ROUNDING), 1)
    return np.where(over, reflected * cal.AMOUNT_ROUNDING, allocated)


class _Builder:
    def __init__(
        self,
        rng: np.random.Generator,
        registry: AreaRegistry,
        laos: pd.DataFrame,
        all_laos: pd.DataFrame,
        home: str | None = None,
    ) -> None:
        self.rng = rng
        self.home = home
        """The one province of a province or sample world, else None (the whole country)."""
        self.registry = registry
        self.laos = laos.reset_index(drop=True)
        self.province_weights = all_laos["province_code"].value_counts(normalize=True).sort_index()
        self.place_names = {
            "province": registry.provinces["name_th"].to_dict(),
            "district": registry.districts["name_th"].to_dict(),
            "subdistrict": registry.subdistricts["name_th"].to_dict(),
        }

    def _area_of(self, lao: pd.Series) -> tuple[str, str, str]:
        """(province, district, sub-district) of an LAO: its own sub-district, the first it
        covers, or the district seat's first sub-district."""
        subdistrict = lao["subdistrict_code"] or lao["covered_subdistricts"].split(":")[0]
        if not subdistrict:
            district = lao["district_code"] or self._first_district(lao["province_code"])
            subdistrict = self._first_subdistrict(district)
        return subdistrict[:2], subdistrict[:4], subdistrict

    def _first_district(self, province: str) -> str:
        districts = self.registry.districts
        return districts.index[districts["province_code"] == province][0]

    def _first_subdistrict(self, district: str) -> str:
        subs = self.registry.subdistricts
        return subs.index[subs["district_code"] == district][0]

    def lines(self, years: list[int], lines_per_lao: float) -> pd.DataFrame:
        rng = self.rng
        frames = []
        types = list(cal.BUDGET_TYPE_SHARES)
        shares = np.array(list(cal.BUDGET_TYPE_SHARES.values()))
        spreads = _spread_without_subsidies()
        for index, year in enumerate(years):
            count = max(round(len(self.laos) * lines_per_lao * 1.01**index), 4)
            factor = ((1 + cal.GROWTH) / 1.01) ** index
            budget_type = rng.choice(types, count, p=shares / shares.sum())
            spread = np.where(
                budget_type == "subsidy",
                "one",
                rng.choice(["one", "two", "nationwide", "central"], count, p=spreads),
            )
            lao_rows = self.laos.iloc[rng.integers(0, len(self.laos), count)].reset_index(drop=True)
            allocated = _within_reach(
                _amounts(rng, count, factor), budget_type, lao_rows["lao_type"].to_numpy()
            )
            requested = np.round(allocated * rng.uniform(1.0, 1.25, count) / 100) * 100
            frame = pd.DataFrame(
                {
                    "fiscal_year": year,
                    "budget_type": budget_type,
                    "spread": spread,
                    "lao_key": lao_rows["lao_key"],
                    "allocated_total": allocated,
                    "requested_total": requested,
                    "village": names.village_names(rng, count),
                    "village2": names.village_names(rng, count),
                    "moo": rng.integers(1, 16, count),
                    "river": rng.choice(names.RIVERS, count),
                    "template": rng.integers(0, 1000, count),
                    "department": rng.choice(
                        [code for code, _ in names.DEPARTMENTS if code != names.LOCAL_DEPARTMENT],
                        count,
                    ),
                    "plan": rng.integers(0, len(names.PLANS), count),
                    "second_province": rng.choice(
                        self.province_weights.index, count, p=self.province_weights.to_numpy()
                    ),
                    "share": np.round(rng.uniform(0.3, 0.7, count), 2),
                    "ratio_kind": rng.choice(
                        ["none", "all", "part"],
                        count,
                        p=[
                            cal.DISBURSED_NONE,
                            cal.DISBURSED_ALL,
                            1 - cal.DISBURSED_NONE - cal.DISBURSED_ALL,
                        ],
                    ),
                    "ratio_part": rng.beta(*cal.DISBURSED_BETA, count),
                }
            )
            frames.append(frame)
        lines = pd.concat(frames, ignore_index=True)
        return self._describe(lines)

    def _describe(self, lines: pd.DataFrame) -> pd.DataFrame:
        laos = self.laos.set_index("lao_key")
        areas = {key: self._area_of(laos.loc[key]) for key in lines["lao_key"].unique()}
        area = lines["lao_key"].map(areas)
        lines["province_code"] = area.str[0]
        lines["district_code"] = area.str[1]
        lines["subdistrict_code"] = area.str[2]
        local = lines["budget_type"] == "subsidy"
        lines["department"] = lines["department"].where(~local, names.LOCAL_DEPARTMENT)
        departments = dict(names.DEPARTMENTS)
        lines["department_name"] = lines["department"].map(departments)
        lines["lao_name"] = lines["lao_key"].map(laos["lao_name_th"])
        lines["item_name"] = [self._item(row) for row in lines.itertuples(index=False)]
        lines["construction"] = lines["item_name"].str.startswith(names.CONSTRUCTION)
        sequence = lines.groupby(["fiscal_year", "department"]).cumcount() + 1
        type_digit = lines["budget_type"].map(
            {
                "personnel": "11",
                "operating": "22",
                "investment": "41",
                "subsidy": "60",
                "other": "70",
            }
        )
        lines["line_id"] = (
            lines["department"]
            + (lines["fiscal_year"] % 100).astype(str).str.zfill(2)
            + (lines["plan"] + 1).astype(str).str.zfill(3)
            + type_digit
            + sequence.astype(str).str.zfill(4)
        )
        ratio = np.where(
            lines["ratio_kind"] == "none",
            0.0,
            np.where(lines["ratio_kind"] == "all", 1.0, lines["ratio_part"]),
        )
        lines["ratio"] = ratio
        return self._split_areas(lines)

    def _item(self, row) -> str:
        templates = names.TEMPLATES[row.budget_type]
        template = templates[row.template % len(templates)]
        text = template.format(
            village=row.village, village2=row.village2, moo=row.moo, river=row.river,
            subdistrict=self.place_names["subdistrict"][row.subdistrict_code],
            district=self.place_names["district"][row.district_code],
            province=self.place_names["province"][row.province_code], lao=row.lao_name,
        )  # fmt: skip
        if row.spread == "nationwide":
            return text.split(" ")[0] + " ทั่วประเทศ"
        if row.spread == "central":
            return text.split(" ")[0] + " (ส่วนกลาง)"
        return text

    def _split_areas(self, lines: pd.DataFrame) -> pd.DataFrame:
        """One row per area share: two-province lines split their amounts; nationwide and
        central lines have no province.

        In a one-province world the second share is not given to another province: an
        area-based catalog of one province holds its own province's lines, and a share that
        lies outside it is labelled as a multi-province share (spread `multiple`, no area
        codes), not published as another province's budget. The other province is still
        drawn, so every other figure of a seed's world stays as it was."""
        two = lines[lines["spread"] == "two"].copy()
        second = two.copy()
        first_share = np.round(two["allocated_total"] * two["share"] / 100) * 100
        two["allocated"] = first_share
        second["allocated"] = two["allocated_total"] - first_share
        # The second province is another province: a draw of the same one moves to the next.
        provinces = list(self.province_weights.index)
        same = second["second_province"] == two["province_code"]
        following = second["second_province"].map(
            lambda code: provinces[(provinces.index(code) + 1) % len(provinces)]
        )
        second["province_code"] = second["second_province"].where(~same, following)
        if self.home is not None:
            second["province_code"] = None
            second["spread"] = "multiple"
        second["district_code"] = None
        second["subdistrict_code"] = None
        for frame in (two, second):
            frame["requested"] = (
                np.round(
                    frame["requested_total"] * frame["allocated"] / frame["allocated_total"] / 100
                )
                * 100
            )
        one = lines[lines["spread"].isin(["one", "nationwide", "central"])].copy()
        one["allocated"] = one["allocated_total"]
        one["requested"] = one["requested_total"]
        wide = one["spread"] != "one"
        one.loc[wide, ["province_code", "district_code", "subdistrict_code", "lao_key"]] = None
        two["share_no"], second["share_no"], one["share_no"] = 1, 2, 1
        rows = pd.concat([one, two, second], ignore_index=True)
        return rows.sort_values(["fiscal_year", "line_id", "share_no"], kind="stable").reset_index(
            drop=True
        )

    def months(self, lines: pd.DataFrame) -> pd.DataFrame:
        """Disbursement in 1-3 equal installments, each in a month drawn from the cumulative
        curve, and a commitment in or before the first installment's month."""
        rng = self.rng
        size = len(lines)
        disbursed = np.round(lines["allocated"].to_numpy() * lines["ratio"].to_numpy(), 2)
        installments = rng.integers(1, 4, size)
        # Each installment's month is drawn from the curve on its own (not sorted), so the
        # months of all installments together follow the curve.
        chosen = rng.choice(12, size=(size, 3), p=MONTH_WEIGHTS) + 1
        first = np.where(
            installments == 1,
            chosen[:, 0],
            np.where(installments == 2, chosen[:, :2].min(axis=1), chosen.min(axis=1)),
        )
        rows = []
        committed = np.where(
            lines["construction"].to_numpy() | (disbursed > 0),
            np.maximum(disbursed, np.round(lines["allocated"].to_numpy()
                                           * rng.uniform(0.85, 0.99, size), 2)),
            0.0,
        )  # fmt: skip
        commit_month = np.maximum(first - rng.integers(0, 3, size), 1)
        for position in range(3):
            active = installments > position
            amount = np.where(
                installments == 1,
                disbursed,
                np.round(disbursed / installments, 2),
            )
            last = installments == position + 1
            paid_before = np.round(disbursed / installments, 2) * position
            amount = np.where(last, np.round(disbursed - paid_before, 2), amount)
            rows.append(
                pd.DataFrame(
                    {
                        "row": np.flatnonzero(active),
                        "fiscal_month": chosen[active, position],
                        "disbursed": amount[active],
                        "committed": 0.0,
                    }
                )
            )
        rows.append(
            pd.DataFrame(
                {
                    "row": np.flatnonzero(committed > 0),
                    "fiscal_month": commit_month[committed > 0],
                    "disbursed": 0.0,
                    "committed": committed[committed > 0],
                }
            )
        )
        months = pd.concat(rows).groupby(["row", "fiscal_month"], as_index=False).sum()
        months = months[(months["disbursed"] > 0) | (months["committed"] > 0)]
        keys = lines[["line_id", "fiscal_year", "share_no"]].reset_index(drop=True)
        return months.join(keys, on="row").drop(columns="row").reset_index(drop=True)

    def contracts(self, lines: pd.DataFrame, months: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        procured = lines[lines["construction"] & (lines["share_no"] == 1)].reset_index(drop=True)
        size = len(procured)
        committed = months.groupby(["line_id", "fiscal_year"])["committed"].sum()
        total = procured[["line_id", "fiscal_year"]].merge(
            committed.reset_index(), how="left", on=["line_id", "fiscal_year"]
        )["committed"]
        award = np.where(total > 0, total, np.round(procured["allocated_total"] * 0.95, 2))
        tender_month = rng.integers(1, 6, size)
        start = [
            pd.Timestamp(*calendar_month(year, month), int(day))
            for year, month, day in zip(
                procured["fiscal_year"], tender_month, rng.integers(1, 28, size), strict=True
            )
        ]
        tender_date = pd.Series(start)
        award_date = tender_date + pd.to_timedelta(rng.integers(20, 46, size), unit="D")
        contract_date = award_date + pd.to_timedelta(rng.integers(7, 21, size), unit="D")
        end = contract_date + pd.to_timedelta(rng.integers(90, 271, size), unit="D")
        method = np.where(
            procured["allocated_total"] > cal.SPECIFIC_METHOD_LIMIT,
            rng.choice(["e-bidding", "e-market"], size, p=[0.85, 0.15]),
            rng.choice(["specific", "selection"], size, p=[0.9, 0.1]),
        )
        status = np.where(
            procured["ratio"] >= 1,
            "terminated",
            np.where(procured["ratio"] > 0, "active", "pending"),
        )
        buyer = procured["lao_name"].where(
            procured["budget_type"] == "subsidy",
            procured["department_name"],
        )
        return pd.DataFrame(
            {
                "egp_project_id": [f"{year % 100:02d}{index:09d}" for index, year in
                                   zip(range(1, size + 1), procured["fiscal_year"], strict=True)],
                "line_id": procured["line_id"],
                "fiscal_year": procured["fiscal_year"],
                "buyer_name": buyer.fillna(procured["department_name"]),
                "lao_key": procured["lao_key"],
                "title": procured["item_name"],
                "method": method,
                "budget_amount": procured["allocated_total"],
                "tender_value": np.round(procured["allocated_total"] * 0.98 / 100) * 100,
                "award_value": award,
                "contract_value": award,
                "supplier_id": names.tax_ids(rng, size),
                "supplier_name": names.company_names(rng, size),
                "tender_date": tender_date.dt.date,
                "award_date": award_date.dt.date,
                "contract_date": contract_date.dt.date,
                "contract_end": end.dt.date,
                "contract_status": status,
                "province_code": procured["province_code"],
                "district_code": procured["district_code"],
                "subdistrict_code": procured["subdistrict_code"],
            }
        )  # fmt: skip


def build_world(
    *,
    registry: AreaRegistry,
    all_laos: pd.DataFrame,
    scale: cal.Scale,
    years: list[int],
    seed: int,
) -> World:
    rng = np.random.default_rng(seed)
    laos = select_laos(all_laos, scale)
    builder = _Builder(rng, registry, laos, all_laos, home=scale.province)
    lines = builder.lines(years, scale.lines_per_lao)
    months = builder.months(lines)
    contracts = builder.contracts(lines, months)
    plan = local.projects(rng, laos, lines, years)
    return World(
        years=years,
        laos=laos,
        population=local.population(rng, registry, laos),
        lines=lines,
        months=months,
        contracts=contracts,
        finance=local.finance(rng, laos, lines, years),
        projects=plan,
        needs=local.needs(rng, laos, plan, years),
    )
