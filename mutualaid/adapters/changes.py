"""Counts of what this process committed: caches of reads are keyed by them, so a write made
here is seen by the next read at once (`services.access.VerifiedTokens`, the volunteer's week
in `api.controllers.volunteers`)."""

from __future__ import annotations

import threading


class Counter:
    """A count that only grows; `counter()` reads it, `bump()` adds one (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

    def __call__(self) -> int:
        return self._count

    def bump(self, *_: object) -> None:
        with self._lock:
            self._count += 1


writes = Counter()
"""Write transactions this process committed (`SqlUnitOfWork.commit`)."""
revocations = Counter()
"""Token revocations this process made, counted when made and again when committed."""
