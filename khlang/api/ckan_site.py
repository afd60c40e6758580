"""CKAN's site-level read actions: status_show, help_show, license_list and
package_activity_list (a dataset's published versions and withdrawals as CKAN activities)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from khlang import __version__
from khlang.api.ckan_actions import ckan_time
from khlang.api.ckan_common import (
    Context,
    identifier,
    integer,
    listed,
    not_found,
    validation,
)
from khlang.api.state import ApiState
from khlang.metadata.eu import LICENCES
from khlang.metadata.vocabularies import LICENSE

CKAN_VERSION = "2.11.0"
ACTIVITY_LIMIT_DEFAULT = 31
ACTIVITY_LIMIT_MAX = 100
_OPEN = frozenset({"odc", "cc_by", "cc_by_sa"})
"""Licences that meet the Open Definition (non-commercial and no-derivatives ones do not)."""


def status_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """The site's title, URL, CKAN version and extensions."""
    state: ApiState = context.state
    return {
        "site_title": state.settings.site_title,
        "site_description": "Area-based budget open data (khlang)",
        "site_url": context.base,
        "ckan_version": CKAN_VERSION,
        "khlang_version": __version__,
        "error_emails_to": "",  # CKAN's when none is configured
        "locale_default": "th",
        "extensions": ["activity", "datastore", "scheming_datasets", "thai_gdc"],
    }


def license_list(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The licences a dataset may carry: the GD Catalog's list, each by the literal name its
    `license_id` holds, with the licence's URL."""
    found = []
    for term in LICENSE.terms:
        if not term.is_current:
            continue
        url = LICENCES[term.code].url if term.code in LICENCES else None
        is_open = term.code in _OPEN
        found.append(
            {
                "id": term.value,
                "title": term.value,
                "title_th": term.label.th,
                "url": url or "",
                "status": "active",
                "maintainer": "",
                "family": "",
                "od_conformance": "approved" if is_open else "not reviewed",
                "osd_conformance": "not reviewed",
                "is_okd_compliant": is_open,
                "is_osi_compliant": False,
                "is_generic": term.code in ("odc", "other", "not_specified"),
                "domain_content": True,
                "domain_data": True,
                "domain_software": False,
            }
        )
    return found


def package_activity_list(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """A dataset's activity stream, newest first: `new package` for its first version,
    `changed package` for each later one, `deleted package` / `changed package` when it was
    withdrawn / reinstated. Parameters: id, offset, limit (default 31, at most 100), after,
    before (Unix seconds or ISO times), activity_types, exclude_activity_types."""
    state: ApiState = context.state
    record = state.catalog.dataset(identifier(data, "id"), viewer=context.principal)
    kinds, excluded = listed(data, "activity_types"), listed(data, "exclude_activity_types")
    if kinds is not None and excluded is not None:
        raise validation("activity_types", "Cannot be used together with `exclude_activity_types")
    activities = [
        _activity(
            version.id,
            version.published_at,
            version.author,
            record.id,
            "new package" if version.number == 1 else "changed package",
            {
                "id": record.id,
                "name": record.name,
                "title": record.title,
                "version": str(version.number),
                "change_note": version.change_note,
            },
        )
        for version in state.catalog.history(record.name, viewer=context.principal)
    ]
    for entry in state.catalog.audit_log(object_name=record.name, limit=1000):
        if entry.action in ("dataset.withdraw", "dataset.reinstate"):
            kind = "deleted package" if entry.action == "dataset.withdraw" else "changed package"
            activities.append(
                _activity(f"audit-{entry.id}", entry.at, entry.actor, record.id, kind,
                          {"id": record.id, "name": record.name, "title": record.title})
            )  # fmt: skip
    activities.sort(key=lambda item: item["timestamp"], reverse=True)
    after, before = _moment(data, "after"), _moment(data, "before")
    chosen = [
        item
        for item in activities
        if (kinds is None or item["activity_type"] in kinds)
        and (excluded is None or item["activity_type"] not in excluded)
        and (after is None or item["timestamp"] > after)
        and (before is None or item["timestamp"] < before)
    ]
    offset = integer(data, "offset", 0)
    limit = integer(data, "limit", ACTIVITY_LIMIT_DEFAULT, cap=ACTIVITY_LIMIT_MAX)
    return chosen[offset : offset + limit]


def _activity(
    key: str, at: dt.datetime, actor: str, object_id: str, kind: str, package: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_OID, f"khlang-activity:{key}")),
        "timestamp": ckan_time(at),
        "user_id": actor,
        "object_id": object_id,
        "activity_type": kind,
        "data": {"package": package},
    }


def _moment(data: dict[str, Any], key: str) -> str | None:
    """A time parameter (Unix seconds or an ISO time) as CKAN's naive UTC text."""
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromtimestamp(float(value), dt.UTC)
    except (TypeError, ValueError):
        try:
            moment = dt.datetime.fromisoformat(str(value).removesuffix("Z"))
        except ValueError:
            raise validation(key, "Date format incorrect") from None
    return ckan_time(moment)


def help_show(
    actions: dict[str, Callable[[Context, dict[str, Any]], Any]],
) -> Callable[[Context, dict[str, Any]], Any]:
    """help_show over a table of actions: the docstring of the action `name`."""

    def show(context: Context, data: dict[str, Any]) -> str | None:
        """The help text of the action `name`."""
        name = identifier(data, "name")
        function = actions.get(name)
        if function is None:
            raise not_found("Action function not found")
        return function.__doc__

    return show
