"""Who is acting, and what their roles let them do. One place decides this for the CLI and
the API, so both enforce the same rules.

Roles are per organisation and ordered: `member` (sees the organisation's private datasets),
`editor` (also publishes and withdraws its datasets), `admin` (also manages its members).
A sysadmin may do everything. Roles do not cascade to child organisations.
"""

from __future__ import annotations

import getpass

from pydantic import BaseModel, ConfigDict

ROLE_RANK = {"member": 1, "editor": 2, "admin": 3}


class Principal(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    """The user's name, or `cli:<login>` for the operator at the command line."""
    sysadmin: bool = False
    roles: dict[str, str] = {}
    """Organisation name -> role."""
    key_id: str | None = None

    @classmethod
    def operator(cls, name: str | None = None) -> Principal:
        """Whoever runs the CLI on the catalog's own machine: they can open the database
        anyway, so the CLI acts with full rights and records their login as the author."""
        return cls(name=name or f"cli:{_login()}", sysadmin=True)

    @property
    def cache_key(self) -> tuple[str, bool, tuple[tuple[str, str], ...], str | None]:
        """Everything that decides what this principal may see or do, for caches of answers
        that depend on it: the user, the sysadmin flag, the role in each organisation (a
        narrowed key's own) and the key. Two principals with the same key see the same."""
        return (self.name, self.sysadmin, tuple(sorted(self.roles.items())), self.key_id)

    def role_in(self, organization: str) -> str | None:
        return self.roles.get(organization)

    def has_role(self, organization: str, role: str) -> bool:
        if self.sysadmin:
            return True
        held = self.roles.get(organization)
        return held is not None and ROLE_RANK[held] >= ROLE_RANK[role]

    def can_see_private(self, organization: str) -> bool:
        return self.has_role(organization, "member")

    def can_publish(self, organization: str) -> bool:
        return self.has_role(organization, "editor")

    def can_manage(self, organization: str) -> bool:
        return self.has_role(organization, "admin")


ANONYMOUS = Principal(name="anonymous")
RESERVED_USER_NAMES = frozenset({"anonymous", "khlang-api", "admin", "sysadmin", "system"})
"""Names no user may take: the catalog's own principals (anonymous visitors, the API's
indexer) and names that would pass for them in logs, audit records and caches."""


def capped(role: str, cap: str | None) -> str:
    """A key created with a lower role than its user's acts with the lower one."""
    if cap is None:
        return role
    return role if ROLE_RANK[role] <= ROLE_RANK[cap] else cap


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
