"""Alembic migrations of the catalog database, applied by `khlang catalog init` and whenever
a catalog is opened."""
