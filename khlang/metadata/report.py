"""One report for a set of datasets (an agency's folder): each dataset's compliance findings
and MQA score, and the Budget Bureau's indicator over all of them. The CLI prints it; the
catalog and the API can build the same thing from their own datasets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from khlang.metadata.budget_bureau import BudgetBureauReport, CatalogState, budget_bureau_score
from khlang.metadata.compliance import ComplianceReport, check_datasets
from khlang.metadata.model import Dataset
from khlang.metadata.mqa import MqaReport, mqa_score


class DatasetResult(BaseModel):
    source: str | None
    dataset: Dataset
    compliance: ComplianceReport
    mqa: MqaReport


class InputError(BaseModel):
    """A file that could not be read as a dataset (kept so the other files still get checked)."""

    source: str
    message: str


class AgencyReport(BaseModel):
    datasets: list[DatasetResult]
    budget_bureau: BudgetBureauReport
    input_errors: list[InputError] = []

    @property
    def errors(self) -> int:
        return sum(result.compliance.errors for result in self.datasets)

    @property
    def warnings(self) -> int:
        return sum(result.compliance.warnings for result in self.datasets)

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": {
                "datasets": len(self.datasets),
                "errors": self.errors,
                "warnings": self.warnings,
                "input_errors": len(self.input_errors),
            },
            "datasets": [
                {
                    "source": result.source,
                    "compliance": result.compliance.as_dict(),
                    "mqa": result.mqa.as_dict(),
                }
                for result in self.datasets
            ],
            "budget_bureau": self.budget_bureau.as_dict(),
            "input_errors": [error.model_dump() for error in self.input_errors],
        }


def check_agency(
    items: Sequence[tuple[str | None, Dataset]],
    *,
    state: CatalogState | None = None,
    url_status: Mapping[str, int] | None = None,
    input_errors: Sequence[InputError] = (),
    today: dt.date | None = None,
    mqa: Sequence[MqaReport] | None = None,
) -> AgencyReport:
    """Check every dataset, score each on the MQA and the whole set on the Budget Bureau's
    indicator. `items` are (source, dataset) pairs; the source (e.g. a file path) is only
    reported. `mqa` are the datasets' MQA scores when the caller has them (a catalog scores
    the form it serves, with its download URLs), in the same order."""
    compliance = check_datasets(items, today=today)
    datasets = [dataset for _, dataset in items]
    if mqa is None:
        mqa = [mqa_score(dataset, url_status=url_status) for dataset in datasets]
    results = [
        DatasetResult(source=source, dataset=dataset, compliance=report, mqa=score)
        for (source, dataset), report, score in zip(items, compliance, mqa, strict=True)
    ]
    return AgencyReport(
        datasets=results,
        budget_bureau=budget_bureau_score(
            datasets, state=state, reports=compliance, sources=[source for source, _ in items]
        ),
        input_errors=list(input_errors),
    )


__all__ = ["AgencyReport", "DatasetResult", "InputError", "check_agency"]
