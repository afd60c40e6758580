"""The dashboard: one integrated picture of every baht for an area, from the area-budget store
(khlang.catalog.area_budget), for executives in a hurry and citizens on a phone.

* selection.py: what the reader chose (area, year, scope, filters), from the query string;
* figures.py: the store's totals as table rows, each linked to the amounts behind it;
* panels.py: the level below the area, and the money by budget type, year, agency, system;
* province_map.py: the provinces coloured by a measure (tile_map.py draws it);
* indicators.py: the LAO benchmark and citizens' needs, read from their own tables;
* evidence.py: the rows behind a figure; export.py: a panel as CSV;
* page.py: the page's model, from all of these.

See docs/web.md.
"""

from khlang.api.web.dashboard.page import DashboardModel, dashboard

__all__ = ["DashboardModel", "dashboard"]
