"""Population of each LAO, estimated from DOPA's registered population by sub-district.

DOPA counts people by area and splits each count into the part living in municipalities and
the rest; an LAO's own figure is not published. The estimate, stated in the benchmark
dataset's `calculation_method`:

* a PAO: the population of its province;
* a municipality: the people of the sub-districts it covers completely, plus the municipal
  people of those it covers partly (shared equally when several municipalities cover one);
* an SAO: the people of the sub-districts it covers completely, plus the non-municipal people
  of those it covers partly.
"""

from __future__ import annotations

import pandas as pd

from khlang.i18n import Text

METHOD = Text(
    th="ประชากรของ อบจ. คือประชากรทั้งจังหวัด ประชากรของเทศบาลคือประชากรของตำบลที่อยู่ในเขตเทศบาลทั้งตำบล "
    "รวมกับประชากรในเขตเทศบาลของตำบลที่อยู่ในเขตบางส่วน (แบ่งเท่ากันเมื่อมีหลายเทศบาล) ประชากรของ อบต. "
    "คือประชากรของตำบลที่อยู่ในเขตทั้งตำบล รวมกับประชากรนอกเขตเทศบาลของตำบลที่อยู่ในเขตบางส่วน "
    "(จากจำนวนประชากรตามทะเบียนราษฎรรายตำบลของกรมการปกครอง)",
    en="A PAO's population is its province's. A municipality's is the population of the "
    "sub-districts it covers completely plus the municipal population of those it covers "
    "partly (shared equally among municipalities). An SAO's is the population of the "
    "sub-districts it covers completely plus the non-municipal population of those it covers "
    "partly (from DOPA's registered population by sub-district).",
)


def lao_population(laos: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """`lao_key`, `population` (Int64, missing when no figure applies), `population_date`."""
    date = population["reference_date"].dropna().max() if "reference_date" in population else None
    covered = laos[["lao_key", "lao_type", "covered_subdistricts", "subdistrict_code"]].copy()
    covered["parts"] = (
        covered["covered_subdistricts"]
        .fillna("")
        .where(
            covered["covered_subdistricts"].fillna("") != "",
            covered["subdistrict_code"].fillna("") + ":completely",
        )
    )
    parts = covered.assign(part=covered["parts"].str.split(";")).explode("part")
    parts = parts[parts["part"].fillna("").str.contains(":")]
    parts[["geocode", "extent"]] = parts["part"].str.split(":", n=1, expand=True)
    figures = population.set_index("geocode")[
        ["total_total", "municipal_total", "nonmunicipal_total"]
    ].astype("float64")
    parts["total"] = parts["geocode"].map(figures["total_total"])
    parts["municipal"] = parts["geocode"].map(figures["municipal_total"])
    parts["rest"] = (
        parts["geocode"]
        .map(figures["nonmunicipal_total"])
        .fillna(parts["total"] - parts["municipal"].fillna(0))
    )
    municipal = parts["lao_type"].str.startswith("Thesaban")
    partly = parts["extent"] == "partially"
    sharing = parts[municipal & partly].groupby("geocode")["lao_key"].transform("count")
    parts["people"] = parts["total"]
    parts.loc[municipal & partly, "people"] = parts.loc[municipal & partly, "municipal"] / sharing
    parts.loc[~municipal & partly, "people"] = parts.loc[~municipal & partly, "rest"]
    by_lao = parts.groupby("lao_key")["people"].sum(min_count=1)
    provinces = laos["province_code"].map(figures["total_total"])
    result = pd.DataFrame({"lao_key": laos["lao_key"].to_numpy()})
    result["population"] = (
        result["lao_key"]
        .map(by_lao)
        .where(laos["lao_type"].to_numpy() != "PAO", provinces.to_numpy())
    )
    result["population"] = (
        pd.to_numeric(result["population"], errors="coerce").round().astype("Int64")
    )
    result["population_date"] = pd.to_datetime(date).date() if date else None
    return result
