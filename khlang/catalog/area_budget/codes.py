"""The labels of the area-budget tables' codes (`budget_type=subsidy` reads "งบเงินอุดหนุน" /
"Subsidies", `lao_type=TAO` is abbreviated อบต.), as the area-budget model gives them to the
web site: read from the store, which keeps the labels the published Table Schemas carry
(`categories`, labels.py), never from the publishers' vocabularies, so the generic catalog
site does not depend on the budget-specific publishing code.

`code_labels(catalog)` merges the public datasets' labels: one per role and code (where
datasets disagree, the greatest wins: a stable choice, not a vote). A code no schema labels
has no label, and the site shows the code itself. Callers cache it per catalog change stamp
(`Catalog.change_stamp`): only a publish, a withdrawal or a reinstatement changes it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from khlang.catalog.context import CatalogReader
from khlang.catalog.tables import AreaCodeLabel
from khlang.i18n import Text
from khlang.metadata.field_semantics import CodeLabel


class CodeLabels(BaseModel):
    """Every labelled code of the public datasets, by role, in their vocabulary's order."""

    model_config = ConfigDict(frozen=True)

    by_role: dict[str, tuple[CodeLabel, ...]] = {}

    def label(self, role: str, code: str) -> Text | None:
        found = self._find(role, code)
        return found.label if found else None

    def codes(self, role: str) -> list[str]:
        return [item.code for item in self.by_role.get(role, ())]

    def terms(self, role: str) -> tuple[CodeLabel, ...]:
        return self.by_role.get(role, ())

    def _find(self, role: str, code: str) -> CodeLabel | None:
        return next((item for item in self.by_role.get(role, ()) if item.code == code), None)


def code_labels(catalog: CatalogReader) -> CodeLabels:
    """The labels of the public datasets' codes (a few hundred rows, whatever the catalog's
    size: the database merges the datasets')."""
    query = (
        select(
            AreaCodeLabel.role,
            AreaCodeLabel.code,
            func.max(AreaCodeLabel.label_th),
            func.max(AreaCodeLabel.label_en),
            func.max(AreaCodeLabel.abbreviation_th),
            func.min(AreaCodeLabel.position),
        )
        .where(AreaCodeLabel.private.is_(False))
        .group_by(AreaCodeLabel.role, AreaCodeLabel.code)
        .order_by(AreaCodeLabel.role, func.min(AreaCodeLabel.position), AreaCodeLabel.code)
    )
    by_role: dict[str, list[CodeLabel]] = {}
    with catalog.read() as session:
        for role, code, th, en, short, position in session.execute(query):
            label = Text(th=th or en or "", en=en or th or "") if th or en else None
            by_role.setdefault(role, []).append(
                CodeLabel(role=role, code=code, label=label, abbreviation=short, position=position)
            )
    return CodeLabels(by_role={role: tuple(items) for role, items in by_role.items()})
