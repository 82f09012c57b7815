"""One task of a week changed (the API's PUT, the desk's form) while a published plan gives it:
the change is kept, and when the plan's visits of it no longer hold against the task as it now
stands (the validator says so: its window or start moved, its length, people or skills
changed), those visits are planned again at once in one minimal-change repair, validated,
published and told to the volunteers whose visits changed, as an absence's repair is (the
same lock, the same compare and swap, all in one transaction with the change). So a
volunteer's published week never shows a visit the task no longer allows.

A change that leaves the visits valid (a title, a priority, a wider window) keeps the plan as
it is. While a solve of the week is queued or running, a change that breaks a published visit
is refused (that solve did not see it, and no repair is made under it): change it once the
solve ends. A task with a visit marked done or missed is stored as before, without a repair
(the marked visit stays as the ledger counts it; the plan pages say what grew)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pendulum

from mutualaid.contract import plan_json
from mutualaid.contract.data import Json
from mutualaid.domain.lifecycle import PlanRequest
from mutualaid.domain.plan import Plan
from mutualaid.domain.tasks import SentTask, StoredTask
from mutualaid.messages import msg, say
from mutualaid.services.absences import Unserved, WeekRepair, moved_between
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.built import BuiltWeek, built_week
from mutualaid.services.jobs import check_suggestions, safety_net
from mutualaid.services.marked_apart import carry_kept, kept_busy
from mutualaid.services.ports import (
    ConflictError,
    NotFoundError,
    PlanRecord,
    PreparedTasks,
    UnitOfWork,
)
from mutualaid.services.recommend import Recommender
from mutualaid.services.roster import with_id
from mutualaid.services.volunteers import _REPAIRS, REPAIR_ATTEMPTS, still_current, store_repair
from mutualaid.validation import Report, Violation, validate


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
    """The plan's tasks of the changed one (a series' days too)."""
    result: Plan | None = None
    changed: int = 0
    report: Report | None = None


def of_task(task: str, ident: str) -> bool:
    """Whether `task` (a plan's task: a series' day is `t@mon`) is the task `ident`."""
    return task.split("@")[0] == ident


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
    with _REPAIRS.of(where, week):  # this process's repairs of the week wait
        for _ in range(REPAIR_ATTEMPTS):
            broken = _broken(uow, where, week, ident, prepared)
            if broken is not None:
                broken = _repair(recommender, broken)
            done = _store(uow, actor, where, week, ident, prepared, broken)
            if done is None:
                continue  # published or written meanwhile: made again on the week now
            if done.repair is not None and done.repair.plan is not None and broken is not None:
                check_suggestions(uow, recommender, broken.built.scenario, done.repair.plan)
            return done
    raise ConflictError(msg("task_edit_contended", task=ident, week=week.isoformat()))


def _broken(
    uow: UnitOfWork, where: str, week: pendulum.Date, ident: str, prepared: PreparedTasks
) -> _Broken | None:
    """The week built with the change, when its published plan gives the task and a visit of
    it no longer holds there; None otherwise (the change is stored as it is). Written in a
    transaction that is then rolled back (stored only with the repair)."""
    with uow:
        try:
            published = uow.plans.published(where, week)
        except NotFoundError:  # a new week: nothing is published
            return None
        if published is None or published.result is None:
            return None
        if not any(of_task(t, ident) for t in uow.weeks.published_tasks(where, week)):
            return None
        if any(of_task(m.task, ident) for m in uow.plans.marked_visits(published.id)):
            return None  # the marked visit stays as the ledger counts it (services.marked)
        version = uow.weeks.version(where, week)
        before = published.result
        known = _violations_of(built_week(uow, published.id, where, week)[0], before, ident)
        uow.weeks.store_task(where, week, prepared)
        built, _ = built_week(uow, published.id, where, week)
        if not _violations_of(built, before, ident) - known:
            return None  # the change breaks nothing (what was broken before, a decline, stays)
        if uow.plans.active(where, week) is not None:
            raise ConflictError(msg("task_edit_solving", task=ident))
        hit = sorted({a.task for a in before.assignments if of_task(a.task, ident)})
        return _Broken(published, version, built, hit)  # left without commit: nothing stored


def _violations_of(built: BuiltWeek, plan: Plan, ident: str) -> set[Violation]:
    """The rules `plan` breaks in the week `built` on the visits of task `ident`."""
    report = validate(built.scenario, plan_json.dump(plan, built.scenario))
    return {v for v in report.violations if v.task is not None and of_task(v.task, ident)}


def _repair(recommender: Recommender, w: _Broken) -> _Broken:
    """The published plan with the changed task's visits planned again (outside any
    transaction), validated against the week with the change."""
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
    uow: UnitOfWork, actor: Actor, where: str, week: pendulum.Date, ident: str,
    prepared: PreparedTasks, w: _Broken | None,
) -> Edited | None:  # fmt: skip
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
                raise ConflictError(msg("task_edit_unrepaired", task=ident,
                                        why=say(safety_net(w.report.violations))))  # fmt: skip
        stored, new = uow.weeks.store_task(where, week, prepared)
        action = "task.create" if new else "task.update"
        detail: Json = {"week": week.isoformat()}
        if w is not None and w.result is not None and w.report is not None:
            if uow.plans.active(where, week) is not None:
                raise ConflictError(msg("task_edit_solving", task=ident))
            version = uow.weeks.version(where, week)  # with the change, as it is stored
            plan = store_repair(
                uow, actor, (where, week), w.published.id, w.result, w.report,
                (w.built, version), PlanRequest(actor.id), {"changed": w.changed, "task": ident},
            )  # fmt: skip
            before = w.published.result
            assert before is not None
            lost = set(w.hit)
            unserved = tuple(Unserved(u.task, u.reason, u.detail)
                             for u in w.result.unserved if u.task in lost)  # fmt: skip
            moved = moved_between(before, w.result)
            repair = WeekRepair(week, plan, w.changed, moved, unserved)
            detail["repair"] = plan.id
        uow.audit.record(actor.id, action, f"task {ident}", where, detail)
        uow.commit()
    return Edited(stored, new, repair)
