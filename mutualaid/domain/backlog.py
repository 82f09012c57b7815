"""Requests as a backlog: a request is recorded on any day and waits, open, until a week's plan
serves it, it is withdrawn, or its deadline (限时办结) passes. Each week's tasks are drawn from
the open requests; a standing request (a weekly companionship visit) gives a task every week.

The rules here are pure: which requests a week draws, with what `waited` and which days, and
what becomes of a request once the weeks it was drawn into are planned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pendulum

from mutualaid.domain.model import DAYS, Priority, SkillNeed

OPEN, SERVED, WITHDRAWN, OVERDUE = "open", "served", "withdrawn", "overdue"
REQUEST_STATUSES: tuple[str, ...] = (OPEN, SERVED, WITHDRAWN, OVERDUE)
TASK_PREFIX = "req-"
"""A drawn task's id is the request's id after this, so hand-written tasks keep their ids."""


@dataclass(frozen=True)
class Window:
    """When in a week the request may be served: these weekdays, from `start` to `end`
    (minutes of the day)."""

    days: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True, eq=False)
class Request:
    """Something a resident (or a site) needs, recorded once, drawn into weeks until served.
    Equal by area and id."""

    id: str
    area: str
    title: str
    needs: tuple[SkillNeed, ...]
    duration_minutes: int
    windows: tuple[Window, ...]
    resident: str | None = None
    site: str | None = None
    priority: Priority = "normal"
    deadline: pendulum.Date | None = None
    """The last day it may be served (限时办结); past it, the request is overdue."""
    standing: bool = False
    """A standing weekly request: drawn every week, never closed by being served."""
    household_of: str | None = None
    """The volunteer whose household the request helps: their hours may be redeemed on it."""
    note: str | None = None
    status: str = OPEN
    recorded_on: pendulum.Date | None = None
    """The day it was recorded."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Request) and (self.area, self.id) == (other.area, other.id)

    def __hash__(self) -> int:
        return hash((self.area, self.id))

    @property
    def task_id(self) -> str:
        return TASK_PREFIX + self.id

    @property
    def people(self) -> int:
        return sum(n.count for n in self.needs)

    def overdue_on(self, day: pendulum.Date) -> bool:
        """Flagged overdue: so stored, or still open with its deadline before `day`."""
        if self.status == OVERDUE:
            return True
        return self.status == OPEN and self.deadline is not None and self.deadline < day


@dataclass(frozen=True)
class Draw:
    """A request drawn into a week, as the task `task`."""

    request: str
    week_start: pendulum.Date
    task: str


@dataclass(frozen=True)
class Decision:
    """What drawing a week does to one request."""

    request: Request
    """The request after the draw (its status settled by the weeks before)."""
    waited: int
    """Earlier weeks, back from the latest, it was drawn into and not served."""
    days: tuple[str, ...] | None
    """The weekdays the week's task may use (the deadline may cut the week short); None:
    no task this week."""

    @property
    def drawn(self) -> bool:
        return self.days is not None


def decide(
    request: Request,
    draws: Sequence[Draw],
    week_start: pendulum.Date,
    served: Callable[[Draw], bool],
    today: pendulum.Date | None = None,
) -> Decision:
    """Drawing `week_start`: settle the request by its earlier draws (`served(draw)`: the
    published plan of that week gives the task), then say whether and on which days the week
    gets its task.

    A request served in an earlier week is closed (a standing one stays open); one whose
    deadline is before the week, or falls before every day its windows allow in the week,
    is not drawn, and is flagged overdue when its deadline also falls before next week
    (as of `today`; None: the week drawn is this week): a week drawn further ahead (a look
    at January, a typo of 2099) must not close a request that next week may still serve.
    Withdrawn, served and overdue requests are not drawn."""
    earlier = sorted((d for d in draws if d.week_start < week_start), key=lambda d: d.week_start)
    waited = 0
    for d in reversed(earlier):
        if served(d):
            break
        waited += 1
    if request.status != OPEN:
        return Decision(request, waited, None)
    if not request.standing and any(served(d) for d in earlier):
        return Decision(replace(request, status=SERVED), waited, None)
    days = days_before_deadline(request, week_start)
    if not days:
        soonest = week_start if today is None else min(week_start, today.start_of("week"))
        if request.deadline is not None and request.deadline < soonest.add(days=7):
            return Decision(replace(request, status=OVERDUE), waited, None)
        return Decision(request, waited, None)
    return Decision(request, waited, days)


def days_before_deadline(request: Request, week_start: pendulum.Date) -> tuple[str, ...]:
    """The weekdays the request's windows name that fall on or before its deadline in the
    week of `week_start` (all of them without a deadline)."""
    named = {d for w in request.windows for d in w.days}
    return tuple(
        day
        for i, day in enumerate(DAYS)
        if day in named and (request.deadline is None or week_start.add(days=i) <= request.deadline)
    )
