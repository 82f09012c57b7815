"""The errors the use cases raise, re-exported by `mutualaid.services.ports`.

MutualAidError
├── ScenarioError           (mutualaid.errors) input that breaks the format (HTTP 400)
├── InvalidRequest          a request that is malformed beyond the scenario format (HTTP 400)
├── AccessError             who may do what
│   ├── Unauthenticated     no token, or one that is unknown or revoked (HTTP 401)
│   └── Forbidden           a token acting outside its role or areas (HTTP 403)
└── StoreError              something about stored data the caller should answer for
    ├── StoreBusy           the write lock could not be had in time; nothing stored (HTTP 503)
    ├── NotFoundError       an unknown id (HTTP 404)
    └── ConflictError       the request clashes with what is stored (HTTP 409)
        ├── ActivePlanExists    a second queued/running solve for one area and week
        ├── LeaseLost           a worker's claim on a plan was taken over or ended
        └── IdempotencyKeyReused the key came with a different request (HTTP 422)
"""

from __future__ import annotations

from collections.abc import Mapping

import pendulum

from mutualaid.errors import MutualAidError, Problem
from mutualaid.messages import Said


class InvalidRequest(MutualAidError):
    """Bad input that is not a scenario: every problem with its path, as ScenarioError."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


class AccessError(MutualAidError):
    """Base of the errors of who may do what."""


class Unauthenticated(AccessError):
    pass


class TokenExpired(Unauthenticated):
    """A known token whose expiry has passed: 401 saying so."""


class Forbidden(AccessError):
    pass


class StoreError(MutualAidError):
    """Base of the errors of stored data."""


class StoreBusy(StoreError):
    """Other writers held the lock past the wait allowed (SQLite busy, a PostgreSQL lock
    timeout, a serialization failure or deadlock): nothing was stored; try again later."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(Said("store_busy", seconds=retry_after))


class StoreLost(StoreBusy):
    """The connection to the database was lost in the middle of the request (the server
    restarted or cut it): 503 with Retry-After. Lost before the commit, nothing was stored;
    lost during it (`at_commit`), the database may have stored it all or nothing: look
    before sending it again."""

    def __init__(self, retry_after: int, at_commit: bool) -> None:
        self.retry_after, self.at_commit = retry_after, at_commit
        key = "store_lost_at_commit" if at_commit else "store_lost"
        StoreError.__init__(self, Said(key, seconds=retry_after))


class StoreFull(StoreError):
    """The database's disk is full (SQLite's SQLITE_FULL, PostgreSQL's disk_full): 507,
    nothing was stored; reads still work. Whoever runs the server must free space."""

    def __init__(self) -> None:
        super().__init__(Said("store_full"))


class RepairBusy(StoreBusy):
    """A decline was recorded, but its repair could not get the store's lock in time (503
    saying so): declining again makes the repair."""

    def __init__(self, assignment: int, retry_after: int) -> None:
        self.retry_after = retry_after
        StoreError.__init__(self, Said("repair_busy", id=assignment, seconds=retry_after))


class NotFoundError(StoreError):
    def __init__(self, kind: str, ident: object) -> None:
        self.kind, self.ident = kind, ident
        super().__init__(f"no {kind} '{ident}'")


class ConflictError(StoreError):
    pass


class ActivePlanExists(ConflictError):
    def __init__(self, area: str, week_start: pendulum.Date) -> None:
        super().__init__(Said("plan_active_for", area=area, week=week_start.isoformat()))


class AnswerMoved(ConflictError):
    """An accept tapped on a page that showed the visit at another time: a new plan moved it
    since. Nothing is accepted; `start` is the visit's time now."""

    def __init__(self, ident: int, start: pendulum.DateTime) -> None:
        self.ident, self.start = ident, start
        super().__init__(Said("accept_moved", id=ident, start=start.isoformat()))


class WouldWithdraw(ConflictError):
    """Replacing a week would withdraw assignments of its published plan, and the request
    did not say `replace`."""

    def __init__(self, withdrawn: Mapping[str, int]) -> None:
        self.withdrawn = dict(withdrawn)
        tasks = sorted(withdrawn)
        shown = ", ".join(tasks[:20]) + (", …" if len(tasks) > 20 else "")
        super().__init__(
            Said("would_withdraw", count=sum(withdrawn.values()), tasks=len(tasks), ids=shown)
        )


class LeaseLost(ConflictError):
    pass


class IdempotencyKeyReused(ConflictError):
    pass
