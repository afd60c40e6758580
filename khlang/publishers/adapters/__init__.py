"""One adapter per source system. `ADAPTERS` lists them by the name `--source` takes."""

from __future__ import annotations

from khlang.publishers.adapters import (
    bbl,
    ebudget,
    egp,
    elaas,
    eplan,
    generic,
    gfmis,
    govspending,
    kaogeek,
    needs,
    reference,
    wevis,
)
from khlang.publishers.adapters.base import Adapter

ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter
    for adapter in (
        reference.LAO_REGISTER,
        reference.POPULATION,
        ebudget.ADAPTER,
        bbl.ADAPTER,
        gfmis.ADAPTER,
        egp.ADAPTER,
        elaas.ADAPTER,
        eplan.ADAPTER,
        needs.ADAPTER,
        govspending.ADAPTER,
        kaogeek.ADAPTER,
        wevis.ADAPTER,
        generic.ADAPTER,
    )
}

__all__ = ["ADAPTERS", "Adapter"]
