"""Where a catalog lives: its home folder (files, settings) and its database.

The embedded default keeps everything in one folder, so a catalog can be copied, backed up
or thrown away as a unit: `<home>/catalog.sqlite` and the content-addressed files in
`<home>/files/`. Production points `KHLANG_DATABASE_URL` at PostgreSQL; the files stay in the
home folder (a shared volume when several API workers run).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict

HOME_ENV = "KHLANG_HOME"
DATABASE_URL_ENV = "KHLANG_DATABASE_URL"
DEFAULT_HOME = "khlang-home"
SQLITE_FILE = "catalog.sqlite"
FILES_FOLDER = "files"
SETTINGS_FILE = "settings.yaml"


class CatalogLocation(BaseModel):
    """The home folder and database URL of one catalog."""

    model_config = ConfigDict(frozen=True)

    home: Path
    database_url: str

    @property
    def files(self) -> Path:
        return self.home / FILES_FOLDER

    @property
    def settings_file(self) -> Path:
        return self.home / SETTINGS_FILE

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def describe(self) -> str:
        """The database URL without a password, for messages and `catalog init`."""
        from sqlalchemy.engine import make_url  # lazy: SQLAlchemy, +0.4 s for the CLI's --help

        return make_url(self.database_url).render_as_string(hide_password=True)


def resolve_location(
    home: Path | str | None = None, database_url: str | None = None
) -> CatalogLocation:
    """`--home` beats `KHLANG_HOME` beats `./khlang-home`; `KHLANG_DATABASE_URL` (or the
    argument) beats the SQLite file in the home folder."""
    folder = Path(home or os.environ.get(HOME_ENV) or DEFAULT_HOME).expanduser().resolve()
    url = database_url or os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{folder / SQLITE_FILE}"
    return CatalogLocation(home=folder, database_url=url)
