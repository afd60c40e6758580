"""Building khlang's area master from the two public area lists, and the report of where
they disagree.

The sources (`../shared/data/real/geo`, SOURCES.md §1):

* thailand-geography-json (MIT, Joe Takara): 77 provinces, 928 districts, 7,436 sub-districts
  with DOPA codes. Its codes are exactly the DOPA 2021 population codes, so it is the master.
* kongvut/thai-province-data (MIT, Kongvut Sangkla): 929 districts, 7,451 sub-districts and the
  six regions. Extra rows are former codes (Bangkok's reorganised khwaeng, the old districts of
  Nakhon Ratchasima and Bueng Kan) and two municipality pseudo-districts.
* DOPA registered population 2021 (read in place, never shipped): a third witness for names.

For every code and name the two lists disagree on, the value two witnesses agree on wins;
when all three differ the master's value stands. Every losing spelling and every former code
is kept as an alias, so a source that writes an old name or code still finds its area.

Only data derived from the two MIT lists is written to the package (`reference/`), with both
copyright notices; the population file has no licence and is only read here to vote.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd

from khlang.errors import KhlangError
from khlang.i18n import Text

TGJ = "thailand-geography-json"
KONGVUT = "kongvut/thai-province-data"
DOPA = "DOPA population 2021"

REGION_NAMES_EN = {
    "ภาคเหนือ": "Northern",
    "ภาคกลาง": "Central",
    "ภาคตะวันออกเฉียงเหนือ": "Northeastern",
    "ภาคตะวันตก": "Western",
    "ภาคตะวันออก": "Eastern",
    "ภาคใต้": "Southern",
}

REFERENCE_FILES = (
    "regions.csv",
    "provinces.csv",
    "districts.csv",
    "subdistricts.csv",
    "aliases.csv",
    "differences.csv",
)

NOTICE = """\
# Area master data: origin and licences

The files in this folder are derived by `khlang areas build-reference` from two public
lists of Thai administrative areas, both under the MIT licence:

* thailand-geography-data/thailand-geography-json, commit
  c76e019fe7a2d51cafd40be8261f59b10310f9d1 (2025-06-27), `src/provinces.json`,
  `src/districts.json`, `src/subdistricts.json`.
  Copyright (c) 2023-present Joe Takara.
* kongvut/thai-province-data, commit 9711e723dfe9c0c48630f05090ed70a1aa3c66f1 (2025-09-27),
  `formats/csv/{provinces,districts,sub_districts,geographies}.csv`.
  Copyright (c) 2025 Kongvut Sangkla.

Codes are the Department of Provincial Administration's (DOPA) geocodes. Where the lists
disagree, DOPA's registered-population list of 31 Dec 2021 was consulted as a third witness
(`differences.csv` says how each difference was settled); no population figure is included.

MIT licence (applies to each of the two works above, with its own copyright line):

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify, merge,
publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
"""


def _require(path: Path) -> Path:
    if not path.is_file():
        raise KhlangError(
            Text(th="ไม่พบไฟล์ข้อมูลพื้นที่ต้นทาง", en="area source file not found"), where=str(path)
        )
    return path


def _json_frame(path: Path) -> pd.DataFrame:
    return pd.DataFrame(json.loads(_require(path).read_text(encoding="utf-8")))


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(_require(path), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _vote(values: dict[str, str | None]) -> tuple[str, str]:
    """(winner, how): the value two witnesses agree on, else the master's."""
    present = {source: value for source, value in values.items() if value}
    counts = Counter(present.values())
    best, votes = counts.most_common(1)[0]
    if votes >= 2:  # two witnesses of three
        agreeing = "+".join(source for source, value in present.items() if value == best)
        return best, f"majority ({agreeing})"
    return values[TGJ] or best, "master (no two sources agree)"


def _strip_khet(name: str) -> str:
    """kongvut prefixes Bangkok's districts with `เขต`; the others do not."""
    return name.removeprefix("เขต") if name.startswith("เขต") else name


class _Reconciler:
    """Collects the master rows, aliases and differences of one level at a time."""

    def __init__(self) -> None:
        self.differences: list[dict[str, str]] = []
        self.aliases: list[dict[str, str]] = []

    def difference(self, level: str, code: str, kind: str, values: dict, resolved: str, how: str):
        self.differences.append(
            {
                "level": level,
                "code": code,
                "kind": kind,
                "tgj": values.get(TGJ) or "",
                "kongvut": values.get(KONGVUT) or "",
                "dopa": values.get(DOPA) or "",
                "resolved": resolved,
                "resolution": how,
            }
        )

    def alias(self, level: str, code: str, alias: str, kind: str, source: str) -> None:
        self.aliases.append(
            {"level": level, "code": code, "alias": alias, "kind": kind, "source": source}
        )

    def names(self, level: str, master: pd.DataFrame, other: pd.DataFrame, dopa: pd.DataFrame):
        """Settle name_th and name_en of every code present in the master, in place."""
        joined = master.merge(
            other, how="left", left_index=True, right_index=True, suffixes=("", "_k")
        ).merge(dopa, how="left", left_index=True, right_index=True, suffixes=("", "_d"))
        for field, kind in (("name_th", "alias_th"), ("name_en", "alias_en")):
            for code, row in joined.iterrows():
                values = {
                    TGJ: row[field],
                    KONGVUT: row.get(f"{field}_k") if pd.notna(row.get(f"{field}_k")) else None,
                    DOPA: row.get(f"{field}_d") if pd.notna(row.get(f"{field}_d")) else None,
                }
                if len({v for v in values.values() if v}) <= 1:
                    continue
                resolved, how = _vote(values)
                master.loc[code, field] = resolved
                kind_label = "name_th" if field == "name_th" else "name_en"
                self.difference(level, str(code), kind_label, values, resolved, how)
                for source, value in values.items():
                    if value and value != resolved and source != DOPA:
                        self.alias(level, str(code), value, kind, source)


def build_reference(real_dir: Path) -> dict[str, pd.DataFrame]:
    """The area master tables and the difference report, from `real_dir` (the folder that
    holds `geo/`)."""
    geo = real_dir / "geo"
    tgj_p = _json_frame(geo / "tgj_provinces.json")
    tgj_d = _json_frame(geo / "tgj_districts.json")
    tgj_s = _json_frame(geo / "tgj_subdistricts.json")
    k_p = _csv(geo / "kongvut_provinces.csv")
    k_d = _csv(geo / "kongvut_districts.csv")
    k_s = _csv(geo / "kongvut_sub_districts.csv")
    k_g = _csv(geo / "kongvut_geographies.csv")
    dopa = _csv(_require(geo / "population_dopa_2021-12-31.csv"))[
        ["geocode", "level", "name_th", "name_en"]
    ]
    rec = _Reconciler()

    regions = pd.DataFrame(
        {
            "region_code": k_g["id"],
            "name_th": k_g["name"],
            "name_en": k_g["name"].map(REGION_NAMES_EN),
        }
    )

    provinces = pd.DataFrame(
        {
            "province_code": tgj_p["provinceCode"].astype(str).str.zfill(2),
            "name_th": tgj_p["provinceNameTh"],
            "name_en": tgj_p["provinceNameEn"],
        }
    ).set_index("province_code")
    k_prov = k_p.set_index("name_th")
    provinces["region_code"] = provinces["name_th"].map(k_prov["geography_id"])
    k_prov_by_code = pd.DataFrame(
        {"name_th": k_p["name_th"].values, "name_en": k_p["name_en"].values},
        index=provinces.reset_index().set_index("name_th").loc[k_p["name_th"], "province_code"],
    )
    rec.names("province", provinces, k_prov_by_code, _dopa_level(dopa, "1"))

    districts = pd.DataFrame(
        {
            "district_code": tgj_d["districtCode"].astype(str),
            "province_code": tgj_d["provinceCode"].astype(str).str.zfill(2),
            "name_th": tgj_d["districtNameTh"],
            "name_en": tgj_d["districtNameEn"],
            "postal_code": tgj_d["postalCode"].astype(str),
        }
    ).set_index("district_code")
    k_dist = k_d.assign(name_th=k_d["name_th"].map(_strip_khet)).set_index("id")
    _only(rec, "district", districts, k_dist, provinces)
    rec.names(
        "district",
        districts,
        k_dist.loc[k_dist.index.intersection(districts.index), ["name_th", "name_en"]],
        _dopa_level(dopa, "2"),
    )

    subdistricts = pd.DataFrame(
        {
            "subdistrict_code": tgj_s["subdistrictCode"].astype(str),
            "district_code": tgj_s["districtCode"].astype(str),
            "province_code": tgj_s["provinceCode"].astype(str).str.zfill(2),
            "name_th": tgj_s["subdistrictNameTh"],
            "name_en": tgj_s["subdistrictNameEn"],
            "postal_code": tgj_s["postalCode"].astype(str),
        }
    ).set_index("subdistrict_code")
    k_sub = k_s.set_index("id")
    _only(rec, "subdistrict", subdistricts, k_sub, provinces)
    shared = k_sub.index.intersection(subdistricts.index)
    rec.names(
        "subdistrict", subdistricts, k_sub.loc[shared, ["name_th", "name_en"]],
        _dopa_level(dopa, "3"),
    )  # fmt: skip
    postal = subdistricts.loc[shared, "postal_code"] != k_sub.loc[shared, "zip_code"]
    for code in postal[postal].index:
        values = {TGJ: subdistricts.loc[code, "postal_code"], KONGVUT: k_sub.loc[code, "zip_code"]}
        rec.difference("subdistrict", code, "postal_code", values, values[TGJ], "master")

    aliases = pd.DataFrame(rec.aliases, columns=["level", "code", "alias", "kind", "source"])
    return {
        "regions": regions,
        "provinces": provinces.reset_index(),
        "districts": districts.reset_index(),
        "subdistricts": subdistricts.reset_index(),
        "aliases": _drop_shuffled(aliases, districts, subdistricts)
        .drop_duplicates()
        .sort_values(["level", "code", "kind", "alias"], kind="stable"),
        "differences": pd.DataFrame(
            rec.differences,
            columns=["level", "code", "kind", "tgj", "kongvut", "dopa", "resolved", "resolution"],
        ).sort_values(["level", "code", "kind"], kind="stable"),
    }


def _drop_shuffled(
    aliases: pd.DataFrame, districts: pd.DataFrame, subdistricts: pd.DataFrame
) -> pd.DataFrame:
    """Drop a losing Thai spelling that is the name of another area of the same level in
    the same province: in Bueng Kan the second list gives codes their neighbours' names, and
    keeping those as aliases would make every name there ambiguous."""
    parent_of = {
        "district": districts["province_code"],
        "subdistrict": subdistricts["province_code"],
    }
    keep = []
    for row in aliases.itertuples(index=False):
        parents = parent_of.get(row.level)
        if row.kind != "alias_th" or parents is None:
            keep.append(True)
            continue
        table = districts if row.level == "district" else subdistricts
        siblings = table[parents == parents[row.code]]["name_th"]
        keep.append(row.alias not in set(siblings))
    return aliases[keep]


def _dopa_level(dopa: pd.DataFrame, level: str) -> pd.DataFrame:
    rows = dopa[dopa["level"] == level].set_index("geocode")
    return rows[["name_th", "name_en"]]


def _only(
    rec: _Reconciler,
    level: str,
    master: pd.DataFrame,
    other: pd.DataFrame,
    provinces: pd.DataFrame,
) -> None:
    """Report codes found in one list only; map the other list's extra codes to the master
    area of the same name in the same province when there is exactly one."""
    for code in master.index.difference(other.index):
        values = {TGJ: master.loc[code, "name_th"]}
        rec.difference(level, code, "only_in_tgj", values, code, "kept (DOPA 2021 code)")
    names = master.reset_index().groupby(["province_code", "name_th"])[master.index.name]
    by_name = names.apply(list).to_dict()
    for code in other.index.difference(master.index):
        name = other.loc[code, "name_th"]
        province = code[:2]
        candidates = by_name.get((province, name), [])
        values = {KONGVUT: name}
        if province not in provinces.index:
            how = "dropped (no such province)"
            resolved = ""
        elif len(candidates) == 1:
            resolved = candidates[0]
            how = "former code of the DOPA 2021 area with the same name"
            rec.alias(level, resolved, code, "former_code", KONGVUT)
        else:
            resolved = ""
            how = "dropped (not a DOPA 2021 area: no single area of that name in the province)"
        rec.difference(level, code, "only_in_kongvut", values, resolved, how)


def write_reference(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Write the master tables, aliases, differences and the licence notice to `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    notice = out / "NOTICE.md"
    notice.write_text(NOTICE, encoding="utf-8")
    return [*written, notice]


def difference_summary(differences: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Counts of differences by level and kind, for reports and the README."""
    counts = differences.groupby(["level", "kind"]).size()
    summary: dict[str, dict[str, int]] = {}
    for (level, kind), count in counts.items():
        summary.setdefault(level, {})[kind] = int(count)
    return summary
