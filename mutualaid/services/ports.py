"""What the use cases need from storage, as Protocols, with the records and errors it gives.

The errors they raise are `mutualaid.services.errors` (its docstring draws their tree),
re-exported here.

Times in records are aware pendulum DateTimes; an assignment's are in its own zone. Records
hold domain objects: a Scenario, Basis, PlanRequest (their lifecycles: `mutualaid.domain.
lifecycle`, `.week`), the roster's entries, StoredTask, a WrittenWeek (an export, an import),
Settings, SolveProgress, a Reason, a Plan (a plan's result, the Planner's and Repairer's);
an audit entry's detail and an idempotent answer are plain facts (`mutualaid.domain.facts`).
The contract's JSON is for the edges and the adapters' columns
(`tests/test_ports_speak_domain.py` holds that line). Tasks as sent to `prepare_tasks` and
`prepare_task` come as a `SentTask`, unread, for the store to read against the week (its
loader's problems name their fields), or, among a week's tasks, as the StoredTask they are.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

import pendulum

from mutualaid.domain.facts import Fact, Facts
from mutualaid.domain.lifecycle import Basis, PlanRequest
from mutualaid.domain.marks import MarkedVisit
from mutualaid.domain.model import Scenario, Settings, WeekClock
from mutualaid.domain.notices import Visit
from mutualaid.domain.plan import Plan, Reason, SolveProgress
from mutualaid.domain.roster import (
    StoredResident,
    StoredSite,
    StoredTeam,
    StoredVolunteer,
)
from mutualaid.domain.tasks import SentTask, StoredTask
from mutualaid.domain.week import WrittenWeek
from mutualaid.services.absence_ports import AbsenceRepository
from mutualaid.services.checks_ports import ChecksLeases
from mutualaid.services.errors import (
    AccessError as AccessError,
)
from mutualaid.services.errors import (
    ActivePlanExists as ActivePlanExists,
)
from mutualaid.services.errors import (
    AnswerMoved as AnswerMoved,
)
from mutualaid.services.errors import (
    ConflictError as ConflictError,
)
from mutualaid.services.errors import (
    Forbidden as Forbidden,
)
from mutualaid.services.errors import (
    IdempotencyKeyReused as IdempotencyKeyReused,
)
from mutualaid.services.errors import (
    InvalidRequest as InvalidRequest,
)
from mutualaid.services.errors import (
    LeaseLost as LeaseLost,
)
from mutualaid.services.errors import (
    NotFoundError as NotFoundError,
)
from mutualaid.services.errors import (
    RepairBusy as RepairBusy,
)
from mutualaid.services.errors import (
    StoreBusy as StoreBusy,
)
from mutualaid.services.errors import (
    StoreError as StoreError,
)
from mutualaid.services.errors import (
    TokenExpired as TokenExpired,
)
from mutualaid.services.errors import (
    Unauthenticated as Unauthenticated,
)
from mutualaid.services.errors import (
    WouldWithdraw as WouldWithdraw,
)
from mutualaid.services.notice_ports import NoticeRepository

Clock = Callable[[], pendulum.DateTime]


@dataclass(frozen=True)
class PreparedTasks:
    """A week's new tasks, checked and turned into rows before the write transaction
    (`WeekRepository.prepare_tasks`), to be stored by `store_tasks` in a short one."""

    tasks: list[StoredTask]
    """The tasks as they will read once stored (the answer to the request)."""
    stamp: str
    """A fingerprint of what the check read (the roster, the week's settings, pins,
    declines and history): the store checks again only when it changed meanwhile."""
    sent: tuple[StoredTask | SentTask, ...] = ()
    """The tasks as they were given to be prepared, in order: what is checked again."""
    week: Scenario | None = None
    """Given by `prepare_task` (None from `prepare_tasks`): the week with the task in it, as
    the check built it (the task last when new), so a caller that plans on it need not
    build it again."""


@dataclass(frozen=True)
class PreparedScenario:
    """A whole scenario, checked, ready before the write transaction
    (`WeekRepository.prepare_scenario`, which checks the area's zone), to be stored by
    `store_scenario` in a short one. A scenario is checked on its own (it names its whole
    roster), so nothing it read can go stale meanwhile but the area's zone, which the store
    checks again."""

    week: WrittenWeek
    """The week as written: its roster, tasks, settings, pins, declines, history, expect."""


@dataclass(frozen=True)
class AreaRecord:
    id: str
    name: str
    timezone: str
    fairness_across_weeks: bool = False


@dataclass(frozen=True)
class WeekRecord:
    area: str
    week_start: pendulum.Date
    name: str
    timezone: str
    settings: Settings


@dataclass(frozen=True)
class PlanRecord:
    id: str
    area: str
    week_start: pendulum.Date
    kind: str
    """`solve`, or `repair` of `parent_id`."""
    parent_id: str | None
    status: str
    """queued | running | optimal | feasible | error"""
    progress: SolveProgress | None
    """A running solve's best figures so far (None before its first report)."""
    request: PlanRequest
    result: Plan | None
    """The plan once done (its JSON, as served: `contract.plan_json.dump(result, clock)`)."""
    error: Reason | str | None
    """Why it ended in `error`, as data worded where read; text for a plan that failed
    before errors were kept as data."""
    created_at: pendulum.DateTime
    started_at: pendulum.DateTime | None
    finished_at: pendulum.DateTime | None
    published_at: pendulum.DateTime | None
    attempts: int
    worker: str | None
    lease_expires_at: pendulum.DateTime | None
    cancel_requested: bool
    timezone: str
    """The week's zone: the plan's minutes are local times there."""

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def clock(self) -> WeekClock:
        """What turns the plan's minutes of the week into times."""
        return WeekClock(self.week_start, self.timezone)


@dataclass(frozen=True)
class AssignmentRecord:
    id: int
    plan_id: str
    area: str
    week_start: pendulum.Date
    task: str
    volunteer: str
    role: int
    team: str | None
    resident: str | None
    start: pendulum.DateTime
    end: pendulum.DateTime
    timezone: str
    state: str
    """pending | accepted | declined | withdrawn"""
    decline_reason: str | None
    responded_at: pendulum.DateTime | None


@dataclass(frozen=True)
class DeclineRecord:
    task: str
    volunteer: str
    reason: str | None
    at: pendulum.DateTime | None


@dataclass(frozen=True)
class TokenRecord:
    id: str
    role: str
    """admin | coordinator | volunteer"""
    areas: tuple[str, ...]
    volunteer: str | None
    name: str | None
    created_at: pendulum.DateTime
    revoked_at: pendulum.DateTime | None = None
    expires_at: pendulum.DateTime | None = None
    """When it stops working (401); None: until revoked."""


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: pendulum.DateTime
    actor: str
    action: str
    area: str | None
    target: str
    detail: Facts = field(default_factory=dict)


@dataclass(frozen=True)
class StoredResponse:
    scope: str
    key: str
    request_hash: str
    status_code: int
    response: Fact
    created_at: pendulum.DateTime


class AreaRepository(Protocol):
    def create(self, ident: str, name: str, timezone: str) -> AreaRecord: ...
    def add(self, ident: str, name: str, timezone: str) -> AreaRecord: ...
    def get(self, ident: str) -> AreaRecord: ...
    def all(self) -> Sequence[AreaRecord]: ...
    def set_fairness(self, ident: str, across_weeks: bool) -> AreaRecord: ...


E = TypeVar("E", StoredSite, StoredTeam, StoredVolunteer, StoredResident)


class RosterRepository(Protocol[E]):
    """Sites, teams, volunteers or residents of an area (`mutualaid.domain.roster`), in the
    order first stored. `known`: those of `idents` stored (one query, nothing built); `place`:
    how many entries are listed before that id (None: none); `create` stores a new entry last
    (ConflictError on a taken id, also taken at the same moment); `upsert`: True when new;
    `upsert_all`: many at once, each known one in its place, the new ones last in order."""

    def all(self, area: str) -> list[E]: ...
    def get(self, area: str, ident: str) -> E: ...
    def some(self, area: str, idents: Collection[str]) -> dict[str, E]: ...
    def known(self, area: str, idents: Collection[str]) -> set[str]: ...
    def place(self, area: str, ident: str) -> int | None: ...
    def create(self, area: str, entry: E) -> E: ...
    def upsert(self, area: str, entry: E) -> tuple[E, bool]: ...
    def upsert_all(self, area: str, entries: Sequence[E]) -> None: ...
    def delete(self, area: str, ident: str) -> None: ...


class WeekRepository(Protocol):
    def get(self, area: str, week_start: pendulum.Date) -> WeekRecord: ...
    def lock(self, area: str, week_start: pendulum.Date) -> None: ...
    def all(self, area: str) -> list[WeekRecord]: ...
    def prepare_scenario(self, area: str, week: WrittenWeek) -> PreparedScenario: ...
    def store_scenario(self, area: str, prepared: PreparedScenario) -> WeekRecord: ...
    def export_scenario(self, area: str, week_start: pendulum.Date) -> WrittenWeek:
        """The week as written, with the area's whole roster and the history written for it
        plus what the week before's published plan gave."""
        ...

    def load_scenario(self, area: str, week_start: pendulum.Date) -> Scenario: ...
    def basis(self, area: str, week_start: pendulum.Date) -> Basis: ...
    def version(self, area: str, week_start: pendulum.Date) -> str:
        """Changes with every write to what the week's scenario is built from, but for its
        declines (see `mutualaid.services.built`)."""
        ...

    def tasks(
        self, area: str, week_start: pendulum.Date, idents: Collection[str] | None = None
    ) -> list[StoredTask]: ...
    def get_task(self, area: str, week_start: pendulum.Date, ident: str) -> StoredTask: ...
    def prepare_tasks(
        self, area: str, week_start: pendulum.Date, tasks: Sequence[StoredTask | SentTask]
    ) -> PreparedTasks:
        """The week's tasks replaced by these, read and checked (ScenarioError with the
        loader's paths, `tasks[3].needs`); a StoredTask is kept as it is."""
        ...

    def store_tasks(
        self, area: str, week_start: pendulum.Date, prepared: PreparedTasks
    ) -> list[StoredTask]: ...
    def prepare_task(
        self, area: str, week_start: pendulum.Date, task: SentTask
    ) -> PreparedTasks: ...
    def store_task(
        self, area: str, week_start: pendulum.Date, prepared: PreparedTasks
    ) -> tuple[StoredTask, bool]: ...
    def delete_task(self, area: str, week_start: pendulum.Date, ident: str) -> int: ...
    def published_tasks(self, area: str, week_start: pendulum.Date) -> dict[str, int]: ...
    def add_decline(
        self, area: str, week_start: pendulum.Date, task: str, volunteer: str,
        reason: str | None = None,
    ) -> DeclineRecord: ...  # fmt: skip
    def declines(self, area: str, week_start: pendulum.Date) -> list[DeclineRecord]: ...


class PlanRepository(ChecksLeases, Protocol):
    def create(
        self, area: str, week_start: pendulum.Date, *, kind: str = "solve",
        parent_id: str | None = None, request: PlanRequest | None = None,
    ) -> PlanRecord: ...  # fmt: skip
    def get(self, ident: str) -> PlanRecord: ...
    def for_week(self, area: str, week_start: pendulum.Date) -> list[PlanRecord]: ...
    def active(self, area: str, week_start: pendulum.Date) -> PlanRecord | None: ...
    def published(self, area: str, week_start: pendulum.Date) -> PlanRecord | None: ...
    def published_id(self, area: str, week_start: pendulum.Date) -> str | None:
        """The published plan's id, without reading the plan (its result is the whole plan)."""
        ...

    def marked_visits(self, plan: str) -> list[MarkedVisit]: ...

    def claim(
        self, worker: str, lease_seconds: float, max_attempts: int = 3
    ) -> PlanRecord | None: ...
    def heartbeat(
        self,
        ident: str,
        worker: str,
        lease_seconds: float,
        progress: SolveProgress | None = None,
    ) -> PlanRecord: ...
    def finish(self, ident: str, result: Plan, worker: str | None = None) -> PlanRecord: ...
    def fail(self, ident: str, error: Reason, worker: str | None = None) -> PlanRecord: ...
    def cancel(self, ident: str) -> PlanRecord: ...
    def release(self, ident: str, worker: str) -> None: ...
    def publish(self, ident: str) -> PlanRecord: ...
    def rescore(self, ident: str, result: Plan) -> PlanRecord: ...
    def suggested(self, ident: str, result: Plan) -> None:
        """The finished plan's unserved tasks' suggestions as `result` has them (checks that
        ended after it finished); nothing else of it changes."""
        ...


class AssignmentRepository(Protocol):
    def get(self, ident: int) -> AssignmentRecord: ...
    def for_plan(
        self, plan_id: str, tasks: Collection[str] | None = None
    ) -> list[AssignmentRecord]: ...
    def for_volunteer(
        self, area: str, volunteer: str, week_start: pendulum.Date
    ) -> list[AssignmentRecord]: ...
    def for_calendar(
        self, area: str, volunteer: str, week_start: pendulum.Date
    ) -> list[list[AssignmentRecord]]: ...
    def accept(self, ident: int) -> AssignmentRecord: ...
    def decline(self, ident: int, reason: str | None = None) -> AssignmentRecord: ...
    def given(self, ident: int) -> bool: ...
    def marked(self, ident: int) -> str | None:
        """done | missed once the visit was marked after it (None: not marked)."""
        ...

    def visits(self, plan_id: str) -> list[Visit]:
        """The visits the plan gives: not declined, not withdrawn."""
        ...


class TokenRepository(Protocol):
    def create(
        self, role: str, areas: Sequence[str] = (), volunteer: str | None = None,
        name: str | None = None, expires_in: pendulum.Duration | None = None,
    ) -> tuple[TokenRecord, str]: ...  # fmt: skip
    def authenticate(self, secret: str) -> TokenRecord | None: ...
    def find(self, ident: str) -> TokenRecord | None: ...
    def all(self) -> list[TokenRecord]: ...
    def revoke(self, ident: str) -> None: ...
    def renew_feed(self, area: str, volunteer: str) -> str:
        """A new calendar-feed secret for the volunteer (the old one stops working)."""
        ...

    def feed(self, secret: str) -> tuple[str, str] | None:
        """The (area, volunteer) whose feed secret this is."""
        ...

    def feed_made(self, area: str, volunteer: str) -> pendulum.DateTime | None: ...


class AuditRepository(Protocol):
    def record(
        self, actor: str, action: str, target: str, area: str | None = None,
        detail: Facts | None = None,
    ) -> AuditEntry: ...  # fmt: skip
    def entries(self, area: str | None = None, limit: int = 100) -> list[AuditEntry]: ...


class IdempotencyRepository(Protocol):
    def lookup(self, scope: str, key: str, request_hash: str) -> StoredResponse | None: ...
    def save(
        self, scope: str, key: str, request_hash: str, status_code: int, response: Fact
    ) -> StoredResponse: ...


class UnitOfWork(Protocol):
    """`with uow: ...; uow.commit()`; leaving the block without commit rolls back."""

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
    notices: NoticeRepository
    absences: AbsenceRepository

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def reading(self) -> UnitOfWork:
        """A unit of work on the same store that only reads: it never waits for writers (on
        SQLite it takes no write lock), for work to do before a short write."""
        ...

    def again(self) -> UnitOfWork:
        """A new unit of work on the same store, for work that outlives this one (a stored
        repair's suggestion checks, on a thread of their own)."""
        ...


Progress = Callable[[SolveProgress], None]
"""progress(SolveProgress(served, bound, elapsed)); may raise to stop the solve."""


class Planner(Protocol):
    """Solves one week: a scenario in, a Plan out."""

    def plan(
        self,
        scenario: Scenario,
        progress: Progress,
        map_parts: Callable[..., Any] | None = None,
        stop: Callable[[], bool] | None = None,
        since: float | None = None,
    ) -> Plan:
        """`map_parts(solve, shared, jobs)`, when given, runs `solve(shared, job)` for each of
        the week's independent parts, perhaps in parallel elsewhere, and yields (index of the
        job, its result) as each finishes, and None (a tick) now and then while it waits; the
        planner calls `progress` at each, so a long part holds up neither the heartbeat nor a
        cancel. When `progress` raises, the planner closes the map, which stops what still
        runs. Without a map the planner solves the parts itself. Once `stop()` is true (the
        plan was cancelled) the planner should raise soon, whatever it is doing. `since` (a
        `time.time()`, by default now) is when the budget began: the plan was claimed then."""
        ...


class Repairer(Protocol):
    """Changes a finished plan without solving the week again: re-plans one declined task,
    changing as few assignments as it can, or scores the same assignments again."""

    def repair(
        self, scenario: Scenario, published: Plan, task: str, same_week: bool = False
    ) -> tuple[Plan, int]:
        """The repaired plan and how many volunteer-task pairs it changed.
        `same_week`: the week is the one the published plan was made for, save for declines,
        so the published bound may be kept where the repair serves as much above it."""
        ...

    def rescore(self, scenario: Scenario, plan: Plan) -> Plan:
        """The plan's assignments, unchanged, with what it says of them (figures, reasons of
        the unserved, every task listed, the bound) made true of the week as it is now."""
        ...


class JobRunner(Protocol):
    """Runs queued plans. The database is the queue: `submit` only says a plan is waiting,
    so a runner that missed it still finds it when it next claims."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def submit(self, plan_id: str) -> None: ...
    def trouble(self) -> Reason | None: ...  # why queued plans cannot be solved now, or None
