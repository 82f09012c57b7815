"""The volunteer's week as they read it: their published assignments of a week, each with
its place, who is helped and who else goes (the phone's week, the JSON API, the calendar and
the printed week), and the volunteer's rounds."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pendulum

from mutualaid.contract.data import Json
from mutualaid.domain.model import Location, SkillNeed, TeamSkillNeed
from mutualaid.domain.roster import StoredResident, StoredSite, StoredVolunteer
from mutualaid.domain.tasks import StoredTask, still_allows
from mutualaid.errors import Problem
from mutualaid.messages import msg
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.ports import (
    AssignmentRecord,
    InvalidRequest,
    NotFoundError,
    UnitOfWork,
)


@dataclass(frozen=True)
class Colleague:
    id: str
    name: str
    role: int
    team: str | None
    phone: str | None = None
    """Shown to the people they go with (issue 9 item 7)."""


@dataclass(frozen=True)
class VolunteerAssignment:
    """One published assignment as its volunteer sees it."""

    record: AssignmentRecord
    title: str
    place: str
    """The site's name, the resident's home, or the task's title for a bare location."""
    location: Location
    resident_name: str | None
    role_name: str
    """What the volunteer's role needs (a skill, a team skill or a team)."""
    co_volunteers: tuple[Colleague, ...]
    sequence: int = 0
    """How often the visit changed for the volunteer (its times, being cancelled): the
    calendar's SEQUENCE."""
    address: str | None = None
    """The place's address and phone (the site's, else the resident's), when the roster has
    them: the volunteer going there is entitled to them."""
    phone: str | None = None
    task_changed: bool = False
    """The task was changed since the published plan gave this visit, and no longer allows
    it as given (its times, length or people: a batch of tasks replaced under the plan); the
    volunteer is told so, and to ask their coordinator, until a plan gives it again."""


@dataclass(frozen=True)
class Schedule:
    area: str
    volunteer: str
    volunteer_name: str
    week_start: pendulum.Date
    timezone: str
    assignments: list[VolunteerAssignment]


def volunteer_area(actor: Actor, area: str | None) -> str:
    """The area named, or the token's only one (checked by `require_volunteer` after)."""
    if area is not None and area.strip():
        return area.strip()
    if len(actor.areas) != 1:
        shown = ", ".join(actor.areas) or "*"
        raise InvalidRequest([Problem("area", msg("area_required", areas=shown))])
    return actor.areas[0]


def volunteer_schedule(
    uow: UnitOfWork, actor: Actor, volunteer: str, week: str | None, area: str | None = None,
    *, unplanned_empty: bool = False,
) -> Schedule:  # fmt: skip
    """The volunteer's assignments in the week's published plan, by start. Without a week,
    the current week in the area's time zone. A week the area never stored is NotFoundError,
    or with `unplanned_empty` a week with no visit (the phone's week: nothing is planned yet).

    Reads only what the volunteer's assignments name (their tasks, places, residents and
    crews), not the whole week: volunteers read their week far more often than it changes.
    """
    return _schedule(uow, actor, volunteer, week, area, calendar=False, empty=unplanned_empty)


def volunteer_calendar(
    uow: UnitOfWork, actor: Actor, volunteer: str, week: str | None, area: str | None = None
) -> Schedule:
    """As `volunteer_schedule`, for a calendar feed: also the visits the volunteer no longer
    has (declined, withdrawn, or moved to someone else by a repair), as state `declined` or
    `withdrawn`, so a phone's calendar removes them; each with its `sequence`."""
    return _schedule(uow, actor, volunteer, week, area, calendar=True)


def volunteer_routes(
    uow: UnitOfWork, actor: Actor, volunteer: str, week: str, area: str | None
) -> list[Json]:
    """The volunteer's rounds in the week's published plan (`routes[volunteer]` of the plan
    JSON: stops with the minutes on the way), for their printed week; [] when it has none."""
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    with uow:
        published = uow.plans.published(where, parse_week(week, "week"))
    plan = published.result if published is not None else None
    routes = plan.extra.get("routes") if plan is not None else None
    mine = routes.get(volunteer) if isinstance(routes, dict) else None
    return [r for r in mine if isinstance(r, dict)] if isinstance(mine, list) else []


def _versions(plans: list[list[AssignmentRecord]]) -> list[tuple[AssignmentRecord, int]]:
    """Each task's newest assignment in the chain of published plans (current first), with
    how often it changed: its distinct times, plus one once it is no longer the volunteer's.
    A task missing from the current plan is `withdrawn` unless it was declined."""
    if not plans:
        return []
    current = {r.task for r in plans[0]}
    newest: dict[str, AssignmentRecord] = {}
    times: dict[str, set[tuple[pendulum.DateTime, pendulum.DateTime]]] = {}
    for records in plans:
        for r in records:
            newest.setdefault(r.task, r)
            times.setdefault(r.task, set()).add((r.start, r.end))
    out = []
    for task, r in newest.items():
        if task not in current and r.state != "declined":
            r = dataclasses.replace(r, state="withdrawn")
        gone = r.state in ("declined", "withdrawn")
        out.append((r, len(times[task]) - 1 + int(gone)))
    out.sort(key=lambda v: (v[0].start, v[0].task))
    return out


def _schedule(
    uow: UnitOfWork, actor: Actor, volunteer: str, week: str | None, area: str | None,
    *, calendar: bool, empty: bool = False,
) -> Schedule:  # fmt: skip
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    with uow:
        zone = uow.areas.get(where).timezone
        if week is None or not week.strip():
            week_start = pendulum.now(zone).date().start_of("week")
        else:
            week_start = parse_week(week, "week")
        person = uow.volunteers.get(where, volunteer)
        if empty and not _stored(uow, where, week_start):
            return Schedule(where, volunteer, person.name or volunteer, week_start, zone, [])
        if calendar:
            versions = _versions(uow.assignments.for_calendar(where, volunteer, week_start))
        else:
            versions = [(r, 0) for r in uow.assignments.for_volunteer(where, volunteer, week_start)]
        records = [r for r, _ in versions]
        named = {r.task for r in records}
        tasks = {t.id: t for t in uow.weeks.tasks(where, week_start, named | _written(named))}
        crews: dict[tuple[str, str], list[AssignmentRecord]] = {}
        for plan_id in sorted({r.plan_id for r in records}):
            for other in uow.assignments.for_plan(plan_id, named):
                crews.setdefault((plan_id, other.task), []).append(other)
        people = uow.volunteers.some(where, {o.volunteer for c in crews.values() for o in c})
        sites = uow.sites.some(where, {t.site for t in tasks.values() if t.site})
        residents = uow.residents.some(where, {t.resident for t in tasks.values() if t.resident})
    places = _Places(sites, residents, people)
    seen = [
        _view(places, _task_of(tasks, r.task), r, crews.get((r.plan_id, r.task), []), n)
        for r, n in versions
    ]
    name = person.name or volunteer
    return Schedule(where, volunteer, name, week_start, zone, seen)


def _stored(uow: UnitOfWork, area: str, week_start: pendulum.Date) -> bool:
    try:
        uow.weeks.get(area, week_start)
    except NotFoundError:
        return False
    return True


def _written(tasks: set[str]) -> set[str]:
    """The ids these may be written under: a series' `t-meals@mon` is `t-meals`."""
    return {t.rsplit("@", 1)[0] for t in tasks if "@" in t}


def _task_of(tasks: dict[str, StoredTask], ident: str) -> StoredTask | None:
    """The stored task a plan's task id names: itself (an id may contain '@'), or the series
    it is a day of."""
    if ident in tasks and not tasks[ident].every:
        return tasks[ident]
    base, _, day = ident.rpartition("@")
    series = tasks.get(base)
    return series if series is not None and day in (series.every or ()) else None


@dataclass(frozen=True)
class _Places:
    """The roster entries a volunteer's assignments name, by id."""

    sites: dict[str, StoredSite]
    residents: dict[str, StoredResident]
    people: dict[str, StoredVolunteer]


def _view(
    places: _Places, task: StoredTask | None, r: AssignmentRecord, crew: list[AssignmentRecord],
    sequence: int = 0,
) -> VolunteerAssignment:  # fmt: skip
    going = r.state not in ("declined", "withdrawn")  # contacts are for those who go
    people = {o.volunteer: places.people.get(o.volunteer) for o in crew}
    names = {o.volunteer: _name(people[o.volunteer]) for o in crew}
    phones = {o.volunteer: p.phone if p is not None and going else None for o, p in
              ((o, people[o.volunteer]) for o in crew)}  # fmt: skip
    others = tuple(
        Colleague(
            o.volunteer, str(names[o.volunteer] or o.volunteer), o.role, o.team, phones[o.volunteer]
        )
        for o in sorted(crew, key=lambda o: (o.role, o.volunteer))
        if o.volunteer != r.volunteer
    )
    if task is None:  # a withdrawn task's assignment, listed only in the calendar (cancelled)
        return VolunteerAssignment(
            r, r.task, r.task, Location(0.0, 0.0), None, str(r.role), others, sequence
        )
    resident = places.residents.get(task.resident) if task.resident else None
    site = places.sites.get(task.site) if task.site else None
    contact = (site or resident) if going else None
    if site is not None:
        place, where = site.name, site.location
    elif resident is not None:
        place, where = msg("place_home", name=resident.name), resident.location
    else:
        place, where = task.title, task.location or Location(0.0, 0.0)
    role_name = str(r.role)
    if 0 <= r.role < len(task.needs):
        need = task.needs[r.role]
        role_name = (
            need.skill if isinstance(need, SkillNeed)
            else need.team_skill if isinstance(need, TeamSkillNeed) else need.team
        )  # fmt: skip
    changed = going and (
        not still_allows(task, r.task.rpartition("@")[2] if task.every else None,
                         r.start.in_timezone(r.timezone), r.end.in_timezone(r.timezone))
        or len(crew) < task.people
    )  # fmt: skip
    return VolunteerAssignment(
        r, task.title, place, where,
        None if resident is None else resident.name, role_name, others, sequence,
        None if contact is None else contact.address, None if contact is None else contact.phone,
        changed,
    )  # fmt: skip


def _name(person: StoredVolunteer | None) -> str | None:
    return None if person is None else person.name
