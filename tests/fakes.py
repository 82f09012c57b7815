"""In-memory fakes of the storage ports (`mutualaid.services.ports`), to run the use cases
without a database: `FakeUnitOfWork(FakeStore())`. A unit of work holds the store's one lock
while open (as SQLite's write lock) and puts back what it changed unless it commits.

The plan and answer rules come from the domain (`mutualaid.domain.lifecycle`), as in the SQL
repositories; the database tests of those stay the adapters' own (tests/adapters). The roster
repositories keep the adapters' rules the use cases lean on (a taken id is a ConflictError, an
unknown one a NotFoundError, a roster entry still named is kept, an idempotency key reused for
another request is refused); what the loader checks of an entry is the adapters' tests' business.
"""

from __future__ import annotations

import copy
from types import TracebackType
from typing import Self

from tests.fake_absences import FakeAbsences
from tests.fake_access import FakeAreas, FakeAudit, FakeIdempotency, FakeRoster, FakeTokens
from tests.fake_notices import FakeNotices
from tests.fake_plans import FakeAssignments, FakePlans
from tests.fake_store import FakeAssignment, FakeClock, FakeStore, FakeWeek, State
from tests.fake_weeks import FakeWeeks

__all__ = [
    "FakeAreas", "FakeAssignment", "FakeAssignments", "FakeAudit", "FakeClock", "FakeIdempotency",
    "FakePlans", "FakeRoster", "FakeStore", "FakeTokens", "FakeUnitOfWork", "FakeWeek",
    "FakeWeeks", "State",
]  # fmt: skip


class FakeUnitOfWork:
    """`with uow: ...; uow.commit()` on a FakeStore; leaving without commit puts it back."""

    def __init__(self, store: FakeStore | None = None) -> None:
        self.store = store or FakeStore()
        self.areas = FakeAreas(self.store)
        self.sites = FakeRoster(self.store, "sites")
        self.teams = FakeRoster(self.store, "teams")
        self.volunteers = FakeRoster(self.store, "volunteers")
        self.residents = FakeRoster(self.store, "residents")
        self.tokens = FakeTokens(self.store)
        self.audit = FakeAudit(self.store)
        self.idempotency = FakeIdempotency(self.store)
        self.weeks = FakeWeeks(self.store)
        self.plans = FakePlans(self.store)
        self.assignments = FakeAssignments(self.store)
        self.notices = FakeNotices(self.store)
        self.absences = FakeAbsences(self.store)
        self._saved: list[State] = []
        self.commits = 0

    def __enter__(self) -> Self:
        self.store.lock.acquire()
        self._saved.append(copy.deepcopy(self.store.state))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        try:
            self.rollback()
            self._saved.pop()
        finally:
            self.store.lock.release()

    def commit(self) -> None:
        self._saved[-1] = copy.deepcopy(self.store.state)
        self.commits += 1

    def rollback(self) -> None:
        self.store.state = copy.deepcopy(self._saved[-1])

    def reading(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)

    def again(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)
