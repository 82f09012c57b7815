"""The SQL Unit of Work: one session and transaction, every repository on it.

    with SqlUnitOfWork(sessions) as uow:
        uow.weeks.store_tasks(area, week_start, prepared)
        uow.commit()

Leaving the block without `commit()` (or by an exception) rolls everything back. A lock that
cannot be had within `lock_wait` seconds raises StoreBusy (nothing was stored); a unique
violation (another writer stored the same key first) raises ConflictError.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from sqlmodel import Session

from mutualaid.adapters.absences import SqlAbsences
from mutualaid.adapters.access import SqlAudit, SqlIdempotency, SqlTokens
from mutualaid.adapters.assignments import SqlAssignments
from mutualaid.adapters.base import utc_now
from mutualaid.adapters.changes import writes
from mutualaid.adapters.db import (
    LOCK_WAIT,
    READ_ONLY,
    SQLITE_BUSY_TIMEOUT_MS,
    is_busy,
    is_connection_lost,
    is_disk_full,
    is_unique_violation,
)
from mutualaid.adapters.ledger import SqlLedger, SqlRequests, SqlVisits
from mutualaid.adapters.notices import SqlNotices
from mutualaid.adapters.plans import SqlPlans
from mutualaid.adapters.roster import (
    SqlAreas,
    SqlResidents,
    SqlRoster,
    SqlSites,
    SqlTeams,
    SqlVolunteers,
)
from mutualaid.adapters.weekrows import WeekRows
from mutualaid.adapters.weeks import SqlWeeks
from mutualaid.domain.roster import StoredResident, StoredSite, StoredTeam, StoredVolunteer
from mutualaid.messages import msg
from mutualaid.services.absence_ports import AbsenceRepository
from mutualaid.services.errors import StoreFull, StoreLost
from mutualaid.services.ledger_ports import LedgerRepository, RequestRepository, VisitRepository
from mutualaid.services.notice_ports import NoticeRepository
from mutualaid.services.ports import (
    AreaRepository,
    AssignmentRepository,
    AuditRepository,
    Clock,
    ConflictError,
    IdempotencyRepository,
    PlanRepository,
    RosterRepository,
    StoreBusy,
    TokenRepository,
    WeekRepository,
)


class SqlUnitOfWork:
    areas: AreaRepository
    sites: RosterRepository[StoredSite]
    teams: RosterRepository[StoredTeam]
    volunteers: RosterRepository[StoredVolunteer]
    residents: RosterRepository[StoredResident]
    weeks: WeekRepository
    plans: PlanRepository
    assignments: AssignmentRepository
    tokens: TokenRepository
    audit: AuditRepository
    idempotency: IdempotencyRepository
    requests: RequestRepository
    visits: VisitRepository
    ledger: LedgerRepository
    notices: NoticeRepository
    absences: AbsenceRepository

    def __init__(
        self,
        session_factory: Callable[[], Session],
        clock: Clock = utc_now,
        *,
        read_only: bool = False,
        lock_wait: float | None = None,
        outbox_only: bool = False,
    ) -> None:
        """`read_only`: on SQLite, a deferred transaction that never waits for writers
        (use it for requests that only read); on PostgreSQL, a READ ONLY transaction.
        `lock_wait`: the seconds to wait for a lock (SQLite's write lock, a PostgreSQL row
        lock) before StoreBusy; None waits as long as the engine says (background work).
        `outbox_only`: its commits change only notices' delivery states, which no kept read
        shows, so they leave the read caches (`changes.writes`) as they are: the notice
        sender's commits (a claim every poll, a mark per notice) made every volunteer's kept
        week be read again from the store (bench/service.py: 0.68 of the bare handler with
        the sender on, 0.83 with it off)."""
        self.session_factory = session_factory
        self.clock = clock
        self.read_only = read_only
        self.lock_wait = lock_wait
        self.outbox_only = outbox_only
        self._session: Session | None = None
        self._gate: threading.RLock | None = None
        self._committing = False

    def reading(self) -> SqlUnitOfWork:
        """A read-only unit of work on the same sessions and clock."""
        return SqlUnitOfWork(self.session_factory, self.clock, read_only=True)

    def again(self) -> SqlUnitOfWork:
        """A new unit of work on the same sessions and clock, waiting for locks as long as
        the engine says (background work)."""
        return SqlUnitOfWork(self.session_factory, self.clock)

    def _enter_gate(self) -> threading.RLock | None:
        """Queue behind this process's other SQLite writers (see SessionFactory.writers)."""
        gate: threading.RLock | None = getattr(self.session_factory, "writers", None)
        self._gate_entered = time.monotonic()
        if gate is None:
            return None
        wait = SQLITE_BUSY_TIMEOUT_MS / 1000 if self.lock_wait is None else self.lock_wait
        if not gate.acquire(timeout=wait):
            raise self._busy()
        return gate

    def _leave_gate(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.release()

    def _busy(self) -> StoreBusy:
        return StoreBusy(max(1, math.ceil(self.lock_wait or 1)))

    def _lost(self, at_commit: bool) -> StoreLost:
        return StoreLost(max(1, math.ceil(self.lock_wait or 1)), at_commit)

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `with uow:`")
        return self._session

    def __enter__(self) -> Self:
        wait = self.lock_wait
        if not self.read_only:
            self._gate = self._enter_gate()
            if self._gate is not None and wait is not None:
                wait = max(0.05, wait - (time.monotonic() - self._gate_entered))
        session = self.session_factory()
        options: dict[str, Any] = {}
        if self.read_only:
            options[READ_ONLY] = True
            if session.get_bind().dialect.name == "postgresql":
                options["postgresql_readonly"] = True
        elif wait is not None:
            options[LOCK_WAIT] = wait
        if options:
            try:  # begins now: a SQLite writer waits here for the write lock
                session.connection(execution_options=options)
            except Exception as exc:
                session.close()
                self._leave_gate()
                if is_busy(exc):
                    raise self._busy() from exc
                if is_connection_lost(exc):  # a pooled connection the server had cut
                    raise self._lost(at_commit=False) from exc
                raise
        self._session = session
        areas = SqlAreas(session, self.clock)
        roster: dict[str, SqlRoster[Any, Any]] = {
            "sites": SqlSites(session, self.clock),
            "teams": SqlTeams(session, self.clock),
            "volunteers": SqlVolunteers(session, self.clock),
            "residents": SqlResidents(session, self.clock),
        }
        rows = WeekRows(session)  # the week rows this session read, shared (see weekrows)
        weeks = SqlWeeks(session, self.clock, rows, areas, roster)
        self.areas = areas
        self.sites = roster["sites"]
        self.teams = roster["teams"]
        self.volunteers = roster["volunteers"]
        self.residents = roster["residents"]
        self.weeks = weeks
        self.plans = SqlPlans(session, self.clock, rows)
        self.assignments = SqlAssignments(session, self.clock, rows)
        self.tokens = SqlTokens(session, self.clock)
        self.audit = SqlAudit(session, self.clock)
        self.idempotency = SqlIdempotency(session, self.clock)
        self.requests = SqlRequests(session, self.clock)
        self.visits = SqlVisits(session, self.clock)
        self.ledger = SqlLedger(session, self.clock)
        self.notices = SqlNotices(session, self.clock)
        self.absences = SqlAbsences(session, self.clock)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()  # nothing left to undo after commit()
        except Exception as failed:  # a lost connection has nothing to roll back
            if not is_connection_lost(failed):
                raise
        finally:
            self.session.close()
            self._session = None
            self._leave_gate()
        if exc is not None and is_busy(exc):
            raise self._busy() from exc
        if exc is not None and is_connection_lost(exc):
            raise self._lost(at_commit=self._committing) from exc
        if exc is not None and is_disk_full(exc):
            raise StoreFull() from exc
        if exc is not None and is_unique_violation(exc):
            # another transaction stored the same key first (two creations at once): the
            # one place a unique violation becomes the user's 409, never a 500
            raise ConflictError(msg("store_conflict")) from exc

    def commit(self) -> None:
        self._committing = True  # a connection lost from here on may have stored it all
        self.session.commit()
        self._committing = False
        if not self.outbox_only:
            writes.bump()  # caches of reads made before this commit are stale now

    def rollback(self) -> None:
        self.session.rollback()
