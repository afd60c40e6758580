"""Finding the area a piece of Thai text names.

Budget lines, GFMIS items and contracts name their area in free text, usually without spaces
between the parts (`ตำบลชัยนาทอำเภอเมืองชัยนาท`, `ม.1 ต.คลองแดน อ.ระโนด จ.สงขลา`,
`เทศบาลต.จันทนิมิต`). Thai is written without spaces between words, so the text cannot be
split first and looked up after: instead, after each marker (ตำบล/ต./แขวง, อำเภอ/อ./เขต,
จังหวัด/จ.) the longest known area name that starts there is taken, and the candidates of the
three levels are then made consistent with each other (a sub-district must lie in the district
and province named beside it). Names of LAOs (เทศบาลตำบลหงาว, อบต.เขาคราม) are recognised the
same way and give their area. Nothing is guessed: when two areas fit equally, the answer
stops at the level both share and says it is ambiguous.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from khlang.publishers.areas import Area, AreaRegistry, Level
from khlang.publishers.vocab import squash
from khlang.thai import TO_ARABIC_DIGITS, ZERO_WIDTH

_MARKERS: dict[Level, tuple[str, ...]] = {
    "province": ("จังหวัด", "จ."),
    "district": ("อำเภอ", "อ.", "เขต"),
    "subdistrict": ("ตำบล", "ต.", "แขวง"),
}
_LAO_MARKERS = (
    ("องค์การบริหารส่วนจังหวัด", "PAO"),
    ("องค์การบริหารส่วนตำบล", "TAO"),
    ("เทศบาลนคร", "ThesabanNakhon"),
    ("เทศบาลเมือง", "ThesabanMueang"),
    ("เทศบาลตำบล", "ThesabanTambon"),
    ("เทศบาลต.", "ThesabanTambon"),
    ("อบจ.", "PAO"),
    ("อบต.", "TAO"),
    ("ทน.", "ThesabanNakhon"),
    ("ทม.", "ThesabanMueang"),
    ("ทต.", "ThesabanTambon"),
)
_MUNICIPAL = ("ThesabanTambon", "ThesabanMueang", "ThesabanNakhon")
_VILLAGE = re.compile(r"(?:หมู่ที่|หมู่|ม\.)\s*(\d{1,3})")
_MUEANG = "เมือง"
_LEVELS: tuple[Level, ...] = ("province", "district", "subdistrict")


@dataclass(frozen=True)
class PlaceMatch:
    """What a text says about its area: the most specific area all clues agree on."""

    area: Area | None
    village: int | None = None
    lao_key: str | None = None
    ambiguous: bool = False
    """True when the clues fit more than one area at a finer level than `area`."""

    @property
    def level(self) -> Level | None:
        return self.area.level if self.area else None


def _normalise(text: str) -> str:
    return ZERO_WIDTH.sub("", text.translate(TO_ARABIC_DIGITS))


def _names_at(text: str, start: int, names: dict[str, list[str]], longest: int) -> list[str]:
    """Codes of the longest known name that starts at `start` (spaces inside ignored)."""
    window = squash(text[start : start + longest * 2])[:longest]
    for length in range(len(window), 1, -1):
        codes = names.get(window[:length])
        if codes:
            return codes
    return []


@dataclass
class _Clues:
    codes: dict[Level, set[str]]
    laos: list[str]
    mueang: bool = False


class PlaceParser:
    """Parses place names against one area registry; results are cached per text, so a
    national build parses each distinct name once."""

    def __init__(self, registry: AreaRegistry) -> None:
        self.registry = registry
        self._longest = {
            level: max(len(name) for name in names) for level, names in registry.names.items()
        }
        self.parse = functools.lru_cache(maxsize=200_000)(self._parse)

    def _clues(self, text: str, within: str | None) -> _Clues:
        clues = _Clues(codes={level: set() for level in _LEVELS}, laos=[])
        masked = self._take_laos(text, clues)
        for level in _LEVELS:
            for marker in _MARKERS[level]:
                for found in re.finditer(re.escape(marker), masked):
                    start = found.end()
                    while start < len(masked) and masked[start] == " ":
                        start += 1
                    codes = _names_at(
                        masked, start, self.registry.names[level], self._longest[level]
                    )
                    clues.codes[level].update(codes)
                    if level == "district" and not codes and masked.startswith(_MUEANG, start):
                        clues.mueang = True
        if within:
            clues.codes["province"] = {within}
        elif not clues.codes["province"]:
            clues.codes["province"].update(self._bare_provinces(masked))
        return clues

    def _take_laos(self, text: str, clues: _Clues) -> str:
        """Record LAO names and blank them out, so `อบต.` is not read as the marker `ต.`."""
        if self.registry.laos is None:
            for marker, _ in _LAO_MARKERS:
                text = text.replace(marker, " " * len(marker))
            return text
        for marker, kind in _LAO_MARKERS:
            for found in re.finditer(re.escape(marker), text):
                window = squash(text[found.end() : found.end() + 80])
                clues.laos.extend(self._lao_keys(kind, window))
            text = text.replace(marker, " " * len(marker))
        return text

    def _lao_keys(self, kind: str, window: str) -> list[str]:
        """Keys of the LAO of that type whose name starts the window; municipalities are
        upgraded over time (a เทศบาลตำบล of 2018 may be a เทศบาลเมือง now), so another
        municipal type with that name counts when the stated type has none."""
        kinds = [kind]
        if kind in _MUNICIPAL:
            kinds += [other for other in _MUNICIPAL if other != kind]
        for candidate in kinds:
            for length in range(min(len(window), 40), 1, -1):
                keys = self.registry.lao_names.get((candidate, window[:length]))
                if keys:
                    return keys
        return []

    def _bare_provinces(self, text: str) -> set[str]:
        """Province names written without `จังหวัด`, longest first, as a last resort."""
        found: set[str] = set()
        squashed = squash(text)
        for name in sorted(self.registry.names["province"], key=len, reverse=True):
            if name in squashed and not any(name in other for other in found):
                found.add(name)
                squashed = squashed.replace(name, " ")
        return {code for name in found for code in self.registry.names["province"][name]}

    def _parse(self, text: str, within: str | None = None) -> PlaceMatch:
        """The area `text` names; `within` is a province code the source already gives
        (a column of the export), which then settles the province."""
        if not text:
            return PlaceMatch(area=self.registry.area(within) if within else None)
        normalised = _normalise(text)
        village = _VILLAGE.search(normalised)
        clues = self._clues(normalised, within)
        lao_key = self._lao(clues)
        if lao_key:
            self._add_lao_area(lao_key, clues)
        if clues.mueang and clues.codes["province"]:
            for province in clues.codes["province"]:
                name = squash(_MUEANG + self.registry.provinces.loc[province, "name_th"])
                clues.codes["district"].update(self.registry.names["district"].get(name, []))
        area, ambiguous = self._resolve(clues)
        ambiguous = ambiguous or (not lao_key and len(set(clues.laos)) > 1)
        return PlaceMatch(
            area=area,
            village=int(village.group(1)) if village else None,
            lao_key=lao_key,
            ambiguous=ambiguous,
        )

    def _lao(self, clues: _Clues) -> str | None:
        """The one LAO named, narrowed by the areas named beside it."""
        if not clues.laos:
            return None
        laos = self.registry.lao_rows
        fitting = [
            key
            for key in dict.fromkeys(clues.laos)
            if self._fits(laos[key]["province_code"], clues.codes["province"])
            and self._fits(laos[key]["district_code"], clues.codes["district"])
        ]
        return fitting[0] if len(fitting) == 1 else None

    @staticmethod
    def _fits(code: str, candidates: set[str]) -> bool:
        return not candidates or not code or code in candidates

    def _add_lao_area(self, key: str, clues: _Clues) -> None:
        row = self.registry.lao_rows[key]
        covered = [part.split(":")[0] for part in row["covered_subdistricts"].split(";") if part]
        own = {
            "province": row["province_code"],
            "district": row["district_code"],
            "subdistrict": row["subdistrict_code"] or (covered[0] if len(covered) == 1 else ""),
        }
        for level, code in own.items():
            if code and not clues.codes[level]:
                clues.codes[level].add(code)

    def _resolve(self, clues: _Clues) -> tuple[Area | None, bool]:
        provinces, districts, subdistricts = (clues.codes[level] for level in _LEVELS)
        if provinces:
            districts = {code for code in districts if code[:2] in provinces}
            subdistricts = {code for code in subdistricts if code[:2] in provinces}
        if districts:
            subdistricts = {code for code in subdistricts if code[:4] in districts}
        if len(subdistricts) == 1:
            return self.registry.area(next(iter(subdistricts))), False
        if len(districts) == 1:
            return self.registry.area(next(iter(districts))), len(subdistricts) > 1
        if not districts and len(subdistricts) > 1:
            shared = {code[:4] for code in subdistricts}
            if len(shared) == 1:
                return self.registry.area(shared.pop()), True
        if len(provinces) == 1:
            return self.registry.area(next(iter(provinces))), bool(districts or subdistricts)
        shared_provinces = {code[:2] for code in districts | subdistricts}
        if len(shared_provinces) == 1 and not provinces:
            return self.registry.area(shared_provinces.pop()), True
        return None, bool(provinces or districts or subdistricts)
