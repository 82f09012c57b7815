"""In-memory fakes of the backlog's and the ledger's ports (`mutualaid.services.ledger_ports`),
on tests/fakes.py's store: `BooksUnitOfWork(BooksStore())`. What a unit of work changed is put
back unless it commits, the books included. A week's drawn tasks are kept as written (the
loader's checks of a task are the adapters' tests' business)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import pendulum

from mutualaid.contract import export
from mutualaid.domain.backlog import Draw, Request
from mutualaid.domain.ledger import LedgerEntry, NewEntry, VisitOutcome
from mutualaid.domain.tasks import SentTask, StoredTask
from mutualaid.messages import msg
from mutualaid.services.ports import ConflictError, NotFoundError, PreparedTasks
from tests.fakes import FakeStore, FakeUnitOfWork, FakeWeeks

Json = dict[str, Any]


@dataclass
class Books:
    requests: dict[tuple[str, str], Request] = field(default_factory=dict)
    draws: dict[tuple[str, str], list[Draw]] = field(default_factory=dict)
    visits: dict[int, VisitOutcome] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    tasks: dict[tuple[str, pendulum.Date], dict[str, StoredTask]] = field(default_factory=dict)
    """The drawn tasks of each week, by id, as stored."""


class BooksStore(FakeStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.books = Books()


@dataclass
class FakeBooksWeeks(FakeWeeks):
    store: BooksStore

    def prepare_task(self, area: str, week_start: pendulum.Date, task: SentTask) -> PreparedTasks:
        assert isinstance(task.value, Mapping)
        return PreparedTasks([export.stored_task(task.value)], "", (task,))

    def store_task(
        self, area: str, week_start: pendulum.Date, prepared: PreparedTasks
    ) -> tuple[StoredTask, bool]:
        [task] = prepared.tasks
        week = self.store.books.tasks.setdefault((area, week_start), {})
        new = task.id not in week
        week[task.id] = task
        return task, new

    def prepare_tasks(
        self, area: str, week_start: pendulum.Date, tasks: Sequence[StoredTask | SentTask]
    ) -> PreparedTasks:
        read = [t if isinstance(t, StoredTask) else export.stored_task(_mapping(t)) for t in tasks]
        return PreparedTasks(read, "", tuple(tasks))

    def store_tasks(
        self, area: str, week_start: pendulum.Date, prepared: PreparedTasks
    ) -> list[StoredTask]:
        self.store.books.tasks[(area, week_start)] = {t.id: t for t in prepared.tasks}
        return prepared.tasks

    def tasks(
        self, area: str, week_start: pendulum.Date, idents: Any = None
    ) -> list[StoredTask]:  # fmt: skip
        return list(self.store.books.tasks.get((area, week_start), {}).values())

    def delete_task(self, area: str, week_start: pendulum.Date, ident: str) -> int:
        week = self.store.books.tasks.get((area, week_start), {})
        if ident in week:
            del week[ident]
            return 0
        return super().delete_task(area, week_start, ident)


@dataclass
class FakeRequests:
    store: BooksStore

    def all(self, area: str, statuses: Sequence[str] | None = None) -> list[Request]:
        return [
            r for (a, _), r in self.store.books.requests.items()
            if a == area and (statuses is None or r.status in statuses)
        ]  # fmt: skip

    def get(self, area: str, ident: str) -> Request:
        found = self.store.books.requests.get((area, ident))
        if found is None:
            raise NotFoundError("request", ident)
        return found

    def add(self, request: Request) -> None:
        if (request.area, request.id) in self.store.books.requests:
            raise ConflictError(msg("request_exists", id=request.id))
        self.store.books.requests[(request.area, request.id)] = request

    def update(self, request: Request) -> None:
        self.get(request.area, request.id)
        self.store.books.requests[(request.area, request.id)] = request

    def draws(self, area: str, ident: str) -> list[Draw]:
        return sorted(self.store.books.draws.get((area, ident), []), key=lambda d: d.week_start)

    def add_draw(self, area: str, draw: Draw) -> bool:
        mine = self.store.books.draws.setdefault((area, draw.request), [])
        if any(d.week_start == draw.week_start for d in mine):
            return False
        mine.append(draw)
        return True

    def drawn(self, area: str, week_start: pendulum.Date) -> list[Draw]:
        return sorted(
            (d for (a, _), ds in self.store.books.draws.items() if a == area for d in ds
             if d.week_start == week_start),
            key=lambda d: d.request,
        )  # fmt: skip


@dataclass
class FakeVisits:
    store: BooksStore

    def get(self, assignment: int) -> VisitOutcome | None:
        return self.store.books.visits.get(assignment)

    def put(self, outcome: VisitOutcome) -> None:
        self.store.books.visits[outcome.assignment] = outcome

    def clear(self, assignment: int) -> None:
        self.store.books.visits.pop(assignment, None)

    def for_week(self, area: str, week_start: pendulum.Date) -> list[VisitOutcome]:
        return sorted(
            (v for v in self.store.books.visits.values()
             if (v.area, v.week_start) == (area, week_start)),
            key=lambda v: v.assignment,
        )  # fmt: skip


@dataclass
class FakeLedger:
    store: BooksStore

    def lock(self, area: str, volunteer: str) -> None:
        pass  # the unit of work holds the store's one lock

    def append(self, area: str, entry: NewEntry) -> LedgerEntry:
        rows = self.store.books.ledger
        made = LedgerEntry(
            len(rows) + 1, area, entry.volunteer, entry.kind, entry.minutes, entry.month,
            self.store.clock(), entry.actor, entry.assignment, entry.task, entry.request,
            entry.reverses, entry.note,
        )  # fmt: skip
        rows.append(made)
        return made

    def entries(
        self, area: str, volunteer: str | None = None, assignment: int | None = None,
        month: str | None = None,
    ) -> list[LedgerEntry]:  # fmt: skip
        return [
            e for e in self.store.books.ledger
            if e.area == area and volunteer in (None, e.volunteer)
            and assignment in (None, e.assignment) and month in (None, e.month)
        ]  # fmt: skip

    def balances(self, area: str, month: str | None = None) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entries(area, month=month):
            out[e.volunteer] = out.get(e.volunteer, 0) + e.minutes
        return out


class BooksUnitOfWork(FakeUnitOfWork):
    """A FakeUnitOfWork with the books: put back, as the rest, unless committed."""

    store: BooksStore

    def __init__(self, store: BooksStore | None = None) -> None:
        super().__init__(store or BooksStore())
        self.weeks = FakeBooksWeeks(self.store)
        self.requests = FakeRequests(self.store)
        self.visits = FakeVisits(self.store)
        self.ledger = FakeLedger(self.store)
        self._saved_books: list[Books] = []

    def __enter__(self) -> Self:
        super().__enter__()
        self._saved_books.append(copy.deepcopy(self.store.books))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        try:
            super().__exit__(exc_type, exc, tb)  # rolls back: the books too, from the copy
        finally:
            self._saved_books.pop()

    def commit(self) -> None:
        super().commit()
        self._saved_books[-1] = copy.deepcopy(self.store.books)

    def rollback(self) -> None:
        super().rollback()
        if self._saved_books:
            self.store.books = copy.deepcopy(self._saved_books[-1])

    def reading(self) -> BooksUnitOfWork:
        return BooksUnitOfWork(self.store)


def _mapping(task: SentTask) -> Mapping[str, Any]:
    assert isinstance(task.value, Mapping)
    return task.value
