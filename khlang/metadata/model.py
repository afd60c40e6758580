"""The dataset and resource metadata of the GD Catalog profile, as pydantic models.

Attribute names are the GD Catalog's CKAN keys, so an officer who knows the GD Catalog form
recognises every field. The models check structure (types, dates, lists) and nothing more:
a value outside a vocabulary still loads, because the compliance check must be able to say
what is wrong with it and what to write instead. khlang's own additions (English title,
temporal and spatial coverage, uses of the data, file facts) sit beside the standard fields.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from khlang.i18n import Text

_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


def _number_as_text(value: Any) -> Any:
    """The GD Catalog stores years and the frequency interval as text; YAML reads `2565`
    and `1` as numbers."""
    if isinstance(value, bool):
        return value
    return str(value) if isinstance(value, int | float) else value


class _Model(BaseModel):
    # Unknown keys are refused rather than dropped: the loader reports them by name.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)


class Organization(_Model):
    """The publishing agency, as far as the dataset file knows it."""

    name: str
    title: Text | None = None
    url: str | None = None
    email: str | None = None
    catalog_type: Literal["agency", "area_based", "local_government", "data_center"] = "agency"


class Temporal(_Model):
    """The period the data covers (Christian-era dates; fiscal years are Oct-Sep)."""

    start: dt.date | None = None
    end: dt.date | None = None


class Use(_Model):
    """A real use of the dataset (a dashboard, an analysis, an application): the Budget
    Bureau's indicator gives its last 5 points when at least one dataset is put to use."""

    title: str
    url: str
    kind: Literal["dashboard", "analysis", "application", "visualisation", "other"] = "dashboard"


class Resource(_Model):
    """One file or link of a dataset, with the GD Catalog's resource fields."""

    name: str | None = None
    description: str | None = None
    url: str | None = None
    format: str | None = None
    path: str | None = None
    """The file, relative to the dataset's folder, when khlang holds it."""
    media_type: str | None = None
    byte_size: int | None = None
    hash: str | None = None
    """`sha256:<hex>` of the file's bytes."""
    table_schema: dict[str, Any] | str | None = Field(default=None, alias="schema")
    """A Frictionless Table Schema, inline or as a path relative to the dataset folder."""
    name_en: str | None = None
    description_en: str | None = None
    issued: dt.datetime | None = None
    modified: dt.datetime | None = None
    private: bool = False

    resource_accessible_condition: str | None = None
    resource_data_collect: str | None = None
    resource_data_collect_other: str | None = None
    resource_first_year_of_data: str | None = None
    resource_last_year_of_data: str | None = None
    resource_disaggregate: list[str] = []
    resource_disaggregate_other: str | None = None
    resource_unit_of_measure: str | None = None
    resource_unit_of_multiplier: str | None = None
    resource_unit_of_multiplier_other: str | None = None
    resource_geographic_data_set: str | None = None
    resource_equivalent_scale: str | None = None
    resource_equivalent_scale_other: str | None = None
    resource_positional_accuracy: str | None = None
    resource_created_date: dt.date | None = None
    resource_last_updated_date: dt.date | None = None
    resource_data_release_calendar: dt.date | None = None
    resource_official_statistics: bool | None = None
    resource_data_release_date: dt.date | None = None

    ckan: dict[str, Any] = {}
    """CKAN's own keys of a resource read from `package_show` (id, position, ...), kept so
    that writing it back loses nothing."""

    @field_validator("resource_first_year_of_data", "resource_last_year_of_data", mode="before")
    @classmethod
    def _year_as_text(cls, value: Any) -> Any:
        return _number_as_text(value)

    @field_validator("hash")
    @classmethod
    def _algorithm_stated(cls, value: str | None) -> str | None:
        """A bare 64-digit hex digest is a SHA-256 (no other common digest has that length):
        it is stated as `sha256:<hex>`, because Frictionless reads a bare hash as MD5 (and
        reports a false hash error) and DCAT needs the algorithm of a checksum."""
        text = value.strip() if value else value
        if text and _SHA256_HEX.fullmatch(text):
            return f"sha256:{text.lower()}"
        return text


SYNTHETIC_TAGS = ("ข้อมูลสังเคราะห์", "synthetic data")
"""Tags of a dataset whose figures are made up (`khlang generate`, `khlang demo`): the tag
travels with the metadata to every copy (CKAN, DCAT), and the web site, seeing it, says on
every page that the figures are synthetic."""


class Dataset(_Model):
    """One dataset: the 14 mandatory items, the optional fields of every data type, and
    khlang's additions."""

    # The 14 mandatory items, in the standard's order.
    data_type: str | None = None
    data_type_other: str | None = None
    title: str | None = None
    owner_org: str | None = None
    maintainer: str | None = None
    maintainer_email: str | None = None
    tags: list[str] = []
    notes: str | None = None
    objective: list[str] = []
    objective_other: str | None = None
    update_frequency_unit: str | None = None
    update_frequency_unit_other: str | None = None
    update_frequency_interval: str | None = None
    geo_coverage: str | None = None
    geo_coverage_other: str | None = None
    data_source: str | None = None
    data_format: list[str] = []
    data_format_other: str | None = None
    data_category: str | None = None
    license_id: str | None = None
    license_id_other: str | None = None

    # Catalog and workflow fields of every data type.
    name: str | None = None
    allow_harvest: bool | None = None
    reference_url_catalog: str | None = None
    data_classification: str | None = None
    accessible_condition: str | None = None
    url: str | None = None
    data_language: list[str] = []
    data_language_other: str | None = None
    last_updated_date: dt.date | None = None

    # Record, mixed and other types.
    data_support: str | None = None
    data_support_other: str | None = None
    data_collect: str | None = None
    data_collect_other: str | None = None
    created_date: dt.date | None = None
    high_value_dataset: bool | None = None
    reference_data: bool | None = None

    # Statistical data.
    data_release_calendar: dt.date | None = None
    first_year_of_data: str | None = None
    last_year_of_data: str | None = None
    disaggregate: list[str] = []
    disaggregate_other: str | None = None
    unit_of_measure: str | None = None
    unit_of_multiplier: str | None = None
    unit_of_multiplier_other: str | None = None
    calculation_method: str | None = None
    standard: str | None = None
    official_statistics: bool | None = None

    # Geospatial data.
    geographic_data_set: str | None = None
    equivalent_scale: str | None = None
    equivalent_scale_other: str | None = None
    west_bound_longitude: str | None = None
    east_bound_longitude: str | None = None
    north_bound_longitude: str | None = None
    south_bound_longitude: str | None = None
    positional_accuracy: str | None = None
    reference_period: str | None = None
    data_release_date: dt.date | None = None

    # khlang's additions.
    title_en: str | None = None
    notes_en: str | None = None
    private: bool = False
    publisher: Organization | None = None
    temporal: Temporal | None = None
    spatial: list[str] = []
    """DOPA area codes the data covers: 2-digit province, 4-digit district, 6-digit sub-district."""
    themes: list[str] = []
    """EU data-theme codes (e.g. GOVE, ECON) for DCAT-AP's dcat:theme."""
    issued: dt.datetime | None = None
    modified: dt.datetime | None = None
    uses: list[Use] = []
    resources: list[Resource] = []

    ckan: dict[str, Any] = {}
    """CKAN's own keys of a dataset read from `package_show` (id, metadata_created,
    organization, ...), kept so that writing it back loses nothing."""

    @field_validator(
        "update_frequency_interval", "first_year_of_data", "last_year_of_data", mode="before"
    )
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        return _number_as_text(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tag_string(cls, value: Any) -> Any:
        """Accept the GD Catalog form's comma-separated `tag_string` as well as a list."""
        if isinstance(value, str):
            return [tag.strip() for tag in value.split(",") if tag.strip()]
        return value
