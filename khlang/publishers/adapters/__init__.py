"""One adapter per source system. `ADAPTERS` lists them by the name `--source` takes."""

from __future__ import annotations

from khlang.errors import KhlangError
from khlang.i18n import Text
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


def adapter_named(name: str, option: str) -> Adapter:
    """The adapter an option names; an unknown name is an error listing the known ones."""
    if name not in ADAPTERS:
        raise KhlangError(
            Text(
                th=f"ไม่มีตัวอ่านชื่อ {name} (มี: {', '.join(ADAPTERS)})",
                en=f"no adapter named {name} (known: {', '.join(ADAPTERS)})",
            ),
            where=option,
        )
    return ADAPTERS[name]


__all__ = ["ADAPTERS", "Adapter", "adapter_named"]
