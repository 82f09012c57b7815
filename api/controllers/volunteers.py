"""The volunteer's side: their week's published assignments (JSON and an iCalendar feed),
accepting and declining; a decline repairs the week's plan in the request (the Repairer,
`solver.service.SolverRepairer`)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, cast
from zoneinfo import ZoneInfo

import anyio.to_thread
import icalendar
import pendulum
from litestar import Controller, Request, Response, get, post
from litestar.params import Body, FromPath, QueryParameter
from litestar.serialization import encode_json

from api.controllers.common import AreaParam, CurrentActor, Repairs, Uow
from api.errors import responses
from mutualaid.messages import locale, msg
from mutualaid.messages.skills import skill_name
from mutualaid.services import calendar_feeds, volunteers
from mutualaid.services.access import Actor
from mutualaid.services.ledger import parse_time
from mutualaid.services.ports import AssignmentRecord, UnitOfWork

WeekParam = Annotated[
    str | None,
    QueryParameter(
        description="The week's Monday, YYYY-MM-DD; the current week when left out.",
    ),
]


@dataclass
class CoVolunteerView:
    id: str
    name: str
    role: int
    team: str | None
    phone: str | None = None


@dataclass
class AssignmentView:
    id: int
    plan_id: str
    task: str
    volunteer: str
    start: str
    """ISO 8601 with the area's offset."""
    end: str
    role: int
    team: str | None
    state: str
    """pending | accepted | declined (withdrawn ones are not listed)"""
    decline_reason: str | None

    @classmethod
    def of(cls, r: AssignmentRecord) -> AssignmentView:
        return cls(
            r.id, r.plan_id, r.task, r.volunteer, r.start.isoformat(), r.end.isoformat(),
            r.role, r.team, r.state, r.decline_reason,
        )  # fmt: skip


@dataclass
class VolunteerAssignmentView(AssignmentView):
    title: str = ""
    place: str = ""
    """The site's name, the resident's home, or the task's title."""
    location: dict[str, float] | None = None
    resident: str | None = None
    resident_name: str | None = None
    role_name: str = ""
    co_volunteers: list[CoVolunteerView] | None = None
    address: str | None = None
    """The place's address and phone, when the roster has them (the volunteer going there
    may see them)."""
    phone: str | None = None
    task_changed: bool = False
    """The task was changed since the published plan gave this visit and no longer allows it
    as given (its times, length or people): ask the coordinator before going."""

    @classmethod
    def seen(cls, a: volunteers.VolunteerAssignment) -> VolunteerAssignmentView:
        base = AssignmentView.of(a.record)
        return cls(
            **vars(base),
            title=a.title,
            place=a.place,
            location={"lat": a.location.lat, "lon": a.location.lon},
            resident=a.record.resident,
            resident_name=a.resident_name,
            role_name=a.role_name,
            co_volunteers=[
                CoVolunteerView(c.id, c.name, c.role, c.team, c.phone) for c in a.co_volunteers
            ],
            address=a.address,
            phone=a.phone,
            task_changed=a.task_changed,
        )


@dataclass
class ScheduleView:
    area: str
    volunteer: str
    name: str
    week_start: str
    timezone: str
    assignments: list[VolunteerAssignmentView]


@dataclass
class AcceptWrite:
    seen: str | None = None
    """The visit's start as the client showed it (`start` of the volunteer's week), ISO 8601
    with its offset."""


@dataclass
class DeclineWrite:
    reason: str | None = None


@dataclass
class RepairView:
    plan_id: str
    status: str
    changed: int
    """Volunteer-task pairs added or removed versus the plan published before."""
    served: bool
    """Whether someone else now serves the declined task."""
    published: bool


@dataclass
class DeclineView:
    assignment: AssignmentView
    repair: RepairView | None
    """None when nothing was re-planned (declined before, or a solve is queued or running)."""
    already_declined: bool = False
    """Declined before (by anyone, even at the same moment): nothing changed."""
    already_moved: bool = False
    """A repair had given the visit to someone else before the decline came: the decline is
    recorded (no later plan gives it back), the volunteer is no longer on it, no repair."""
    detail: str | None = None
    """Said when it was declined before, or had been moved to someone else."""


@dataclass(frozen=True)
class _Body:
    revision: int
    until: float
    timezone: str
    week_start: pendulum.Date
    body: bytes


class WeekBodies:
    """Volunteers' weeks as encoded JSON, kept in this process for `ttl` seconds: a volunteer
    reads their week far more often than it changes, and a body kept is answered without a
    thread, a session or a query.

    Keyed by `revision()`, the count of write transactions this process committed
    (`adapters.changes.writes`): any write made here (an answer, a publish, a roster edit)
    makes every kept body stale at once. A write made by another process (the CLI on the same
    database) is seen within `ttl`. Without a week, a body is kept only while its week is
    still the current one in the area's zone."""

    def __init__(self, revision: Callable[[], int], ttl: float = 2.0, size: int = 4096) -> None:
        self.revision, self.ttl, self.size = revision, ttl, size
        self._lock = threading.Lock()
        self._kept: dict[tuple[str, ...], _Body] = {}
        self._at = revision()

    def get(self, key: tuple[str, ...]) -> bytes | None:
        found = self._kept.get(key)
        if found is None or found.revision != self.revision() or time.monotonic() >= found.until:
            return None
        if not key[2] and pendulum.now(found.timezone).date().start_of("week") != found.week_start:
            return None  # the current week has turned meanwhile
        return found.body

    def put(self, key: tuple[str, ...], revision: int, schedule: Any, body: bytes) -> None:
        """Keep `body`, read after `revision` was (not kept when it changed meanwhile)."""
        with self._lock:
            if self._at != (now := self.revision()):
                self._kept.clear()
                self._at = now
            if revision != now:
                return
            if len(self._kept) >= self.size:
                self._kept.clear()
            until = time.monotonic() + self.ttl
            self._kept[key] = _Body(revision, until, schedule.timezone, schedule.week_start, body)


def schedule_body(uow: UnitOfWork, actor: Actor, ident: str, week: str | None,
                  area: str | None) -> tuple[volunteers.Schedule, bytes]:  # fmt: skip
    """The volunteer's week and its JSON (a `ScheduleView`)."""
    s = volunteers.volunteer_schedule(uow, actor, ident, week, area)
    view = ScheduleView(
        s.area, s.volunteer, s.volunteer_name, s.week_start.isoformat(), s.timezone,
        [VolunteerAssignmentView.seen(a) for a in s.assignments],
    )  # fmt: skip
    return s, encode_json(view)


CALENDAR_STATUS = {"pending": "TENTATIVE", "accepted": "CONFIRMED"}
"""An assignment's state as an event's STATUS; declined and withdrawn ones are CANCELLED."""


def calendar(schedule: volunteers.Schedule, *more: volunteers.Schedule) -> bytes:
    """An iCalendar of the week (or of several weeks, for a subscription): one event per
    assignment, in the area's zone (TZID). Its UID is the task and volunteer's, the same
    across repairs; visits the volunteer no longer has stay listed as CANCELLED with a higher
    SEQUENCE, so a phone's calendar removes them."""
    zone = ZoneInfo(schedule.timezone)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//mutualaid//volunteer calendar//EN")
    cal.add("version", "2.0")
    if more:
        cal.add("x-wr-calname", msg("cal_feed_name", name=schedule.volunteer_name))
    else:
        cal.add("x-wr-calname", msg("cal_name", name=schedule.volunteer_name,
                                    week=schedule.week_start.isoformat()))  # fmt: skip
    cal.add("x-wr-timezone", schedule.timezone)
    stamp = dt.datetime.now(dt.UTC)
    for a in (a for s in (schedule, *more) for a in s.assignments):
        r = a.record
        event = icalendar.Event()
        event.add(
            "uid", f"{schedule.area}/{r.week_start.isoformat()}/{r.task}/{r.volunteer}@mutualaid"
        )
        event.add("dtstamp", stamp)
        event.add("dtstart", _local(r.start, zone))
        event.add("dtend", _local(r.end, zone))
        event.add("summary", a.title)
        event.add("location", f"{a.place}, {a.address}" if a.address else a.place)
        event.add("geo", (a.location.lat, a.location.lon))
        lines = []
        if a.resident_name:
            lines.append(msg("cal_helps", who=a.resident_name))
        if a.phone:
            lines.append(msg("cal_phone", phone=a.phone))
        lines.append(msg("cal_role", role=skill_name(a.role_name)))
        names = ", ".join(c.name for c in a.co_volunteers)
        lines.append(msg("cal_with", who=names) if names else msg("cal_alone"))
        if a.task_changed:
            lines.insert(0, msg("page_visit_task_changed"))
        event.add("description", "\n".join(lines))
        event.add("status", CALENDAR_STATUS.get(r.state, "CANCELLED"))
        event.add("sequence", a.sequence)
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _local(when: pendulum.DateTime, zone: ZoneInfo) -> dt.datetime:
    there = when.in_timezone(str(zone))
    return dt.datetime(there.year, there.month, there.day, there.hour, there.minute,
                       there.second, tzinfo=zone)  # fmt: skip


class VolunteerController(Controller):
    path = "/volunteers/{ident:str}"
    tags = ("volunteers",)

    @get("/assignments", responses=responses(404))
    async def assignments(
        self, request: Request[Any, Any, Any], actor: CurrentActor, reader: Uow,
        ident: FromPath[str], area: AreaParam = None, week: WeekParam = None,
    ) -> Response[ScheduleView]:  # fmt: skip
        """The volunteer's assignments in the week's published plan: task, title, place and
        location, who is helped, start and end, role, team, who else goes, state. A volunteer
        sees only their own; the area's coordinators and admins see anyone's."""
        where = volunteers.volunteer_area(actor, area)
        actor.require_volunteer(where, ident)  # before anything kept is looked at
        bodies: WeekBodies = request.app.state.infra.bodies
        key = (where, ident, (week or "").strip(), locale())
        kept = bodies.get(key)
        if kept is None:
            revision = bodies.revision()
            schedule, body = await anyio.to_thread.run_sync(
                schedule_body, reader, actor, ident, week, area
            )
            bodies.put(key, revision, schedule, body)
            kept = body
        # the JSON as bytes, sent as they are (the annotation gives the schema its shape)
        return Response(cast(ScheduleView, kept), media_type="application/json")

    @get("/calendar.ics", sync_to_thread=True, responses=responses(404), media_type="text/calendar")
    def calendar_ics(
        self, actor: CurrentActor, reader: Uow, ident: FromPath[str], area: AreaParam = None,
        week: WeekParam = None,
    ) -> Response[bytes]:  # fmt: skip
        """The same assignments as an iCalendar (one VEVENT each, in the area's time zone
        with its VTIMEZONE), for a phone's calendar: STATUS TENTATIVE while pending,
        CONFIRMED once accepted, CANCELLED (with a higher SEQUENCE) once declined, withdrawn
        or moved to someone else by a repair."""
        s = volunteers.volunteer_calendar(reader, actor, ident, week, area)
        return Response(calendar(s), media_type="text/calendar")


@get(
    "/calendar/{name:str}", sync_to_thread=True, media_type="text/calendar",
    opt={"exclude_from_auth": True}, tags=["volunteers"], responses=responses(404),
)  # fmt: skip
def calendar_feed(reader: Uow, name: FromPath[str]) -> Response[bytes]:
    """A volunteer's calendar subscription (`/calendar/<secret>.ics`, the link made on their
    week page): last week to four weeks ahead, as `calendar.ics` gives one week. No token:
    the unguessable secret is the key, and a new link revokes the old one (404)."""
    secret = name.removesuffix(".ics")
    weeks_ = calendar_feeds.calendar_feed(reader, secret)
    return Response(calendar(*weeks_), media_type="text/calendar")


class AssignmentController(Controller):
    path = "/assignments/{assignment_id:int}"
    tags = ("volunteers",)

    @post("/accept", status_code=200, sync_to_thread=True, responses=responses(400, 404, 409))
    def accept(
        self, actor: CurrentActor, uow: Uow, assignment_id: FromPath[int],
        data: Annotated[AcceptWrite | None, Body(description="the start the volunteer saw")] = None,
    ) -> AssignmentView:  # fmt: skip
        """The volunteer will go. Only the assignment's volunteer, the area's coordinators and
        admins; 409 once declined or when the plan is no longer the published one. With
        `seen` (the start the client showed, ISO 8601 with its offset): 409 naming the visit's
        time now when a new plan moved it since, and nothing is accepted (a yes to one time
        is not a yes to another); read the visit again and ask again."""
        seen = parse_time(data.seen if data is not None else None, "seen")
        return AssignmentView.of(volunteers.accept_assignment(uow, actor, assignment_id, seen))

    @post("/decline", status_code=200, sync_to_thread=True, responses=responses(404, 409))
    def decline(
        self, actor: CurrentActor, uow: Uow, repairer: Repairs, assignment_id: FromPath[int],
        data: Annotated[DeclineWrite | None, Body(description="an optional reason")] = None,
    ) -> DeclineView:  # fmt: skip
        """Decline (with an optional reason): recorded for the week, then the published plan
        is repaired in the request — only the declined task (or a small neighbourhood around
        it) is re-planned, with as few changed assignments as possible — and the repair is
        published when it passes the validator. `repair.changed` counts the volunteer-task
        pairs added or removed. Declining again changes nothing (`already_declined`); repairs
        of a week are made one after another, each on the plan published before it. A visit
        a repair gave to someone else just before is declined all the same (`already_moved`,
        no repair). 503 `busy` after the decline was recorded says so: decline again to
        repair."""
        reason = data.reason if data is not None else None
        done = volunteers.decline_assignment(uow, repairer, actor, assignment_id, reason)
        repair = None
        if done.repair is not None:
            p = done.repair.plan
            repair = RepairView(p.id, p.status, done.repair.changed, done.repair.served,
                                p.published_at is not None)  # fmt: skip
        note = msg("assignment_already_declined", id=assignment_id) if done.already else None
        if done.moved and not done.already:
            note = msg("assignment_moved", id=assignment_id)
        return DeclineView(
            AssignmentView.of(done.assignment), repair, done.already, done.moved, note
        )
