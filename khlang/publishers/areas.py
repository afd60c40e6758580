"""Thai administrative areas and local administrative organisations (อปท.).

Provinces (2-digit DOPA code), districts (4), sub-districts (6) with Thai and English names
and the six regions come from the area master shipped in `reference/` (derived from two MIT
lists, see `area_sources.py` and `reference/NOTICE.md`). The 7,848 LAOs and DOPA population
have no licence that lets khlang ship them, so they are read in place: from the LAO list and
population file of `../shared/data/real` (or any folder with the same layout) named with
`--reference` (or `KHLANG_REAL_DATA`), or from an LAO register and population export among a
publish run's sources.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

import pandas as pd

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.publishers.vocab import squash

Level = Literal["country", "region", "province", "district", "subdistrict"]
LEVEL_BY_LENGTH: dict[int, Level] = {2: "province", 4: "district", 6: "subdistrict"}
COUNTRY_CODE = "TH"

LAO_LIST_FILE = Path("lao") / "lao_list_hoerstemeier_2022.csv"
POPULATION_FILE = Path("geo") / "population_dopa_2021-12-31.csv"
LAO_REGISTER_COLUMNS = (
    "lao_key",
    "lao_type",
    "lao_name_th",
    "name_th",
    "name_en",
    "province_code",
    "district_code",
    "subdistrict_code",
    "covered_subdistricts",
)
POPULATION_COLUMNS = ("geocode", "level", "total_total", "municipal_total", "nonmunicipal_total")


@dataclass(frozen=True)
class Area:
    """One area at any level, with the codes of the areas that contain it."""

    code: str
    level: Level
    name_th: str
    name_en: str
    province_code: str | None = None
    district_code: str | None = None
    subdistrict_code: str | None = None


def _reference_table(name: str) -> pd.DataFrame:
    path = resources.files("khlang.publishers") / "reference" / f"{name}.csv"
    with resources.as_file(path) as file:
        return pd.read_csv(file, dtype=str, keep_default_na=False)


def real_data_dir(folder: Path) -> Path:
    """The reference folder (`geo/`, `lao/`), checked: nothing is looked up implicitly, so a
    run reads the same inputs wherever it runs."""
    if not (folder / "geo").is_dir() and not (folder / "lao").is_dir():
        raise KhlangError(
            Text(
                th="ไม่พบโฟลเดอร์ข้อมูลอ้างอิง (ต้องมีโฟลเดอร์ย่อย geo/ หรือ lao/)",
                en="no reference data folder here (it must hold geo/ or lao/)",
            ),
            where=str(folder),
        )
    return folder


@dataclass
class AreaRegistry:
    """The area master, with name indexes for parsing, and optionally the LAO register and
    DOPA population."""

    regions: pd.DataFrame
    provinces: pd.DataFrame
    districts: pd.DataFrame
    subdistricts: pd.DataFrame
    aliases: pd.DataFrame
    laos: pd.DataFrame | None = None
    population: pd.DataFrame | None = None
    lao_source: str | None = None
    population_source: str | None = None
    _former: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        former = self.aliases[self.aliases["kind"] == "former_code"]
        self._former = dict(zip(former["alias"], former["code"], strict=True))

    # --- codes -------------------------------------------------------------------------

    def current_code(self, code: str) -> str:
        """The DOPA 2021 code of a code, following a former code to its area."""
        return self._former.get(code, code)

    def area(self, code: object) -> Area | None:
        """The area a DOPA code names (2, 4 or 6 digits; former codes followed)."""
        text = self.current_code(str(code).strip())
        found = self._areas.get(text)
        return (
            found if found is not None and LEVEL_BY_LENGTH.get(len(text)) == found.level else None
        )

    @functools.cached_property
    def _areas(self) -> dict[str, Area]:
        """Every area by its code, built once: a row looked up in the frames costs about a
        millisecond, and reading the budget bill's 12,000 item texts asks for 9,500 areas."""
        areas = {
            code: Area(code, "province", th, en, province_code=code)
            for code, th, en in zip(self.provinces.index, self.provinces["name_th"],
                                    self.provinces["name_en"], strict=True)
        }  # fmt: skip
        districts = self.districts
        for code, th, en, province in zip(districts.index, districts["name_th"],
                                          districts["name_en"], districts["province_code"],
                                          strict=True):  # fmt: skip
            areas[code] = Area(code, "district", th, en, province, district_code=code)
        subdistricts = self.subdistricts
        for code, th, en, province, district in zip(
            subdistricts.index, subdistricts["name_th"], subdistricts["name_en"],
            subdistricts["province_code"], subdistricts["district_code"], strict=True,
        ):  # fmt: skip
            areas[code] = Area(code, "subdistrict", th, en, province, district, code)
        return areas

    def region_of(self, province_code: str) -> tuple[str, str, str] | None:
        """(region code, Thai name, English name) of a province."""
        if province_code not in self.provinces.index:
            return None
        region = self.provinces.loc[province_code, "region_code"]
        row = self.regions.loc[region]
        return region, row["name_th"], row["name_en"]

    # --- names -------------------------------------------------------------------------

    @functools.cached_property
    def names(self) -> dict[Level, dict[str, list[str]]]:
        """Squashed Thai name (and alias) -> codes, per level."""
        index: dict[Level, dict[str, list[str]]] = {}
        for level, table in (
            ("province", self.provinces),
            ("district", self.districts),
            ("subdistrict", self.subdistricts),
        ):
            names: dict[str, list[str]] = {}
            for code, name in zip(table.index, table["name_th"], strict=True):
                names.setdefault(squash(name), []).append(code)
            aliases = self.aliases[
                (self.aliases["level"] == level) & (self.aliases["kind"] == "alias_th")
            ]
            for code, alias in zip(aliases["code"], aliases["alias"], strict=True):
                codes = names.setdefault(squash(alias), [])
                if code not in codes:
                    codes.append(code)
            index[level] = names
        return index

    def province_by_name(self, name: str) -> str | None:
        codes = self.names["province"].get(squash(name.removeprefix("จังหวัด")))
        return codes[0] if codes and len(codes) == 1 else None

    # --- LAOs --------------------------------------------------------------------------

    def require_laos(self) -> pd.DataFrame:
        if self.laos is None:
            raise KhlangError(
                Text(
                    th="ไม่มีทะเบียน อปท.: ระบุโฟลเดอร์ข้อมูลอ้างอิงด้วย --reference "
                    "หรือวางไฟล์ทะเบียน อปท. ไว้ในโฟลเดอร์ต้นทาง",
                    en="no LAO register: name the reference folder with --reference or put an "
                    "LAO register file among the sources",
                )
            )
        return self.laos

    @functools.cached_property
    def lao_rows(self) -> dict[str, dict[str, str]]:
        """Each LAO's register row by its key, as text (read per item text when parsing)."""
        return self.require_laos().to_dict("index")

    @functools.cached_property
    def lao_names(self) -> dict[tuple[str, str], list[str]]:
        """(LAO type, squashed name) -> LAO keys."""
        laos = self.require_laos()
        index: dict[tuple[str, str], list[str]] = {}
        for key, kind, name in zip(laos.index, laos["lao_type"], laos["name_th"], strict=True):
            index.setdefault((kind, squash(name)), []).append(key)
        return index

    def with_laos(self, laos: pd.DataFrame, source: str) -> AreaRegistry:
        return _replace(self, laos=laos, lao_source=source)

    def with_population(self, population: pd.DataFrame, source: str) -> AreaRegistry:
        return _replace(self, population=population, population_source=source)


def _replace(registry: AreaRegistry, **changes: object) -> AreaRegistry:
    values = {
        "regions": registry.regions,
        "provinces": registry.provinces,
        "districts": registry.districts,
        "subdistricts": registry.subdistricts,
        "aliases": registry.aliases,
        "laos": registry.laos,
        "population": registry.population,
        "lao_source": registry.lao_source,
        "population_source": registry.population_source,
    }
    return AreaRegistry(**{**values, **changes})


@functools.cache
def packaged_areas() -> AreaRegistry:
    """The area master shipped with khlang (no LAOs, no population)."""
    return AreaRegistry(
        regions=_reference_table("regions").set_index("region_code"),
        provinces=_reference_table("provinces").set_index("province_code"),
        districts=_reference_table("districts").set_index("district_code"),
        subdistricts=_reference_table("subdistricts").set_index("subdistrict_code"),
        aliases=_reference_table("aliases"),
    )


def _read_with(path: Path, columns: tuple[str, ...], what: Text) -> pd.DataFrame:
    """A CSV as text, refused with the names of any of `columns` it lacks."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise KhlangError(
            Text(
                th=f"{what.th}ขาดคอลัมน์: {', '.join(missing)}",
                en=f"{what.en} lacks columns: {', '.join(missing)}",
            ),
            where=str(path),
        )
    return frame


def read_lao_register(path: Path) -> pd.DataFrame:
    """An LAO register in the layout of the public LAO list (SOURCES.md §2a), indexed by
    `lao_key`. Extra columns are kept; missing required ones are an error naming them."""
    frame = _read_with(path, LAO_REGISTER_COLUMNS, Text(th="ทะเบียน อปท.", en="the LAO register"))
    duplicated = frame["lao_key"][frame["lao_key"].duplicated()]
    if not duplicated.empty:
        row = int(duplicated.index[0]) + 2
        raise KhlangError(
            Text(
                th=f"รหัส อปท. ซ้ำ: {duplicated.iloc[0]}",
                en=f"duplicate LAO key: {duplicated.iloc[0]}",
            ),
            where=f"{path}: row {row}: column lao_key",
        )
    return frame.set_index("lao_key", drop=False).rename_axis(None)


def read_population(path: Path) -> pd.DataFrame:
    """DOPA registered population by area (the layout of SOURCES.md §1c), indexed by
    geocode, with integer totals."""
    what = Text(th="ไฟล์จำนวนประชากร", en="the population file")
    frame = _read_with(path, POPULATION_COLUMNS, what)
    for column in ("total_total", "municipal_total", "nonmunicipal_total"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame.set_index("geocode", drop=False).rename_axis(None)


def load_areas(reference: Path | None = None) -> AreaRegistry:
    """The packaged area master, with the LAO list and population of the reference folder
    when one is named."""
    registry = packaged_areas()
    if reference is None:
        return registry
    folder = real_data_dir(reference)
    if (folder / LAO_LIST_FILE).is_file():
        registry = registry.with_laos(
            read_lao_register(folder / LAO_LIST_FILE), str(folder / LAO_LIST_FILE)
        )
    if (folder / POPULATION_FILE).is_file():
        registry = registry.with_population(
            read_population(folder / POPULATION_FILE), str(folder / POPULATION_FILE)
        )
    return registry
