"""`khlang catalog score`'s reports: per organisation, the numbers its pages show.

The Budget Bureau's indicator is an agency's score, so each organisation is scored on its own
datasets, never a catalog's mix of agencies; and the datasets scored are the public ones, as
the organisation and officer pages score them (a private dataset is not yet open data). Each
dataset's MQA is that of the form the catalog serves, with its download URLs (the API's
`/compliance` and the dataset page give the same points).
"""

from __future__ import annotations

from khlang.catalog import ANONYMOUS, Catalog
from khlang.catalog.served import version_mqa
from khlang.metadata.dcat import DEFAULT_BASE_URL
from khlang.metadata.report import AgencyReport, check_agency


def organization_reports(
    catalog: Catalog, organization: str | None = None, *, base: str = DEFAULT_BASE_URL
) -> list[tuple[str, AgencyReport]]:
    """(organisation, report) for each organisation with public datasets, by name."""
    summaries = catalog.datasets(viewer=ANONYMOUS, organization=organization)
    names: dict[str, list[str]] = {}
    for summary in summaries:
        names.setdefault(summary.organization, []).append(summary.name)
    reports = []
    for name in sorted(names):
        versions = list(catalog.current_versions(names[name], viewer=ANONYMOUS))
        report = check_agency(
            [(version.dataset, version.metadata) for version in versions],
            state=catalog.catalog_state(organization=name),
            mqa=[version_mqa(version, base) for version in versions],
        )
        reports.append((name, report))
    return reports


__all__ = ["organization_reports"]
