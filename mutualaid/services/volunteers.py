"""The volunteer's side: their published assignments of a week (with place, who is helped and
who else goes), accepting and declining them; a decline triggers a repair of the week's plan.

A repair runs in the request (it frees only the declined task, or a small neighbourhood around
it, and takes well under a second); the repaired plan is validated and, when valid, published
at once: the week was already in volunteers' hands, and the repair keeps every other answer.
Repairs of one week are serialised: each starts from the plan published at that moment and is
published only if that plan is still the published one (else it is made again on the newer)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pendulum

from mutualaid.bounds import MAX_TEXT_LENGTH, text_problem
from mutualaid.contract import plan_json
from mutualaid.contract.data import Json
from mutualaid.domain.lifecycle import PlanRequest, same_or_narrower
from mutualaid.domain.model import Location, SkillNeed, TeamSkillNeed
from mutualaid.domain.plan import Plan
from mutualaid.domain.roster import StoredResident, StoredSite, StoredVolunteer
from mutualaid.domain.tasks import StoredTask, still_allows
from mutualaid.errors import Problem
from mutualaid.messages import msg
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.answers import accept_assignment as accept_assignment
from mutualaid.services.answers import get_assignment as get_assignment
from mutualaid.services.built import BuiltWeek, built_week
from mutualaid.services.jobs import check_suggestions
from mutualaid.services.marked_apart import carry_kept, kept_busy
from mutualaid.services.ports import (
    ActivePlanExists,
    AssignmentRecord,
    ConflictError,
    InvalidRequest,
    PlanRecord,
    RepairBusy,
    Repairer,
    StoreBusy,
    UnitOfWork,
)
from mutualaid.services.repair_chain import REPAIR_ATTEMPTS, REPAIRS, still_current, store_repair
from mutualaid.validation import validate


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
    already: bool = False
    """Declined before: recorded once, nothing changed (and no second repair)."""
    moved: bool = False
    """A repair had given the task to someone else before the decline: recorded, no repair."""


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
    return _schedule(uow, actor, volunteer, week, area, calendar=False)


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
    *, calendar: bool,
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


def decline_assignment(
    uow: UnitOfWork, repairer: Repairer, actor: Actor, ident: int, reason: str | None = None
) -> Declined:
    """Record the decline (no later plan of the week gives the volunteer this task), then
    repair the published plan and publish the repair when it passes the validator.

    A second decline of the same assignment (at the same time or later) records nothing and
    makes no repair (`already`), unless the published plan still gives the pair and no first
    answer is repairing it (a solve was running, the store was busy, or the repair lost too
    many races): then it repairs. A decline of a visit a repair had just given to someone else
    is recorded all the same, with nothing to repair (`moved`).

    A visit marked done or missed is not declined (ConflictError): it is past, and its
    hours are in the ledger; un-marking it first makes it declinable again.

    The decline is committed before its repair: RepairBusy (503) when the repair could not
    get the store's lock in time, saying the decline is recorded."""
    reason = reason.strip() if reason and reason.strip() else None
    if reason is not None and (bad := text_problem(reason, MAX_TEXT_LENGTH)):
        raise InvalidRequest([Problem("reason", bad)])
    with uow:
        found = uow.assignments.get(ident)
        actor.require_volunteer(found.area, found.volunteer)
        uow.weeks.lock(found.area, found.week_start)  # answers of the week wait here
        if (marked := uow.assignments.marked(ident)) is not None:  # it happened, or not
            raise ConflictError(msg("decline_marked", id=ident, state=msg(f"outcome_{marked}")))
        already = uow.assignments.get(ident).state == "declined"
        pending = already and ident in REPAIRS.repairing
        done = uow.assignments.decline(ident, reason)
        moved = not uow.assignments.given(ident)
        if not already:  # recorded for the week: no later plan gives them the task
            uow.weeks.add_decline(done.area, done.week_start, done.task, done.volunteer, reason)
            detail: Json = {"task": done.task, "volunteer": done.volunteer, "reason": reason}
            if moved:
                detail["moved"] = True
            uow.audit.record(
                actor.id, "assignment.decline", f"assignment {ident}", done.area, detail
            )
            REPAIRS.repairing.add(ident)
        uow.commit()
    try:
        if moved or pending:
            return Declined(done, None, already, moved=moved)
        repair = repair_week(uow, repairer, actor, done, only_if_given=already)
    except StoreBusy as busy:
        raise RepairBusy(done.id, busy.retry_after) from busy
    finally:
        if not already:
            REPAIRS.repairing.discard(ident)
    return Declined(done, repair, already)


def repair_week(
    uow: UnitOfWork, repairer: Repairer, actor: Actor, declined: AssignmentRecord,
    *, only_if_given: bool = False,
) -> RepairOutcome | None:  # fmt: skip
    """A `repair` plan of the published plan that re-plans the declined task; published when
    valid, stored as an error otherwise. None when a solve is queued or running, or (with
    `only_if_given`) when the published plan no longer gives the declined pair.

    Published only if its parent is still the week's published plan, checked holding the
    week's lock (compare and swap); else made again on the newer plan, which may itself be
    the repair of this decline (declined twice at once): then there is nothing to do.
    ConflictError after `REPAIR_ATTEMPTS` such races (the decline stays recorded)."""
    area, week = declined.area, declined.week_start
    pair = (declined.task, declined.volunteer)
    lost_to: str | None = None  # the plan a repair started from when another was published
    with REPAIRS.of(area, week):
        for _ in range(REPAIR_ATTEMPTS):
            with uow:
                published = uow.plans.published(area, week)
                if published is None or published.result is None:
                    return None
                if only_if_given and pair not in _pairs(published.result):
                    return None
                if lost_to is not None and _repaired_since(uow, published, lost_to, declined.id):
                    return None  # declined twice at once, in two processes: one repair
                if uow.plans.active(area, week) is not None:
                    return None  # the solve will see the decline
                built, version = built_week(uow, published.id, area, week)
            outcome = _repair_on(uow, repairer, actor, declined, published, built, version)
            if outcome is not None:
                return outcome
            lost_to = published.id
    raise ConflictError(msg("repair_contended", id=declined.id))


def _repair_on(
    uow: UnitOfWork, repairer: Repairer, actor: Actor, declined: AssignmentRecord,
    published: PlanRecord, built: BuiltWeek, version: str,
) -> RepairOutcome | None:  # fmt: skip
    """The repair of `published`, stored and published (its suggestions checked after) if
    it is still the published plan; None (nothing stored) when another was published."""
    area, week = declined.area, declined.week_start
    scenario, basis = built.scenario, built.basis
    assert published.result is not None
    same = same_or_narrower(published.result.extra.get("basis"), basis)
    scenario = kept_busy(scenario, published.result)  # a marked visit kept apart: its time
    result, changed = repairer.repair(scenario, published.result, declined.task, same)
    carry_kept(result, published.result)  # ... and the visit, so publishing keeps it
    repaired = {**result.extra.get("repair", {}), "parent": published.id, "changed": changed,
                "cause": "decline"}  # fmt: skip
    result.extra["repair"] = repaired
    result.extra["basis"] = basis.to_json()
    report = validate(scenario, plan_json.dump(result, scenario))
    with uow:
        uow.weeks.lock(area, week)  # publishes of the week wait from here to the commit
        if not still_current(uow, (area, week), published.id, version):
            return None
        try:
            plan = store_repair(
                uow, actor, (area, week), published.id, result, report, (built, version),
                PlanRequest(actor.id, declined.id), {"changed": changed},
            )  # fmt: skip
        except ActivePlanExists:
            return None  # a solve was queued meanwhile: it sees the decline
        uow.commit()
    check_suggestions(uow, repairer, scenario, plan)
    return RepairOutcome(plan, changed, declined.task in _served(result))


def _repaired_since(uow: UnitOfWork, plan: PlanRecord, since: str, declined: int) -> bool:
    """Whether a repair of the assignment `declined` was published after the plan `since`,
    following the published plan's parents back to it."""
    while plan.id != since:
        if plan.kind == "repair" and plan.request.declined == declined:
            return True
        if plan.parent_id is None:
            return False
        plan = uow.plans.get(plan.parent_id)
    return False


def _pairs(result: Plan) -> set[tuple[str, str]]:
    """The (task, volunteer) pairs a plan gives."""
    return {(a.task, v.id) for a in result.assignments for v in a.volunteers}


def _served(result: Plan) -> set[str]:
    return {a.task for a in result.assignments}
