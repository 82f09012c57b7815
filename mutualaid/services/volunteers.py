"""The volunteer's side: their published assignments of a week (with place, who is helped and
who else goes), accepting and declining them; a decline triggers a repair of the week's plan.

A repair runs in the request (it frees only the declined task, or a small neighbourhood around
it, and takes well under a second); the repaired plan is validated and, when valid, published
at once: the week was already in volunteers' hands, and the repair keeps every other answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pendulum

from mutualaid.domain.model import Location
from mutualaid.errors import Problem
from mutualaid.messages import msg
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.plans import same_or_narrower
from mutualaid.services.ports import (
    ActivePlanExists,
    AssignmentRecord,
    InvalidRequest,
    Json,
    PlanRecord,
    Repairer,
    UnitOfWork,
)
from mutualaid.validation import validate


@dataclass(frozen=True)
class Colleague:
    id: str
    name: str
    role: int
    team: str | None


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


@dataclass(frozen=True)
class Schedule:
    area: str
    volunteer: str
    volunteer_name: str
    week_start: pendulum.Date
    timezone: str
    assignments: list[VolunteerAssignment]


@dataclass(frozen=True)
class RepairOutcome:
    plan: PlanRecord
    changed: int
    """Volunteer-task pairs added or removed versus the plan published before."""
    served: bool
    """Whether the declined task is served again."""


@dataclass(frozen=True)
class Declined:
    assignment: AssignmentRecord
    repair: RepairOutcome | None
    """None when nothing was re-planned: declined before, or a solve of the week is queued
    or running (it will see the decline)."""


def volunteer_area(actor: Actor, area: str | None) -> str:
    """The area named, or the token's only one (checked by `require_volunteer` after)."""
    if area is not None and area.strip():
        return area.strip()
    if len(actor.areas) != 1:
        shown = ", ".join(actor.areas) or "*"
        raise InvalidRequest([Problem("area", msg("area_required", areas=shown))])
    return actor.areas[0]


def volunteer_schedule(
    uow: UnitOfWork, actor: Actor, volunteer: str, week: str | None, area: str | None = None
) -> Schedule:
    """The volunteer's assignments in the week's published plan, by start. Without a week,
    the current week in the area's time zone.

    Reads only what the volunteer's assignments name (their tasks, places, residents and
    crews), not the whole week: volunteers read their week far more often than it changes.
    """
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    with uow:
        zone = uow.areas.get(where).timezone
        if week is None or not week.strip():
            week_start = pendulum.now(zone).date().start_of("week")
        else:
            week_start = parse_week(week)
        person = uow.volunteers.get(where, volunteer)
        records = uow.assignments.for_volunteer(where, volunteer, week_start)
        named = {r.task for r in records}
        tasks = {t["id"]: t for t in uow.weeks.tasks(where, week_start, named | _written(named))}
        crews: dict[tuple[str, str], list[AssignmentRecord]] = {}
        for plan_id in sorted({r.plan_id for r in records}):
            for other in uow.assignments.for_plan(plan_id, named):
                crews.setdefault((plan_id, other.task), []).append(other)
        people = uow.volunteers.some(where, {o.volunteer for c in crews.values() for o in c})
        sites = uow.sites.some(where, {str(t["site"]) for t in tasks.values() if t.get("site")})
        residents = uow.residents.some(
            where, {str(t["resident"]) for t in tasks.values() if t.get("resident")}
        )
    places = _Places(sites, residents, people)
    seen = [
        _view(places, _task_of(tasks, r.task), r, crews.get((r.plan_id, r.task), []))
        for r in records
    ]
    name = str(person.get("name") or volunteer)
    return Schedule(where, volunteer, name, week_start, zone, seen)


def _written(tasks: set[str]) -> set[str]:
    """The ids these may be written under: a series' `t-meals@mon` is `t-meals`."""
    return {t.rsplit("@", 1)[0] for t in tasks if "@" in t}


def _task_of(tasks: dict[str, Json], ident: str) -> Json | None:
    """The stored task a plan's task id names: itself (an id may contain '@'), or the series
    it is a day of."""
    if ident in tasks and not tasks[ident].get("every"):
        return tasks[ident]
    base, _, day = ident.rpartition("@")
    series = tasks.get(base)
    return series if series is not None and day in (series.get("every") or ()) else None


@dataclass(frozen=True)
class _Places:
    """The roster entries a volunteer's assignments name, by id (contract dicts)."""

    sites: dict[str, Json]
    residents: dict[str, Json]
    people: dict[str, Json]


def _view(
    places: _Places, task: Json | None, r: AssignmentRecord, crew: list[AssignmentRecord]
) -> VolunteerAssignment:
    names = {o.volunteer: places.people.get(o.volunteer, {}).get("name") for o in crew}
    others = tuple(
        Colleague(o.volunteer, str(names[o.volunteer] or o.volunteer), o.role, o.team)
        for o in sorted(crew, key=lambda o: (o.role, o.volunteer))
        if o.volunteer != r.volunteer
    )
    if task is None:  # withdrawn assignments are not listed; this is a safeguard
        return VolunteerAssignment(r, r.task, r.task, Location(0.0, 0.0), None, str(r.role), others)
    resident = places.residents.get(str(task.get("resident")))
    site = places.sites.get(str(task.get("site")))
    if site is not None:
        place, where = str(site["name"]), site["location"]
    elif resident is not None:
        place, where = msg("place_home", name=resident["name"]), resident["location"]
    else:
        place, where = str(task["title"]), task.get("location") or {"lat": 0.0, "lon": 0.0}
    role_name = str(r.role)
    needs = task.get("needs") or []
    if 0 <= r.role < len(needs):
        need = needs[r.role]
        role_name = str(need.get("skill") or need.get("team_skill") or need.get("team"))
    return VolunteerAssignment(
        r, str(task["title"]), place, Location(float(where["lat"]), float(where["lon"])),
        None if resident is None else str(resident["name"]), role_name, others,
    )  # fmt: skip


def get_assignment(uow: UnitOfWork, actor: Actor, ident: int) -> AssignmentRecord:
    """One assignment, for its volunteer, the area's coordinators and admins."""
    with uow:
        found = uow.assignments.get(ident)
    actor.require_volunteer(found.area, found.volunteer)
    return found


def accept_assignment(uow: UnitOfWork, actor: Actor, ident: int) -> AssignmentRecord:
    """The volunteer will go. ConflictError once declined, or when not published."""
    with uow:
        found = uow.assignments.get(ident)
        actor.require_volunteer(found.area, found.volunteer)
        done = uow.assignments.accept(ident)
        uow.audit.record(
            actor.id, "assignment.accept", f"assignment {ident}", done.area,
            {"task": done.task, "volunteer": done.volunteer},
        )  # fmt: skip
        uow.commit()
    return done


def decline_assignment(
    uow: UnitOfWork, repairer: Repairer, actor: Actor, ident: int, reason: str | None = None
) -> Declined:
    """Record the decline (no later plan of the week gives the volunteer this task), then
    repair the published plan and publish the repair when it passes the validator."""
    reason = reason.strip() if reason and reason.strip() else None
    with uow:
        found = uow.assignments.get(ident)
        actor.require_volunteer(found.area, found.volunteer)
        done = uow.assignments.decline(ident, reason)
        uow.audit.record(
            actor.id, "assignment.decline", f"assignment {ident}", done.area,
            {"task": done.task, "volunteer": done.volunteer, "reason": reason},
        )  # fmt: skip
        uow.commit()
    if found.state == "declined":
        return Declined(done, None)
    return Declined(done, repair_week(uow, repairer, actor, done))


def repair_week(
    uow: UnitOfWork, repairer: Repairer, actor: Actor, declined: AssignmentRecord
) -> RepairOutcome | None:
    """A `repair` plan of the published plan that re-plans the declined task; published when
    valid, stored as an error otherwise. None when a solve is queued or running."""
    area, week = declined.area, declined.week_start
    for _ in range(3):  # another repair may publish meanwhile: repair the newer plan then
        with uow:
            published = uow.plans.published(area, week)
            scenario = uow.weeks.load_scenario(area, week)
            basis = uow.weeks.basis(area, week)
        if published is None or published.result is None:
            return None
        same = same_or_narrower(published.result.get("basis"), basis)
        result, changed = repairer.repair(scenario, published.result, declined.task, same)
        result["repair"] = {**result.get("repair", {}), "parent": published.id, "changed": changed}
        result["basis"] = basis
        report = validate(scenario, result)
        with uow:
            now = uow.plans.published(area, week)
            if now is None or now.id != published.id:
                continue
            try:
                plan = uow.plans.create(
                    area, week, kind="repair", parent_id=published.id,
                    request={"requested_by": actor.id, "declined": declined.id},
                )  # fmt: skip
            except ActivePlanExists:
                return None
            if report.ok:
                uow.plans.finish(plan.id, result)
                plan = uow.plans.publish(plan.id)
            else:
                violations = "; ".join(report.violations[:10])
                plan = uow.plans.fail(plan.id, msg("plan_safety_net", violations=violations))
            uow.audit.record(
                actor.id, "plan.repair", f"plan {plan.id}", area,
                {"parent": published.id, "changed": changed, "status": plan.status},
            )  # fmt: skip
            uow.commit()
        return RepairOutcome(plan, changed, declined.task in _served(result))
    return None


def _served(result: dict[str, object]) -> set[str]:
    items = result.get("assignments")
    return (
        {str(a["task"]) for a in items if isinstance(a, dict)} if isinstance(items, list) else set()
    )
