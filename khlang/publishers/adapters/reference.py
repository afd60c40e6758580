"""Reference inputs read before the exports: an LAO register and DOPA population.

Either can sit among the sources (a generated run writes both) or come from the reference
folder (`--reference`, the real files read in place). The register's layout is the public
LAO list's (SOURCES.md §2a: `lao_key`, `lao_type`, `lao_name_th`, `name_th`, `name_en`, the
three area codes and `covered_subdistricts`); the population's is DOPA's (§1c).
"""

from __future__ import annotations

from pathlib import Path

from khlang.i18n import Text
from khlang.publishers.adapters.base import Adapter, Tables
from khlang.publishers.adapters.common import Context
from khlang.publishers.areas import (
    LAO_REGISTER_COLUMNS,
    POPULATION_COLUMNS,
    read_lao_register,
    read_population,
)
from khlang.publishers.readers import TABLE_SUFFIXES, read_header


def _has_columns(path: Path, columns: tuple[str, ...]) -> bool:
    if path.suffix.lower() not in TABLE_SUFFIXES:
        return False
    try:
        header = set(read_header(path))
    except Exception:
        return False
    return set(columns) <= header


def read_register(path: Path, ctx: Context, mapping: object) -> Tables:
    return {"lao_register": read_lao_register(path)}


def read_population_file(path: Path, ctx: Context, mapping: object) -> Tables:
    return {"population": read_population(path)}


LAO_REGISTER = Adapter(
    name="lao-register",
    system="ทะเบียน อปท.",
    description=Text(
        th="ทะเบียนองค์กรปกครองส่วนท้องถิ่นและพื้นที่ที่รับผิดชอบ",
        en="Register of local administrative organisations and the areas they cover.",
    ),
    kind="reference",
    read=read_register,
    detect=lambda path, mapping: _has_columns(path, LAO_REGISTER_COLUMNS),
    uses_mapping=False,
)

POPULATION = Adapter(
    name="population",
    system="กรมการปกครอง (ประชากรตามทะเบียนราษฎร)",
    description=Text(
        th="จำนวนประชากรตามทะเบียนราษฎร รายพื้นที่ ของกรมการปกครอง",
        en="DOPA registered population by area.",
    ),
    kind="reference",
    read=read_population_file,
    detect=lambda path, mapping: _has_columns(path, POPULATION_COLUMNS),
    uses_mapping=False,
)
