"""What the catalog knows for the Budget Bureau indicator's second and third parts
(`khlang.metadata.budget_bureau.CatalogState`), and the indicator computed on the catalog.

* `in_agency_catalog`: khlang is itself an agency catalog (its API is CKAN-compatible and
  carries the GD Catalog fields), so a published dataset is in one when its current version
  has at least one resource;
* `gdc_state`: the state the GD Catalog harvester last reported for the dataset
  (`khlang register --status`); unknown until then. A dataset the harvester does not know
  counts as `WAIT` (ready to register, not registered), the state ckanext-thai_gdc's page
  reports for a dataset the harvester has not taken yet.
"""

from __future__ import annotations

from sqlalchemy import func, select

from khlang.catalog.context import CatalogContext
from khlang.catalog.tables import GDC_NOT_FOUND, Organization, Registration, VersionResource
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.metadata.budget_bureau import CatalogState, DatasetState, RegistrationState


def catalog_state(catalog: CatalogContext, *, organization: str | None = None) -> CatalogState:
    resources = (
        select(VersionResource.version_id, func.count().label("count"))
        .group_by(VersionResource.version_id)
        .subquery()
    )
    query = (
        select(DatasetRow.id, DatasetRow.name, func.coalesce(resources.c.count, 0))
        .join(Organization, Organization.id == DatasetRow.organization_id)
        .outerjoin(resources, resources.c.version_id == DatasetRow.current_version_id)
        .where(DatasetRow.current_version_id.is_not(None), DatasetRow.state == "active")
    )
    if organization is not None:
        query = query.where(Organization.name == organization)
    with catalog.read() as session:
        rows = session.execute(query).all()
        states: dict[str, list[str]] = {}
        for dataset_id, state in session.execute(
            select(Registration.dataset_id, Registration.gdc_state).where(
                Registration.gdc_state.is_not(None)
            )
        ):
            if state is not None:
                states.setdefault(dataset_id, []).append(state)
    return CatalogState(
        datasets={
            name: DatasetState(
                in_agency_catalog=count > 0, gdc_state=_best(states.get(dataset_id, []))
            )
            for dataset_id, name, count in rows
        }
    )


def _best(states: list[str]) -> RegistrationState | None:
    """The most advanced state any GD Catalog target reported."""
    if not states:
        return None
    if RegistrationState.COMPLETED in states:
        return RegistrationState.COMPLETED
    state = states[0]
    if state == GDC_NOT_FOUND:
        return RegistrationState.WAIT
    try:
        return RegistrationState(state)
    except ValueError:
        return None
