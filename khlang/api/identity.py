"""Who is calling, verified once per request, before anything counts or costs.

The API key a request carries is checked against the catalog here, at the edge: the rate
limiter then counts a valid key against the key's own allowance and anything else (no key,
or a key that is unknown, revoked, expired or malformed) against the caller's IP address,
so sending random keys buys no allowance; the query pool shares its places out by the same
identity; and the routes read the verified principal instead of asking the catalog again.
"""

from __future__ import annotations

from collections.abc import Callable

import anyio
from pydantic import BaseModel, ConfigDict
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from khlang.api.query.pool import QUERY_CLIENT
from khlang.catalog import Principal

SCOPE_KEY = "khlang_identity"


class Identity(BaseModel):
    """The verified caller of one request."""

    model_config = ConfigDict(frozen=True)

    token: str | None
    """The key the request carried, if any."""
    principal: Principal | None
    """Whom a valid key acts for; None without a key or with an invalid one."""
    address: str

    @property
    def counted_as(self) -> str:
        """What the rate limiter and the query pool count: the key when it is valid,
        else the IP address."""
        if self.principal is not None:
            return f"key:{self.principal.key_id or self.principal.name}"
        return f"ip:{self.address}"


def token_of(headers: Headers) -> str | None:
    """The API key of a request: `Authorization: Bearer <key>`, CKAN's bare `Authorization:
    <key>`, or CKAN's older `X-CKAN-API-Key` header."""
    header = headers.get("authorization") or headers.get("x-ckan-api-key")
    if not header or not header.strip():
        return None
    scheme, _, rest = header.strip().partition(" ")
    return rest.strip() if scheme.lower() == "bearer" and rest else header.strip()


def identity_of(scope: Scope) -> Identity | None:
    return scope.get("state", {}).get(SCOPE_KEY)


class IdentityMiddleware:
    """Verifies the request's key (one indexed lookup in a worker thread) and records the
    result in the request's scope for the middleware and routes after it."""

    def __init__(self, app: ASGIApp, authenticate: Callable[[str], Principal | None]) -> None:
        self.app = app
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = token_of(Headers(scope=scope))
        principal = None
        if token is not None:
            principal = await anyio.to_thread.run_sync(self.authenticate, token)
        client = scope.get("client")
        identity = Identity(
            token=token, principal=principal, address=client[0] if client else "unknown"
        )
        scope.setdefault("state", {})[SCOPE_KEY] = identity
        reset = QUERY_CLIENT.set(identity.counted_as)
        try:
            await self.app(scope, receive, send)
        finally:
            QUERY_CLIENT.reset(reset)
