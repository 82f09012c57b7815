"""The in-memory store the fakes share (`tests.fakes`): everything stored in one `State`, which a
unit of work copies and puts back, a fake clock, and the rows of weeks and assignments."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Any

import pendulum

from mutualaid.adapters.changes import Counter
from mutualaid.contract import export
from mutualaid.contract import roster as roster_contract
from mutualaid.domain.lifecycle import PENDING, Answer
from mutualaid.domain.model import Scenario
from mutualaid.services.ports import (
    AreaRecord,
    AuditEntry,
    DeclineRecord,
    PlanRecord,
    StoredResponse,
    TokenRecord,
)
from tests.fake_absences import AbsenceState
from tests.fake_notices import NoticeState

Json = dict[str, Any]


class FakeClock:
    def __init__(self, now: pendulum.DateTime | None = None) -> None:
        self.now = now or pendulum.datetime(2026, 11, 28, 9, tz="UTC")

    def __call__(self) -> pendulum.DateTime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now = self.now.add(seconds=seconds)


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
    checks_leases: dict[str, tuple[str, pendulum.DateTime]] = field(default_factory=dict)
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
