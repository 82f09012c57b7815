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
import dataclasses
import hashlib
import secrets
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Self

import pendulum

from mutualaid.adapters.changes import Counter
from mutualaid.contract import export, plan_json
from mutualaid.contract import roster as roster_contract
from mutualaid.contract.scenario import build_scenario
from mutualaid.contract.written import written
from mutualaid.domain.lifecycle import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    PENDING,
    QUEUED,
    RUNNING,
    WITHDRAWN,
    Answer,
    Basis,
    PlanRequest,
    answer_on_publish,
    answer_refusal,
    cancel_ends_at_once,
    claim_refusal,
    finished_status,
    holds,
    is_active,
    is_open,
    is_publishable,
    lease_ran_out,
)
from mutualaid.domain.model import Decline, Scenario, WeekClock
from mutualaid.domain.notices import Visit
from mutualaid.domain.plan import Plan, suggestions_from
from mutualaid.domain.tasks import SentTask, StoredTask
from mutualaid.domain.week import WrittenWeek, present_ids
from mutualaid.messages import msg
from mutualaid.services.ports import (
    ActivePlanExists,
    AreaRecord,
    AssignmentRecord,
    AuditEntry,
    ConflictError,
    DeclineRecord,
    IdempotencyKeyReused,
    LeaseLost,
    NotFoundError,
    PlanRecord,
    PreparedTasks,
    StoredResponse,
    TokenExpired,
    TokenRecord,
    WeekRecord,
)
from tests.fake_absences import AbsenceState, FakeAbsences
from tests.fake_notices import FakeNotices, NoticeState

Json = dict[str, Any]


class FakeClock:
    def __init__(self, now: pendulum.DateTime | None = None) -> None:
        self.now = now or pendulum.datetime(2026, 11, 28, 9, tz="UTC")

    def __call__(self) -> pendulum.DateTime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now = self.now.add(seconds=seconds)


# === areas, roster, tokens, audit, idempotency (the roster & access half) ====================


@dataclass
class FakeAreas:
    store: FakeStore

    def create(self, ident: str, name: str, timezone: str) -> AreaRecord:
        if ident in self.store.state.areas:
            raise ConflictError(msg("already_exists", kind="area", id=ident))
        return self.add(ident, name, timezone)

    def add(self, ident: str, name: str, timezone: str) -> AreaRecord:
        pendulum.timezone(timezone)  # raises on an unknown zone, as the adapter does
        known = self.store.state.areas.get(ident)
        if known is not None and known.timezone != timezone:
            raise ConflictError(
                msg("area_keeps_zone", area=ident, zone=known.timezone, got=timezone)
            )
        across = known.fairness_across_weeks if known is not None else False
        self.store.state.areas[ident] = AreaRecord(ident, name, timezone, across)
        return self.store.state.areas[ident]

    def get(self, ident: str) -> AreaRecord:
        if ident not in self.store.state.areas:
            raise NotFoundError("area", ident)
        return self.store.state.areas[ident]

    def all(self) -> list[AreaRecord]:
        return sorted(self.store.state.areas.values(), key=lambda a: a.id)

    def set_fairness(self, ident: str, across_weeks: bool) -> AreaRecord:
        known = self.get(ident)
        self.store.state.areas[ident] = dataclasses.replace(
            known, fairness_across_weeks=across_weeks
        )
        return self.store.state.areas[ident]


SINGULAR = {"sites": "site", "teams": "team", "volunteers": "volunteer", "residents": "resident"}


@dataclass
class FakeRoster:
    """One kind of roster entry (`sites`, ...) of every area, as the domain's (frozen)."""

    store: FakeStore
    kind: str

    def _stored(self, area: str) -> dict[str, Any]:
        return self.store.state.roster.get((self.kind, area), {})

    def _of(self, area: str) -> dict[str, Any]:
        if area not in self.store.state.areas:
            raise NotFoundError("area", area)
        return self.store.state.roster.setdefault((self.kind, area), {})

    def all(self, area: str) -> list[Any]:
        return list(self._stored(area).values())

    def get(self, area: str, ident: str) -> Any:
        found = self._stored(area).get(ident)
        if found is None:
            raise NotFoundError(SINGULAR[self.kind], ident)
        return found

    def some(self, area: str, idents: Collection[str]) -> dict[str, Any]:
        stored = self._stored(area)
        return {i: stored[i] for i in idents if i in stored}

    def known(self, area: str, idents: Collection[str]) -> set[str]:
        return set(idents) & set(self._stored(area))

    def place(self, area: str, ident: str) -> int | None:
        order = list(self._stored(area))
        return order.index(ident) if ident in order else None

    def create(self, area: str, entry: Any) -> Any:
        if entry.id in self._of(area):
            raise ConflictError(msg("already_exists", kind=SINGULAR[self.kind], id=entry.id))
        self._of(area)[entry.id] = entry
        return entry

    def upsert(self, area: str, entry: Any) -> tuple[Any, bool]:
        stored = self._of(area)
        new = entry.id not in stored
        stored[entry.id] = entry
        return entry, new

    def delete(self, area: str, ident: str) -> None:
        self.get(area, ident)
        users = self._users(area, ident)
        if users:
            kind = msg(f"kind_{SINGULAR[self.kind]}")
            raise ConflictError(msg("still_used_by", kind=kind, id=ident, users=", ".join(users)))
        del self._of(area)[ident]

    def _users(self, area: str, ident: str) -> list[str]:
        """What still names the entity, as the adapters refuse (their references and foreign
        keys): a team its members and the tasks needing it; a volunteer the residents
        preferring them, the weeks' pins, declines and history, and plans' assignments; a
        site or resident the tasks at it (a resident also the weeks' history)."""
        state = self.store.state
        weeks = [w for (a, _), w in state.weeks.items() if a == area]
        tasks = [t for w in weeks for t in w.written]
        users: list[tuple[str, str]] = []
        if self.kind == "teams":
            users += [("kind_volunteer", e.id)
                      for e in state.roster.get(("volunteers", area), {}).values()
                      if ident in e.teams]  # fmt: skip
            users += [("kind_task", t["id"]) for t in tasks
                      if any(n.get("team") == ident for n in t.get("needs") or ())]  # fmt: skip
        elif self.kind == "volunteers":
            users += [("kind_resident", e.id)
                      for e in state.roster.get(("residents", area), {}).values()
                      if ident in e.preferred_volunteers]  # fmt: skip
            named = {p.task for w in weeks for p in w.scenario.pinned if ident in p.volunteers}
            named |= {d.task for w in weeks for d in w.declines if d.volunteer == ident}
            named |= {a.task for a in state.assignments if a.volunteer == ident
                      and state.plans[a.plan_id].area == area}  # fmt: skip
            users += [("kind_task", t) for t in sorted(named)]
            users += [("kind_resident", h.resident) for w in weeks for h in w.scenario.history
                      if h.volunteer == ident]  # fmt: skip
        else:
            key = "site" if self.kind == "sites" else "resident"
            users += [("kind_task", t["id"]) for t in tasks if t.get(key) == ident]
            if self.kind == "residents":
                users += [("kind_volunteer", h.volunteer) for w in weeks
                          for h in w.scenario.history if h.resident == ident]  # fmt: skip
        return [msg("used_by_item", kind=msg(kind), id=i) for kind, i in dict.fromkeys(users)]


@dataclass
class FakeTokens:
    store: FakeStore

    def create(
        self, role: str, areas: Sequence[str] = (), volunteer: str | None = None,
        name: str | None = None, expires_in: pendulum.Duration | None = None,
    ) -> tuple[TokenRecord, str]:  # fmt: skip
        secret = "ma_" + secrets.token_urlsafe(32)
        now = self.store.clock()
        token = TokenRecord(
            secrets.token_hex(6), role, tuple(dict.fromkeys(areas)), volunteer, name, now,
            expires_at=None if expires_in is None else now + expires_in,
        )  # fmt: skip
        self.store.state.tokens[token.id] = token
        self.store.state.hashes[_hash(secret)] = token.id
        return token, secret

    def authenticate(self, secret: str) -> TokenRecord | None:
        ident = self.store.state.hashes.get(_hash(secret))
        token = None if ident is None else self.store.state.tokens[ident]
        if token is None or token.revoked_at is not None:
            return None
        if token.expires_at is not None and token.expires_at <= self.store.clock():
            raise TokenExpired(msg("token_expired", at=token.expires_at.to_iso8601_string()))
        return token

    def find(self, ident: str) -> TokenRecord | None:
        return self.store.state.tokens.get(ident)

    def all(self) -> list[TokenRecord]:
        return sorted(self.store.state.tokens.values(), key=lambda t: (t.created_at, t.id))

    def revoke(self, ident: str) -> None:
        token = self.store.state.tokens.get(ident)
        if token is None:
            raise NotFoundError("token", ident)
        if token.revoked_at is None:
            self.store.state.tokens[ident] = replace(token, revoked_at=self.store.clock())
            self.store.revocations.bump()

    def renew_feed(self, area: str, volunteer: str) -> str:
        secret = secrets.token_urlsafe(32)
        self.store.state.feeds[(area, volunteer)] = (_hash(secret), self.store.clock())
        return secret

    def feed(self, secret: str) -> tuple[str, str] | None:
        found = [k for k, (h, _) in self.store.state.feeds.items() if h == _hash(secret)]
        return found[0] if found else None

    def feed_made(self, area: str, volunteer: str) -> pendulum.DateTime | None:
        kept = self.store.state.feeds.get((area, volunteer))
        return None if kept is None else kept[1]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass
class FakeAudit:
    store: FakeStore

    def record(
        self, actor: str, action: str, target: str, area: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditEntry:  # fmt: skip
        entries = self.store.state.audit
        entry = AuditEntry(len(entries) + 1, self.store.clock(), actor, action, area, target,
                           dict(detail or {}))  # fmt: skip
        entries.append(entry)
        return entry

    def entries(self, area: str | None = None, limit: int = 100) -> list[AuditEntry]:
        found = [e for e in self.store.state.audit if area is None or e.area == area]
        return sorted(found, key=lambda e: (e.at, e.id), reverse=True)[:limit]


@dataclass
class FakeIdempotency:
    store: FakeStore

    def lookup(self, scope: str, key: str, request_hash: str) -> StoredResponse | None:
        found = self.store.state.responses.get((scope, key))
        if found is not None and found.request_hash != request_hash:
            raise IdempotencyKeyReused(
                f"Idempotency-Key '{key}' was used before for a different request"
            )
        return found

    def save(
        self, scope: str, key: str, request_hash: str, status_code: int, response: Any
    ) -> StoredResponse:
        if (scope, key) in self.store.state.responses:
            raise IdempotencyKeyReused(
                f"a request with Idempotency-Key '{key}' was stored meanwhile; send it again"
            )
        stored = StoredResponse(scope, key, request_hash, status_code, response, self.store.clock())
        self.store.state.responses[(scope, key)] = stored
        return stored


# --- weeks, plans and assignments ----------------------------------------------------------


@dataclass
class FakeWeek:
    scenario: Scenario
    """The week as built, without its declines."""
    declines: list[DeclineRecord] = field(default_factory=list)
    writes: int = 0
    written: list[Json] = field(default_factory=list)
    """Its tasks as written (canonical: a series once), what the task use cases give."""


@dataclass
class FakeAssignment:
    id: int
    ref: int
    plan_id: str
    task: str
    volunteer: str
    role: int
    team: str | None
    start: pendulum.DateTime
    end: pendulum.DateTime
    state: str = PENDING
    reason: str | None = None
    responded_at: pendulum.DateTime | None = None

    def answer(self) -> Answer:
        return Answer(self.state, self.reason, self.responded_at, self.start, self.end)


@dataclass
class State:
    """Everything stored: what a unit of work puts back unless it commits."""

    areas: dict[str, AreaRecord] = field(default_factory=dict)
    roster: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(kind, area) -> id -> the entity as stored, in the order added."""
    tokens: dict[str, TokenRecord] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    feeds: dict[tuple[str, str], tuple[str, pendulum.DateTime]] = field(default_factory=dict)
    """sha256 of a token's secret -> its id."""
    weeks: dict[tuple[str, pendulum.Date], FakeWeek] = field(default_factory=dict)
    plans: dict[str, PlanRecord] = field(default_factory=dict)
    assignments: list[FakeAssignment] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    responses: dict[tuple[str, str], StoredResponse] = field(default_factory=dict)
    counter: int = 0
    notice_state: NoticeState = field(default_factory=NoticeState)
    absence_state: AbsenceState = field(default_factory=AbsenceState)


class FakeStore:
    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.state = State()
        self.lock = threading.RLock()
        self.revocations = Counter()
        """Token revocations, as `adapters.changes.revocations` counts them."""

    def add_week(self, area: str, scenario: Scenario) -> None:
        """The area (in the scenario's zone) and its week, as an import would leave them."""
        self.state.areas.setdefault(area, AreaRecord(area, area, scenario.timezone))
        declines = [DeclineRecord(d.task, d.volunteer, None, None) for d in scenario.declined]
        bare = dataclasses.replace(scenario, declined=(), expect=None)
        data = export.from_scenario(bare)
        self.state.weeks[(area, scenario.week_start)] = FakeWeek(bare, declines, 0, data["tasks"])
        for kind, read in roster_contract.READERS.items():  # the roster, as an import stores it
            stored = self.state.roster.setdefault((kind, area), {})
            stored.update({e["id"]: read(e) for e in data[kind]})


@dataclass
class FakeWeeks:
    store: FakeStore

    def _week(self, area: str, week_start: pendulum.Date) -> FakeWeek:
        found = self.store.state.weeks.get((area, week_start))
        if found is None:
            raise NotFoundError("week", f"{area}/{week_start.isoformat()}")
        return found

    def get(self, area: str, week_start: pendulum.Date) -> WeekRecord:
        week = self._week(area, week_start)
        scenario = week.scenario
        return WeekRecord(area, week_start, scenario.name, scenario.timezone, scenario.settings)

    def all(self, area: str) -> list[WeekRecord]:
        return [self.get(a, w) for a, w in sorted(self.store.state.weeks) if a == area]

    def lock(self, area: str, week_start: pendulum.Date) -> None:
        self._week(area, week_start)  # one lock for the whole store, held by the unit of work

    def _with_roster(self, area: str, data: Json) -> Json:
        """`data` with the area's roster as stored now: the SQL store builds a week from the
        roster's rows on every load, so an edit of a volunteer reaches every week at once."""
        for kind in roster_contract.READERS:
            entries = self.store.state.roster.get((kind, area), {}).values()
            data[kind] = [roster_contract.to_json(e) for e in entries]
        return data

    def _current(self, area: str, week: FakeWeek) -> Scenario:
        """The week as built with the area's roster as stored now (without its declines)."""
        data = self._with_roster(area, export.from_scenario(week.scenario))
        data.pop("declined", None)
        return dataclasses.replace(build_scenario(data), expect=None)

    def load_scenario(self, area: str, week_start: pendulum.Date) -> Scenario:
        week = self._week(area, week_start)
        declined = tuple(Decline(d.task, d.volunteer) for d in week.declines)
        return dataclasses.replace(self._current(area, week), declined=declined)

    def export_scenario(self, area: str, week_start: pendulum.Date) -> WrittenWeek:
        """The week as written: its tasks as stored, the rest as built (declines included)."""
        week = self._week(area, week_start)
        data = export.from_scenario(self.load_scenario(area, week_start))
        data["tasks"] = copy.deepcopy(week.written)
        return written(data)

    def basis(self, area: str, week_start: pendulum.Date) -> Basis:
        week = self._week(area, week_start)
        printed = _digest(self._current(area, week))
        return Basis(printed, tuple(sorted((d.task, d.volunteer) for d in week.declines)))

    def version(self, area: str, week_start: pendulum.Date) -> str:
        week = self._week(area, week_start)  # the roster's edits change it too, as in SQL
        return f"{area}/{week_start.isoformat()}#{week.writes}#{_digest(self._current(area, week))}"

    def add_decline(
        self, area: str, week_start: pendulum.Date, task: str, volunteer: str,
        reason: str | None = None,
    ) -> DeclineRecord:  # fmt: skip
        week = self._week(area, week_start)
        for d in week.declines:
            if (d.task, d.volunteer) == (task, volunteer):
                return d  # a second decline of the pair keeps the first
        made = DeclineRecord(task, volunteer, reason, self.store.clock())
        week.declines.append(made)
        return made

    def declines(self, area: str, week_start: pendulum.Date) -> list[DeclineRecord]:
        return list(self._week(area, week_start).declines)

    def delete_task(self, area: str, week_start: pendulum.Date, ident: str) -> int:
        """Delete the task; its pins and declines go, and its published visits are withdrawn."""
        week = self._week(area, week_start)
        if ident not in {t["id"] for t in week.written}:
            raise NotFoundError("task", ident)
        return self._replace(area, week_start, [t for t in week.written if t["id"] != ident])

    # --- tasks as written: checked by the loader against the week (the adapters' tests hold
    # the paths of what it finds wrong), pins, declines and published visits of tasks gone go

    def tasks(
        self, area: str, week_start: pendulum.Date, idents: Collection[str] | None = None
    ) -> list[StoredTask]:
        written = self._week(area, week_start).written
        return [export.stored_task(t) for t in written if idents is None or t["id"] in idents]

    def get_task(self, area: str, week_start: pendulum.Date, ident: str) -> StoredTask:
        found = [t for t in self.tasks(area, week_start) if t.id == ident]
        if not found:
            raise NotFoundError("task", ident)
        return found[0]

    def prepare_tasks(
        self, area: str, week_start: pendulum.Date, tasks: Sequence[StoredTask | SentTask]
    ) -> PreparedTasks:
        self._built(area, self._week_or_new(area, week_start), [_written(t) for t in tasks])
        read = [t if isinstance(t, StoredTask) else export.stored_task(_written(t)) for t in tasks]
        return PreparedTasks(read, "", tuple(tasks))

    def store_tasks(
        self, area: str, week_start: pendulum.Date, prepared: PreparedTasks
    ) -> list[StoredTask]:
        self._week_or_new(area, week_start, keep=True)
        self._replace(area, week_start, [export.stored_task_json(t) for t in prepared.tasks])
        return list(prepared.tasks)

    def prepare_task(self, area: str, week_start: pendulum.Date, task: SentTask) -> PreparedTasks:
        week = self._week_or_new(area, week_start)
        built = self._built(area, week, _with(week.written, task.value))
        declined = tuple(Decline(d.task, d.volunteer) for d in week.declines)
        with_it = dataclasses.replace(built, declined=declined, expect=None)
        return PreparedTasks([export.stored_task(_written(task))], "", (task,), with_it)

    def store_task(
        self, area: str, week_start: pendulum.Date, prepared: PreparedTasks
    ) -> tuple[StoredTask, bool]:
        week = self._week_or_new(area, week_start, keep=True)
        [task] = prepared.tasks
        new = task.id not in {t["id"] for t in week.written}
        self._replace(area, week_start, _with(week.written, export.stored_task_json(task)))
        return task, new

    def _week_or_new(self, area: str, week_start: pendulum.Date, keep: bool = False) -> FakeWeek:
        """The week, or a new empty one of the area (stored with `keep`)."""
        found = self.store.state.weeks.get((area, week_start))
        if found is not None:
            return found
        zone = FakeAreas(self.store).get(area).timezone
        name = f"{area} — week of {week_start.isoformat()}"
        made = FakeWeek(self._built(area, None, [], (name, zone, week_start)))
        if keep:
            self.store.state.weeks[(area, week_start)] = made
        return made

    def _built(
        self, area: str, week: FakeWeek | None, tasks: list[Any],
        new: tuple[str, str, pendulum.Date] | None = None,
    ) -> Scenario:  # fmt: skip
        """The week with these tasks, as the loader builds it (ScenarioError when it cannot)."""
        if week is not None:
            data = self._with_roster(area, export.from_scenario(week.scenario))
        else:
            assert new is not None
            data = {"name": new[0], "timezone": new[1], "week_start": new[2].isoformat()}
        data["tasks"] = tasks
        data.pop("declined", None)
        ids = {t.get("id") for t in tasks if isinstance(t, Mapping)}
        present = present_ids((str(i), None) for i in ids) | {
            f"{t['id']}@{d}" for t in tasks if isinstance(t, Mapping) for d in t.get("every") or ()
            if isinstance(d, str)
        }  # fmt: skip
        data["pinned"] = [p for p in data.get("pinned") or () if p["task"] in present]
        return build_scenario(data)

    def _replace(self, area: str, week_start: pendulum.Date, tasks: list[Json]) -> int:
        """The week's tasks are these now; what is gone of the others goes. The number of
        published visits withdrawn."""
        week = self._week(area, week_start)
        built = self._built(area, week, tasks)
        present = present_ids((t["id"], t.get("every")) for t in tasks)
        pins = tuple(p for p in built.pinned if p.task in present)
        week.scenario = dataclasses.replace(built, pinned=pins, expect=None)
        week.written = copy.deepcopy(tasks)
        week.declines = [d for d in week.declines if d.task in present]
        week.writes += 1
        gone = [
            a for a in _published_rows(self.store, area, week_start)
            if a.state != WITHDRAWN and a.task not in present
        ]  # fmt: skip
        for a in gone:
            a.state, a.responded_at = WITHDRAWN, self.store.clock()
        return len(gone)

    def published_tasks(self, area: str, week_start: pendulum.Date) -> dict[str, int]:
        counts: dict[str, int] = {}
        for a in _published_rows(self.store, area, week_start):
            if a.state != WITHDRAWN:
                counts[a.task] = counts.get(a.task, 0) + 1
        return counts


def _published(store: FakeStore, area: str, week_start: pendulum.Date) -> PlanRecord | None:
    plans = store.state.plans.values()
    return next(
        (p for p in plans if (p.area, p.week_start) == (area, week_start) and p.published_at),
        None,
    )


def _published_rows(store: FakeStore, area: str, week_start: pendulum.Date) -> list[Any]:
    plan = _published(store, area, week_start)
    return [] if plan is None else [a for a in store.state.assignments if a.plan_id == plan.id]


@dataclass
class FakePlans:
    store: FakeStore

    def _put(self, plan: PlanRecord, **changes: Any) -> PlanRecord:
        plan = dataclasses.replace(plan, **changes)
        self.store.state.plans[plan.id] = plan
        return plan

    def create(
        self, area: str, week_start: pendulum.Date, *, kind: str = "solve",
        parent_id: str | None = None, request: PlanRequest | None = None,
    ) -> PlanRecord:  # fmt: skip
        FakeWeeks(self.store)._week(area, week_start)
        if self.active(area, week_start) is not None:
            raise ActivePlanExists(area, week_start)
        self.store.state.counter += 1
        plan = PlanRecord(
            id=f"plan-{self.store.state.counter}", area=area, week_start=week_start, kind=kind,
            parent_id=parent_id, status=QUEUED, progress=None, request=request or PlanRequest(),
            result=None, error=None, created_at=self.store.clock(), started_at=None,
            finished_at=None, published_at=None, attempts=0, worker=None,
            lease_expires_at=None, cancel_requested=False,
            timezone=self.store.state.areas[area].timezone,
        )  # fmt: skip
        return self._put(plan)

    def get(self, ident: str) -> PlanRecord:
        if ident not in self.store.state.plans:
            raise NotFoundError("plan", ident)
        return self.store.state.plans[ident]

    def for_week(self, area: str, week_start: pendulum.Date) -> list[PlanRecord]:
        FakeWeeks(self.store)._week(area, week_start)
        found = [p for p in self.store.state.plans.values()
                 if (p.area, p.week_start) == (area, week_start)]  # fmt: skip
        return sorted(found, key=lambda p: (p.created_at, p.id))

    def active(self, area: str, week_start: pendulum.Date) -> PlanRecord | None:
        return next((p for p in self.for_week(area, week_start) if is_active(p.status)), None)

    def published(self, area: str, week_start: pendulum.Date) -> PlanRecord | None:
        FakeWeeks(self.store)._week(area, week_start)
        return _published(self.store, area, week_start)

    def published_id(self, area: str, week_start: pendulum.Date) -> str | None:
        found = self.published(area, week_start)
        return None if found is None else found.id

    def claim(self, worker: str, lease_seconds: float, max_attempts: int = 3) -> PlanRecord | None:
        now = self.store.clock()
        while True:
            waiting = sorted(
                (p for p in self.store.state.plans.values()
                 if p.status == QUEUED or (p.status == RUNNING
                                           and lease_ran_out(p.lease_expires_at, now))),
                key=lambda p: (p.created_at, p.id),
            )  # fmt: skip
            if not waiting:
                return None
            plan = waiting[0]
            why = claim_refusal(plan.status, plan.cancel_requested, plan.attempts, max_attempts)
            if why is not None:
                self._end(plan, "error", error=why)
                continue
            return self._put(
                plan, status=RUNNING, worker=worker, attempts=plan.attempts + 1,
                started_at=plan.started_at or now,
                lease_expires_at=now.add(seconds=lease_seconds),
            )  # fmt: skip

    def heartbeat(
        self, ident: str, worker: str, lease_seconds: float,
        progress: Any = None,
    ) -> PlanRecord:  # fmt: skip
        plan = self._owned(ident, worker)
        changes: dict[str, Any] = {
            "lease_expires_at": self.store.clock().add(seconds=lease_seconds)
        }
        if progress is not None:
            changes["progress"] = progress
        return self._put(plan, **changes)

    def finish(self, ident: str, result: Plan, worker: str | None = None) -> PlanRecord:
        plan = self._owned(ident, worker) if worker is not None else self._open(ident)
        status = finished_status(result.status)
        plan = self._end(plan, status, result=_stored(result, plan), error=result.error)
        if status != "error":
            self._store_assignments(plan, result)
        return plan

    def fail(self, ident: str, error: Any, worker: str | None = None) -> PlanRecord:
        plan = self._owned(ident, worker) if worker is not None else self._open(ident)
        return self._end(plan, "error", error=error)

    def cancel(self, ident: str) -> PlanRecord:
        plan = self._open(ident)
        if cancel_ends_at_once(plan.status, plan.lease_expires_at, self.store.clock()):
            return self._end(plan, "error", error=CANCELLED)
        return self._put(plan, cancel_requested=True)

    def release(self, ident: str, worker: str) -> None:
        plan = self.get(ident)
        if holds(plan.status, plan.worker, worker):
            self._put(plan, lease_expires_at=self.store.clock().subtract(seconds=1))

    def publish(self, ident: str) -> PlanRecord:
        plan = self.get(ident)
        if not is_publishable(plan.status):
            raise ConflictError(msg("plan_not_finished", plan=ident, status=plan.status))
        if plan.published_at is not None:
            return plan
        rows = self.store.state.assignments
        before = _published(self.store, plan.area, plan.week_start)
        given: dict[tuple[str, str], FakeAssignment] = {}
        if before is not None:
            given = {(a.task, a.volunteer): a for a in rows if a.plan_id == before.id}
            self._put(before, published_at=None)
        week = FakeWeeks(self.store)._week(plan.area, plan.week_start)
        present = set(week.scenario.tasks)
        for a in (a for a in rows if a.plan_id == ident):
            old = given.get((a.task, a.volunteer))
            if old is not None and old.state != WITHDRAWN:
                a.ref = old.ref  # the id volunteers see stays while the pair does
            now = answer_on_publish(a.answer(), None if old is None else old.answer(),
                                    a.task in present)  # fmt: skip
            a.state, a.reason = now.state, now.reason
            a.responded_at = (
                None if now.responded_at is None else pendulum.instance(now.responded_at)
            )
        return self._put(plan, published_at=self.store.clock())

    def rescore(self, ident: str, result: Plan) -> PlanRecord:
        plan = self.get(ident)
        if not is_publishable(plan.status) or plan.published_at is not None:
            raise ConflictError(msg("plan_not_finished", plan=ident, status=plan.status))
        return self._put(plan, result=_stored(result, plan), status=result.status)

    def suggested(self, ident: str, result: Plan) -> None:
        plan = self.get(ident)
        if plan.result is not None:
            self._put(plan, result=suggestions_from(plan.result, result))

    def unmark_checking(self) -> list[str]:
        marked = []
        for p in list(self.store.state.plans.values()):
            if p.result is not None and any(u.checking for u in p.result.unserved):
                unserved = [replace(u, checking=False) for u in p.result.unserved]
                self._put(p, result=replace(p.result, unserved=unserved))
                marked.append(p)
        return sorted(p.id for p in marked)

    def _open(self, ident: str) -> PlanRecord:
        plan = self.get(ident)
        if not is_open(plan.status):
            raise ConflictError(msg("plan_already_finished", plan=ident, status=plan.status))
        return plan

    def _owned(self, ident: str, worker: str) -> PlanRecord:
        plan = self.get(ident)
        if not holds(plan.status, plan.worker, worker):
            raise LeaseLost(f"plan {ident} is not {worker}'s to run any more")
        return plan

    def _end(self, plan: PlanRecord, status: str, *, result: Plan | None = None,
             error: Any = None) -> PlanRecord:  # fmt: skip
        return self._put(
            plan, status=status, result=result, error=error,
            finished_at=self.store.clock(), worker=None, lease_expires_at=None,
        )  # fmt: skip

    def _store_assignments(self, plan: PlanRecord, result: Plan) -> None:
        rows = self.store.state.assignments
        for a in result.assignments:
            for v in a.volunteers:
                ident = len(rows) + 1
                rows.append(FakeAssignment(
                    ident, ident, plan.id, a.task, v.id, v.role, v.team,
                    _instant(plan.clock, a.start), _instant(plan.clock, a.end),
                ))  # fmt: skip


def _stored(result: Plan, plan: PlanRecord) -> Plan:
    """The plan as a store gives it back: a copy, through its JSON (as the adapter keeps it)."""
    return plan_json.load(plan_json.dump(result, plan.clock, said=True), plan.clock)


def _instant(week: WeekClock, minute: int) -> pendulum.DateTime:
    return week.local_time(minute).in_timezone("UTC")


@dataclass
class FakeAssignments:
    store: FakeStore

    def _row(self, ident: int) -> FakeAssignment:
        """As the published plan has it; else as the last plan that had it."""
        plans = self.store.state.plans
        found = [a for a in self.store.state.assignments if a.ref == ident]
        if not found:
            raise NotFoundError("assignment", ident)
        return sorted(found, key=lambda a: (plans[a.plan_id].published_at is None, -a.id))[0]

    def _record(self, a: FakeAssignment) -> AssignmentRecord:
        plan = self.store.state.plans[a.plan_id]
        zone = self.store.state.areas[plan.area].timezone
        return AssignmentRecord(
            a.ref, a.plan_id, plan.area, plan.week_start, a.task, a.volunteer, a.role, a.team,
            None, a.start.in_timezone(zone), a.end.in_timezone(zone), zone, a.state, a.reason,
            a.responded_at,
        )  # fmt: skip

    def get(self, ident: int) -> AssignmentRecord:
        return self._record(self._row(ident))

    def for_plan(
        self, plan_id: str, tasks: Collection[str] | None = None
    ) -> list[AssignmentRecord]:
        if plan_id not in self.store.state.plans:
            raise NotFoundError("plan", plan_id)
        rows = [a for a in self.store.state.assignments if a.plan_id == plan_id
                and (tasks is None or a.task in tasks)]  # fmt: skip
        return [self._record(a) for a in sorted(rows, key=lambda a: (a.start, a.id))]

    def for_volunteer(
        self, area: str, volunteer: str, week_start: pendulum.Date
    ) -> list[AssignmentRecord]:
        rows = [a for a in _published_rows(self.store, area, week_start)
                if a.volunteer == volunteer and a.state != WITHDRAWN]  # fmt: skip
        return [self._record(a) for a in sorted(rows, key=lambda a: (a.start, a.id))]

    def for_calendar(
        self, area: str, volunteer: str, week_start: pendulum.Date
    ) -> list[list[AssignmentRecord]]:
        chain = self._chain(area, week_start)
        return [[self._record(a) for a in self.store.state.assignments
                 if a.plan_id == p and a.volunteer == volunteer] for p in chain]  # fmt: skip

    def _chain(self, area: str, week_start: pendulum.Date) -> list[str]:
        plan = _published(self.store, area, week_start)
        chain: list[str] = []
        while plan is not None and plan.id not in chain:
            chain.append(plan.id)
            if plan.kind != "repair" or plan.parent_id is None:
                break
            plan = self.store.state.plans.get(plan.parent_id)
        return chain

    def accept(self, ident: int) -> AssignmentRecord:
        a = self._answerable(ident)
        if a.state != ACCEPTED:
            a.state, a.responded_at = ACCEPTED, self.store.clock()
        return self._record(a)

    def decline(self, ident: int, reason: str | None = None) -> AssignmentRecord:
        a = self._answerable(ident, declining=True)
        if a.state != DECLINED:
            a.state, a.reason, a.responded_at = DECLINED, reason, self.store.clock()
        return self._record(a)

    def given(self, ident: int) -> bool:
        return self.store.state.plans[self._row(ident).plan_id].published_at is not None

    def marked(self, ident: int) -> str | None:
        return None  # the books' fakes (tests/fakes_ledger.py) keep outcomes apart

    def visits(self, plan_id: str) -> list[Visit]:
        return [Visit(a.volunteer, a.task, a.start, a.end) for a in self.store.state.assignments
                if a.plan_id == plan_id and a.state not in (DECLINED, WITHDRAWN)]  # fmt: skip

    def _answerable(self, ident: int, *, declining: bool = False) -> FakeAssignment:
        a = self._row(ident)
        plan = self.store.state.plans[a.plan_id]
        published = plan.published_at is not None
        in_chain = declining and a.plan_id in self._chain(plan.area, plan.week_start)
        why = answer_refusal(a.state, declining=declining, published=published, in_chain=in_chain)
        if why is not None:
            raise ConflictError(msg(why, id=ident, task=a.task))
        return a


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


def _written(task: StoredTask | SentTask) -> Any:
    """The task as the loader reads it."""
    return export.stored_task_json(task) if isinstance(task, StoredTask) else task.value


def _with(tasks: list[Json], task: Any) -> list[Any]:
    """The tasks with `task` in place of the one of its id, or after them."""
    ident = task.get("id") if isinstance(task, Mapping) else None
    if ident is not None and any(t["id"] == ident for t in tasks):
        return [task if t["id"] == ident else t for t in tasks]
    return [*tasks, task]


def _digest(scenario: Scenario) -> str:
    return hashlib.sha256(repr(scenario).encode("utf-8")).hexdigest()[:32]
