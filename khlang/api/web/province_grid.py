"""Where each province sits on the dashboard's tile map: a grid of 9 columns and 15 rows,
one square per province, derived from coordinates, so the map needs no boundary files.

The layout is derived from the sub-district coordinates of `kongvut/thai-province-data`
(MIT licence, Copyright 2025 Kongvut Sangkla; `../shared/data/real/geo/kongvut_sub_districts.csv`):
each province's centre is the mean of its sub-districts' latitude and longitude, the centres
are scaled onto the grid, and each province takes the free square nearest its centre, then
pairs of provinces swap squares while that brings both nearer. Bangkok's sub-districts carry
no coordinates in the source, so Bangkok is placed at the mean of the three provinces around
it (Samut Prakan, Nonthaburi, Pathum Thani). The result is committed as
`data/province_grid.json`; `python -m khlang.api.web.province_grid SUB_DISTRICTS.csv` derives it
again (tests/web/test_map.py checks that it still matches).
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
import sys
from collections import defaultdict
from pathlib import Path

GRID_FILE = Path(__file__).parent / "data" / "province_grid.json"
COLUMNS = 9
ROWS = 15
SOURCE = "kongvut/thai-province-data (MIT), derived by khlang"
BANGKOK = "10"
AROUND_BANGKOK = ("11", "12", "13")

Square = tuple[int, int]
"""(column, row), from the top left."""


def centres(sub_districts: Path) -> dict[str, tuple[float, float]]:
    """Province code -> (latitude, longitude): the mean of its sub-districts' coordinates."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with sub_districts.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("lat") and row.get("long"):
                points[row["id"][:2]].append((float(row["lat"]), float(row["long"])))
    found = {
        code: (sum(lat for lat, _ in items) / len(items), sum(lon for _, lon in items) / len(items))
        for code, items in points.items()
    }
    if BANGKOK not in found and all(code in found for code in AROUND_BANGKOK):
        found[BANGKOK] = tuple(  # type: ignore[assignment]
            sum(found[code][axis] for code in AROUND_BANGKOK) / len(AROUND_BANGKOK)
            for axis in (0, 1)
        )
    return found


def derive(sub_districts: Path) -> dict[str, Square]:
    """Province code -> its square: nearest free square first, then improving swaps."""
    places = centres(sub_districts)
    lats = [lat for lat, _ in places.values()]
    lons = [lon for _, lon in places.values()]
    ideal = {
        code: (
            (lon - min(lons)) / (max(lons) - min(lons)) * (COLUMNS - 1),
            (max(lats) - lat) / (max(lats) - min(lats)) * (ROWS - 1),
        )
        for code, (lat, lon) in places.items()
    }

    def cost(code: str, square: Square) -> float:
        x, y = ideal[code]
        return (x - square[0]) ** 2 + (y - square[1]) ** 2

    squares = [(x, y) for y in range(ROWS) for x in range(COLUMNS)]
    placed: dict[str, Square] = {}
    for code in sorted(places, key=lambda c: (ideal[c][1], c)):
        taken = set(placed.values())
        placed[code] = min((s for s in squares if s not in taken), key=lambda s: cost(code, s))
    improved = True
    while improved:
        improved = False
        for a, b in itertools.combinations(sorted(placed), 2):
            if (
                cost(a, placed[b]) + cost(b, placed[a])
                < cost(a, placed[a]) + cost(b, placed[b]) - 1e-9
            ):
                placed[a], placed[b] = placed[b], placed[a]
                improved = True
        for code in sorted(placed):
            taken = set(placed.values())
            best = min((s for s in squares if s not in taken), key=lambda s: cost(code, s))
            if cost(code, best) < cost(code, placed[code]) - 1e-9:
                placed[code] = best
                improved = True
    return dict(sorted(placed.items()))


@functools.cache
def province_squares() -> dict[str, Square]:
    """The committed layout: province code -> (column, row)."""
    document = json.loads(GRID_FILE.read_text(encoding="utf-8"))
    return {code: (square[0], square[1]) for code, square in document["squares"].items()}


def write(squares: dict[str, Square], path: Path = GRID_FILE) -> None:
    rows = ",\n".join(f'  "{code}": [{x}, {y}]' for code, (x, y) in squares.items())
    head = json.dumps({"source": SOURCE, "columns": COLUMNS, "rows": ROWS})[:-1]
    path.write_text(f'{head}, "squares": {{\n{rows}\n}}}}\n', encoding="utf-8")


if __name__ == "__main__":
    write(derive(Path(sys.argv[1])))
