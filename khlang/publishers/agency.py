"""The publishing agency: who owns the datasets and whom to contact (GD Catalog items 3-5).

Given on the command line (`--agency`, `--agency-title`, `--contact`, `--email`) or in an
`agency.yaml` beside the exports (a generated SOURCES_DIR has one); the command line wins.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.publishers.settings import load_settings

AGENCY_FILE = "agency.yaml"
DEFAULT_LICENSE = "Open Data Common"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{1,59}$")


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    """CKAN organization name: lower-case ASCII letters, digits, - and _."""
    title: Text | None = None
    email: str | None = None
    maintainer: str | None = None
    url: str | None = None
    catalog_type: Literal["agency", "area_based", "local_government", "data_center"] = "agency"
    license: str = DEFAULT_LICENSE
    synthetic: bool = False
    """The figures are made up (a demo or test agency, `khlang generate`): every dataset says
    so in its tags and description."""


def load_agency(path: Path) -> Agency:
    return load_settings(path, Agency, Text(th="ข้อมูลหน่วยงาน", en="agency profile"))


def resolve_agency(
    sources: Path,
    *,
    name: str | None = None,
    title_th: str | None = None,
    email: str | None = None,
    contact: str | None = None,
    license_name: str | None = None,
) -> Agency:
    """The agency from `agency.yaml` in the sources folder, overridden by the options."""
    folder = sources if sources.is_dir() else sources.parent
    base = load_agency(folder / AGENCY_FILE) if (folder / AGENCY_FILE).is_file() else None
    if base is None and not name:
        raise KhlangError(
            Text(
                th="ต้องระบุหน่วยงานด้วย --agency หรือไฟล์ agency.yaml ในโฟลเดอร์ต้นทาง",
                en="name the agency with --agency or an agency.yaml in the sources folder",
            ),
            where="--agency",
        )
    values = base.model_dump() if base else {"name": name}
    if name and base and name != base.name:
        # Another agency's name drops the profile, but made-up figures stay made up.
        values = {"name": name, "synthetic": base.synthetic}
    overrides = {"email": email, "maintainer": contact, "license": license_name}
    values |= {key: value for key, value in overrides.items() if value}
    if title_th:
        values["title"] = Text(th=title_th, en=(values.get("title") or {}).get("en", title_th))
    agency = Agency.model_validate(values)
    if not _SLUG.match(agency.name):
        raise KhlangError(
            Text(
                th="ชื่อหน่วยงานต้องเป็นตัวอักษรภาษาอังกฤษพิมพ์เล็ก ตัวเลข - หรือ _ (เช่น chiang-mai-pao)",
                en="the agency name must be lower-case ASCII letters, digits, - or _ "
                "(e.g. chiang-mai-pao)",
            ),
            where="--agency",
        )
    if not agency.email:
        raise KhlangError(
            Text(
                th="ต้องมีอีเมลสำหรับติดต่อ (รายการที่ 5 ของ GD Catalog): ใช้ --email หรือระบุใน agency.yaml",
                en="a contact email is required (GD Catalog item 5): use --email or set it in "
                "agency.yaml",
            ),
            where="--email",
        )
    return agency
