"""Registration targets: the CKAN catalogs khlang registers its datasets to.

They are configured in the catalog's settings file (`<home>/settings.yaml`, or `--settings
FILE`); tokens never are: each target names the environment variable that holds its token.

```yaml
public_url: https://data.example.go.th      # where khlang's API serves downloads
targets:
  province:                                 # the name `khlang register --target` uses
    url: https://catalog.example.go.th      # the CKAN site's root
    token_env: PROVINCE_CKAN_TOKEN
    profile: gdc                            # gdc (a GD Catalog agency catalog) or ckan
    organizations:                          # khlang organisation -> the target's (default: same)
      chiang-mai-provincial-office: cmpo
    only_mapped: false                      # true: register only the organisations above
    create_organizations: true
    resources: link                         # link to khlang's downloads, or upload the files
    withdraw: private                       # a withdrawn dataset is made private, or deleted
    timeout: 30
    max_attempts: 8
    gdc:                                    # the GD Catalog harvester's status endpoints
      harvester_url: https://harvester.gdcatalog.go.th
      site_url: catalog.example.go.th       # default: the host of `url`
```

`khlang register --url URL --profile gdc` makes an ad hoc target (token in `CKAN_TOKEN`,
everything else at its default); its name is the URL.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.metadata.ckan import Profile
from khlang.metadata.files import parse_document, to_plain

DEFAULT_TOKEN_ENV = "CKAN_TOKEN"  # noqa: S105 - the variable's name, not a token
GDC_HARVESTER_URL = "https://harvester.gdcatalog.go.th"
# Bumped whenever the mapping to CKAN changes what is sent, so that every dataset is pushed
# again once (the push fingerprint includes it).
MAPPING_VERSION = "1"


class GdcSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    harvester_url: str = GDC_HARVESTER_URL
    site_url: str | None = None
    """The agency catalog's host as the harvester knows it (default: the host of `url`)."""
    timeout: float = 15


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    url: str
    token_env: str = DEFAULT_TOKEN_ENV
    profile: Profile = "gdc"
    organizations: dict[str, str] = {}
    only_mapped: bool = False
    create_organizations: bool = True
    resources: Literal["link", "upload"] = "link"
    withdraw: Literal["private", "delete"] = "private"
    public_url: str | None = None
    """Overrides the settings file's `public_url` for this target."""
    timeout: float = Field(default=30, gt=0)
    max_attempts: int = Field(default=8, ge=1)
    """Attempts of one push over all runs before it is parked as failed (failures while
    the whole target is down do not count: see push.py)."""
    retries: int = Field(default=2, ge=0)
    """Immediate retries of a transient failure within one run."""
    backoff: float = Field(default=1.0, ge=0)
    """Seconds before the first retry; each further one waits twice as long."""
    gdc: GdcSettings = GdcSettings()

    @property
    def token(self) -> str | None:
        return os.environ.get(self.token_env) or None

    def remote_organization(self, organization: str) -> str | None:
        """The target's organisation for a khlang organisation, or None when it is not to be
        registered there."""
        if organization in self.organizations:
            return self.organizations[organization]
        return None if self.only_mapped else organization

    @property
    def site_host(self) -> str:
        return self.gdc.site_url or urlparse(self.url).netloc

    def fingerprint(self, organization: str) -> str:
        """What, besides the version, decides the package a dataset becomes on this target:
        a change of any of it makes every dataset's push due again."""
        facts = {
            "mapping": MAPPING_VERSION,
            "profile": self.profile,
            "organization": self.remote_organization(organization),
            "resources": self.resources,
            "public_url": self.public_url,
        }
        return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    public_url: str | None = None
    targets: dict[str, Target] = {}


def load_settings(path: Path) -> Settings:
    """Read the settings file; a missing file is an empty one."""
    if not path.exists():
        return Settings()
    document = to_plain(parse_document(path)) or {}
    if not isinstance(document, dict):
        raise _bad(path, "the settings file must hold a mapping")
    public_url = document.get("public_url")
    if public_url is not None and not isinstance(public_url, str):
        raise _bad(path, "`public_url` must be a URL")
    targets = document.get("targets") or {}
    if not isinstance(targets, dict):
        raise _bad(path, "`targets` must map target names to their settings")
    parsed = {}
    for name, values in targets.items():
        try:
            parsed[name] = Target.model_validate(
                {"name": name, "public_url": public_url, **(values or {})}
            )
        except ValidationError as error:
            problems = "; ".join(
                f"targets.{name}.{'.'.join(str(step) for step in item['loc'])}: {item['msg']}"
                for item in error.errors()
            )
            raise _bad(path, problems) from error
    return Settings(public_url=public_url, targets=parsed)


def target_from_settings(path: Path, name: str) -> Target:
    settings = load_settings(path)
    if name not in settings.targets:
        known = ", ".join(sorted(settings.targets)) or "none"
        raise KhlangError(
            Text(
                th=f"ไม่มีเป้าหมายชื่อ {name} ในไฟล์ตั้งค่า (ที่มี: {known})",
                en=f"no target named {name!r} in the settings file (known: {known})",
            ),
            where=str(path),
        )
    return settings.targets[name]


def ad_hoc_target(
    url: str, profile: Profile, *, public_url: str | None, settings_public_url: str | None
) -> Target:
    """`--url URL --profile P`: a target named by its URL, token in CKAN_TOKEN."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise KhlangError(
            Text(
                th="URL ของ CKAN ต้องขึ้นต้นด้วย http:// หรือ https://",
                en="the CKAN URL must start with http:// or https://",
            ),
            where="--url",
        )
    return Target(
        name=url.rstrip("/"),
        url=url.rstrip("/"),
        profile=profile,
        public_url=public_url or settings_public_url,
    )


def _bad(path: Path, problem: str) -> KhlangError:
    return KhlangError(
        Text(th=f"ไฟล์ตั้งค่าไม่ถูกต้อง: {problem}", en=f"invalid settings file: {problem}"),
        where=str(path),
    )
