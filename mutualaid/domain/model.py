"""What a week of mutual aid is: volunteers, teams, residents, sites, tasks and their rules.

Values are frozen dataclasses; entities compare by id. Time inside the domain is whole minutes
of the scenario's week (0 = Monday 00:00 local), so every rule is exact integer arithmetic.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

import pendulum

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PRIORITIES: tuple[str, ...] = ("urgent", "high", "normal", "low")
MODES: tuple[str, ...] = ("walk", "bike", "ebike", "car")
LATER_GOALS: tuple[str, ...] = ("continuity", "travel", "fairness")
"""The goals after coverage and waiting, in their default order (`settings.objective_order`)."""
CATEGORIES: tuple[str, ...] = (
    "over_70",
    "living_alone",
    "empty_nest",
    "bereaved_parent",
    "disabled",
    "low_income",
)
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

Priority = Literal["urgent", "high", "normal", "low"]
Span = tuple[int, int]
"""A half-open interval [start, end) in minutes of the week."""


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class TimeBlock:
    """One availability, unavailability or window entry as the coordinator wrote it.

    Either weekly `days` or a one-off `date`; `start`/`end` are minutes of the day, both None
    for a whole day (only allowed in `unavailable`).
    """

    days: tuple[str, ...] | None = None
    date: pendulum.Date | None = None
    start: int | None = None
    end: int | None = None

    def spans(self, week_start: pendulum.Date) -> list[Span]:
        """The minutes of the week this entry covers (a date outside the week covers none)."""
        if self.days is not None:
            offsets = [DAYS.index(d) for d in self.days]
        else:
            assert self.date is not None
            offset = (self.date - week_start).in_days()
            offsets = [offset] if 0 <= offset < 7 else []
        lo = 0 if self.start is None else self.start
        hi = MINUTES_PER_DAY if self.end is None else self.end
        return [(o * MINUTES_PER_DAY + lo, o * MINUTES_PER_DAY + hi) for o in offsets]


def merge_spans(spans: list[Span]) -> list[Span]:
    """Overlapping or touching spans become one."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def subtract_spans(spans: list[Span], cuts: list[Span]) -> list[Span]:
    out = list(spans)
    for cs, ce in cuts:
        nxt: list[Span] = []
        for s, e in out:
            if ce <= s or cs >= e:
                nxt.append((s, e))
                continue
            if s < cs:
                nxt.append((s, cs))
            if ce < e:
                nxt.append((ce, e))
        out = nxt
    return [(s, e) for s, e in out if e > s]


@dataclass(frozen=True)
class Settings:
    service_circle_minutes: int = 15
    detour_factor: float = 1.3
    speeds_kmh: dict[str, float] = field(
        default_factory=lambda: {"walk": 4.5, "bike": 12.0, "ebike": 18.0, "car": 25.0}
    )
    time_limit_seconds: float = 10.0
    seed: int = 0
    objective_order: tuple[str, ...] = LATER_GOALS
    """The order of the goals after coverage and waiting (`settings.objective_order`)."""


@dataclass(frozen=True, eq=False)
class Entity:
    id: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entity) and type(other) is type(self) and other.id == self.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))


@dataclass(frozen=True, eq=False)
class Site(Entity):
    name: str
    kind: str | None
    location: Location
    address: str | None = None
    """Contact details (optional, never read by the solver): shown only to those entitled."""
    phone: str | None = None


@dataclass(frozen=True, eq=False)
class Team(Entity):
    name: str
    skills: frozenset[str]


@dataclass(frozen=True, eq=False)
class Volunteer(Entity):
    name: str
    home: Location
    teams: tuple[str, ...] = ()
    skills: frozenset[str] = frozenset()
    mode: str = "walk"
    max_travel_minutes: int = 15
    max_hours_per_week: float = 40
    vetted: bool = False
    gender: str | None = None
    languages: frozenset[str] = frozenset()
    availability: tuple[TimeBlock, ...] = ()
    unavailable: tuple[TimeBlock, ...] = ()
    blocks: tuple[Span, ...] = ()
    """Merged availability minus unavailability: the spans in which routes from home run."""
    address: str | None = None
    phone: str | None = None

    @property
    def max_service_minutes(self) -> int:
        """Whole minutes of service allowed in the week (60 * hours, rounded down)."""
        return int(60 * self.max_hours_per_week + 1e-9)


@dataclass(frozen=True, eq=False)
class Resident(Entity):
    name: str
    location: Location
    categories: tuple[str, ...] = ()
    preferred_volunteers: tuple[str, ...] = ()
    gender_preference: str | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class SkillNeed:
    """`count` distinct volunteers, each with `skill`."""

    skill: str
    count: int

    @property
    def min_people(self) -> int:
        return self.count

    @property
    def max_people(self) -> int:
        return self.count


@dataclass(frozen=True)
class TeamSkillNeed:
    """Members of one team whose skills include `team_skill`."""

    team_skill: str
    min_members: int
    max_members: int

    @property
    def min_people(self) -> int:
        return self.min_members

    @property
    def max_people(self) -> int:
        return self.max_members


@dataclass(frozen=True)
class TeamNeed:
    """Members of the named team."""

    team: str
    min_members: int
    max_members: int

    @property
    def min_people(self) -> int:
        return self.min_members

    @property
    def max_people(self) -> int:
        return self.max_members


Need = SkillNeed | TeamSkillNeed | TeamNeed


@dataclass(frozen=True, eq=False)
class Task(Entity):
    title: str
    location: Location
    needs: tuple[Need, ...]
    duration_minutes: int
    resident: str | None = None
    site: str | None = None
    windows: tuple[TimeBlock, ...] = ()
    fixed_start: int | None = None
    """Minute of the week of a fixed start (an event), else None."""
    priority: Priority = "normal"
    vetted_only: bool = False
    languages: frozenset[str] = frozenset()
    series: str | None = None
    """For a task expanded from `every`, the id it was written under."""
    start_ranges: tuple[Span, ...] = ()
    """Closed ranges [lo, hi] of allowed start minutes (windows less the duration)."""
    waited: int = 0
    """Weeks this request already waited unserved (the objective's waiting stage)."""

    @property
    def people(self) -> int:
        """The fewest people its needs take (a task is served only with all of them)."""
        return people_of(self.needs)


def people_of(needs: Iterable[Need]) -> int:
    """The fewest people `needs` take together: every role's `min_people` (one definition for
    a task as planned, `Task.people`, and as stored, `StoredTask.people`)."""
    return sum(n.min_people for n in needs)


def free_starts(blocks: tuple[Span, ...], task: Task, travel: int) -> list[Span]:
    """Closed start ranges at which someone with these blocks, living `travel` minutes from the
    task, can go from home, do it, and be home by the block's end."""
    out = []
    for bs, be in blocks:
        lo, hi = bs + travel, be - travel - task.duration_minutes
        for a, b in task.start_ranges:
            if max(lo, a) <= min(hi, b):
                out.append((max(lo, a), min(hi, b)))
    return out


@dataclass(frozen=True)
class Pin:
    task: str
    volunteers: tuple[str, ...]


@dataclass(frozen=True)
class Decline:
    task: str
    volunteer: str


@dataclass(frozen=True)
class HistoryEntry:
    resident: str
    volunteer: str


@dataclass(frozen=True)
class Expect:
    served: tuple[str, ...] = ()
    unserved: dict[str, str] = field(default_factory=dict)
    coverage: dict[str, float] = field(default_factory=dict)


class OfWeek(Protocol):
    """Whatever names a week: its first day and the zone its times are read in (a Scenario,
    a WeekClock)."""

    @property
    def week_start(self) -> pendulum.Date: ...
    @property
    def timezone(self) -> str: ...


@dataclass(frozen=True)
class WeekClock:
    """A week's first day and zone: all a plan needs to turn its minutes into times."""

    week_start: pendulum.Date
    timezone: str

    @classmethod
    def of(cls, week: OfWeek) -> WeekClock:
        return cls(week.week_start, week.timezone)

    def local_time(self, minute_of_week: int) -> pendulum.DateTime:
        return local_time(self, minute_of_week)


def local_time(week: OfWeek, minute_of_week: int) -> pendulum.DateTime:
    """The minute of the week as a local time in the week's zone."""
    day, minute = divmod(minute_of_week, MINUTES_PER_DAY)
    d = week.week_start.add(days=day)
    return pendulum.datetime(
        d.year, d.month, d.day, minute // 60, minute % 60, tz=_zone(week.timezone)
    )


PRIOR_WEEKS = 3
"""The weeks before this one whose load counts in fairness across weeks (four in all)."""


@dataclass(frozen=True)
class Scenario:
    name: str
    timezone: str
    week_start: pendulum.Date
    settings: Settings
    sites: dict[str, Site]
    teams: dict[str, Team]
    volunteers: dict[str, Volunteer]
    residents: dict[str, Resident]
    tasks: dict[str, Task]
    history: tuple[HistoryEntry, ...] = ()
    pinned: tuple[Pin, ...] = ()
    declined: tuple[Decline, ...] = ()
    expect: Expect | None = None
    prior_minutes: dict[str, int] = field(default_factory=dict)
    """Not part of the contract: each volunteer's service minutes of the weeks just before
    (`PRIOR_WEEKS` of them), given by the service when the area counts load across weeks.
    When given, fairness minimises the largest load over those weeks and this one; the
    plan's `max_load` stays this week's."""

    def declined_pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset((d.task, d.volunteer) for d in self.declined)

    def continuity_pairs(self, tasks: Iterable[str] | None = None) -> frozenset[tuple[str, str]]:
        """(task, volunteer) pairs that count for continuity: last week's or preferred. Only
        those of `tasks` when given (a neighbourhood's model of a district asks its own)."""
        by_resident: dict[str, set[str]] = {}
        for h in self.history:
            by_resident.setdefault(h.resident, set()).add(h.volunteer)
        pairs = set()
        for task in self.tasks.values() if tasks is None else (self.tasks[t] for t in tasks):
            if task.resident is None:
                continue
            resident = self.residents[task.resident]
            for vid in by_resident.get(task.resident, set()) | set(resident.preferred_volunteers):
                pairs.add((task.id, vid))
        return frozenset(pairs)

    def local_time(self, minute_of_week: int) -> pendulum.DateTime:
        return local_time(self, minute_of_week)


@functools.cache
def _zone(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    """The timezone of that name, read once: reading it took a quarter of a second for every
    thousand assignments a plan's JSON gives a time."""
    return pendulum.timezone(name)
