"""A volunteer of the roster replaced (the API's PUT, the desk's people form) while published
plans give them visits: the change is kept, and in each week whose published visits no longer
hold against the roster as it now stands (the validator says so: their hours, travel limit,
home, skills, vetting, availability, gender or languages changed), those visits are planned
again at once in one minimal-change repair, validated, published and told to the volunteers
whose visits changed, as an absence's repairs are (the same locks, the same compare and swap,
all in one transaction with the change). So nobody's published week shows a visit the roster
no longer allows.

A change that leaves every visit valid (a phone number, more hours) keeps the plans as they
are. While a solve of such a week is queued or running the change is refused (that solve did
not see it): change it once the solve ends. A visit marked done or missed stays as the ledger
counts it (it is not planned again)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pendulum

from mutualaid.contract import plan_json
from mutualaid.domain.lifecycle import PlanRequest
from mutualaid.domain.plan import Plan
from mutualaid.domain.roster import StoredVolunteer
from mutualaid.messages import msg, say
from mutualaid.services.absences import Unserved, WeekRepair, moved_between
from mutualaid.services.access import Actor
from mutualaid.services.built import BuiltWeek, built_week
from mutualaid.services.jobs import check_suggestions, safety_net
from mutualaid.services.marked_apart import carry_kept, kept_busy
from mutualaid.services.ports import ConflictError, NotFoundError, PlanRecord, UnitOfWork
from mutualaid.services.recommend import Recommender
from mutualaid.services.repair_chain import REPAIR_ATTEMPTS, REPAIRS, still_current, store_repair
from mutualaid.services.roster import checked_entry, with_id
from mutualaid.validation import Report, Violation, validate

T = TypeVar("T")


@dataclass(frozen=True)
class VolunteerEdited:
    volunteer: StoredVolunteer
    new: bool
    """True when the volunteer was added (no plan gave them anything)."""
    repairs: tuple[WeekRepair, ...] = ()
    """One per week whose published visits the change broke (repaired and published)."""

    @property
    def told(self) -> tuple[str, ...]:
        """The volunteers whose visits the repairs changed, by id, each once."""
        return tuple(dict.fromkeys(m.volunteer for r in self.repairs for m in r.moved))


@dataclass
class _Week:
    """A published week the change breaks, as it will be once the change is stored."""

    week: pendulum.Date
    published: PlanRecord
    version: str
    """The week's version before the change (it must be so when the repair is stored)."""
    built: BuiltWeek
    hit: list[str]
    result: Plan | None = None
    changed: int = 0
    report: Report | None = None


def edit_volunteer(
    uow: UnitOfWork, recommender: Recommender, actor: Actor, area: str | None, ident: str,
    item: Any,
) -> VolunteerEdited:  # fmt: skip
    """Store the volunteer under `ident` (created or replaced) and repair, in the same
    transaction, every published week whose visits the change breaks (see the module)."""
    where = actor.area(area)
    item = with_id(item, ident)
    with uow.reading() as reader:
        entry = checked_entry(reader, "volunteers", where, item)
        assert isinstance(entry, StoredVolunteer)

    def write(w: UnitOfWork) -> tuple[StoredVolunteer, bool]:
        return _write(w, actor, where, entry)

    (stored, new), repairs = repaired(uow, recommender, actor, where, {ident}, write)
    return VolunteerEdited(stored, new, repairs)


@dataclass
class RosterRepairing:
    """Runs a batch of volunteers' write (`imports.import_roster`) as one volunteer's edit:
    the published visits it breaks are repaired in the same transaction. `repairs` are
    then the repairs made (none when nothing broke)."""

    recommender: Recommender
    actor: Actor
    repairs: tuple[WeekRepair, ...] = field(default=(), init=False)

    def __call__(
        self, uow: UnitOfWork, where: str, named: set[str], write: Callable[[UnitOfWork], T]
    ) -> T:
        value, self.repairs = repaired(uow, self.recommender, self.actor, where, named, write)
        return value


def repaired(
    uow: UnitOfWork, recommender: Recommender, actor: Actor, where: str, named: set[str],
    write: Callable[[UnitOfWork], T],
) -> tuple[T, tuple[WeekRepair, ...]]:  # fmt: skip
    """`write` (a change of the volunteers `named`, stored and audited, not committed) in
    one transaction with the repairs of the published visits it breaks. `write` runs once
    on a transaction rolled back per attempt (to see the weeks as they will be), then again
    for good."""
    with uow.reading() as reader:
        weeks = _weeks_giving(reader, where, named)
    who = ", ".join(sorted(named))
    with ExitStack() as held:  # this process's repairs of these weeks wait (in week order)
        for week in weeks:
            held.enter_context(REPAIRS.of(where, week))
        for _ in range(REPAIR_ATTEMPTS):
            found = _broken(uow, where, who, write, weeks)
            made = [_repair(recommender, w) for w in found]
            done = _store(uow, actor, where, who, write, made)
            if done is not None:
                for w, repair in zip(made, done[1], strict=True):
                    if repair.plan is not None:
                        check_suggestions(uow, recommender, w.built.scenario, repair.plan)
                return done
    first = weeks[0].isoformat() if weeks else ""
    raise ConflictError(msg("volunteer_edit_contended", volunteer=who, week=first))


def _weeks_giving(uow: UnitOfWork, where: str, named: set[str]) -> list[pendulum.Date]:
    """The weeks whose published plan gives one of the volunteers a visit, or lists a task
    unserved (its reason may no longer hold: no one has the skill, and now someone does, or
    the other way round), in order."""
    out = []
    for record in uow.weeks.all(where):
        published = uow.plans.published(where, record.week_start)
        if published is None or published.result is None:
            continue
        result = published.result
        if result.unserved or any(v.id in named for a in result.assignments for v in a.volunteers):
            out.append(record.week_start)
    return sorted(out)


def _write(
    uow: UnitOfWork, actor: Actor, where: str, entry: StoredVolunteer
) -> tuple[StoredVolunteer, bool]:
    stored, new = uow.volunteers.upsert(where, entry)
    action = f"volunteer.{'create' if new else 'update'}"
    uow.audit.record(actor.id, action, f"volunteer {stored.id}", where)
    return stored, new


def _violations_of(built: BuiltWeek, plan: Plan) -> set[Violation]:
    report = validate(built.scenario, plan_json.dump(plan, built.scenario))
    return set(report.violations)


def _hit(plan: Plan, new: Iterable[Violation], marked: set[str]) -> list[str]:
    """The plan's tasks the new violations fall on: a visit's own, or every visit of a
    volunteer whose week breaks as a whole (over their hours)."""
    tasks: set[str] = set()
    for v in new:
        if v.task is not None:
            tasks.add(v.task)
        elif v.volunteer is not None:
            tasks |= {a.task for a in plan.assignments
                      if any(p.id == v.volunteer for p in a.volunteers)}  # fmt: skip
    planned = {a.task for a in plan.assignments} | {u.task for u in plan.unserved}
    return sorted(t for t in tasks & planned if t.split("@")[0] not in marked)


def _broken(
    uow: UnitOfWork, where: str, who: str, write: Callable[[UnitOfWork], T],
    weeks: list[pendulum.Date],
) -> list[_Week]:  # fmt: skip
    """Each of `weeks` whose published visits the change breaks, built as it will be with
    it: the change written in a transaction that is then rolled back (stored only with the
    repairs). ConflictError when a solve of such a week is queued or running."""
    out: list[_Week] = []
    with uow:
        found = []
        for week in weeks:
            try:
                published = uow.plans.published(where, week)
            except NotFoundError:  # the week was removed meanwhile
                continue
            if published is None or published.result is None:
                continue
            known = _violations_of(built_week(uow, published.id, where, week)[0], published.result)
            found.append((week, published, uow.weeks.version(where, week), known))
        write(uow)
        for week, published, version, known in found:
            assert published.result is not None
            built, _ = built_week(uow, published.id, where, week)
            marked = {m.task.split("@")[0] for m in uow.plans.marked_visits(published.id)}
            new = _violations_of(built, published.result) - known
            if not (hit := _hit(published.result, new, marked)):
                continue
            if uow.plans.active(where, week) is not None:
                raise ConflictError(
                    msg("volunteer_edit_solving", volunteer=who, week=week.isoformat())
                )
            out.append(_Week(week, published, version, built, hit))
    return out  # left without commit: nothing of it stored


def _repair(recommender: Recommender, w: _Week) -> _Week:
    """The week's published plan with the broken visits planned again (outside any
    transaction), validated against the week with the change."""
    scenario, before = w.built.scenario, w.published.result
    assert before is not None
    scenario = kept_busy(scenario, before)  # a marked visit kept apart: its time is taken
    result, changed = recommender.repair_all(scenario, before, w.hit)
    result.extra["repair"] = {**(result.extra.get("repair") or {}), "parent": w.published.id,
                              "changed": changed, "tasks": w.hit,
                              "cause": "volunteer_edit"}  # fmt: skip
    result.extra["basis"] = w.built.basis.to_json()
    carry_kept(result, before)
    report = validate(scenario, plan_json.dump(result, scenario))
    return dataclasses.replace(w, result=result, changed=changed, report=report)


def _store(
    uow: UnitOfWork, actor: Actor, where: str, who: str, write: Callable[[UnitOfWork], T],
    made: list[_Week],
) -> tuple[T, tuple[WeekRepair, ...]] | None:  # fmt: skip
    """The change and every week's repair stored and published in one transaction, if no
    week was published or written meanwhile (else None: made again on the weeks now)."""
    repairs: list[WeekRepair] = []
    with uow:
        for w in made:
            uow.weeks.lock(where, w.week)
            if not still_current(uow, (where, w.week), w.published.id, w.version):
                return None
            assert w.result is not None and w.report is not None
            if not w.report.ok:  # a repair breaks a rule: nothing is stored
                why = say(safety_net(w.report.violations))
                raise ConflictError(msg("volunteer_edit_unrepaired", volunteer=who,
                                        week=w.week.isoformat(), why=why))  # fmt: skip
        value = write(uow)
        for w in made:
            assert w.result is not None and w.report is not None
            if uow.plans.active(where, w.week) is not None:
                raise ConflictError(msg("volunteer_edit_solving", volunteer=who,
                                        week=w.week.isoformat()))  # fmt: skip
            version = uow.weeks.version(where, w.week)  # with the change, as it is stored
            plan = store_repair(
                uow, actor, (where, w.week), w.published.id, w.result, w.report,
                (w.built, version), PlanRequest(actor.id),
                {"changed": w.changed, "volunteers": who, "tasks": w.hit},
            )  # fmt: skip
            before = w.published.result
            assert before is not None
            lost = set(w.hit)
            unserved = tuple(Unserved(u.task, u.reason, u.detail)
                             for u in w.result.unserved if u.task in lost)  # fmt: skip
            moved = moved_between(before, w.result)
            repairs.append(WeekRepair(w.week, plan, w.changed, moved, unserved, tasks=tuple(w.hit)))
        uow.commit()
    return value, tuple(repairs)
