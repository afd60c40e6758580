"""Admission of expensive queries: a bounded pool shared fairly between clients.

At most `capacity` queries run at once, and one client (an API key, or an IP address without
one) holds at most `share` of those places. Queries waiting for a place are admitted round
robin between clients, not in arrival order: a client that sent fifty heavy queries waits
behind its own queries, while another client's query takes the next free place.

Round robin alone still lets twenty heavy clients keep every place busy, so that a cheap
query waits for a heavy one to end. The pool therefore remembers how long each client's
queries take (a moving average): `reserve` places are only for clients whose queries have
been light (under `light_seconds`), so an application asking cheap questions always finds a
place at once, whatever the heavy clients send. A client's first query waits its turn like
a heavy one: twenty new clients cannot take the reserve by arriving at once.

Everything runs on the event loop, so no lock is needed; a request that gives up (its client
went away) leaves the queue or hands its place on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from contextvars import ContextVar

from khlang.api.errors import ApiError
from khlang.i18n import Text

QUERY_CLIENT: ContextVar[str] = ContextVar("khlang_query_client", default="local")
"""Whom the queries of the running task are for (set per request from the verified caller:
`key:<id>` or `ip:<address>`); queries outside a request share one client."""


class FairPool:
    def __init__(
        self,
        capacity: int,
        share: int,
        max_waiting: int,
        *,
        reserve: int = 1,
        light_seconds: float = 0.25,
    ) -> None:
        self.capacity = capacity
        self.share = max(1, min(share, capacity))
        self.max_waiting = max_waiting
        self.reserve = max(0, min(reserve, capacity - 1))
        self.light_seconds = light_seconds
        self._cost: OrderedDict[str, float] = OrderedDict()
        """Client -> moving average of its queries' seconds (the most recent 10,000)."""
        self._running: dict[str, int] = {}
        self._waiting: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()
        self._waiting_count = 0

    @property
    def running(self) -> int:
        return sum(self._running.values())

    @contextlib.asynccontextmanager
    async def slot(self, client: str) -> AsyncIterator[None]:
        """Hold one place for `client` while the block runs (waiting for it first)."""
        await self._acquire(client)
        started = time.monotonic()
        try:
            yield
        finally:
            self._record(client, time.monotonic() - started)
            self._release(client)

    def heavy(self, client: str) -> bool:
        """Whether the client may not use the reserve: its recent queries took long, or it
        has run none yet."""
        cost = self._cost.get(client)
        return cost is None or cost > self.light_seconds

    def _record(self, client: str, seconds: float) -> None:
        before = self._cost.pop(client, None)
        self._cost[client] = seconds if before is None else 0.5 * before + 0.5 * seconds
        while len(self._cost) > 10_000:
            self._cost.popitem(last=False)

    async def _acquire(self, client: str) -> None:
        if self._free_for(client) and not self._waiting:
            self._running[client] = self._running.get(client, 0) + 1
            return
        if self._waiting_count >= self.max_waiting:
            raise ApiError(
                Text(th="เซิร์ฟเวอร์มีงานค้นหามากเกินไป", en="too many queries are running"),
                code="busy",
                status=503,
                headers={"Retry-After": "2"},
            )
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(client, deque()).append(future)
        self._waiting_count += 1
        self._admit()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release(client)  # admitted just as the caller gave up
            else:
                self._forget(client, future)
            raise

    def _free_for(self, client: str) -> bool:
        limit = self.capacity - self.reserve if self.heavy(client) else self.capacity
        return self.running < limit and self._running.get(client, 0) < self.share

    def _release(self, client: str) -> None:
        left = self._running.get(client, 0) - 1
        if left > 0:
            self._running[client] = left
        else:
            self._running.pop(client, None)
        self._admit()

    def _forget(self, client: str, future: asyncio.Future[None]) -> None:
        queue = self._waiting.get(client)
        if queue is not None and future in queue:
            queue.remove(future)
            self._waiting_count -= 1
            if not queue:
                del self._waiting[client]

    def _admit(self) -> None:
        """Give free places to waiting clients in turn: the client served moves to the end
        of the line."""
        while self.running < self.capacity:
            client = next((c for c in list(self._waiting) if self._free_for(c)), None)
            if client is None:
                return
            queue = self._waiting.pop(client)
            future = queue.popleft()
            self._waiting_count -= 1
            if queue:
                self._waiting[client] = queue  # to the end of the line
            if future.cancelled():
                continue
            self._running[client] = self._running.get(client, 0) + 1
            future.set_result(None)
