"""Names of the places the store's amounts are keyed by, and finding a place by its name.

The store keeps codes (DOPA province, district and sub-district codes, LAO keys); people
know names. Provinces, districts and sub-districts are named from the area master shipped
with khlang (khlang/publishers/reference). LAOs are named from the register `khlang generate`
derives from that master (PAO-<province>, ThesabanTambon-<district>, TAO-<sub-district>,
the keys of the demo and of PAO budgets) and, before that, from any names the caller has
found in the catalog's own tables (`extra`), since a real LAO register is not shipped.
"""

from __future__ import annotations

import functools
import unicodedata

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text

PLACE_LEVELS = ("province", "district", "subdistrict", "lao")
SEARCH_LIMIT = 20


class Place(BaseModel):
    model_config = ConfigDict(frozen=True)

    level: str
    """province, district, subdistrict or lao."""
    code: str
    name: Text
    province: str | None = None
    district: str | None = None
    subdistrict: str | None = None
    within: Text | None = None
    """The district and province it lies in, to tell places of the same name apart."""


@functools.cache
def _places() -> dict[tuple[str, str], Place]:
    # lazy: the packaged area registry and the synthetic world cost +150-250 ms
    from khlang.publishers.areas import packaged_areas
    from khlang.publishers.generate.world import synthetic_laos

    registry = packaged_areas()
    names = {
        level: {
            code: Text(th=th, en=en or th)
            for code, th, en in zip(frame.index, frame["name_th"], frame["name_en"], strict=True)
        }
        for level, frame in (
            ("province", registry.provinces),
            ("district", registry.districts),
            ("subdistrict", registry.subdistricts),
        )
    }

    def around(district: str | None, province: str | None) -> Text | None:
        parts = [names["district"].get(district or ""), names["province"].get(province or "")]
        known = [part for part in parts if part is not None]
        if not known:
            return None
        return Text(th=" ".join(p.th for p in known), en=", ".join(p.en for p in known))

    found: dict[tuple[str, str], Place] = {}
    for code, name in names["province"].items():
        found["province", code] = Place(level="province", code=code, name=name, province=code)
    for code, name in names["district"].items():
        found["district", code] = Place(
            level="district", code=code, name=name, province=code[:2], district=code,
            within=around(None, code[:2]),
        )  # fmt: skip
    for code, name in names["subdistrict"].items():
        found["subdistrict", code] = Place(
            level="subdistrict", code=code, name=name, province=code[:2], district=code[:4],
            subdistrict=code, within=around(code[:4], code[:2]),
        )  # fmt: skip
    for row in synthetic_laos(registry).to_dict("records"):
        district = row["district_code"] or None
        found["lao", row["lao_key"]] = Place(
            level="lao", code=row["lao_key"],
            name=Text(th=row["lao_name_th"], en=f"{row['name_en']} ({row['lao_type']})"),
            province=row["province_code"], district=district,
            subdistrict=row["subdistrict_code"] or None,
            within=around(district, row["province_code"]),
        )  # fmt: skip
    return found


def place(level: str, code: str | None) -> Place | None:
    """The place of a code at a level, or None when the master does not know it."""
    return _places().get((level, code)) if code else None


def place_name(level: str, code: str | None, lang: str = "th") -> str | None:
    found = place(level, code)
    if found is None:
        return None
    return found.name.en if lang == "en" else found.name.th


def _folded(text: str) -> str:
    """Case- and space-insensitive, so "Nong Jom", "nongjom" and "หนองจ๊อม " match."""
    return "".join(unicodedata.normalize("NFC", text).casefold().split())


def find_places(
    words: str, *, levels: tuple[str, ...] = ("subdistrict", "lao"), limit: int = SEARCH_LIMIT
) -> list[Place]:
    """Places whose Thai or English name contains `words`: exact names first, then names
    that start with them, then the rest, each by code."""
    wanted = _folded(words)
    if not wanted:
        return []
    ranked = []
    for (level, code), item in _places().items():
        if level not in levels:
            continue
        names = (_folded(item.name.th), _folded(item.name.en))
        if not any(wanted in name for name in names):
            continue
        rank = 0 if wanted in names else 1 if any(n.startswith(wanted) for n in names) else 2
        ranked.append((rank, level != "lao", code, item))
    ranked.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in ranked[:limit]]


_LEVEL_WORDS = ("จังหวัด", "อำเภอ", "ตำบล", "เขต", "แขวง", "จ.", "อ.", "ต.")


def places_named(
    words: str, *, levels: tuple[str, ...] = ("district", "subdistrict")
) -> list[Place]:
    """Places whose Thai or English name is exactly `words` (a leading `อำเภอ`, `ต.` ...
    set aside), by code: what a search for a place's name means."""
    wanted = words.strip()
    for word in _LEVEL_WORDS:
        if wanted.startswith(word):
            wanted = wanted[len(word) :]
            break
    folded = _folded(wanted)
    return [
        item
        for item in find_places(wanted, levels=levels, limit=SEARCH_LIMIT)
        if folded in (_folded(item.name.th), _folded(item.name.en))
    ]
