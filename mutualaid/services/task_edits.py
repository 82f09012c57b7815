"""Tasks of a week changed while a published plan gives them: one task (the API's PUT, the
desk's form) or a batch (`PUT .../tasks`, a scenario imported, a spreadsheet's rows). The change
is kept, and when the plan's visits no longer hold against the week as it now stands (the
validator says so: a window or start moved, a length, people or skills changed), those visits
are planned again at once in one minimal-change repair, validated, published and told to the
volunteers whose visits changed, as an absence's repair is (the same lock, the same compare
and swap, all in one transaction with the change). So a volunteer's published week never shows
a visit the task no longer allows.

A change that leaves the visits valid (a title, a priority, a wider window) keeps the plan as
it is. While a solve of the week is queued or running, a change that breaks a published visit
is refused (that solve did not see it, and no repair is made under it): change it once the
solve ends. A task with a visit marked done or missed is stored as before, without a repair
(the marked visit stays as the ledger counts it; the plan pages say what grew; a batch's other
tasks are repaired)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pendulum

from mutualaid.contract import plan_json
from mutualaid.domain.lifecycle import PlanRequest
from mutualaid.domain.plan import Plan
from mutualaid.domain.tasks import SentTask, StoredTask
from mutualaid.messages import msg, say
from mutualaid.services.absences import Unserved, WeekRepair, moved_between
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.built import BuiltWeek, built_week
from mutualaid.services.jobs import check_suggestions, safety_net
from mutualaid.services.marked_apart import carry_kept, kept_busy
from mutualaid.services.notices import note_places
from mutualaid.services.ports import ConflictError, NotFoundError, PlanRecord, UnitOfWork
from mutualaid.services.recommend import Recommender
from mutualaid.services.repair_chain import REPAIR_ATTEMPTS, REPAIRS, still_current, store_repair
from mutualaid.services.roster import with_id
from mutualaid.validation import Report, Violation, validate

T = TypeVar("T")


@dataclass(frozen=True)
class Edited:
    task: StoredTask
    new: bool
    """True when the task was added (no plan gave it)."""
    repair: WeekRepair | None = None
    """The published plan's repair, when the change broke a visit of it (else None)."""


@dataclass
class _Broken:
    """The week as it will be with the change, whose published plan it breaks."""

    published: PlanRecord
    version: str
    """The week's version before the change (it must be so when the repair is stored)."""
    built: BuiltWeek
    hit: list[str]
    """The plan's tasks whose visits, or unserved reason, no longer hold (a series' days by
    day): a task changed back after its repair withdrew it gets its reason as it now stands
    (or is served again)."""
    result: Plan | None = None
    changed: int = 0
    report: Report | None = None


def of_task(task: str, ident: str) -> bool:
    """Whether `task` (a plan's task: a series' day is `t@mon`) is the task `ident`."""
    return task.split("@")[0] == ident


@dataclass
class Repairing:
    """Runs a batch's write (`weeks.submit_tasks`, `weeks.import_scenario`,
    `imports.import_tasks`) as a task edit's (a `weeks.Runner`): the published visits it
    breaks are repaired in the same transaction. `repair` is then the repair (None when
    nothing broke)."""

    recommender: Recommender
    actor: Actor
    repair: WeekRepair | None = field(default=None, init=False)

    def __call__(
        self, uow: UnitOfWork, where: str, week: pendulum.Date, write: Callable[[UnitOfWork], T]
    ) -> T:
        value, self.repair = repaired(uow, self.recommender, self.actor, where, week, write)
        return value


def edit_task(
    uow: UnitOfWork, recommender: Recommender, actor: Actor, area: str | None,
    week_start: str, ident: str, task: SentTask,
) -> Edited:  # fmt: skip
    """Store one task of the week (new ones go last), and repair the published plan when the
    change breaks a visit of it (see the module). Checked in a read-only transaction first,
    as `weeks.put_task`."""
    where, week = actor.area(area), parse_week(week_start)
    with uow.reading() as reader:
        prepared = reader.weeks.prepare_task(where, week, SentTask(with_id(task.value, ident)))

    def write(w: UnitOfWork) -> tuple[StoredTask, bool]:
        stored, new = w.weeks.store_task(where, week, prepared)
        action = "task.create" if new else "task.update"
        w.audit.record(actor.id, action, f"task {ident}", where, {"week": week.isoformat()})
        return stored, new

    (stored, new), repair = repaired(uow, recommender, actor, where, week, write, ident)
    return Edited(stored, new, repair)


def repaired(
    uow: UnitOfWork, recommender: Recommender, actor: Actor, where: str, week: pendulum.Date,
    write: Callable[[UnitOfWork], T], only: str | None = None,
) -> tuple[T, WeekRepair | None]:  # fmt: skip
    """`write` (a change of the week's tasks, stored and audited, not committed) in one
    transaction with the repair of the published visits it breaks (of the task `only`, when
    given; see the module). `write` runs once on a transaction rolled back (to see the week
    as it will be), then again for good."""
    hit: list[str] = []
    with REPAIRS.of(where, week):  # this process's repairs of the week wait
        for _ in range(REPAIR_ATTEMPTS):
            broken = _broken(uow, where, week, write, only)
            if broken is not None:
                hit = broken.hit
                broken = _repair(recommender, broken)
            done = _store(uow, actor, where, week, write, broken, only)
            if done is None:
                continue  # published or written meanwhile: made again on the week now
            repair = done[1]
            if repair is not None and repair.plan is not None and broken is not None:
                check_suggestions(uow, recommender, broken.built.scenario, repair.plan)
            return done
    if only is not None:
        raise ConflictError(msg("task_edit_contended", task=only, week=week.isoformat()))
    raise ConflictError(msg("tasks_edit_contended", tasks=_named(hit), week=week.isoformat()))


def _named(hit: list[str]) -> str:
    return ", ".join(sorted({t.split("@")[0] for t in hit}))


def _broken(
    uow: UnitOfWork, where: str, week: pendulum.Date, write: Callable[[UnitOfWork], T],
    only: str | None,
) -> _Broken | None:  # fmt: skip
    """The week built with the change, when a visit of its published plan (of the task
    `only`, when given) no longer holds there; None otherwise (the change is stored as it
    is). Written in a transaction that is then rolled back (stored only with the repair)."""
    with uow:
        try:
            published = uow.plans.published(where, week)
        except NotFoundError:  # a new week: nothing is published
            published = None
        if published is None or published.result is None:
            return None
        given = [*uow.weeks.published_tasks(where, week), *(u.task for u in
                                                            published.result.unserved)]  # fmt: skip
        if only is not None and not any(of_task(t, only) for t in given):
            return None
        marked = {m.task.split("@")[0] for m in uow.plans.marked_visits(published.id)}
        if only is not None and only in marked:
            return None  # the marked visit stays as the ledger counts it (services.marked)
        version = uow.weeks.version(where, week)
        before = published.result
        old = _violations(built_week(uow, published.id, where, week)[0], before)
        write(uow)
        built, _ = built_week(uow, published.id, where, week)
        known = set(built.scenario.tasks)
        bad = {v.task for v in _violations(built, before) - old}
        planned = [a.task for a in before.assignments] + [u.task for u in before.unserved]
        hit = sorted(
            {t for t in planned if t in bad and t in known and t.split("@")[0] not in marked
             and (only is None or of_task(t, only))}
        )  # fmt: skip
        if not hit:
            return None  # the change breaks nothing (what was broken before, a decline, stays)
        if uow.plans.active(where, week) is not None:
            raise _solving(only, hit)
        return _Broken(published, version, built, hit)  # left without commit: nothing stored


def _solving(only: str | None, hit: list[str]) -> ConflictError:
    if only is not None:
        return ConflictError(msg("task_edit_solving", task=only))
    return ConflictError(msg("tasks_edit_solving", tasks=_named(hit)))


def _violations(built: BuiltWeek, plan: Plan) -> set[Violation]:
    """The rules `plan` breaks in the week `built` on a task (its visits, or its reason)."""
    report = validate(built.scenario, plan_json.dump(plan, built.scenario))
    return {v for v in report.violations if v.task is not None}


def _repair(recommender: Recommender, w: _Broken) -> _Broken:
    """The published plan with the broken visits planned again (outside any transaction),
    validated against the week with the change."""
    scenario, before = w.built.scenario, w.published.result
    assert before is not None
    scenario = kept_busy(scenario, before)  # a marked visit kept apart: its time is taken
    result, changed = recommender.repair_all(scenario, before, w.hit)
    result.extra["repair"] = {**(result.extra.get("repair") or {}), "parent": w.published.id,
                              "changed": changed, "tasks": w.hit, "cause": "task_edit"}  # fmt: skip
    result.extra["basis"] = w.built.basis.to_json()
    carry_kept(result, before)
    report = validate(scenario, plan_json.dump(result, scenario))
    return dataclasses.replace(w, result=result, changed=changed, report=report)


def _store(
    uow: UnitOfWork, actor: Actor, where: str, week: pendulum.Date,
    write: Callable[[UnitOfWork], T], w: _Broken | None, only: str | None,
) -> tuple[T, WeekRepair | None] | None:  # fmt: skip
    """The change, and the repair when one was made, stored in one transaction, if the week
    was neither published nor written meanwhile (else None: made again)."""
    with uow:
        repair = None
        if w is not None:
            uow.weeks.lock(where, week)
            if not still_current(uow, (where, week), w.published.id, w.version):
                return None
            assert w.result is not None and w.report is not None
            if not w.report.ok:  # the repair breaks a rule: nothing is stored
                why = say(safety_net(w.report.violations))
                if only is not None:
                    raise ConflictError(msg("task_edit_unrepaired", task=only, why=why))
                raise ConflictError(msg("tasks_edit_unrepaired", tasks=_named(w.hit), why=why))
        places = _places(uow, where, week)
        value = write(uow)
        if w is not None and w.result is not None and w.report is not None:
            if uow.plans.active(where, week) is not None:
                raise _solving(only, w.hit)
            version = uow.weeks.version(where, week)  # with the change, as it is stored
            plan = store_repair(
                uow, actor, (where, week), w.published.id, w.result, w.report,
                (w.built, version), PlanRequest(actor.id),
                {"changed": w.changed, "task": only} if only else {"changed": w.changed,
                                                                   "tasks": w.hit},
            )  # fmt: skip
            before = w.published.result
            assert before is not None
            lost = set(w.hit)
            unserved = tuple(Unserved(u.task, u.reason, u.detail)
                             for u in w.result.unserved if u.task in lost)  # fmt: skip
            moved = moved_between(before, w.result)
            repair = WeekRepair(week, plan, w.changed, moved, unserved, tasks=tuple(w.hit))
        if places:  # a visit still given at another place: told, as for a time change
            now = _places(uow, where, week)
            repaired_ = {t.split("@")[0] for t in (w.hit if w is not None else ())}
            elsewhere = {t for t, p in places.items() if t in now and now[t] != p} - repaired_
            if elsewhere:
                note_places(uow, where, week, elsewhere)
        uow.commit()
    return value, repair


def _places(uow: UnitOfWork, where: str, week: pendulum.Date) -> dict[str, object]:
    """Where each of the week's tasks is (site, resident or location), when a plan of the
    week is published ({} otherwise: no visit to tell of)."""
    try:
        if uow.plans.published_id(where, week) is None:
            return {}
        return {t.id: (t.site, t.resident, t.location) for t in uow.weeks.tasks(where, week)}
    except NotFoundError:  # a new week
        return {}
