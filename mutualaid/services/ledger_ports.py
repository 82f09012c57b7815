"""What the backlog, the visits' outcomes and the hours ledger need from storage: three
repositories, on a unit of work that also has the week's (`BooksUnitOfWork`). They speak the
domain's types (`mutualaid.domain.backlog`, `.ledger`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import pendulum

from mutualaid.domain.backlog import Draw, Request
from mutualaid.domain.ledger import LedgerEntry, NewEntry, VisitOutcome
from mutualaid.services.ports import UnitOfWork


class RequestRepository(Protocol):
    def all(self, area: str, statuses: Sequence[str] | None = None) -> list[Request]:
        """The area's requests, oldest first; only those of `statuses` if given."""
        ...

    def get(self, area: str, ident: str) -> Request:
        """NotFoundError when unknown."""
        ...

    def add(self, request: Request) -> None:
        """ConflictError when the id is taken (a withdrawn request keeps its id)."""
        ...

    def update(self, request: Request) -> None: ...
    def draws(self, area: str, ident: str) -> list[Draw]:
        """The weeks the request was drawn into, oldest first."""
        ...

    def add_draw(self, area: str, draw: Draw) -> bool:
        """Record the draw; False when the request was drawn into that week before."""
        ...

    def drawn(self, area: str, week_start: pendulum.Date) -> list[Draw]: ...


class VisitRepository(Protocol):
    def get(self, assignment: int) -> VisitOutcome | None: ...
    def put(self, outcome: VisitOutcome) -> None:
        """Store the visit's outcome, replacing the one before."""
        ...

    def clear(self, assignment: int) -> None: ...
    def for_week(self, area: str, week_start: pendulum.Date) -> list[VisitOutcome]: ...


class LedgerRepository(Protocol):
    def lock(self, area: str, volunteer: str) -> None:
        """Serialise writers of one volunteer's balance until the commit (NotFoundError when
        the volunteer is unknown)."""
        ...

    def append(self, area: str, entry: NewEntry) -> LedgerEntry: ...
    def entries(
        self,
        area: str,
        volunteer: str | None = None,
        assignment: int | None = None,
        month: str | None = None,
    ) -> list[LedgerEntry]:
        """Entries in the order written, narrowed by what is given."""
        ...

    def balances(self, area: str, month: str | None = None) -> dict[str, int]:
        """Minutes per volunteer (of one month, or all time), volunteers with entries only."""
        ...


class BooksUnitOfWork(UnitOfWork, Protocol):
    """The unit of work, with the backlog's and the ledger's repositories."""

    requests: RequestRepository
    visits: VisitRepository
    ledger: LedgerRepository
