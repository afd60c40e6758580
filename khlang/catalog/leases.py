"""Leases: how a process marks work as its own (a version being published, an outbox item
being pushed) so that others keep off it, and how others tell when it was abandoned.

A lease names its owner as `host:pid` and runs until a time. It is abandoned when the time
has passed, or at once when the owner was a process on this host that no longer exists (so
a publish or push killed a minute ago can be resumed now, not only when its lease ends). A
process on another host is trusted until its lease ends.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from khlang.catalog.tables import utcnow


def owner() -> str:
    """This process, as a lease owner."""
    return f"{socket.gethostname()}:{os.getpid()}"


def held(lease_until: dt.datetime | None, lease_owner: str | None) -> bool:
    """True while the lease still protects the work from others."""
    if lease_until is None or lease_until <= utcnow():
        return False
    host, _, pid = (lease_owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdecimal():
        return True
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True
