"""Every table of the catalog's database in one metadata, for the migrations and their test.

The ORM modules (`tables.py`, `feedback_tables.py`, `search/tables.py`) share `tables.Base`;
a table module is registered by being imported, which this module does for all of them, so
that `tables.py` need not import the modules that build on it.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from khlang.catalog import feedback_tables, tables  # noqa: F401 - imported to register its tables
from khlang.catalog.search import tables as search_tables  # noqa: F401 - the same

METADATA: MetaData = tables.Base.metadata
