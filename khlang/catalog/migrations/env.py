"""Alembic environment: khlang always passes the connection to migrate on, so there is no
URL in a configuration file and no offline mode."""

from __future__ import annotations

from alembic import context

from khlang.catalog.schema import METADATA

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("khlang runs its migrations with khlang.catalog.database.migrate()")

context.configure(
    connection=connection,
    target_metadata=METADATA,
    # SQLite cannot ALTER most things; batch mode rebuilds tables when a migration needs it.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
